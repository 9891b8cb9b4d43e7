// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_pit.c - the 8254 plugin (i8254.so) and port 0x61 as a guest sees
 * them: through the device test kit with chipset "pc" (which loads it, and
 * the 8259A pair, as plugvm does on tcg), on the kit's virtual clock. IRQ 0
 * is seen where a guest sees it: through the PIC (plugvm_devtest_intr and
 * inta) and as the line's level and edges. The model's state machine at
 * exact times is check_i8254.c's; this is the glue: ports, the clock, and
 * the one timer that walks OUT's edges onto IRQ 0.
 *
 * Times are T(k), the first nanosecond of PIT tick k, as in check_i8254.c:
 * a write at T(k) loads a count on tick k + 1.
 */
#include "config.h"

#include <plugvm/devtest.h>

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define F 1193182ull
#define NS 1000000000ull

/* The first nanosecond of PIT tick @k. */
static uint64_t T(uint64_t k)
{
	return k / F * NS + (k % F * NS + F - 1) / F;
}

static struct plugvm_devtest *t;

static void setup(void)
{
	t = plugvm_devtest_new(0);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(plugvm_devtest_set_chipset(t, "pc"), 0);
	ck_assert_uint_eq(plugvm_devtest_clock_ns(t), 0);
}

static void teardown(void)
{
	plugvm_devtest_free(t);
	t = NULL;
}

/* Move the virtual clock to @ns (not backwards); timers run on the way. */
static void at(uint64_t ns)
{
	uint64_t now = plugvm_devtest_clock_ns(t);

	ck_assert_uint_ge(ns, now);
	plugvm_devtest_clock_step(t, ns - now);
}

static void out8(uint16_t port, uint8_t v)
{
	plugvm_devtest_outb(t, port, v);
	ck_assert_uint_eq(plugvm_devtest_last_result(t), PLUGVM_DEVTEST_OK);
}

static uint8_t in8(uint16_t port)
{
	uint8_t v = plugvm_devtest_inb(t, port);

	ck_assert_uint_eq(plugvm_devtest_last_result(t), PLUGVM_DEVTEST_OK);
	return v;
}

/* A control word, then a two-byte count. */
static void program(unsigned ch, uint8_t cw, uint16_t count)
{
	out8(0x43, cw);
	out8(0x40 + ch, count & 0xff);
	out8(0x40 + ch, count >> 8);
}

/* Counter latch command, then LSB and MSB. */
static unsigned latched(unsigned ch)
{
	unsigned lo;

	out8(0x43, (uint8_t)(ch << 6));
	lo = in8(0x40 + ch);
	return lo | in8(0x40 + ch) << 8;
}

/* Two reads of a counter port, LSB first (in this order: the operands of
 * | are unsequenced). */
static unsigned read16(uint16_t port)
{
	unsigned lo = in8(port);

	return lo | in8(port) << 8;
}

/* Read-back status of channel @ch. */
static unsigned status(unsigned ch)
{
	out8(0x43, (uint8_t)(0xe0 | 2u << ch));
	return in8(0x40 + ch);
}

/* The PICs as the BIOS leaves them, everything unmasked. */
static void pic_init(void)
{
	static const uint8_t seq[][2] = {
		{ 0x20, 0x11 }, { 0x21, 0x08 }, { 0x21, 0x04 }, { 0x21, 0x01 },
		{ 0xa0, 0x11 }, { 0xa1, 0x70 }, { 0xa1, 0x02 }, { 0xa1, 0x01 },
		{ 0x21, 0x00 }, { 0xa1, 0x00 },
	};

	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
		out8(seq[i][0], seq[i][1]);
}

/* vCPU 0 takes IRQ 0 (vector 8) and EOIs it. */
static void take_irq0(void)
{
	ck_assert(plugvm_devtest_intr(t, 0));
	ck_assert_int_eq(plugvm_devtest_inta(t, 0), 0x08);
	out8(0x20, 0x20);
}

/* ------------------------------------------------------------------------ */
/* IRQ 0                                                                    */
/* ------------------------------------------------------------------------ */

