# SPDX-License-Identifier: GPL-2.0-or-later
# The shipped device plugins, one file each: devices/.libs/<type>.so.
pkglib_LTLIBRARIES += devices/serial.la devices/debugport.la \
	devices/nullmmio.la

devices_serial_la_SOURCES = devices/serial.c
devices_serial_la_CFLAGS = $(AM_CFLAGS)
devices_serial_la_LDFLAGS = $(PLUGIN_MODULE_FLAGS)

devices_debugport_la_SOURCES = devices/debugport.c
devices_debugport_la_CFLAGS = $(AM_CFLAGS)
devices_debugport_la_LDFLAGS = $(PLUGIN_MODULE_FLAGS)

devices_nullmmio_la_SOURCES = devices/nullmmio.c
devices_nullmmio_la_CFLAGS = $(AM_CFLAGS)
devices_nullmmio_la_LDFLAGS = $(PLUGIN_MODULE_FLAGS)
