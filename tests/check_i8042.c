// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_i8042.c - chipset pc's keyboard controller (devices/i8042.c)
 * through the device test kit, whose pc chipset creates it as plugvm does
 * (IRQ 1 and 12 are seen as the PIC receives them); a second one cannot
 * be added. The sequences are those of
 * Linux's i8042 and atkbd drivers at boot, and of its reboot.
 */
#include "config.h"

#include <plugvm/devtest.h>

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define DATA 0x60
#define CMD 0x64

#define STR_OBF 0x01
#define STR_SYS 0x04
#define STR_CMDDAT 0x08
#define STR_AUXDATA 0x20

static struct plugvm_devtest *t;

/* The kit's chipset pc creates the 8042 itself, as plugvm does. */
static void setup(void)
{
	t = plugvm_devtest_new(0);
	ck_assert_ptr_nonnull(t);
	ck_assert_msg(plugvm_devtest_set_chipset(t, "pc") == 0, "%s",
		      plugvm_devtest_error(t));
}

static void teardown(void)
{
	plugvm_devtest_free(t);
	t = NULL;
}

static uint8_t in8(uint16_t port)
{
	uint8_t v = plugvm_devtest_inb(t, port);

	ck_assert_int_eq(plugvm_devtest_last_result(t), PLUGVM_DEVTEST_OK);
	return v;
}

static void out8(uint16_t port, uint8_t v)
{
	plugvm_devtest_outb(t, port, v);
	ck_assert_int_eq(plugvm_devtest_last_result(t), PLUGVM_DEVTEST_OK);
}

/* A controller command with one answer: the answer. */
static uint8_t command(uint8_t cmd)
{
	out8(CMD, cmd);
	ck_assert_uint_eq(in8(CMD) & STR_OBF, STR_OBF);
	return in8(DATA);
}

static bool line(unsigned irq)
{
	return plugvm_devtest_irq(t, irq).level;
}

/* ---- core -------------------------------------------------------------- */

START_TEST(test_power_on)
{
	/* empty, POST passed, the keyboard unlocked; no line high */
	ck_assert_uint_eq(in8(CMD), 0x14);
	ck_assert_uint_eq(command(0x20), 0x45);
	ck_assert_uint_eq(command(0xd0), 0x03);
	ck_assert(!line(1));
	ck_assert(!line(12));
	ck_assert(!plugvm_devtest_exit_requested(t, NULL));
}
END_TEST

/* i8042_controller_selftest() and _check(): 0xaa -> 0x55. */
START_TEST(test_self_tests)
{
	ck_assert_uint_eq(command(0xaa), 0x55);
	ck_assert_uint_eq(in8(CMD) & STR_SYS, STR_SYS);
	ck_assert_uint_eq(command(0xab), 0x00);
	ck_assert_uint_eq(command(0xa9), 0x00);
	/* the last write went to 0x64, then one to 0x60 clears that */
	ck_assert_uint_eq(in8(CMD) & STR_CMDDAT, STR_CMDDAT);
	out8(DATA, 0xf4);
	ck_assert_uint_eq(in8(CMD) & STR_CMDDAT, 0);
}
END_TEST

/* The command byte: written, read back, and port enables in it. */
START_TEST(test_ctr)
{
	out8(CMD, 0x60);
	out8(DATA, 0x74);
	ck_assert_uint_eq(command(0x20), 0x74);
	out8(CMD, 0xa8); /* AUX on: bit 5 clear */
	out8(CMD, 0xae); /* keyboard on: bit 4 clear */
	ck_assert_uint_eq(command(0x20), 0x44);
	out8(CMD, 0xa7);
	out8(CMD, 0xad);
	ck_assert_uint_eq(command(0x20), 0x74);
	/* nothing is queued by those: the buffer is empty again */
	ck_assert_uint_eq(in8(CMD) & STR_OBF, 0);
	/* an empty buffer reads as the last byte taken */
	ck_assert_uint_eq(in8(DATA), 0x74);
}
END_TEST

