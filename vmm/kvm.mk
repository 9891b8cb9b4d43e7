# SPDX-License-Identifier: GPL-2.0-or-later
# The kvm accelerator (part of libvmm), and the kit that tests it inside a
# nested VM on machines without /dev/kvm (tests/kvm/README.md).
vmm_libvmm_la_SOURCES += vmm/accel-kvm.c vmm/accel-kvm.h vmm/accel-kvm-irq.c \
	vmm/kvm-host.c vmm/kvm-host.h

EXTRA_DIST += \
	tests/kvm/README.md \
	tests/kvm/kvm-env.sh \
	tests/kvm/mkinitramfs.sh \
	tests/kvm/run-nested.sh \
	tests/kvm/check-kvm.sh \
	tests/kvm/kvm-smoke.c \
	tests/kvm/accel-kvm-test.c \
	tests/kvm/accel-kvm-irq-test.c \
	tests/kvm/bzentry64.ini tests/kvm/bzentry32.ini \
	tests/kvm/linux-boot.sh \
	tests/kvm/bootdrive.c

# Machines only check-kvm runs, on kvm in the nested VM and on tcg here,
# each with its expected stdout (.out) and exit status (.status); their
# guests link at 0x1000, and pc-pic drives lines through testdev; rtc-irq
# in configs/ needs the example's rtc.so.
KVM_MACHINES = tests/kvm/guests/pc-pic.ini tests/kvm/guests/pc-hltcli.ini \
	tests/kvm/guests/pc-smp.ini tests/kvm/guests/pc-idle.ini
KVM_GUESTS = $(KVM_MACHINES:.ini=.bin)
EXTRA_DIST += $(KVM_MACHINES) $(KVM_MACHINES:.ini=.S) \
	$(KVM_MACHINES:.ini=.out) $(KVM_MACHINES:.ini=.status)
CLEANFILES += $(KVM_GUESTS) $(KVM_GUESTS:.bin=.o)

tests/kvm/guests/%.o: tests/kvm/guests/%.S
	$(AM_V_GEN)$(MKDIR_P) tests/kvm/guests && \
	$(CCAS) $(CCASFLAGS) -c -o $@ $<

tests/kvm/guests/%.bin: tests/kvm/guests/%.o
	$(AM_V_GEN)$(GUEST_LD) -m elf_x86_64 -N -e _start -Ttext=0x1000 \
		--oformat binary -o $@ $<

# make check-kvm: the kvm accelerator on real KVM, inside a nested VM by
# default (KVM_MODE=auto uses this machine's own /dev/kvm when it works).
# When it cannot test (no qemu, kernel, busybox-static or static libc),
# check-kvm.sh exits 77, automake's SKIP, and so does this target: make
# then fails with "Error 77", because a skip is not a pass.
KVM_MODE = nested
check-kvm: all $(KVM_GUESTS) tests/testdev.la plugins/example/rtc.la \
		tests/stress.la tests/guests/stress.bin tests/guests/bzimage.bin \
		tests/faulty.la tests/faultyok.la tests/faultybogus.la \
		tests/crashctor.la tests/guests/guard.bin
	@$(BASH) $(top_srcdir)/tests/kvm/check-kvm.sh -m $(KVM_MODE) \
		-B $(abs_top_builddir); rc=$$?; \
	if test $$rc = 77; then \
		echo "check-kvm: SKIP: nothing was tested (see above why); exit status 77"; \
	fi; \
	exit $$rc
.PHONY: check-kvm

# What a guest kernel needs under kvm (issue 12): the MP tables, and unit
# tests of them and of the CPUID table each vCPU gets (no /dev/kvm needed).
vmm_libvmm_la_SOURCES += vmm/mptable.c vmm/mptable.h
KVM_UNIT_TESTS = tests/check_mptable tests/check_kvm_cpuid
check_PROGRAMS += $(KVM_UNIT_TESTS)
TESTS += $(KVM_UNIT_TESTS)
tests_check_mptable_SOURCES = tests/check_mptable.c
tests_check_mptable_CFLAGS = $(TEST_CFLAGS)
tests_check_mptable_LDADD = vmm/libvmm.la $(UNICORN_LINK) $(TEST_LIBS)
tests_check_kvm_cpuid_SOURCES = tests/check_kvm_cpuid.c
tests_check_kvm_cpuid_CFLAGS = $(TEST_CFLAGS)
tests_check_kvm_cpuid_LDADD = vmm/libvmm.la $(UNICORN_LINK) $(TEST_LIBS)