/* Linux's periodic tick: mode 2, 1193 CLKs (HZ = 1000). */
START_TEST(test_irq0_mode2)
{
	pic_init();
	at(1000); /* tick 1 */
	program(0, 0x34, 1193);
	/* quiet until the end of the first period: the line counts as high
	 * since power-on, and mode 2's OUT is high */
	ck_assert_uint_eq(plugvm_devtest_irq(t, 0).edges, 0);
	/* one timer, for OUT's rise one clock after its fall at count 1
	 * (loaded on tick 2): the short low pulse costs no wake-up of its
	 * own, the rise's callback drives both edges */
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), T(1195));
	for (uint64_t k = 0; k < 100; k++) {
		uint64_t rise = T(1195 + 1193 * k);

		at(rise - 1);
		ck_assert(!plugvm_devtest_intr(t, 0));
		at(rise);
		take_irq0();
		ck_assert(!plugvm_devtest_intr(t, 0));
	}
	/* the first edge the PIC saw was a rise; then fall and rise each
	 * period */
	ck_assert_uint_eq(plugvm_devtest_irq(t, 0).edges, 1 + 2 * 99);
	ck_assert(plugvm_devtest_irq(t, 0).level);
	/* the 100th tick at 1000 * 1193 / 1193182 s, no drift */
	ck_assert_uint_eq(plugvm_devtest_clock_ns(t), T(1195 + 1193 * 99));
}
END_TEST

/*
 * A control word written during mode 2's one-clock low pulse: OUT goes
 * high at once, and that rise interrupts, although the timer waits for
 * the pulse's end (the walk before a write drives the fall first).
 */
START_TEST(test_irq0_write_in_pulse)
{
	uint64_t fall = T(1194 + 1193), edges;

	pic_init();
	at(1000);
	program(0, 0x34, 1193);
	at(T(1195)); /* the first tick: the line has been driven */
	take_irq0();
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), T(1195 + 1193));
	/* inside the second low pulse: the fall is not driven yet */
	at(fall + 100);
	edges = plugvm_devtest_irq(t, 0).edges;
	ck_assert(!plugvm_devtest_intr(t, 0));
	out8(0x43, 0x34); /* control word: mode 2, OUT high now */
	ck_assert_uint_eq(plugvm_devtest_irq(t, 0).edges, edges + 2);
	ck_assert(plugvm_devtest_irq(t, 0).level);
	take_irq0();
}
END_TEST

/* The host steps far ahead: every edge still reaches the PIC, which
 * latches one request; nothing is replayed. */
START_TEST(test_irq0_no_reinjection)
{
	pic_init();
	program(0, 0x34, 1193); /* at 0: OUT falls at T(1193 + 1193k) and
				 * rises a CLK later */
	at(T(1193 + 1193 * 50) - 1); /* 50 periods, no INTA */
	ck_assert_uint_eq(plugvm_devtest_irq(t, 0).edges, 1 + 2 * 49);
	take_irq0();
	ck_assert(!plugvm_devtest_intr(t, 0));
	at(T(1194 + 1193 * 50));
	take_irq0();
}
END_TEST

/*
 * Divisor 2, the PIT's fastest rate (a 1.68 us period): a timer on time
 * fires once a period, each time with one rising edge for the PIC, so the
 * guest can take every tick. Mode 2's one-clock low pulse is walked with
 * the rise after it, not woken for.
 */
START_TEST(test_irq0_fast_every_period)
{
	uint64_t last = 0, fires = 0;

	pic_init();
	program(0, 0x34, 2);
	while (plugvm_devtest_clock_ns(t) < 1000000) {
		uint64_t next = plugvm_devtest_clock_next(t);
		unsigned edges = plugvm_devtest_irq(t, 0).edges;

		ck_assert_uint_ne(next, UINT64_MAX);
		if (fires) {
			ck_assert_uint_ge(next - last, 1676);
			ck_assert_uint_le(next - last, 1677);
		}
		at(next);
		last = next;
		fires++;
		/* low, high: one rise (the first: the line starts high,
		 * undriven, and only rises) */
		ck_assert_uint_eq(plugvm_devtest_irq(t, 0).edges,
				  edges + (fires > 1 ? 2 : 1));
		take_irq0();
		ck_assert(!plugvm_devtest_intr(t, 0));
	}
	/* 1 ms / 1676.2 ns */
	ck_assert_uint_ge(fires, 596);
	ck_assert_uint_le(fires, 597);
}
END_TEST

/*
 * A timer that fires late (the host was busy: the kit's late step) walks
 * the edges it missed as one rise, and the next fire is at least 1 us after
 * it, however close the next edge: the event thread cannot be kept busy
 * catching up, 100 edges at a time or one by one.
 */
