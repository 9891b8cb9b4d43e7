# SPDX-License-Identifier: GPL-2.0-or-later
# Timers and fd watches: the unit test of vmm/events.c is with the core's
# (tests/local.mk); here the test kit's virtual clock and injected
# readiness through tests/plugins/ticker.c, and the same device in plugvm.
check_LTLIBRARIES += tests/ticker.la
tests_ticker_la_SOURCES = tests/plugins/ticker.c
tests_ticker_la_LDFLAGS = $(TEST_PLUGIN_FLAGS) -no-undefined

check_PROGRAMS += tests/check_ticker
TESTS += tests/check_ticker
UNIT_TESTS += tests/check_ticker
tests_check_ticker_SOURCES = tests/check_ticker.c
tests_check_ticker_CFLAGS = $(TEST_CFLAGS)
tests_check_ticker_LDADD = $(DEVICE_TEST_LDADD)
tests_check_ticker_LDFLAGS = $(DEVICE_TEST_LINKFLAGS)
EXTRA_tests_check_ticker_DEPENDENCIES = tests/ticker.la

TEST_GUESTS += tests/guests/tickpoll.bin
TESTS += tests/ticker.sh
EXTRA_DIST += tests/ticker.sh
