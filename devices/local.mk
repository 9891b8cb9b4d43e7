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

# The tcg chipset (`[machine] chipset = pc`): plugvm creates these itself.
# The plugins are the glue (pic.c, pit.c); the models (i8259.c, i8254.c)
# are pure state machines with unit tests of their own.
pkglib_LTLIBRARIES += devices/i8259.la devices/i8254.la

devices_i8259_la_SOURCES = devices/pic.c devices/i8259.c devices/i8259.h
devices_i8259_la_CFLAGS = $(AM_CFLAGS)
devices_i8259_la_LDFLAGS = $(PLUGIN_MODULE_FLAGS)

devices_i8254_la_SOURCES = devices/pit.c devices/i8254.c devices/i8254.h
devices_i8254_la_CFLAGS = $(AM_CFLAGS)
devices_i8254_la_LDFLAGS = $(PLUGIN_MODULE_FLAGS)

# Chipset pc's keyboard controller (kvm and tcg): the reset line that
# Linux's reboot pulses, and enough of the rest for its probe.
pkglib_LTLIBRARIES += devices/i8042.la
devices_i8042_la_SOURCES = devices/i8042.c
devices_i8042_la_CFLAGS = $(AM_CFLAGS)
devices_i8042_la_LDFLAGS = $(PLUGIN_MODULE_FLAGS)

# The PC's CMOS clock. Its source is the SDK's example (plugins/example/
# rtc.c, installed as documentation to build out of tree), shipped as a
# device too: Debian's kernel spins for seconds on an RTC that reads 0xff.
pkglib_LTLIBRARIES += devices/rtc.la
devices_rtc_la_SOURCES = plugins/example/rtc.c
devices_rtc_la_CFLAGS = $(AM_CFLAGS)
devices_rtc_la_LDFLAGS = $(PLUGIN_MODULE_FLAGS)
# it includes no config.h (see plugins/example.mk): rebuilt when it changes
$(devices_rtc_la_OBJECTS): $(CONFIG_HEADER)