/* atkbd: reset, identify (translated and not), LEDs with parameter. */
START_TEST(test_keyboard)
{
	out8(DATA, 0xff);
	ck_assert_uint_eq(in8(DATA), 0xfa);
	ck_assert_uint_eq(in8(DATA), 0xaa);
	ck_assert_uint_eq(in8(CMD) & STR_OBF, 0);
	out8(DATA, 0xf2);
	ck_assert_uint_eq(in8(DATA), 0xfa);
	ck_assert_uint_eq(in8(DATA), 0xab);
	ck_assert_uint_eq(in8(DATA), 0x41);
	out8(CMD, 0x60);
	out8(DATA, 0x05); /* translation off */
	out8(DATA, 0xf2);
	ck_assert_uint_eq(in8(DATA), 0xfa);
	ck_assert_uint_eq(in8(DATA), 0xab);
	ck_assert_uint_eq(in8(DATA), 0x83);
	out8(DATA, 0xed); /* LEDs, then their byte: each acknowledged */
	ck_assert_uint_eq(in8(DATA), 0xfa);
	out8(DATA, 0xff); /* the parameter, not a reset */
	ck_assert_uint_eq(in8(DATA), 0xfa);
	ck_assert_uint_eq(in8(CMD) & STR_OBF, 0);
	out8(DATA, 0xee);
	ck_assert_uint_eq(in8(DATA), 0xee);
}
END_TEST

/* IRQ 1 follows a keyboard byte in the buffer while bit 0 enables it. */
START_TEST(test_irq1)
{
	out8(DATA, 0xff);
	ck_assert(line(1));
	ck_assert_uint_eq(in8(DATA), 0xfa);
	ck_assert(line(1)); /* 0xaa still waits */
	ck_assert_uint_eq(in8(DATA), 0xaa);
	ck_assert(!line(1));
	ck_assert_uint_eq(plugvm_devtest_irq(t, 1).edges, 2);
	/* interrupt off: the byte waits without the line */
	out8(CMD, 0x60);
	out8(DATA, 0x44);
	out8(DATA, 0xf4);
	ck_assert(!line(1));
	ck_assert_uint_eq(in8(CMD) & STR_OBF, STR_OBF);
	/* on again with the byte there: the line rises */
	out8(CMD, 0x60);
	ck_assert(!line(1));
	out8(DATA, 0x45);
	ck_assert(line(1));
	ck_assert_uint_eq(in8(DATA), 0xfa);
	ck_assert(!line(1));
}
END_TEST

/* i8042_check_aux(): the loop command, then the AUX interrupt test. */
START_TEST(test_aux_loop)
{
	out8(CMD, 0xd3);
	out8(DATA, 0x5a);
	ck_assert_uint_eq(in8(CMD) & (STR_OBF | STR_AUXDATA),
			  STR_OBF | STR_AUXDATA);
	ck_assert(!line(12)); /* bit 1 off at power-on */
	ck_assert(!line(1));  /* not a keyboard byte */
	ck_assert_uint_eq(in8(DATA), 0x5a);
	out8(CMD, 0x60);
	out8(DATA, 0x47); /* AUX interrupt on */
	out8(CMD, 0xd3);
	out8(DATA, 0xa5);
	ck_assert(line(12));
	ck_assert_uint_eq(in8(DATA), 0xa5);
	ck_assert(!line(12));
	/* bytes for the mouse: none attached, nothing comes back */
	out8(CMD, 0xd4);
	out8(DATA, 0xf2);
	ck_assert_uint_eq(in8(CMD) & STR_OBF, 0);
	/* 0xd2 puts a keyboard byte in the buffer */
	out8(CMD, 0xd2);
	out8(DATA, 0x1c);
	ck_assert(line(1));
	ck_assert_uint_eq(in8(DATA), 0x1c);
}
END_TEST

/* ---- reset ------------------------------------------------------------- */

/* Linux's reboot=k: 0xfe to port 0x64 stops the machine with status 0. */
START_TEST(test_reset_pulse)
{
	int status = -1;

	out8(CMD, 0xff); /* pulses nothing */
	ck_assert(!plugvm_devtest_exit_requested(t, NULL));
	out8(CMD, 0xfe);
	ck_assert(plugvm_devtest_exit_requested(t, &status));
	ck_assert_int_eq(status, 0);
	ck_assert(plugvm_devtest_log_contains(t, "reset line"));
}
END_TEST

