# SPDX-License-Identifier: GPL-2.0-or-later
# The machine file: the INI reader and the schema (libvmm-machine), and the
# tests of it and of the settings conversion it shares with devices.
vmm_libvmm_machine_la_SOURCES = \
	vmm/inifile.c vmm/inifile.h \
	vmm/machine.c vmm/machine.h \
	vmm/machine-file.c vmm/machine-priv.h
vmm_libvmm_machine_la_LIBADD = vmm/libvmm-core.la $(INIH_LIBS)
vmm_libvmm_machine_la_CFLAGS = $(AM_CFLAGS) $(INIH_CFLAGS)

check_PROGRAMS += tests/check_machine tests/check_settings
TESTS += tests/check_machine tests/check_settings

tests_check_machine_SOURCES = tests/check_machine.c
tests_check_machine_CPPFLAGS = $(AM_CPPFLAGS) \
	-DTEST_SRCDIR='"$(abs_top_srcdir)"'
tests_check_machine_CFLAGS = $(TEST_CFLAGS)
tests_check_machine_LDADD = vmm/libvmm-machine.la $(TEST_LIBS)

tests_check_settings_SOURCES = tests/check_settings.c
tests_check_settings_CFLAGS = $(TEST_CFLAGS)
tests_check_settings_LDADD = vmm/libvmm-machine.la $(TEST_LIBS)

EXTRA_DIST += \
	tests/data/machine/full.ini \
	tests/data/machine/bad.ini
