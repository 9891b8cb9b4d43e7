// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_i8254.c - the 8254 PIT model (devices/i8254.c), driven the way
 * guests drive it, at exact nanosecond times: no sleeping, no host clock.
 *
 * Times are written as T(k), the first nanosecond of PIT tick k (the
 * model's grid: tick k begins at ceil(k * 1e9 / 1193182) ns). A write at
 * T(k) happens during tick k, so the datasheet's "next CLK pulse" that
 * loads a count is tick k + 1.
 */
#include "config.h"

#include "i8254.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#define F 1193182ull
#define NS 1000000000ull
#define NONE UINT64_MAX

/* The first nanosecond of PIT tick @k. */
static uint64_t T(uint64_t k)
{
	return k / F * NS + (k % F * NS + F - 1) / F;
}

static struct i8254 pit;

static void setup(void)
{
	i8254_reset(&pit, 0);
}

static void out8(unsigned port, uint8_t val, uint64_t t)
{
	if (port == 0x61)
		i8254_port61_write(&pit, val, t);
	else
		i8254_write(&pit, port - 0x40, val, t);
}

static uint8_t in8(unsigned port, uint64_t t)
{
	if (port == 0x61)
		return i8254_port61_read(&pit, t);
	return i8254_read(&pit, port - 0x40, t);
}

/* A control word, then a two-byte count, all at @t. */
static void program(unsigned ch, uint8_t cw, uint16_t count, uint64_t t)
{
	out8(0x43, cw, t);
	out8(0x40 + ch, count & 0xff, t);
	out8(0x40 + ch, count >> 8, t);
}

/* A two-byte count without a control word. */
static void write_count(unsigned ch, uint16_t count, uint64_t t)
{
	out8(0x40 + ch, count & 0xff, t);
	out8(0x40 + ch, count >> 8, t);
}

/* Counter latch command, then LSB and MSB, as Linux's pit_read() does. */
static unsigned latched(unsigned ch, uint64_t t)
{
	unsigned lo, hi;

	out8(0x43, (uint8_t)(ch << 6), t);
	lo = in8(0x40 + ch, t);
	hi = in8(0x40 + ch, t);
	return lo | hi << 8;
}

/* Two reads of channel @ch at @t, LSB first. */
static unsigned read16(unsigned ch, uint64_t t)
{
	unsigned lo = in8(0x40 + ch, t);

	return lo | in8(0x40 + ch, t) << 8;
}

/* Read-back status of channel @ch at @t. */
static unsigned status(unsigned ch, uint64_t t)
{
	out8(0x43, (uint8_t)(0xe0 | 2u << ch), t);
	return in8(0x40 + ch, t);
}

/*
 * Walk channel @ch's edges from time @from: the i-th must come at
 * T(ticks[i]), with OUT at the old level one nanosecond before and at the
 * new one from then on. Returns the last edge's time.
 */
static uint64_t walk(unsigned ch, uint64_t from, const uint64_t *ticks,
		     size_t n)
{
	uint64_t e = from;
	bool level;

	for (size_t i = 0; i < n; i++) {
		level = i8254_out(&pit, ch, e);
		e = i8254_next_edge(&pit, ch, e);
		ck_assert_uint_eq(e, T(ticks[i]));
		ck_assert(i8254_out(&pit, ch, e - 1) == level);
		ck_assert(i8254_out(&pit, ch, e) != level);
	}
	return e;
}

#define EDGES(ch, from, ...)                                                   \
	walk(ch, from, (const uint64_t[]){ __VA_ARGS__ },                      \
	     sizeof((const uint64_t[]){ __VA_ARGS__ }) / sizeof(uint64_t))

/* ---- core ---- */

START_TEST(test_clock_grid)
{
	ck_assert_uint_eq(T(1), 839);
	ck_assert_uint_eq(T(2), 1677);
	ck_assert_uint_eq(T(F), NS);

	/* Mode 0, count 1 at t=0: loaded on tick 1, terminal count tick 2. */
	program(0, 0x30, 1, 0);
	ck_assert_uint_eq(i8254_next_edge(&pit, 0, 0), 1677);
	ck_assert(!i8254_out(&pit, 0, 1676));
	ck_assert(i8254_out(&pit, 0, 1677));
	ck_assert_uint_eq(i8254_next_edge(&pit, 0, 1677), NONE);
}
END_TEST

START_TEST(test_reset_state)
{
	for (unsigned ch = 0; ch < 3; ch++) {
		ck_assert(i8254_out(&pit, ch, 5000));
		ck_assert_uint_eq(i8254_next_edge(&pit, ch, 5000), NONE);
		/* OUT high, NULL COUNT, mode 3 LSB/MSB binary (0x36). */
		ck_assert_uint_eq(status(ch, 5000), 0xf6);
	}
	/* Gate 2 and speaker low, refresh low at tick 0, OUT2 high. */
	ck_assert_uint_eq(in8(0x61, 0), 0x20);
}
END_TEST

/* Linux's channel 0 at HZ=1000: 0x34, then LSB and MSB of LATCH. */
START_TEST(test_linux_periodic_tick)
{
	const uint64_t latch = (F + 500) / 1000; /* 1193 */
	uint64_t e = 1000, rise;

	ck_assert_uint_eq(latch, 1193);
	out8(0x43, 0x34, 1000);		     /* tick 1 */
	ck_assert(i8254_out(&pit, 0, 1000)); /* mode 2: OUT high */
	out8(0x40, latch & 0xff, 1000);
	out8(0x40, latch >> 8, 1000);

	/* The count, latched the way the i8253 clocksource reads it. */
	ck_assert_uint_eq(latched(0, T(502) + 5), 1193 - 500);
	ck_assert_uint_eq(latched(0, T(1194)), 1);
	ck_assert_uint_eq(latched(0, T(1195)), 1193);

	/* Loaded on tick 2; OUT low for one CLK when the count hits 1. */
	e = EDGES(0, e, 1194, 1195, 1194 + 1193, 1195 + 1193);
	for (uint64_t k = 2; k <= 1000; k++) {
		e = i8254_next_edge(&pit, 0, e);
		ck_assert_uint_eq(e, T(1194 + 1193 * k));
		ck_assert(!i8254_out(&pit, 0, e));
		e = i8254_next_edge(&pit, 0, e);
		rise = T(1195 + 1193 * k);
		ck_assert_uint_eq(e, rise);
		ck_assert(i8254_out(&pit, 0, e));
		ck_assert(!i8254_out(&pit, 0, e - 1));
	}
	/* The 1000th rising edge after the first, exactly: no drift. */
	ck_assert_uint_eq(rise, T(1195 + 1193 * 1000));
	ck_assert_uint_eq(rise, 1000848991);
}
END_TEST

/*
 * The plugin glue's loop from i8254.h, with a host timer that always fires
 * 50 us late: OUT's one-CLK low pulse is over by then, yet walking the
 * edges from the armed time still lowers and raises IRQ 0 once a period.
 */
START_TEST(test_glue_late_timer)
{
	const uint64_t last = T(1195 + 1193 * 99);
	uint64_t armed, now, e;
	unsigned rises = 0;
	bool line, level;

	program(0, 0x34, 1193, 1000);
	line = i8254_out(&pit, 0, 1000);
	armed = i8254_next_edge(&pit, 0, 1000);
	while (armed <= last) {
		now = armed + 50000;
		ck_assert(i8254_out(&pit, 0, now)); /* sampling alone: no IRQ */
		for (e = armed; e <= now; e = i8254_next_edge(&pit, 0, e)) {
			level = i8254_out(&pit, 0, e);
			rises += level && !line;
			line = level;
		}
		armed = e;
	}
	ck_assert_uint_eq(rises, 100);
}
END_TEST

START_TEST(test_mode2_values)
{
	program(0, 0x34, 10, 0);
	ck_assert_uint_eq(latched(0, T(1)), 10);
	ck_assert_uint_eq(latched(0, T(9)), 2);
	ck_assert_uint_eq(latched(0, T(10)), 1);
	ck_assert(!i8254_out(&pit, 0, T(10)));
	ck_assert_uint_eq(latched(0, T(11)), 10);
	ck_assert(i8254_out(&pit, 0, T(11)));
	EDGES(0, 0, 10, 11, 20, 21, 30, 31);
}
END_TEST

START_TEST(test_mode3_even)
{
	static const unsigned ce[] = { 4, 2, 4, 2, 4, 2 };

	program(0, 0x36, 4, 0);
	/* Loaded on tick 1: high for ticks 1-2, low for 3-4. */
	for (unsigned k = 1; k <= 6; k++) {
		ck_assert_uint_eq(in8(0x40, T(k)), ce[k - 1]); /* LSB */
		ck_assert_uint_eq(in8(0x40, T(k)), 0);	       /* MSB */
	}
	EDGES(0, 0, 3, 5, 7, 9, 11);
}
END_TEST

START_TEST(test_mode3_odd)
{
	static const unsigned ce[] = { 4, 2, 0, 4, 2, 4, 2, 0, 4, 2 };

	/* 5: high (5+1)/2 = 3 CLKs, low 2; reloads with 4, steps of 2. */
	program(0, 0x36, 5, 0);
	for (unsigned k = 1; k <= 10; k++)
		ck_assert_uint_eq(latched(0, T(k)), ce[k - 1]);
	EDGES(0, 0, 4, 6, 9, 11, 14, 16);

	/* 3: high 2, low 1. */
	program(0, 0x36, 3, T(100));
	EDGES(0, T(100), 103, 104, 106, 107);
}
END_TEST

START_TEST(test_mode3_bios_default)
{
	/* Count 0 is 65536: 18.2 Hz, 32768 CLKs high, 32768 low. */
	program(0, 0x36, 0, 0);
	EDGES(0, 0, 32769, 65537, 65537 + 32768, 65537 + 65536);
	ck_assert_uint_eq(latched(0, T(1)), 0);
	ck_assert_uint_eq(latched(0, T(2)), 0xfffe);
}
END_TEST

START_TEST(test_mode3_new_count_at_half_cycle)
{
	program(0, 0x36, 100, 0); /* high ticks 1-50, low 51-100 */
	write_count(0, 10, T(20));
	/* Loaded at the end of the high half, into a low half of 10. */
	EDGES(0, T(20), 51, 56, 61, 66);
	ck_assert_uint_eq(latched(0, T(51)), 10);
}
END_TEST

START_TEST(test_mode0_one_shot)
{
	program(0, 0x30, 100, 0);
	ck_assert(!i8254_out(&pit, 0, 0));
	/* Loaded on tick 1, OUT rises N = 100 CLKs later, once. */
	EDGES(0, 0, 101);
	ck_assert_uint_eq(i8254_next_edge(&pit, 0, T(101)), NONE);
	ck_assert_uint_eq(latched(0, T(100)), 1);
	ck_assert_uint_eq(latched(0, T(101)), 0);
	ck_assert_uint_eq(latched(0, T(102)), 0xffff); /* keeps counting */
	ck_assert(i8254_out(&pit, 0, T(5000)));

	/* A new count restarts it: the first byte drops OUT at once... */
	out8(0x40, 50, T(200));
	ck_assert(!i8254_out(&pit, 0, T(200)));
	ck_assert_uint_eq(i8254_next_edge(&pit, 0, T(200)), NONE);
	ck_assert_uint_eq(latched(0, T(250)), (0xffff - 98) & 0xffff);
	/* ...and the second loads it on the next CLK. */
	out8(0x40, 0, T(300));
	EDGES(0, T(300), 351);
}
END_TEST

START_TEST(test_mode0_rewrite_while_counting)
{
	program(0, 0x30, 100, 0);
	write_count(0, 100, T(50));
	EDGES(0, T(50), 151);
	ck_assert_uint_eq(i8254_next_edge(&pit, 0, T(151)), NONE);
}
END_TEST

START_TEST(test_mode0_gate_pauses)
{
	out8(0x61, 0x01, 0);
	program(2, 0xb0, 100, 0);
	ck_assert_uint_eq(i8254_next_edge(&pit, 2, 0), T(101));
	out8(0x61, 0x00, T(11)); /* tick 12 is not counted */
	ck_assert_uint_eq(latched(2, T(25)), 90);
	ck_assert_uint_eq(i8254_next_edge(&pit, 2, T(25)), NONE);
	out8(0x61, 0x01, T(31)); /* counting from tick 32 */
	EDGES(2, T(31), 121);
	ck_assert_uint_eq(in8(0x61, T(121) - 1) & 0x20, 0);
	ck_assert_uint_eq(in8(0x61, T(121)) & 0x20, 0x20);
	/* Paused and resumed after terminal count: OUT stays high. */
	out8(0x61, 0x00, T(150));
	out8(0x61, 0x01, T(160));
	ck_assert(i8254_out(&pit, 2, T(170)));
	ck_assert_uint_eq(i8254_next_edge(&pit, 2, T(160)), NONE);

	/* A count written with the gate low loads, and waits for it. */
	out8(0x61, 0x00, T(200));
	program(2, 0xb0, 10, T(200));
	ck_assert_uint_eq(latched(2, T(300)), 10);
	ck_assert(!i8254_out(&pit, 2, T(300)));
	ck_assert_uint_eq(i8254_next_edge(&pit, 2, T(300)), NONE);
	out8(0x61, 0x01, T(400));
	EDGES(2, T(400), 410);

	/* The gate drops in the tick the count is written: it never runs. */
	program(2, 0xb0, 10, T(500));
	out8(0x61, 0x00, T(500) + 100);
	ck_assert_uint_eq(latched(2, T(600)), 10);
	ck_assert_uint_eq(i8254_next_edge(&pit, 2, T(600)), NONE);
}
END_TEST

START_TEST(test_mode1_gate_triggered)
{
	program(2, 0xb2, 10, 0);
	ck_assert(i8254_out(&pit, 2, T(3)));
	ck_assert_uint_eq(i8254_next_edge(&pit, 2, 0), NONE);
	ck_assert_uint_eq(status(2, T(3)), 0xc0 | 0x32); /* waits: null */

	out8(0x61, 0x01, T(5)); /* trigger: load and OUT low at tick 6 */
	EDGES(2, T(5), 6, 16);
	ck_assert_uint_eq(latched(2, T(6)), 10);
	ck_assert_uint_eq(latched(2, T(16)), 0);
	ck_assert_uint_eq(latched(2, T(17)), 0xffff);
	ck_assert_uint_eq(status(2, T(17)), 0x80 | 0x32);

	/* Retriggered during the pulse: it ends N CLKs after the trigger. */
	out8(0x61, 0x00, T(18));
	out8(0x61, 0x01, T(20));
	EDGES(2, T(20), 21);
	out8(0x61, 0x00, T(23));
	out8(0x61, 0x01, T(25));
	ck_assert(!i8254_out(&pit, 2, T(26)));
	EDGES(2, T(25), 36);
	/* A new count does not touch the pulse in progress... */
	write_count(2, 3, T(30));
	ck_assert_uint_eq(i8254_next_edge(&pit, 2, T(30)), T(36));
	/* ...the next trigger loads it. */
	out8(0x61, 0x00, T(40));
	out8(0x61, 0x01, T(41));
	EDGES(2, T(41), 42, 45);

	/* A control word forgets the count: triggers do nothing until the
	 * next one is written. */
	out8(0x43, 0xb2, T(50));
	out8(0x61, 0x00, T(51));
	out8(0x61, 0x01, T(52));
	ck_assert(i8254_out(&pit, 2, T(60)));
	ck_assert_uint_eq(i8254_next_edge(&pit, 2, T(52)), NONE);
}
END_TEST

START_TEST(test_mode5_gate_triggered)
{
	program(2, 0xba, 10, 0);
	ck_assert_uint_eq(i8254_next_edge(&pit, 2, 0), NONE);
	out8(0x61, 0x01, T(5));
	out8(0x61, 0x00, T(8)); /* the gate level does not stop it */
	EDGES(2, T(8), 16, 17);
	ck_assert_uint_eq(i8254_next_edge(&pit, 2, T(17)), NONE);
}
END_TEST

START_TEST(test_mode4_strobe)
{
	program(0, 0x38, 10, 0);
	ck_assert(i8254_out(&pit, 0, 0));
	EDGES(0, 0, 11, 12);
	ck_assert_uint_eq(i8254_next_edge(&pit, 0, T(12)), NONE);
	ck_assert_uint_eq(latched(0, T(13)), 0xfffe);
	/* Writing the count again triggers it again. */
	write_count(0, 5, T(20));
	EDGES(0, T(20), 26, 27);
}
END_TEST

START_TEST(test_mode2_gate)
{
	out8(0x61, 0x01, 0);
	program(2, 0xb4, 10, 0);
	EDGES(2, 0, 10);
	/* Gate low during the low pulse: OUT high at once, no counting. */
	out8(0x61, 0x00, T(10) + 100);
	ck_assert(i8254_out(&pit, 2, T(10) + 100));
	ck_assert_uint_eq(i8254_next_edge(&pit, 2, T(10) + 100), NONE);
	/* Rising gate: reload on the next CLK. */
	out8(0x61, 0x01, T(15));
	EDGES(2, T(15), 25, 26);

	/* With the gate low, a count waits for the rising edge. */
	out8(0x61, 0x00, T(100));
	program(2, 0xb4, 10, T(100));
	ck_assert_uint_eq(i8254_next_edge(&pit, 2, T(100)), NONE);
	ck_assert_uint_eq(status(2, T(101)) & 0x40, 0x40);
	out8(0x61, 0x01, T(105));
	EDGES(2, T(105), 115, 116);
}
END_TEST

START_TEST(test_mode2_new_count_at_period_end)
{
	program(0, 0x34, 100, 0);
	write_count(0, 200, T(50));
	EDGES(0, T(50), 100, 101, 300, 301, 500, 501);
	ck_assert_uint_eq(status(0, T(100)) & 0x40, 0x40);
	ck_assert_uint_eq(status(0, T(101)) & 0x40, 0);
	ck_assert_uint_eq(latched(0, T(101)), 200);
}
END_TEST

/* ---- reading ---- */

START_TEST(test_counter_latch)
{
	program(0, 0x34, 1000, 0);
	out8(0x43, 0x00, T(100)); /* CE 901 = 0x385 */
	out8(0x43, 0x00, T(300)); /* ignored: not read yet */
	ck_assert_uint_eq(in8(0x40, T(500)), 0x85);
	ck_assert_uint_eq(in8(0x40, T(700)), 0x03);
	/* Released: live again, flip-flop still at the LSB. */
	ck_assert_uint_eq(in8(0x40, T(800)), 201);
	ck_assert_uint_eq(in8(0x40, T(800)), 0);

	/* A control word releases a latch that was not read. */
	out8(0x43, 0x00, T(900));
	program(0, 0x34, 1000, T(900));
	ck_assert_uint_eq(latched(0, T(911)), 990);
}
END_TEST

START_TEST(test_read_back)
{
	out8(0x61, 0x01, 0);
	out8(0x43, 0xb0, 0);
	ck_assert_uint_eq(status(2, 0), 0x70); /* OUT low, null count */
	out8(0x42, 16, T(5));
	ck_assert_uint_eq(status(2, T(5)), 0x70);
	out8(0x42, 0, T(5));
	ck_assert_uint_eq(status(2, T(5)), 0x70); /* loads on tick 6 */
	ck_assert_uint_eq(status(2, T(6)), 0x30);
	ck_assert_uint_eq(status(2, T(22)), 0xb0); /* terminal count */

	/* Count and status: status first, then the count's bytes. */
	program(2, 0xb0, 16, T(100));
	out8(0x43, 0xc8, T(110));
	ck_assert_uint_eq(in8(0x42, T(120)), 0x30);
	ck_assert_uint_eq(in8(0x42, T(120)), 7); /* latched at 110 */
	ck_assert_uint_eq(in8(0x42, T(120)), 0);
	ck_assert_uint_eq(in8(0x42, T(120)), 0xfd); /* live, past TC */
	ck_assert_uint_eq(in8(0x42, T(120)), 0xff);

	/* A second status latch before the read is ignored. */
	out8(0x43, 0xe8, T(130));
	program(2, 0xb0, 16, T(140));
	out8(0x43, 0xe8, T(140));
	ck_assert_uint_eq(in8(0x42, T(140)), 0xb0);
	ck_assert_uint_eq(status(2, T(140)), 0x70);

	/* Count only, of all three channels at once. */
	program(0, 0x34, 500, T(200));
	program(1, 0x74, 300, T(200));
	out8(0x43, 0xde, T(250));
	ck_assert_uint_eq(read16(0, T(260)), 451);
	ck_assert_uint_eq(read16(1, T(260)), 251);
	ck_assert_uint_eq(read16(2, T(260)), 16 - (250 - 141) + 0x10000);
	/* Status of channel 0: OUT high, loaded, 0x34. */
	ck_assert_uint_eq(status(0, T(260)), 0xb4);
}
END_TEST

START_TEST(test_flip_flops)
{
	/* LSB only: every read and write is the low byte. */
	out8(0x43, 0x14, 0);
	out8(0x40, 0x80, 0);
	ck_assert_uint_eq(in8(0x40, T(11)), 118);
	ck_assert_uint_eq(in8(0x40, T(11)), 118);
	EDGES(0, 0, 128, 129);

	/* MSB only. */
	out8(0x43, 0x24, T(1000));
	out8(0x40, 0x02, T(1000)); /* 512, loaded on tick 1001 */
	ck_assert_uint_eq(in8(0x40, T(1011)), 0x01); /* 502 */
	ck_assert_uint_eq(in8(0x40, T(1011)), 0x01);

	/* The datasheet's interleaving: the two flip-flops are separate. */
	program(0, 0x34, 1000, T(2000));
	ck_assert_uint_eq(in8(0x40, T(2101)), 0x84); /* 900 */
	out8(0x40, 500 & 0xff, T(2101));
	ck_assert_uint_eq(in8(0x40, T(2101)), 0x03);
	out8(0x40, 500 >> 8, T(2101));
	EDGES(0, T(2101), 3000, 3001, 3500, 3501);

	/* A control word resets the read flip-flop... */
	ck_assert_uint_eq(in8(0x40, T(4000)), 1); /* 500 - 999 % 500 */
	out8(0x43, 0x34, T(4000));
	ck_assert_uint_eq(in8(0x40, T(4000)), 1); /* LSB again */

	/* ...and the write flip-flop. */
	out8(0x43, 0x34, T(5000));
	out8(0x40, 0x10, T(5000));
	out8(0x43, 0x34, T(5000));
	out8(0x40, 0x20, T(5000));
	out8(0x40, 0x00, T(5000));
	EDGES(0, T(5000), 5032, 5033);
}
END_TEST

/* ---- limits ---- */

START_TEST(test_count_zero)
{
	program(0, 0x34, 0, 0);
	ck_assert_uint_eq(latched(0, T(1)), 0);
	ck_assert_uint_eq(latched(0, T(2)), 0xffff);
	EDGES(0, 0, 65536, 65537, 65536 * 2, 65537 + 65536);
}
END_TEST

START_TEST(test_bcd)
{
	program(0, 0x35, 0, 0); /* 0 is 10000 in BCD */
	ck_assert_uint_eq(latched(0, T(1)), 0x0000);
	ck_assert_uint_eq(latched(0, T(2)), 0x9999);
	ck_assert_uint_eq(latched(0, T(3)), 0x9998);
	EDGES(0, 0, 10000, 10001);
	ck_assert_uint_eq(status(0, T(5)) & 0x3f, 0x35);

	program(0, 0x35, 0x1234, T(20000));
	ck_assert_uint_eq(latched(0, T(20001)), 0x1234);
	ck_assert_uint_eq(latched(0, T(20011)), 0x1224);
	ck_assert_uint_eq(latched(0, T(20036)), 0x1199);
	EDGES(0, T(20000), 21234, 21235);
}
END_TEST

START_TEST(test_mode_aliases)
{
	program(0, 0x3c, 10, 0); /* mode 6 is mode 2 */
	EDGES(0, 0, 10, 11);
	ck_assert_uint_eq(status(0, T(15)), 0x80 | 0x3c);
	program(0, 0x3e, 4, T(100)); /* mode 7 is mode 3 */
	EDGES(0, T(100), 103, 105);
}
END_TEST

START_TEST(test_illegal_count_one)
{
	program(0, 0x34, 1, 0);
	ck_assert(i8254_out(&pit, 0, T(10)));
	ck_assert_uint_eq(i8254_next_edge(&pit, 0, 0), NONE);
	program(0, 0x36, 1, T(100));
	ck_assert(i8254_out(&pit, 0, T(110)));
	ck_assert_uint_eq(i8254_next_edge(&pit, 0, T(100)), NONE);
}
END_TEST

START_TEST(test_far_times)
{
	const uint64_t t = 1000000000000000000ull; /* tick 1e9 * F */

	program(0, 0x34, 1193, t);
	ck_assert_uint_eq(i8254_next_edge(&pit, 0, t), t + T(1193));
	ck_assert_uint_eq(i8254_next_edge(&pit, 0, t + T(1193)), t + T(1194));

	/* An edge beyond the end of time is no edge. */
	program(0, 0x30, 0, UINT64_MAX - 1000);
	ck_assert(!i8254_out(&pit, 0, UINT64_MAX));
	ck_assert_uint_eq(i8254_next_edge(&pit, 0, UINT64_MAX - 1000), NONE);
}
END_TEST

START_TEST(test_bad_ports)
{
	ck_assert(!i8254_out(&pit, 3, 0));
	ck_assert_uint_eq(i8254_next_edge(&pit, 3, 0), NONE);
	ck_assert_uint_eq(i8254_read(&pit, 3, 0), 0);
	ck_assert_uint_eq(i8254_read(&pit, 7, 0), 0);
	i8254_write(&pit, 4, 0x30, 0);
	ck_assert_uint_eq(status(0, 0), 0xf6);
}
END_TEST

/* ---- port 0x61 ---- */

START_TEST(test_port61_bits)
{
	out8(0x61, 0x03, 0);
	ck_assert_uint_eq(in8(0x61, 0) & 0x03, 0x03);
	out8(0x61, 0x01, 0);
	ck_assert_uint_eq(in8(0x61, 0) & 0x03, 0x01);
	/* Refresh toggles every 18 CLKs (15.09 us). */
	ck_assert_uint_eq(in8(0x61, T(17)) & 0x10, 0);
	ck_assert_uint_eq(in8(0x61, T(18)) & 0x10, 0x10);
	ck_assert_uint_eq(in8(0x61, T(35)) & 0x10, 0x10);
	ck_assert_uint_eq(in8(0x61, T(36)) & 0x10, 0);
}
END_TEST

/* Linux's pit_calibrate_tsc(): 50 ms of channel 2, mode 0, polling 0x61. */
START_TEST(test_linux_calibration)
{
	const uint64_t latch = F / (1000 / 50), t0 = 5000; /* tick 5 */
	uint64_t t = t0, polls = 0;

	out8(0x61, (in8(0x61, t0) & ~0x02) | 0x01, t0);
	out8(0x43, 0xb0, t0);
	out8(0x42, latch & 0xff, t0);
	out8(0x42, latch >> 8, t0);
	while (!(in8(0x61, t) & 0x20)) {
		t += 1000;
		polls++;
	}
	ck_assert_uint_ge(t, T(6 + latch));
	ck_assert_uint_lt(t - 1000, T(6 + latch));
	ck_assert_uint_ge(T(6 + latch) - t0, 49990000);
	ck_assert_uint_lt(T(6 + latch) - t0, 50010000);
	ck_assert_uint_eq(polls, (t - t0) / 1000);
}
END_TEST

/* quick_pit_calibrate(): mode 0 from 0xffff, MSB read without a latch. */
START_TEST(test_linux_quick_calibration)
{
	out8(0x61, 0x01, 0);
	program(2, 0xb0, 0xffff, 0); /* loaded on tick 1 */
	for (unsigned k = 0; k < 200; k++) {
		uint64_t before = T(1 + 256 * k + 255), after = before + 900;

		in8(0x42, before); /* LSB, as pit_expect_msb() does */
		ck_assert_uint_eq(in8(0x42, before), 0xff - k);
		in8(0x42, after);
		ck_assert_uint_eq(in8(0x42, after), 0xfe - k);
	}
}
END_TEST

static Suite *i8254_suite(void)
{
	Suite *s = suite_create("i8254");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_clock_grid);
	tcase_add_test(tc, test_reset_state);
	tcase_add_test(tc, test_linux_periodic_tick);
	tcase_add_test(tc, test_glue_late_timer);
	tcase_add_test(tc, test_mode2_values);
	tcase_add_test(tc, test_mode3_even);
	tcase_add_test(tc, test_mode3_odd);
	tcase_add_test(tc, test_mode3_bios_default);
	tcase_add_test(tc, test_mode3_new_count_at_half_cycle);
	tcase_add_test(tc, test_mode0_one_shot);
	tcase_add_test(tc, test_mode0_rewrite_while_counting);
	tcase_add_test(tc, test_mode0_gate_pauses);
	tcase_add_test(tc, test_mode1_gate_triggered);
	tcase_add_test(tc, test_mode5_gate_triggered);
	tcase_add_test(tc, test_mode4_strobe);
	tcase_add_test(tc, test_mode2_gate);
	tcase_add_test(tc, test_mode2_new_count_at_period_end);
	suite_add_tcase(s, tc);

	tc = tcase_create("reading");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_counter_latch);
	tcase_add_test(tc, test_read_back);
	tcase_add_test(tc, test_flip_flops);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_count_zero);
	tcase_add_test(tc, test_bcd);
	tcase_add_test(tc, test_mode_aliases);
	tcase_add_test(tc, test_illegal_count_one);
	tcase_add_test(tc, test_far_times);
	tcase_add_test(tc, test_bad_ports);
	suite_add_tcase(s, tc);

	tc = tcase_create("port61");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_port61_bits);
	tcase_add_test(tc, test_linux_calibration);
	tcase_add_test(tc, test_linux_quick_calibration);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(i8254_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
