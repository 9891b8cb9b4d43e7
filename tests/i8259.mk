# SPDX-License-Identifier: GPL-2.0-or-later
# The 8259A pair (devices/i8259.c) is a pure state machine that the tcg
# chipset plugin will wrap. Until then it is built into its unit test only,
# not into any plugin or library: nothing is installed.
check_PROGRAMS += tests/check_i8259
TESTS += tests/check_i8259
UNIT_TESTS += tests/check_i8259
tests_check_i8259_SOURCES = tests/check_i8259.c devices/i8259.c \
	devices/i8259.h
tests_check_i8259_CFLAGS = $(TEST_CFLAGS)
tests_check_i8259_LDADD = $(TEST_LIBS)
