# SPDX-License-Identifier: GPL-2.0-or-later
# The 8254 PIT model (devices/i8254.c), a pure state machine over time the
# caller passes in; its unit test builds it in directly. The plugin around
# it (i8254.so, devices/pit.c) is tested through the device test kit
# (tests/check_pit.c, tests/devices.mk).
check_PROGRAMS += tests/check_i8254
TESTS += tests/check_i8254
UNIT_TESTS += tests/check_i8254
tests_check_i8254_SOURCES = tests/check_i8254.c devices/i8254.c \
	devices/i8254.h
tests_check_i8254_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/devices
tests_check_i8254_CFLAGS = $(TEST_CFLAGS)
tests_check_i8254_LDADD = $(TEST_LIBS)