START_TEST(test_irq0_late_coalesced)
{
	uint64_t fires = 0;

	pic_init();
	program(0, 0x34, 2);
	while (plugvm_devtest_clock_ns(t) < 1000000) {
		uint64_t next = plugvm_devtest_clock_next(t), late;
		unsigned edges = plugvm_devtest_irq(t, 0).edges;

		ck_assert_uint_ne(next, UINT64_MAX);
		/* every other fire late by 50 periods, the rest by 0.8 us:
		 * both leave the next edge under 1 us away */
		late = fires % 2 ? 800 : 50 * 1676 + 800;
		plugvm_devtest_clock_step_late(t, next + late -
						  plugvm_devtest_clock_ns(t));
		fires++;
		ck_assert_uint_ge(plugvm_devtest_irq(t, 0).edges, edges + 1);
		ck_assert_uint_le(plugvm_devtest_irq(t, 0).edges, edges + 3);
		ck_assert_uint_ge(plugvm_devtest_clock_next(t),
				  plugvm_devtest_clock_ns(t) + 1000);
		take_irq0();
		ck_assert(!plugvm_devtest_intr(t, 0));
	}
	ck_assert_uint_ge(fires, 20);
}
END_TEST

/* Mode 0: one interrupt at terminal count, then nothing. */
START_TEST(test_irq0_mode0)
{
	pic_init();
	program(0, 0x30, 100); /* at 0: loaded on tick 1 */
	/* OUT fell with the control word: the line goes low at once */
	ck_assert(!plugvm_devtest_irq(t, 0).level);
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), T(101));
	at(T(101) - 1);
	ck_assert(!plugvm_devtest_intr(t, 0));
	at(T(101));
	take_irq0();
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), UINT64_MAX);
	at(T(100000));
	ck_assert(!plugvm_devtest_intr(t, 0));
	ck_assert_uint_eq(latched(0), 0xffff & (0x10000 - (100000 - 101)));
	/* a new count: OUT falls, and rises again N CLKs on */
	out8(0x40, 10);
	out8(0x40, 0);
	at(T(100011));
	take_irq0();
}
END_TEST

/* Mode 3 at the BIOS's count 0 (65536): 18.2 interrupts a second. */
START_TEST(test_irq0_mode3_bios)
{
	unsigned taken = 0;

	pic_init();
	program(0, 0x36, 0);
	while (plugvm_devtest_clock_next(t) <= NS) {
		plugvm_devtest_clock_step_next(t);
		if (plugvm_devtest_intr(t, 0)) {
			take_irq0();
			taken++;
		}
	}
	/* one rising edge per 65536 CLKs: 1 s holds 18.2 periods */
	ck_assert_uint_eq(taken, 18);
	/* every timer callback moved OUT: 2 edges a period */
	ck_assert_uint_ge(plugvm_devtest_irq(t, 0).edges, 35);
	ck_assert_uint_le(plugvm_devtest_irq(t, 0).edges, 37);
}
END_TEST

