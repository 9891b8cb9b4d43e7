# SPDX-License-Identifier: GPL-2.0-or-later
# Machine files and the guest programs they boot. Each guest is assembled
# with GNU as (through the C preprocessor) and linked by GNU ld into a flat
# binary at the address its machine file loads it to (GUEST_ADDR).
MACHINES = \
	configs/hello.ini configs/counter.ini configs/pm-hello.ini \
	configs/lm-hello.ini configs/serial.ini configs/exit.ini \
	configs/exit-qemu.ini configs/mmio.ini configs/fault.ini \
	configs/strict.ini configs/lenient.ini configs/smp.ini \
	configs/rep.ini configs/lm-mmio.ini configs/ivt.ini \
	configs/repstop.ini configs/pm-idt.ini configs/lm-idt.ini \
	configs/mem4g.ini \
	$(PC_MACHINES)
GUESTS = \
	configs/hello.bin configs/counter.bin configs/pm-hello.bin \
	configs/lm-hello.bin configs/serial.bin configs/exit.bin \
	configs/mmio.bin configs/fault.bin configs/strict.bin configs/smp.bin \
	configs/rep.bin configs/lm-mmio.bin configs/ivt.bin \
	configs/repstop.bin configs/pm-idt.bin configs/lm-idt.bin \
	configs/mem4g.bin \
	$(PC_GUESTS)

# Machines with `chipset = pc`: interrupts and time, the same on tcg and
# kvm. Their guests share configs/pc.h. rtc-irq.ini needs the example RTC
# plugin (plugins/example.mk builds it for make check; run-machine.sh
# adds its directory to the plugin path).
PC_MACHINES = configs/pit-real.ini configs/pit-pm.ini configs/pit-lm.ini \
	configs/serial-probe.ini configs/serial-echo.ini configs/serial-shared.ini \
	configs/pit-ch2.ini configs/rtc-irq.ini configs/reboot.ini
PC_GUESTS = $(PC_MACHINES:.ini=.bin)
$(PC_GUESTS:.bin=.o): configs/pc.h
EXTRA_DIST += configs/pc.h

# Link addresses: where the machine file's [image] puts each guest.
GUEST_ADDR = 0x1000
configs/counter.bin: GUEST_ADDR = 0

machinesdir = $(pkgdatadir)/machines
machines_DATA = $(MACHINES) $(GUESTS)
EXTRA_DIST += $(MACHINES) $(GUESTS:.bin=.S)
CLEANFILES += $(GUESTS) $(GUESTS:.bin=.o) configs/.stamp-ini
noinst_DATA += configs/.stamp-ini

configs/%.o: configs/%.S
	$(AM_V_GEN)$(MKDIR_P) configs && \
	$(CCAS) $(CCASFLAGS) -c -o $@ $<

configs/%.bin: configs/%.o
	$(AM_V_GEN)$(GUEST_LD) -m elf_x86_64 -N -e _start -Ttext=$(GUEST_ADDR) \
		--oformat binary -o $@ $<

# In a build tree apart from the sources, put the machine files next to
# the guests they load, so `vmm/plugvm configs/hello.ini` works there too.
configs/.stamp-ini: $(MACHINES:%=$(srcdir)/%)
	$(AM_V_GEN)$(MKDIR_P) configs && \
	if test "$(srcdir)" != "."; then \
		for f in $(MACHINES); do cp -f $(srcdir)/$$f configs/; done; \
	fi && touch $@

clean-local: clean-local-configs
clean-local-configs:
	-if test "$(srcdir)" != "."; then rm -f $(MACHINES); fi
.PHONY: clean-local-configs
