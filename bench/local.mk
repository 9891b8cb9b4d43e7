# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmarks: built and run by `make bench` only, never by `make all` or
# `make check`. bench/run.sh compares plugvm (tcg) with a bare Unicorn
# engine and with QEMU TCG on the same guests, and plugvm (kvm) with a bare
# KVM_RUN loop when /dev/kvm works; it prints a table and writes
# bench/results.csv. Options go through BENCH_FLAGS, e.g.
#	make bench BENCH_FLAGS='-n 1000000 -r 3 -k 100000'
BENCH_PROGS = bench/runner$(EXEEXT) bench/raw-unicorn$(EXEEXT) \
	bench/dispatch$(EXEEXT) bench/kvm-bare$(EXEEXT) bench/tickfloor$(EXEEXT)
EXTRA_PROGRAMS = bench/runner bench/raw-unicorn bench/dispatch \
	bench/kvm-bare bench/tickfloor

bench_runner_SOURCES = bench/runner.c

bench_raw_unicorn_SOURCES = bench/raw-unicorn.c
bench_raw_unicorn_CFLAGS = $(AM_CFLAGS) $(UNICORN_CFLAGS)
bench_raw_unicorn_LDADD = $(UNICORN_LINK)

bench_tickfloor_SOURCES = bench/tickfloor.c

bench_dispatch_SOURCES = bench/dispatch.c
bench_dispatch_LDADD = vmm/libvmm-core.la -lm

# vmm/cpu.c compiled in, so the GDT and registers are plugvm's own; the
# per-target CFLAGS give its object a name of its own.
bench_kvm_bare_SOURCES = bench/kvm-bare.c vmm/cpu.c vmm/cpu.h
bench_kvm_bare_CFLAGS = $(AM_CFLAGS)

# The guests: one flat binary each, linked at 1 MiB, that plugvm, the bare
# Unicorn engine and QEMU (as a multiboot kernel) all run unchanged.
BENCH_GUESTS = bench/guests/startup.bin bench/guests/pio.bin \
	bench/guests/irq.bin bench/guests/idle.bin \
	bench/guests/mmio.bin bench/guests/compute.bin \
	bench/guests/serial.bin
BENCH_GUEST_ADDR = 0x100000

bench/guests/%.o: bench/guests/%.S bench/guests/guest.h bench/guests/pc.h
	$(AM_V_GEN)$(MKDIR_P) bench/guests && \
	$(CCAS) $(CCASFLAGS) -c -o $@ $<

bench/guests/%.bin: bench/guests/%.o
	$(AM_V_GEN)$(GUEST_LD) -m elf_x86_64 -N -e _start \
		-Ttext=$(BENCH_GUEST_ADDR) --oformat binary -o $@ $<

EXTRA_DIST += bench/run.sh bench/guests/guest.h bench/guests/pc.h $(BENCH_GUESTS:.bin=.S)
CLEANFILES += $(BENCH_PROGS) $(BENCH_GUESTS) $(BENCH_GUESTS:.bin=.o) \
	bench/results.csv

bench: all $(BENCH_PROGS) $(BENCH_GUESTS)
	BENCH_BUILDDIR='$(abs_top_builddir)' \
		$(SHELL) $(srcdir)/bench/run.sh $(BENCH_FLAGS)

.PHONY: bench

# Boot time of Debian's kernel to /init, plugvm against QEMU, both on kvm
# in check-kvm's nested VM (bench/linux-boot.sh; a minute or so a boot):
#	make bench-linux BENCH_LINUX_FLAGS='-r 5'
EXTRA_DIST += bench/linux-boot.sh
bench-linux: all plugins/example/rtc.la
	@$(BASH) $(srcdir)/bench/linux-boot.sh -B $(abs_top_builddir) \
		$(BENCH_LINUX_FLAGS)
.PHONY: bench-linux
