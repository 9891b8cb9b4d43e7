# SPDX-License-Identifier: GPL-2.0-or-later
# The SDK: the installed header and pkg-config files.
plugvmincludedir = $(includedir)/plugvm
plugvminclude_HEADERS = plugins/include/plugvm/plugin.h
pkgconfigdir = $(libdir)/pkgconfig
pkgconfig_DATA += plugins/plugvm-plugin.pc
