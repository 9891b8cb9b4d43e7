# SPDX-License-Identifier: GPL-2.0-or-later
# The core: libvmm-core (no accelerator, shared with the device test kit),
# libvmm (machine, vCPUs, accelerators) and the plugvm binary.
noinst_LTLIBRARIES += vmm/libvmm-core.la vmm/libvmm.la

vmm_libvmm_core_la_SOURCES = \
	vmm/log.c vmm/log.h \
	vmm/iobus.c vmm/iobus.h \
	vmm/plugin.c vmm/plugin.h \
	vmm/device.c vmm/device.h
vmm_libvmm_core_la_LIBADD = $(INIH_LIBS)
vmm_libvmm_core_la_CFLAGS = $(AM_CFLAGS) $(INIH_CFLAGS)

vmm_libvmm_la_SOURCES = \
	vmm/accel.h \
	vmm/cpu.c vmm/cpu.h \
	vmm/vcpu.c vmm/vcpu.h \
	vmm/vm.c vmm/vm.h \
	vmm/accel-tcg.c
vmm_libvmm_la_LIBADD = vmm/libvmm-core.la
vmm_libvmm_la_CFLAGS = $(AM_CFLAGS) $(UNICORN_CFLAGS)

bin_PROGRAMS += vmm/plugvm
vmm_plugvm_SOURCES = vmm/main.c
vmm_plugvm_LDADD = vmm/libvmm.la $(UNICORN_LINK)
