# SPDX-License-Identifier: GPL-2.0-or-later
# The core, in three convenience libraries, each on top of the one before:
#  libvmm-core    plugin loader, settings conversion, host table, bus (and the
#                 logging and parsing they need); the device test kit links
#                 this one only;
#  libvmm-machine the machine file: the INI reader and its schema;
#  libvmm         vCPUs, accelerators and the VM.
# Then the plugvm binary.
noinst_LTLIBRARIES += vmm/libvmm-core.la vmm/libvmm-machine.la vmm/libvmm.la

vmm_libvmm_core_la_SOURCES = \
	vmm/log.c vmm/log.h \
	vmm/events.c vmm/events-thread.c vmm/events-manual.c vmm/events.h vmm/events-int.h \
	vmm/wake.c vmm/wake.h \
	vmm/parse.c vmm/parse.h \
	vmm/settings.c vmm/settings.h \
	vmm/guestmem.c vmm/guestmem.h \
	vmm/iobus.c vmm/iobus.h \
	vmm/plugin.c vmm/plugin.h \
	vmm/chardev.c vmm/chardev-in.c vmm/chardev.h vmm/chardev-int.h \
	vmm/device.c vmm/devtimer.c vmm/device.h \
	vmm/irq.c vmm/irq.h \
	vmm/guard.c vmm/guard.h \
	vmm/watchdog.c vmm/watchdog.h

vmm_libvmm_la_SOURCES = \
	vmm/accel.h vmm/exit.h \
	vmm/cpu.c vmm/cpu.h \
	vmm/x86-intr.c vmm/x86-intr.h \
	vmm/vcpu.c vmm/vcpu.h \
	vmm/loader.c vmm/loader.h \
	vmm/hostmem.c vmm/hostmem.h \
	vmm/boot.c vmm/boot-linux.c vmm/boot-elf.c vmm/boot-info.c \
	vmm/boot-elf-int.h vmm/memmap.c vmm/boot.h \
	vmm/vm.c vmm/vm.h \
	vmm/chipset.c vmm/chipset.h \
	vmm/run.c \
	vmm/sandbox.c vmm/sandbox.h \
	vmm/stats.c \
	vmm/accel-tcg.c vmm/accel-tcg-x86.c vmm/accel-tcg-intr.c \
	vmm/accel-tcg.h
vmm_libvmm_la_LIBADD = vmm/libvmm-machine.la $(SECCOMP_LIBS)
vmm_libvmm_la_CFLAGS = $(AM_CFLAGS) $(UNICORN_CFLAGS) $(SECCOMP_CFLAGS)

bin_PROGRAMS += vmm/plugvm
vmm_plugvm_SOURCES = vmm/main.c
vmm_plugvm_LDADD = vmm/libvmm.la $(UNICORN_LINK)
