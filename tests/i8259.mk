# SPDX-License-Identifier: GPL-2.0-or-later
# The 8259A pair (devices/i8259.c) is a pure state machine; its unit test
# builds it in directly. The plugin around it (i8259.so, devices/pic.c) is
# tested through the device test kit (tests/check_pic.c, tests/devices.mk).
check_PROGRAMS += tests/check_i8259
TESTS += tests/check_i8259
UNIT_TESTS += tests/check_i8259
tests_check_i8259_SOURCES = tests/check_i8259.c devices/i8259.c \
	devices/i8259.h
tests_check_i8259_CFLAGS = $(TEST_CFLAGS)
tests_check_i8259_LDADD = $(TEST_LIBS)