/* Masked in the PIC: the line moves all the same, INTR does not. */
START_TEST(test_irq0_masked)
{
	pic_init();
	out8(0x21, 0x01);
	program(0, 0x34, 100);
	at(T(1000));
	ck_assert(!plugvm_devtest_intr(t, 0));
	ck_assert_uint_gt(plugvm_devtest_irq(t, 0).edges, 10);
	out8(0x21, 0x00);
	take_irq0(); /* the edge latched in IRR */
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Counters as the guest reads them                                         */
/* ------------------------------------------------------------------------ */

START_TEST(test_counts_and_latch)
{
	program(0, 0x34, 10); /* at 0, loaded on tick 1 */
	at(T(1));
	ck_assert_uint_eq(latched(0), 10);
	at(T(9));
	ck_assert_uint_eq(latched(0), 2);
	at(T(11));
	ck_assert_uint_eq(latched(0), 10);
	/* a latch holds the count while time passes */
	out8(0x43, 0x00);
	at(T(15));
	ck_assert_uint_eq(in8(0x40), 10);
	ck_assert_uint_eq(in8(0x40), 0);
	/* unlatched, a read is the live count */
	ck_assert_uint_eq(in8(0x40), 6);
	ck_assert_uint_eq(in8(0x40), 0);
	/* port 0x43 reads 0, as under kvm */
	ck_assert_uint_eq(in8(0x43), 0);
}
END_TEST

START_TEST(test_access_modes)
{
	/* LSB only, channel 1, mode 2 */
	out8(0x43, 0x54);
	out8(0x41, 200);
	at(T(51));
	ck_assert_uint_eq(in8(0x41), 150);
	ck_assert_uint_eq(in8(0x41), 150); /* no flip-flop */
	/* MSB only: count 0x0300 */
	out8(0x43, 0x64);
	out8(0x41, 0x03);
	at(T(152));
	ck_assert_uint_eq(in8(0x41), 0x02);
	/* LSB then MSB, BCD: 1000 decimal, loaded on tick 153 */
	out8(0x43, 0x75);
	out8(0x41, 0x00);
	out8(0x41, 0x10);
	at(T(153));
	ck_assert_uint_eq(latched(1), 0x1000);
	at(T(163));
	ck_assert_uint_eq(latched(1), 0x0990);
}
END_TEST

START_TEST(test_read_back)
{
	program(0, 0x34, 500);
	program(1, 0x74, 300);
	program(2, 0xb0, 16);
	/* status: OUT, null count until loaded, then the control bits */
	ck_assert_uint_eq(status(0), 0x80 | 0x40 | 0x34);
	ck_assert_uint_eq(status(2), 0x40 | 0x30); /* gate low */
	at(T(50));
	ck_assert_uint_eq(status(0), 0x80 | 0x34);
	ck_assert_uint_eq(status(1), 0x80 | 0x34);
	/* count only, of all three channels at once */
	out8(0x43, 0xde);
	at(T(60));
	ck_assert_uint_eq(read16(0x40), 500 - 49);
	ck_assert_uint_eq(read16(0x41), 300 - 49);
	/* channel 2 waits for its gate: still its count */
	ck_assert_uint_eq(read16(0x42), 16);
	/* count and status: status first */
	out8(0x43, 0xc2);
	ck_assert_uint_eq(in8(0x40), 0x80 | 0x34);
	ck_assert_uint_eq(read16(0x40), 500 - 59);
}
END_TEST

START_TEST(test_modes_on_channel2)
{
	/* mode 1: the gate's rising edge (port 0x61 bit 0) fires a
	 * one-shot; OUT (bit 5) low for N CLKs */
	program(2, 0xb2, 10);
	ck_assert_uint_eq(in8(0x61) & 0x20, 0x20);
	at(T(5));
	out8(0x61, 0x01); /* OUT low from tick 6 */
	at(T(6));
	ck_assert_uint_eq(in8(0x61) & 0x21, 0x01);
	at(T(16) - 1);
	ck_assert_uint_eq(in8(0x61) & 0x20, 0);
	at(T(16));
	ck_assert_uint_eq(in8(0x61) & 0x20, 0x20);
	/* mode 4: a strobe of one CLK after N */
	out8(0x61, 0x01);
	at(T(20));
	program(2, 0xb8, 5); /* loaded on tick 21, strobe at 26 */
	at(T(26));
	ck_assert_uint_eq(in8(0x61) & 0x20, 0);
	at(T(27));
	ck_assert_uint_eq(in8(0x61) & 0x20, 0x20);
	/* mode 5: the strobe follows a gate trigger */
	out8(0x61, 0x00);
	program(2, 0xba, 10);
	at(T(40));
	ck_assert_uint_eq(in8(0x61) & 0x20, 0x20);
	out8(0x61, 0x01);
	at(T(51));
	ck_assert_uint_eq(in8(0x61) & 0x20, 0);
	at(T(52));
	ck_assert_uint_eq(in8(0x61) & 0x20, 0x20);
	/* mode 3: a square wave, half a period high, half low */
	at(T(100));
	program(2, 0xb6, 20);
	at(T(105));
	ck_assert_uint_eq(in8(0x61) & 0x20, 0x20);
	at(T(115));
	ck_assert_uint_eq(in8(0x61) & 0x20, 0);
	at(T(125));
	ck_assert_uint_eq(in8(0x61) & 0x20, 0x20);
	/* gate low in mode 3: OUT high, counting stops */
	out8(0x61, 0x00);
	at(T(135));
	ck_assert_uint_eq(in8(0x61) & 0x20, 0x20);
	/* channel 2 never touches IRQ 0 */
	ck_assert_uint_eq(plugvm_devtest_irq(t, 0).calls, 0);
}
END_TEST

/* Linux's pit_calibrate_tsc(): 50 ms of channel 2 in mode 0, polling
 * port 0x61 for OUT. */
START_TEST(test_calibration)
{
	const unsigned latch = F / 20;
	uint64_t t0 = T(5), polls = 0;

	at(t0);
	out8(0x61, (in8(0x61) & ~0x02) | 0x01);
	program(2, 0xb0, latch);
	while (!(in8(0x61) & 0x20)) {
		plugvm_devtest_clock_step(t, 1000);
		polls++;
	}
	/* 50 ms of virtual time, to the microsecond */
	ck_assert_uint_ge(plugvm_devtest_clock_ns(t), T(6 + latch));
	ck_assert_uint_lt(plugvm_devtest_clock_ns(t) - 1000, T(6 + latch));
	ck_assert_uint_ge(polls, 49990);
	ck_assert_uint_le(polls, 50010);
	/* and no timer was needed for it */
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), UINT64_MAX);
}
END_TEST

