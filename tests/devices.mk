# SPDX-License-Identifier: GPL-2.0-or-later
# Unit tests of the shipped devices, through the device test kit. They load
# the plugins from the build tree ($PLUGVM_DEVICES, see tests/local.mk), so
# each depends on its plugin. -no-install links a real binary, not a libtool
# wrapper script, so that valgrind (VALGRIND=1) sees the test itself.
DEVICE_TESTS = tests/check_serial tests/check_debugport tests/check_nullmmio \
	tests/check_chardev tests/check_pic tests/check_pit tests/check_i8042
check_PROGRAMS += $(DEVICE_TESTS)
TESTS += $(DEVICE_TESTS)

DEVICE_TEST_LDADD = plugins/libplugvm-devtest.la $(TEST_LIBS)
DEVICE_TEST_LINKFLAGS = $(AM_LDFLAGS) -no-install

tests_check_serial_SOURCES = tests/check_serial.c
tests_check_serial_CFLAGS = $(TEST_CFLAGS)
tests_check_serial_LDADD = $(DEVICE_TEST_LDADD)
tests_check_serial_LDFLAGS = $(DEVICE_TEST_LINKFLAGS)
EXTRA_tests_check_serial_DEPENDENCIES = devices/serial.la

tests_check_debugport_SOURCES = tests/check_debugport.c
tests_check_debugport_CFLAGS = $(TEST_CFLAGS)
tests_check_debugport_LDADD = $(DEVICE_TEST_LDADD)
tests_check_debugport_LDFLAGS = $(DEVICE_TEST_LINKFLAGS)
EXTRA_tests_check_debugport_DEPENDENCIES = devices/debugport.la

# The host's character sinks, through the kit: the shipped devices' output
# and tests/plugins/chartest.c's misuses of it.
tests_check_chardev_SOURCES = tests/check_chardev.c
tests_check_chardev_CFLAGS = $(TEST_CFLAGS)
tests_check_chardev_LDADD = $(DEVICE_TEST_LDADD)
tests_check_chardev_LDFLAGS = $(DEVICE_TEST_LINKFLAGS)
EXTRA_tests_check_chardev_DEPENDENCIES = devices/serial.la \
	devices/debugport.la tests/chartest.la tests/chrin.la

tests_check_nullmmio_SOURCES = tests/check_nullmmio.c
tests_check_nullmmio_CFLAGS = $(TEST_CFLAGS)
tests_check_nullmmio_LDADD = $(DEVICE_TEST_LDADD)
tests_check_nullmmio_LDFLAGS = $(DEVICE_TEST_LINKFLAGS)
EXTRA_tests_check_nullmmio_DEPENDENCIES = devices/nullmmio.la tests/testdev.la

# The tcg chipset's 8259A plugin through the kit (chipset "pc").
tests_check_pic_SOURCES = tests/check_pic.c
tests_check_pic_CFLAGS = $(TEST_CFLAGS)
tests_check_pic_LDADD = $(DEVICE_TEST_LDADD)
tests_check_pic_LDFLAGS = $(DEVICE_TEST_LINKFLAGS)
EXTRA_tests_check_pic_DEPENDENCIES = devices/i8259.la devices/i8254.la \
	tests/testdev.la

# The tcg chipset's 8254 plugin through the kit, on its virtual clock.
tests_check_pit_SOURCES = tests/check_pit.c
tests_check_pit_CFLAGS = $(TEST_CFLAGS)
tests_check_pit_LDADD = $(DEVICE_TEST_LDADD)
tests_check_pit_LDFLAGS = $(DEVICE_TEST_LINKFLAGS)
EXTRA_tests_check_pit_DEPENDENCIES = devices/i8254.la devices/i8259.la

# Chipset pc's 8042 through the kit, with its pc chipset for IRQ 1 and 12.
tests_check_i8042_SOURCES = tests/check_i8042.c
tests_check_i8042_CFLAGS = $(TEST_CFLAGS)
tests_check_i8042_LDADD = $(DEVICE_TEST_LDADD)
tests_check_i8042_LDFLAGS = $(DEVICE_TEST_LINKFLAGS)
EXTRA_tests_check_i8042_DEPENDENCIES = devices/i8042.la devices/i8259.la \
	devices/i8254.la

# The kit against a real machine on tcg: the same accesses, the same
# device-side result (runs plugvm, so not among the unit tests).
check_PROGRAMS += tests/check_kitcmp
TESTS += tests/check_kitcmp
tests_check_kitcmp_SOURCES = tests/check_kitcmp.c
tests_check_kitcmp_CFLAGS = $(TEST_CFLAGS)
tests_check_kitcmp_LDADD = $(DEVICE_TEST_LDADD)
tests_check_kitcmp_LDFLAGS = $(DEVICE_TEST_LINKFLAGS)
EXTRA_tests_check_kitcmp_DEPENDENCIES = devices/debugport.la \
	devices/nullmmio.la vmm/plugvm $(TEST_GUESTS)
