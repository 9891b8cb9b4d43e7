# SPDX-License-Identifier: GPL-2.0-or-later
# The device test kit: libplugvm-devtest drives a device plugin with no VM,
# through the same loader, settings conversion, host table and iobus as
# plugvm (libvmm-core, linked in and kept private by the symbol regex).
lib_LTLIBRARIES += plugins/libplugvm-devtest.la
plugins_libplugvm_devtest_la_SOURCES = plugins/devtest.c \
	plugins/devtest-chipset.c plugins/devtest-time.c \
	plugins/devtest-chardev.c plugins/devtest-priv.h
plugins_libplugvm_devtest_la_CFLAGS = $(AM_CFLAGS)
plugins_libplugvm_devtest_la_LIBADD = vmm/libvmm-core.la
plugins_libplugvm_devtest_la_LDFLAGS = $(AM_LDFLAGS) -version-info 4:0:4 \
	-no-undefined -export-symbols-regex '^plugvm_devtest_'

plugvminclude_HEADERS += plugins/include/plugvm/devtest.h
pkgconfig_DATA += plugins/plugvm-devtest.pc