START_TEST(test_port61)
{
	out8(0x61, 0x03);
	ck_assert_uint_eq(in8(0x61) & 0x03, 0x03);
	out8(0x61, 0xfd); /* the bits that are not the PIT's read 0 */
	ck_assert_uint_eq(in8(0x61) & ~0x30, 0x01);
	/* the refresh toggle flips every 18 CLKs */
	at(T(17));
	ck_assert_uint_eq(in8(0x61) & 0x10, 0);
	at(T(18));
	ck_assert_uint_eq(in8(0x61) & 0x10, 0x10);
	at(T(36));
	ck_assert_uint_eq(in8(0x61) & 0x10, 0);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* limits and errors                                                        */
/* ------------------------------------------------------------------------ */

START_TEST(test_ports_and_sizes)
{
	uint64_t v;

	ck_assert_uint_eq(plugvm_devtest_pio_read(t, 0x40, 2, &v),
			  PLUGVM_DEVTEST_BAD_SIZE);
	ck_assert_uint_eq(plugvm_devtest_pio_read(t, 0x44, 1, &v),
			  PLUGVM_DEVTEST_UNMAPPED);
	/* 0x60 is the chipset's 8042; 0x61 stops at 0x61 */
	ck_assert_uint_eq(plugvm_devtest_pio_read(t, 0x62, 1, &v),
			  PLUGVM_DEVTEST_UNMAPPED);
	/* the pit's id is taken */
	ck_assert_int_eq(plugvm_devtest_add(t, "/nonexistent.so", "pit", NULL),
			 -ENOENT);
}
END_TEST

START_TEST(test_reset)
{
	pic_init();
	program(0, 0x34, 100);
	ck_assert_uint_ne(plugvm_devtest_clock_next(t), UINT64_MAX);
	plugvm_devtest_reset(t);
	/* no timer, OUT high, nothing raised */
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), UINT64_MAX);
	ck_assert_uint_eq(status(0), 0x80 | 0x40 | 0x36);
	at(T(10000));
	ck_assert(!plugvm_devtest_intr(t, 0));
}
END_TEST

/* As a device of a machine without a chipset: the counters work, IRQ 0 is
 * refused once with the warning, and the timer stops. */
START_TEST(test_without_chipset)
{
	struct plugvm_devtest *n = plugvm_devtest_new(0);
	const char *dir = getenv("PLUGVM_DEVTEST_PLUGIN_DIR");
	char path[4096];

	ck_assert_ptr_nonnull(n);
	snprintf(path, sizeof(path), "%s/i8254.so",
		 dir ? dir : "devices/.libs");
	ck_assert_int_eq(plugvm_devtest_add(n, path, "timer", NULL), 0);
	plugvm_devtest_outb(n, 0x43, 0x34);
	plugvm_devtest_outb(n, 0x40, 100);
	plugvm_devtest_outb(n, 0x40, 0);
	plugvm_devtest_clock_step(n, T(300));
	ck_assert(plugvm_devtest_log_find(n, PLUGVM_LOG_WARN,
					  "set_irq(line 0)"));
	ck_assert_uint_eq(plugvm_devtest_irq(n, 0).calls, 1);
	ck_assert_uint_eq(plugvm_devtest_clock_next(n), UINT64_MAX);
	plugvm_devtest_outb(n, 0x43, 0x00);
	ck_assert_uint_ne(plugvm_devtest_inb(n, 0x40), 0xff);
	plugvm_devtest_free(n);
}
END_TEST

static Suite *pit_suite(void)
{
	Suite *s = suite_create("pit");
	TCase *tc = tcase_create("irq0");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_irq0_mode2);
	tcase_add_test(tc, test_irq0_write_in_pulse);
	tcase_add_test(tc, test_irq0_no_reinjection);
	tcase_add_test(tc, test_irq0_fast_every_period);
	tcase_add_test(tc, test_irq0_late_coalesced);
	tcase_add_test(tc, test_irq0_mode0);
	tcase_add_test(tc, test_irq0_mode3_bios);
	tcase_add_test(tc, test_irq0_masked);
	suite_add_tcase(s, tc);

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_counts_and_latch);
	tcase_add_test(tc, test_access_modes);
	tcase_add_test(tc, test_read_back);
	tcase_add_test(tc, test_modes_on_channel2);
	tcase_add_test(tc, test_calibration);
	tcase_add_test(tc, test_port61);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ports_and_sizes);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_without_chipset);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pit_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
