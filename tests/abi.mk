# SPDX-License-Identifier: GPL-2.0-or-later
# The plugin ABI, pinned (tests/check_abi.c): every public struct member's
# size and offset, the enum values and the callback signatures. When it
# fails, read the comment at the top of check_abi.c before changing it.
check_PROGRAMS += tests/check_abi
TESTS += tests/check_abi
UNIT_TESTS += tests/check_abi
tests_check_abi_SOURCES = tests/check_abi.c
tests_check_abi_CFLAGS = $(TEST_CFLAGS)
tests_check_abi_LDADD = $(TEST_LIBS)
