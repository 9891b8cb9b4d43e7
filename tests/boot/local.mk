# SPDX-License-Identifier: GPL-2.0-or-later
# Test kernels for the [linux] section's other formats (vmm/boot-elf.c):
# a multiboot kernel as ELF (linked by a script, and by ld's defaults) and
# as an a.out-kludge flat binary, a plain
# ELF32 and a plain (upper-half) ELF64 kernel, an ELF kernel with a PVH
# note. Each machine file is a make check test
# (run-machine.sh, expected output and status in tests/expected/), and
# make check-kvm runs them on kvm too (tests/kvm/check-kvm.sh).
BOOT_MACHINES = tests/boot/mb-info.ini tests/boot/mb-aout.ini \
	tests/boot/mb-ld.ini tests/boot/elf32.ini tests/boot/elf64.ini \
	tests/boot/pvh.ini
BOOT_KERNELS = tests/boot/mb-info.elf tests/boot/mb-aout.bin \
	tests/boot/mb-ld.elf tests/boot/elf32.elf tests/boot/elf64.elf \
	tests/boot/pvh.elf
BOOT_MODULES = tests/boot/mod1.txt tests/boot/mod2.txt
TESTS += $(BOOT_MACHINES)
# The multiboot and PVH kernels against QEMU's -kernel (TAP; SKIP without
# qemu-system-x86_64).
TESTS += tests/boot/qemu.sh
noinst_DATA += $(BOOT_KERNELS) tests/boot/.stamp-ini
EXTRA_DIST += $(BOOT_MACHINES) $(BOOT_MODULES) tests/boot/io.h \
	tests/boot/qemu.sh \
	tests/boot/kernel32.lds tests/boot/high.lds tests/boot/pvh.lds \
	tests/boot/mb-info.S tests/boot/elf32.S tests/boot/elf64.S \
	tests/boot/pvh.S
CLEANFILES += $(BOOT_KERNELS) tests/boot/mb-info.o tests/boot/mb-aout.o \
	tests/boot/elf32.o tests/boot/elf64.o tests/boot/pvh.o \
	tests/boot/.stamp-ini

BOOT_CCAS = $(CCAS) $(CCASFLAGS) -I$(srcdir)/tests/boot -c
BOOT_LD = $(GUEST_LD) -z max-page-size=0x1000 -z noexecstack
BOOT_LDS32 = $(srcdir)/tests/boot/kernel32.lds
tests/boot/mb-info.o tests/boot/mb-aout.o tests/boot/elf32.o \
tests/boot/elf64.o tests/boot/pvh.o: tests/boot/io.h

tests/boot/mb-info.o: tests/boot/mb-info.S
	$(AM_V_GEN)$(MKDIR_P) tests/boot && $(BOOT_CCAS) -m32 -o $@ $<
tests/boot/mb-aout.o: tests/boot/mb-info.S
	$(AM_V_GEN)$(MKDIR_P) tests/boot && $(BOOT_CCAS) -m32 -DAOUT -o $@ $<
tests/boot/elf32.o: tests/boot/elf32.S
	$(AM_V_GEN)$(MKDIR_P) tests/boot && $(BOOT_CCAS) -m32 -o $@ $<
tests/boot/pvh.o: tests/boot/pvh.S
	$(AM_V_GEN)$(MKDIR_P) tests/boot && $(BOOT_CCAS) -m32 -o $@ $<
tests/boot/elf64.o: tests/boot/elf64.S
	$(AM_V_GEN)$(MKDIR_P) tests/boot && $(BOOT_CCAS) -o $@ $<

tests/boot/mb-info.elf tests/boot/elf32.elf: $(BOOT_LDS32)
tests/boot/mb-info.elf: tests/boot/mb-info.o
	$(AM_V_GEN)$(BOOT_LD) -m elf_i386 -T $(BOOT_LDS32) -o $@ $<
# mb-ld: the same kernel linked as tutorials do, with no script: GNU ld
# puts the ELF headers in a segment of their own at 0xff000.
tests/boot/mb-ld.elf: tests/boot/mb-info.o
	$(AM_V_GEN)$(BOOT_LD) -m elf_i386 -e _start -Ttext=0x100000 -o $@ $<
tests/boot/mb-aout.bin: tests/boot/mb-aout.o $(BOOT_LDS32)
	$(AM_V_GEN)$(BOOT_LD) -m elf_i386 -T $(BOOT_LDS32) --oformat binary \
		-o $@ $<
tests/boot/elf32.elf: tests/boot/elf32.o
	$(AM_V_GEN)$(BOOT_LD) -m elf_i386 -T $(BOOT_LDS32) -o $@ $<
tests/boot/pvh.elf: tests/boot/pvh.o $(srcdir)/tests/boot/pvh.lds
	$(AM_V_GEN)$(BOOT_LD) -m elf_i386 -T $(srcdir)/tests/boot/pvh.lds \
		-o $@ $<
tests/boot/elf64.elf: tests/boot/elf64.o $(srcdir)/tests/boot/high.lds
	$(AM_V_GEN)$(BOOT_LD) -m elf_x86_64 -T $(srcdir)/tests/boot/high.lds \
		-o $@ $<

# In a build tree apart from the sources, the machine files and modules go
# next to the kernels they name (relative paths resolve against the
# machine file's directory).
tests/boot/.stamp-ini: $(BOOT_MACHINES:%=$(srcdir)/%) \
		$(BOOT_MODULES:%=$(srcdir)/%)
	$(AM_V_GEN)$(MKDIR_P) tests/boot && \
	if test "$(srcdir)" != "."; then \
		for f in $(BOOT_MACHINES) $(BOOT_MODULES); do \
			cp -f $(srcdir)/$$f tests/boot/; done; \
	fi && touch $@

clean-local: clean-local-boot
clean-local-boot:
	-if test "$(srcdir)" != "."; then \
		rm -f $(BOOT_MACHINES) $(BOOT_MODULES); fi
.PHONY: clean-local-boot