/* Other pulses with bit 0 clear reset too (0xf0: all four bits). */
START_TEST(test_reset_pulse_f0)
{
	int status = -1;

	out8(CMD, 0xf1); /* bit 0 set: no reset */
	ck_assert(!plugvm_devtest_exit_requested(t, NULL));
	out8(CMD, 0xf0);
	ck_assert(plugvm_devtest_exit_requested(t, &status));
	ck_assert_int_eq(status, 0);
}
END_TEST

/* The output port: bit 0 low is the reset line asserted. */
START_TEST(test_reset_outport)
{
	int status = -1;

	out8(CMD, 0xd1);
	out8(DATA, 0xdf); /* A20 on, reset line high: nothing happens */
	ck_assert(!plugvm_devtest_exit_requested(t, NULL));
	ck_assert_uint_eq(command(0xd0), 0xdf);
	out8(CMD, 0xd1);
	out8(DATA, 0xde);
	ck_assert(plugvm_devtest_exit_requested(t, &status));
	ck_assert_int_eq(status, 0);
}
END_TEST

/* ---- errors ------------------------------------------------------------ */

/* The chipset's ports are taken, as in plugvm. */
START_TEST(test_second_refused)
{
	const char *dir = getenv("PLUGVM_DEVICES");
	char path[4096];

	snprintf(path, sizeof(path), "%s/i8042.so",
		 dir ? dir : "devices/.libs");
	ck_assert_int_eq(plugvm_devtest_add(t, path, "kbd2", NULL), -EBUSY);
}
END_TEST

START_TEST(test_unknown_command)
{
	out8(CMD, 0x99);
	ck_assert(plugvm_devtest_log_contains(
		t, "unknown controller command 0x99"));
	ck_assert_uint_eq(in8(CMD) & STR_OBF, 0);
	ck_assert(!plugvm_devtest_exit_requested(t, NULL));
}
END_TEST

/* A guest that never reads: the buffer stops growing, said. */
START_TEST(test_overrun)
{
	for (int i = 0; i < 40; i++)
		out8(DATA, 0xf4);
	ck_assert(plugvm_devtest_log_contains(t, "output buffer overrun"));
	for (int i = 0; i < 16; i++)
		ck_assert_uint_eq(in8(DATA), 0xfa);
	ck_assert_uint_eq(in8(CMD) & STR_OBF, 0);
}
END_TEST

/* Words and dwords are refused: the ports are a byte wide. */
START_TEST(test_sizes)
{
	uint64_t v = 0;

	ck_assert_int_ne(plugvm_devtest_pio_read(t, CMD, 2, &v),
			 PLUGVM_DEVTEST_OK);
	ck_assert_int_ne(plugvm_devtest_pio_write(t, DATA, 4, 0xfe),
			 PLUGVM_DEVTEST_OK);
}
END_TEST

/* reset() empties the buffer and restores the command byte. */
START_TEST(test_device_reset)
{
	out8(CMD, 0x60);
	out8(DATA, 0x00);
	out8(CMD, 0xd2);
	out8(DATA, 0x11);
	plugvm_devtest_reset(t);
	ck_assert_uint_eq(in8(CMD), 0x14);
	ck_assert_uint_eq(command(0x20), 0x45);
}
END_TEST

static Suite *i8042_suite(void)
{
	Suite *s = suite_create("i8042");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_power_on);
	tcase_add_test(tc, test_self_tests);
	tcase_add_test(tc, test_ctr);
	tcase_add_test(tc, test_keyboard);
	tcase_add_test(tc, test_irq1);
	tcase_add_test(tc, test_aux_loop);
	suite_add_tcase(s, tc);

	tc = tcase_create("reset");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_reset_pulse);
	tcase_add_test(tc, test_reset_pulse_f0);
	tcase_add_test(tc, test_reset_outport);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_second_refused);
	tcase_add_test(tc, test_unknown_command);
	tcase_add_test(tc, test_overrun);
	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_device_reset);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(i8042_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
