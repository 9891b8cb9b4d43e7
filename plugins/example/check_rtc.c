// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_rtc.c - unit test of the example RTC plugin, with the plugvm device
 * test kit (plugvm/devtest.h) and Check. No VM runs: the test plays the
 * guest and reads and writes the ports itself.
 *
 * The plugin is RTC_SO, an absolute path the Makefile defines, or
 * $RTC_PLUGIN when that is set.
 */
#define _POSIX_C_SOURCE 200809L

#include <plugvm/devtest.h>

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef RTC_SO
#define RTC_SO "./rtc.so"
#endif

#define INDEX 0x70
#define DATA 0x71

#define SECONDS 0x00
#define SECONDS_ALARM 0x01
#define MINUTES 0x02
#define HOURS 0x04
#define HOURS_ALARM 0x05
#define WEEKDAY 0x06
#define DAY 0x07
#define MONTH 0x08
#define YEAR 0x09
#define REG_A 0x0a
#define REG_B 0x0b
#define REG_C 0x0c
#define REG_D 0x0d
#define CENTURY 0x32

#define MINUTES_ALARM 0x03

#define A_UIP 0x80
#define B_SET 0x80
#define B_PIE 0x40
#define B_AIE 0x20
#define B_UIE 0x10
#define B_SQWE 0x08
#define B_DM 0x04
#define B_24H 0x02
#define C_IRQF 0x80
#define C_PF 0x40
#define C_AF 0x20
#define C_UF 0x10

#define IRQ 8
#define MS 1000000ull
#define S 1000000000ull

/* 2026-01-02 was a Friday: day 6 counting Sunday as 1. */
#define FIXED "2026-01-02 03:04:05"

static struct plugvm_devtest *t;

static const char *plugin(void)
{
	const char *env = getenv("RTC_PLUGIN");

	return env && *env ? env : RTC_SO;
}

static struct plugvm_devtest *open_rtc(const char *when)
{
	const char *const settings[] = { "time", when, NULL };

	return plugvm_devtest_open(plugin(), "rtc", settings, 0);
}

static uint8_t rd(struct plugvm_devtest *d, uint8_t reg)
{
	plugvm_devtest_outb(d, INDEX, reg);
	return plugvm_devtest_inb(d, DATA);
}

static void wr(struct plugvm_devtest *d, uint8_t reg, uint8_t val)
{
	plugvm_devtest_outb(d, INDEX, reg);
	plugvm_devtest_outb(d, DATA, val);
}

/* The date and time registers as "YYYY-MM-DD HH:MM:SS", read in BCD. */
static const char *read_bcd(struct plugvm_devtest *d, char *buf, size_t len)
{
	snprintf(buf, len, "%02x%02x-%02x-%02x %02x:%02x:%02x", rd(d, CENTURY),
		 rd(d, YEAR), rd(d, MONTH), rd(d, DAY), rd(d, HOURS),
		 rd(d, MINUTES), rd(d, SECONDS));
	return buf;
}

/* How many guest errors the device logged. */
static unsigned int guest_errors(const struct plugvm_devtest *d)
{
	const struct plugvm_devtest_log_entry *e;
	unsigned int n = 0;

	for (size_t i = 0; (e = plugvm_devtest_log_entry(d, i)); i++)
		n += e->level == PLUGVM_LOG_GUEST_ERROR;
	return n;
}

static void setup(void)
{
	t = open_rtc(FIXED);
	ck_assert_ptr_nonnull(t);
}

static void teardown(void)
{
	plugvm_devtest_free(t);
	t = NULL;
}

/* ------------------------------------------------------------------------ */
/* core                                                                     */
/* ------------------------------------------------------------------------ */

START_TEST(test_power_on_values)
{
	ck_assert_uint_eq(rd(t, REG_A), 0x26);
	ck_assert_uint_eq(rd(t, REG_B), B_24H);
	ck_assert_uint_eq(rd(t, REG_C), 0x00);
	ck_assert_uint_eq(rd(t, REG_D), 0x80);
	ck_assert_uint_eq(guest_errors(t), 0);
}
END_TEST

START_TEST(test_bcd)
{
	char buf[32];

	ck_assert_str_eq(read_bcd(t, buf, sizeof(buf)), FIXED);
	ck_assert_uint_eq(rd(t, WEEKDAY), 0x06);
}
END_TEST

START_TEST(test_binary)
{
	wr(t, REG_B, B_DM | B_24H);
	ck_assert_uint_eq(rd(t, CENTURY), 20);
	ck_assert_uint_eq(rd(t, YEAR), 26);
	ck_assert_uint_eq(rd(t, MONTH), 1);
	ck_assert_uint_eq(rd(t, DAY), 2);
	ck_assert_uint_eq(rd(t, HOURS), 3);
	ck_assert_uint_eq(rd(t, MINUTES), 4);
	ck_assert_uint_eq(rd(t, SECONDS), 5);
	ck_assert_uint_eq(rd(t, WEEKDAY), 6);
}
END_TEST

START_TEST(test_two_digit_values)
{
	struct plugvm_devtest *u = open_rtc("1999-12-31 23:59:58");
	char buf[32];

	ck_assert_ptr_nonnull(u);
	ck_assert_str_eq(read_bcd(u, buf, sizeof(buf)), "1999-12-31 23:59:58");
	ck_assert_uint_eq(rd(u, WEEKDAY), 0x06); /* a Friday */
	wr(u, REG_B, B_DM | B_24H);
	ck_assert_uint_eq(rd(u, CENTURY), 19);
	ck_assert_uint_eq(rd(u, YEAR), 99);
	ck_assert_uint_eq(rd(u, HOURS), 23);
	ck_assert_uint_eq(rd(u, SECONDS), 58);
	plugvm_devtest_free(u);
}
END_TEST

/* Hours in 12-hour mode: 1-12, bit 7 for PM, in BCD or binary. */
static void check_12h(const char *when, uint8_t bcd, uint8_t bin)
{
	struct plugvm_devtest *u = open_rtc(when);

	ck_assert_ptr_nonnull(u);
	wr(u, REG_B, 0);
	ck_assert_msg(rd(u, HOURS) == bcd, "%s: BCD hours 0x%02x, not 0x%02x",
		      when, rd(u, HOURS), bcd);
	wr(u, REG_B, B_DM);
	ck_assert_msg(rd(u, HOURS) == bin,
		      "%s: binary hours 0x%02x, not 0x%02x", when, rd(u, HOURS),
		      bin);
	plugvm_devtest_free(u);
}

START_TEST(test_12_hour)
{
	check_12h("2026-01-02 00:30:00", 0x12, 12);   /* 12 AM */
	check_12h("2026-01-02 03:04:05", 0x03, 3);    /* 3 AM */
	check_12h("2026-01-02 11:59:59", 0x11, 11);   /* 11 AM */
	check_12h("2026-01-02 12:00:00", 0x92, 0x8c); /* 12 PM */
	check_12h("2026-01-02 23:00:00", 0x91, 0x8b); /* 11 PM */
}
END_TEST

START_TEST(test_frozen)
{
	char before[32], after[32];

	read_bcd(t, before, sizeof(before));
	/* 1.1 s on the kit's virtual clock: no test waits for host time */
	plugvm_devtest_clock_step(t, 1100 * MS);
	ck_assert_str_eq(read_bcd(t, after, sizeof(after)), before);
	/* a frozen clock never shows an update, nor arms a timer for one */
	wr(t, REG_B, B_UIE | B_AIE | B_24H);
	wr(t, SECONDS_ALARM, 0xc0);
	wr(t, MINUTES_ALARM, 0xc0);
	wr(t, HOURS_ALARM, 0xc0);
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), UINT64_MAX);
	plugvm_devtest_clock_step(t, 3 * S);
	ck_assert_uint_eq(rd(t, REG_A), 0x26);
	ck_assert_uint_eq(rd(t, REG_C), 0x00);
}
END_TEST

START_TEST(test_host_time)
{
	struct plugvm_devtest *u = open_rtc("host");
	char got[32], want[3][32];
	time_t now = time(NULL);
	struct tm tm;

	ck_assert_ptr_nonnull(u);
	/* the host's UTC time, read between now - 1 and now + 1 */
	for (int i = 0; i < 3; i++) {
		time_t when = now - 1 + i;

		gmtime_r(&when, &tm);
		strftime(want[i], sizeof(want[i]), "%Y-%m-%d %H:%M:%S", &tm);
	}
	read_bcd(u, got, sizeof(got));
	ck_assert_msg(!strcmp(got, want[0]) || !strcmp(got, want[1]) ||
			      !strcmp(got, want[2]),
		      "read %s, host time %s", got, want[1]);
	plugvm_devtest_free(u);
}
END_TEST

START_TEST(test_cmos_ram)
{
	for (unsigned int i = 0x0e; i < 0x80; i++)
		if (i != CENTURY)
			wr(t, i, i ^ 0xa5);
	for (unsigned int i = 0x0e; i < 0x80; i++)
		if (i != CENTURY)
			ck_assert_uint_eq(rd(t, i), i ^ 0xa5);
	/* the time and the status registers were not touched */
	ck_assert_uint_eq(rd(t, SECONDS), 0x05);
	ck_assert_uint_eq(rd(t, REG_A), 0x26);
	/* battery-backed: a reset keeps it */
	plugvm_devtest_reset(t);
	ck_assert_uint_eq(rd(t, 0x0e), 0x0e ^ 0xa5);
	ck_assert_uint_eq(rd(t, 0x7f), 0x7f ^ 0xa5);
}
END_TEST

START_TEST(test_index_mask)
{
	/* bit 7 is the PC's NMI-disable bit, not part of the index */
	plugvm_devtest_outb(t, INDEX, 0x80 | 0x0e);
	plugvm_devtest_outb(t, DATA, 0x42);
	ck_assert_uint_eq(rd(t, 0x0e), 0x42);
	plugvm_devtest_outb(t, INDEX, 0x80 | SECONDS);
	ck_assert_uint_eq(plugvm_devtest_inb(t, DATA), 0x05);
	plugvm_devtest_outb(t, INDEX, 0xff);
	plugvm_devtest_outb(t, DATA, 0x99);
	ck_assert_uint_eq(rd(t, 0x7f), 0x99);
	ck_assert_uint_eq(guest_errors(t), 0);
}
END_TEST

START_TEST(test_set_clock)
{
	char buf[32];

	wr(t, REG_B, B_SET | B_UIE | B_24H);
	ck_assert_uint_eq(rd(t, REG_B), B_SET | B_24H); /* SET clears UIE */
	wr(t, CENTURY, 0x19);
	wr(t, YEAR, 0x98);
	wr(t, MONTH, 0x07);
	wr(t, DAY, 0x14);
	wr(t, HOURS, 0x21);
	wr(t, MINUTES, 0x45);
	wr(t, SECONDS, 0x30);
	/* while SET is on the registers show what was written */
	ck_assert_str_eq(read_bcd(t, buf, sizeof(buf)), "1998-07-14 21:45:30");
	wr(t, REG_B, B_24H);
	ck_assert_str_eq(read_bcd(t, buf, sizeof(buf)), "1998-07-14 21:45:30");
	ck_assert_uint_eq(rd(t, WEEKDAY), 0x03); /* a Tuesday */
	/* the time a guest set survives a reset */
	plugvm_devtest_reset(t);
	ck_assert_str_eq(read_bcd(t, buf, sizeof(buf)), "1998-07-14 21:45:30");
}
END_TEST

START_TEST(test_write_without_set)
{
	char buf[32];

	/* with SET clear a write takes effect at once */
	wr(t, MINUTES, 0x59);
	ck_assert_str_eq(read_bcd(t, buf, sizeof(buf)), "2026-01-02 03:59:05");
	/* binary and 12-hour: 7 PM */
	wr(t, REG_B, B_DM);
	wr(t, HOURS, 0x80 | 7);
	wr(t, REG_B, B_24H);
	ck_assert_str_eq(read_bcd(t, buf, sizeof(buf)), "2026-01-02 19:59:05");
}
END_TEST

START_TEST(test_reset)
{
	wr(t, REG_A, 0x2f);
	wr(t, REG_B, B_DM);
	plugvm_devtest_outb(t, INDEX, 0x0e);
	plugvm_devtest_reset(t);
	/* the index is 0 again: the data port reads the seconds, in BCD */
	ck_assert_uint_eq(plugvm_devtest_inb(t, DATA), 0x05);
	ck_assert_uint_eq(rd(t, REG_A), 0x26);
	ck_assert_uint_eq(rd(t, REG_B), B_24H);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* limits                                                                   */
/* ------------------------------------------------------------------------ */

START_TEST(test_byte_access_only)
{
	uint64_t v = 0;

	ck_assert_uint_eq(plugvm_devtest_pio_read(t, INDEX, 2, &v),
			  PLUGVM_DEVTEST_BAD_SIZE);
	ck_assert_uint_eq(v, 0xffff);
	ck_assert_uint_eq(plugvm_devtest_pio_write(t, INDEX, 2, 0x5a0e),
			  PLUGVM_DEVTEST_BAD_SIZE);
	ck_assert_uint_eq(rd(t, 0x0e), 0x00);
}
END_TEST

START_TEST(test_two_ports)
{
	plugvm_devtest_inb(t, INDEX - 1);
	ck_assert_uint_eq(plugvm_devtest_last_result(t),
			  PLUGVM_DEVTEST_UNMAPPED);
	plugvm_devtest_inb(t, DATA + 1);
	ck_assert_uint_eq(plugvm_devtest_last_result(t),
			  PLUGVM_DEVTEST_UNMAPPED);
}
END_TEST

START_TEST(test_other_base)
{
	static const char *const settings[] = { "base", "0xfffe", "time", FIXED,
						NULL };
	struct plugvm_devtest *u =
		plugvm_devtest_open(plugin(), NULL, settings, 0);

	ck_assert_ptr_nonnull(u);
	plugvm_devtest_outb(u, 0xfffe, SECONDS);
	ck_assert_uint_eq(plugvm_devtest_inb(u, 0xffff), 0x05);
	plugvm_devtest_free(u);
}
END_TEST

START_TEST(test_alarms)
{
	wr(t, SECONDS_ALARM, 0x30);
	wr(t, HOURS_ALARM, 0xc0); /* "don't care" */
	ck_assert_uint_eq(rd(t, SECONDS_ALARM), 0x30);
	ck_assert_uint_eq(rd(t, HOURS_ALARM), 0xc0);
	ck_assert_uint_eq(rd(t, SECONDS), 0x05);
}
END_TEST

START_TEST(test_leap_day_and_overflow)
{
	struct plugvm_devtest *u = open_rtc("2024-02-29 12:00:00");
	char buf[32];

	ck_assert_ptr_nonnull(u);
	ck_assert_str_eq(read_bcd(u, buf, sizeof(buf)), "2024-02-29 12:00:00");
	/* setting 2024-02-31 runs on from March 2nd, and says so */
	wr(u, REG_B, B_SET | B_24H);
	wr(u, DAY, 0x31);
	wr(u, REG_B, B_24H);
	ck_assert_str_eq(read_bcd(u, buf, sizeof(buf)), "2024-03-02 12:00:00");
	ck_assert_ptr_nonnull(plugvm_devtest_log_find(u, PLUGVM_LOG_GUEST_ERROR,
						      "not a date"));
	plugvm_devtest_free(u);
}
END_TEST

START_TEST(test_iso_t_separator)
{
	struct plugvm_devtest *u = open_rtc("2026-01-02T03:04:05");
	char buf[32];

	ck_assert_ptr_nonnull(u);
	ck_assert_str_eq(read_bcd(u, buf, sizeof(buf)), FIXED);
	plugvm_devtest_free(u);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* errors                                                                   */
/* ------------------------------------------------------------------------ */

static void expect_add_fails(const char *const *settings, int err,
			     const char *msg)
{
	struct plugvm_devtest *u = plugvm_devtest_new(0);

	ck_assert_ptr_nonnull(u);
	ck_assert_int_eq(plugvm_devtest_add(u, plugin(), "bad", settings), err);
	ck_assert_msg(strstr(plugvm_devtest_error(u), msg),
		      "error '%s' does not mention '%s'",
		      plugvm_devtest_error(u), msg);
	plugvm_devtest_inb(u, DATA);
	ck_assert_uint_eq(plugvm_devtest_last_result(u),
			  PLUGVM_DEVTEST_UNMAPPED);
	plugvm_devtest_free(u);
}

/* ------------------------------------------------------------------------ */
/* interrupts, on the kit's virtual clock                                   */
/* ------------------------------------------------------------------------ */

/* A bench with the RTC (fixed time unless @when) on a "pc" chipset, whose
 * 8259A pair the test programs as a PC's firmware does: master at vector
 * 0x08, slave at 0x70 on the master's IRQ 2, only IRQ 2 and IRQ 8
 * unmasked. NULL and a message if the chipset's plugins cannot be loaded. */
static struct plugvm_devtest *open_pc(const char *when)
{
	const char *const settings[] = { "time", when ? when : FIXED, NULL };
	struct plugvm_devtest *u = plugvm_devtest_new(0);
	int ret;

	ck_assert_ptr_nonnull(u);
	ret = plugvm_devtest_set_chipset(u, "pc");
	ck_assert_msg(ret == 0, "chipset pc: %s (%s)", strerror(-ret),
		      plugvm_devtest_error(u));
	ret = plugvm_devtest_add(u, plugin(), "rtc", settings);
	ck_assert_msg(ret == 0, "rtc: %s", plugvm_devtest_error(u));
	plugvm_devtest_outb(u, 0x20, 0x11); /* ICW1: edge, cascade, ICW4 */
	plugvm_devtest_outb(u, 0x21, 0x08); /* ICW2: vector base */
	plugvm_devtest_outb(u, 0x21, 0x04); /* ICW3: slave on IRQ 2 */
	plugvm_devtest_outb(u, 0x21, 0x01); /* ICW4: 8086 mode */
	plugvm_devtest_outb(u, 0xa0, 0x11);
	plugvm_devtest_outb(u, 0xa1, 0x70);
	plugvm_devtest_outb(u, 0xa1, 0x02); /* ICW3: cascade identity 2 */
	plugvm_devtest_outb(u, 0xa1, 0x01);
	plugvm_devtest_outb(u, 0x21, 0xfb); /* OCW1: only IRQ 2 */
	plugvm_devtest_outb(u, 0xa1, 0xfe); /* only IRQ 8 */
	return u;
}

/* The period of rate select @rs in nanoseconds, rounded down. */
static uint64_t period_ns(unsigned int rs)
{
	uint64_t ticks = rs <= 2 ? 1u << (rs + 6) : 1u << (rs - 1);

	return ticks * S / 32768;
}

/* Every rate: PIE interrupts come exactly 32768 >> (RS - 1) times a
 * second (256 and 128 Hz for RS 1 and 2), each one IRQF | PF in C. */
START_TEST(test_periodic_rates)
{
	for (unsigned int rs = 1; rs <= 15; rs++) {
		struct plugvm_devtest *u = open_rtc(FIXED);
		unsigned int hz = rs <= 2 ? 32768u >> (rs + 6) : 32768u >> (rs - 1);
		uint64_t end, prev = 0;
		unsigned int n = 0;

		ck_assert_ptr_nonnull(u);
		wr(u, REG_A, 0x20 | rs);
		wr(u, REG_B, B_PIE | B_24H);
		end = plugvm_devtest_clock_ns(u) + S;
		while (plugvm_devtest_clock_next(u) <= end) {
			plugvm_devtest_clock_step_next(u);
			ck_assert_msg(rd(u, REG_C) == (C_IRQF | C_PF),
				      "RS %u: C after interrupt %u", rs, n);
			if (n) /* one period apart, to the nanosecond */
				ck_assert_uint_le(plugvm_devtest_clock_ns(u) -
							  prev - period_ns(rs),
						  1);
			prev = plugvm_devtest_clock_ns(u);
			n++;
		}
		ck_assert_msg(n == hz, "RS %u: %u interrupts in 1 s, not %u",
			      rs, n, hz);
		plugvm_devtest_free(u);
	}
}
END_TEST

/* RS 0 turns the periodic interrupt off, as does a stopped divider. */
START_TEST(test_rate_zero_is_off)
{
	wr(t, REG_A, 0x20);
	wr(t, REG_B, B_PIE | B_24H);
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), UINT64_MAX);
	plugvm_devtest_clock_step(t, S);
	ck_assert_uint_eq(rd(t, REG_C), 0);
	wr(t, REG_A, 0x66); /* divider in reset */
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), UINT64_MAX);
	plugvm_devtest_clock_step(t, S);
	ck_assert_uint_eq(rd(t, REG_C), 0);
	wr(t, REG_A, 0x26); /* running again: 1024 Hz */
	ck_assert_uint_le(plugvm_devtest_clock_next(t) -
				  plugvm_devtest_clock_ns(t),
			  period_ns(6) + 1);
}
END_TEST

/* Without PIE no interrupt; SQWE alone sets PF (as QEMU's RTC), and
 * turning PIE on while PF is set raises IRQF at once. */
START_TEST(test_flags_without_enable)
{
	wr(t, REG_B, B_SQWE | B_24H);
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), UINT64_MAX);
	plugvm_devtest_clock_step(t, 10 * MS);
	ck_assert_uint_eq(rd(t, REG_C), C_PF);
	ck_assert_uint_eq(rd(t, REG_C), 0); /* read-to-clear */
	plugvm_devtest_clock_step(t, 10 * MS);
	wr(t, REG_B, B_SQWE | B_PIE | B_24H);
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), UINT64_MAX);
	ck_assert_uint_eq(rd(t, REG_C), C_IRQF | C_PF);
	/* PIE alone, a stretch with nothing enabled leaves no flag */
	wr(t, REG_B, B_24H);
	plugvm_devtest_clock_step(t, 10 * MS);
	ck_assert_uint_eq(rd(t, REG_C), 0);
}
END_TEST

/* The line: high from the flag's rising until the read of C, one edge up
 * and one down per interrupt; quiet (no timer) while IRQF waits. */
START_TEST(test_irq_level)
{
	struct plugvm_devtest *u = open_pc(NULL);
	struct plugvm_devtest_irq irq;

	wr(u, REG_B, B_PIE | B_24H);
	ck_assert_uint_eq(plugvm_devtest_clock_step_next(u), period_ns(6) + 1);
	irq = plugvm_devtest_irq(u, IRQ);
	ck_assert(irq.level);
	ck_assert_uint_eq(irq.edges, 1);
	/* not read yet: the line stays up, nothing more to announce */
	ck_assert_uint_eq(plugvm_devtest_clock_next(u), UINT64_MAX);
	plugvm_devtest_clock_step(u, 10 * MS);
	irq = plugvm_devtest_irq(u, IRQ);
	ck_assert(irq.level);
	ck_assert_uint_eq(irq.edges, 1);
	ck_assert_uint_eq(rd(u, REG_C), C_IRQF | C_PF);
	irq = plugvm_devtest_irq(u, IRQ);
	ck_assert(!irq.level);
	ck_assert_uint_eq(irq.edges, 2);
	for (int i = 0; i < 10; i++) {
		plugvm_devtest_clock_step_next(u);
		ck_assert(plugvm_devtest_irq(u, IRQ).level);
		ck_assert_uint_eq(rd(u, REG_C), C_IRQF | C_PF);
	}
	ck_assert_uint_eq(plugvm_devtest_irq(u, IRQ).edges, 22);
	/* no other line moved */
	for (unsigned int line = 0; line < 16; line++)
		if (line != IRQ)
			ck_assert_uint_eq(plugvm_devtest_irq(u, line).edges, 0);
	plugvm_devtest_free(u);
}
END_TEST

/* Through the 8259A pair, as a vCPU takes it: INTR, vector 0x70, EOI to
 * both controllers; and the next interrupt only once C was read. */
START_TEST(test_irq_through_slave_pic)
{
	struct plugvm_devtest *u = open_pc(NULL);

	wr(u, REG_B, B_PIE | B_24H);
	ck_assert(!plugvm_devtest_intr(u, 0));
	for (int i = 0; i < 3; i++) {
		plugvm_devtest_clock_step_next(u);
		ck_assert(plugvm_devtest_intr(u, 0));
		ck_assert_int_eq(plugvm_devtest_inta(u, 0), 0x70);
		ck_assert_uint_eq(rd(u, REG_C), C_IRQF | C_PF);
		plugvm_devtest_outb(u, 0xa0, 0x20); /* EOI, slave first */
		plugvm_devtest_outb(u, 0x20, 0x20);
		ck_assert(!plugvm_devtest_intr(u, 0));
	}
	/* without the read of C the edge-triggered input sees no more */
	plugvm_devtest_clock_step_next(u);
	ck_assert_int_eq(plugvm_devtest_inta(u, 0), 0x70);
	plugvm_devtest_outb(u, 0xa0, 0x20);
	plugvm_devtest_outb(u, 0x20, 0x20);
	plugvm_devtest_clock_step(u, 10 * MS);
	ck_assert(!plugvm_devtest_intr(u, 0));
	plugvm_devtest_free(u);
}
END_TEST

/* The `irq` setting moves the line. */
START_TEST(test_irq_setting)
{
	const char *const settings[] = { "time", FIXED, "irq", "5", NULL };
	struct plugvm_devtest *u = plugvm_devtest_new(0);

	ck_assert_ptr_nonnull(u);
	ck_assert_int_eq(plugvm_devtest_set_chipset(u, "pc"), 0);
	ck_assert_int_eq(plugvm_devtest_add(u, plugin(), "rtc", settings), 0);
	wr(u, REG_B, B_PIE | B_24H);
	plugvm_devtest_clock_step_next(u);
	ck_assert(plugvm_devtest_irq(u, 5).level);
	ck_assert_uint_eq(plugvm_devtest_irq(u, IRQ).calls, 0);
	plugvm_devtest_free(u);
	expect_add_fails((const char *const[]){ "irq", "24", NULL }, -EINVAL,
			 "irq");
}
END_TEST

/* chipset none (plugvm's default): set_irq() is refused with a warning
 * that names the fix; C works all the same for a guest that polls. */
START_TEST(test_none_chipset_refuses)
{
	struct plugvm_devtest_irq irq;

	wr(t, REG_B, B_PIE | B_24H);
	plugvm_devtest_clock_step_next(t);
	irq = plugvm_devtest_irq(t, IRQ);
	ck_assert_uint_eq(irq.calls, 1);
	ck_assert(!irq.level);
	ck_assert_uint_eq(irq.edges, 0);
	ck_assert_ptr_nonnull(
		plugvm_devtest_log_find(t, PLUGVM_LOG_WARN, "chipset = pc"));
	ck_assert_uint_eq(rd(t, REG_C), C_IRQF | C_PF);
}
END_TEST

/* Update-ended: once a second, on the host clock's second boundary, with
 * UIP in the 244 us before it and the seconds moved on after it. */
START_TEST(test_update_interrupt)
{
	struct plugvm_devtest *u = open_pc("host");
	uint64_t next, now;
	uint8_t sec;

	wr(u, REG_B, B_UIE | B_24H | B_DM);
	now = plugvm_devtest_clock_ns(u);
	next = plugvm_devtest_clock_next(u);
	ck_assert_uint_gt(next, now);
	ck_assert_uint_le(next - now, S);
	if (next - now < MS) { /* too close to look at UIP: the next one */
		plugvm_devtest_clock_step_next(u);
		ck_assert_uint_eq(rd(u, REG_C), C_IRQF | C_UF);
		now = plugvm_devtest_clock_ns(u);
		next = plugvm_devtest_clock_next(u);
	}
	sec = rd(u, SECONDS);
	plugvm_devtest_clock_step(u, next - now - 245000);
	ck_assert_uint_eq(rd(u, REG_A) & A_UIP, 0);
	plugvm_devtest_clock_step(u, 2000);
	ck_assert_uint_eq(rd(u, REG_A) & A_UIP, A_UIP);
	ck_assert_uint_eq(rd(u, SECONDS), sec);
	ck_assert(!plugvm_devtest_irq(u, IRQ).level);
	plugvm_devtest_clock_step(u, next - plugvm_devtest_clock_ns(u));
	ck_assert(plugvm_devtest_irq(u, IRQ).level);
	ck_assert_uint_eq(rd(u, REG_A) & A_UIP, 0);
	ck_assert_uint_eq(rd(u, SECONDS), (sec + 1) % 60);
	ck_assert_uint_eq(rd(u, REG_C), C_IRQF | C_UF);
	/* then one a second, exactly */
	ck_assert_uint_eq(plugvm_devtest_clock_step_next(u), S);
	ck_assert_uint_eq(rd(u, REG_C), C_IRQF | C_UF);
	/* without UIE: UF only, no interrupt, no timer */
	wr(u, REG_B, B_24H);
	ck_assert_uint_eq(plugvm_devtest_clock_next(u), UINT64_MAX);
	plugvm_devtest_clock_step(u, 3 * S);
	ck_assert_uint_eq(rd(u, REG_C), C_UF);
	/* SET stops the updates */
	wr(u, REG_B, B_SET | B_24H);
	plugvm_devtest_clock_step(u, 3 * S);
	ck_assert_uint_eq(rd(u, REG_C), 0);
	plugvm_devtest_free(u);
}
END_TEST

/* Taking the divider out of reset: the first update 500 ms later. */
START_TEST(test_divider_reset)
{
	struct plugvm_devtest *u = open_rtc("host");

	ck_assert_ptr_nonnull(u);
	wr(u, REG_A, 0x66);
	wr(u, REG_B, B_UIE | B_24H);
	ck_assert_uint_eq(plugvm_devtest_clock_next(u), UINT64_MAX);
	plugvm_devtest_clock_step(u, 1234 * MS);
	wr(u, REG_A, 0x26);
	ck_assert_uint_eq(plugvm_devtest_clock_next(u) -
				  plugvm_devtest_clock_ns(u),
			  500 * MS);
	plugvm_devtest_free(u);
}
END_TEST

/* The alarm: AF (with UF) at the update that makes the time match; 0xc0
 * and above match every value. */
START_TEST(test_alarm_interrupt)
{
	struct plugvm_devtest *u = open_pc("host");
	char buf[32];
	uint64_t start;

	/* set the clock to 12:00:00 on a known day */
	wr(u, REG_B, B_SET | B_24H);
	wr(u, CENTURY, 0x20);
	wr(u, YEAR, 0x26);
	wr(u, MONTH, 0x01);
	wr(u, DAY, 0x02);
	wr(u, HOURS, 0x12);
	wr(u, MINUTES, 0x00);
	wr(u, SECONDS, 0x00);
	wr(u, REG_B, B_24H);
	wr(u, HOURS_ALARM, 0x12);
	wr(u, MINUTES_ALARM, 0x00);
	wr(u, SECONDS_ALARM, 0x05);
	start = plugvm_devtest_clock_ns(u);
	wr(u, REG_B, B_AIE | B_24H);
	plugvm_devtest_clock_step_next(u);
	ck_assert(plugvm_devtest_irq(u, IRQ).level);
	ck_assert_uint_gt(plugvm_devtest_clock_ns(u) - start, 4 * S);
	ck_assert_uint_le(plugvm_devtest_clock_ns(u) - start, 5 * S);
	ck_assert_str_eq(read_bcd(u, buf, sizeof(buf)), "2026-01-02 12:00:05");
	ck_assert_uint_eq(rd(u, REG_C), C_IRQF | C_AF | C_UF);
	/* the same time comes again tomorrow */
	ck_assert_uint_eq(plugvm_devtest_clock_next(u) -
				  plugvm_devtest_clock_ns(u),
			  86400 * S);
	/* don't care: every second */
	wr(u, HOURS_ALARM, 0xc0);
	wr(u, MINUTES_ALARM, 0xff);
	wr(u, SECONDS_ALARM, 0xc0);
	ck_assert_uint_eq(plugvm_devtest_clock_step_next(u), S);
	ck_assert_uint_eq(rd(u, REG_C), C_IRQF | C_AF | C_UF);
	/* a byte no time matches: never */
	wr(u, SECONDS_ALARM, 0x5a);
	ck_assert_uint_eq(plugvm_devtest_clock_next(u), UINT64_MAX);
	plugvm_devtest_free(u);
}
END_TEST

/* A reset lowers the line and disarms the timer. */
START_TEST(test_reset_lowers_line)
{
	struct plugvm_devtest *u = open_pc(NULL);

	wr(u, REG_B, B_PIE | B_24H);
	plugvm_devtest_clock_step_next(u);
	ck_assert(plugvm_devtest_irq(u, IRQ).level);
	plugvm_devtest_reset(u);
	ck_assert(!plugvm_devtest_irq(u, IRQ).level);
	ck_assert_uint_eq(plugvm_devtest_clock_next(u), UINT64_MAX);
	ck_assert_uint_eq(rd(u, REG_C), 0);
	plugvm_devtest_free(u);
}
END_TEST

/* An idle RTC arms no timer: a device nobody enables costs nothing. */
START_TEST(test_idle_arms_nothing)
{
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), UINT64_MAX);
	ck_assert_uint_eq(plugvm_devtest_clock_step(t, 5 * S), 0);
}
END_TEST

START_TEST(test_bad_times)
{
	static const char *const bad[] = {
		"yesterday",
		"2026-13-01 00:00:00",
		"2026-02-29 00:00:00",
		"2026-01-02 24:00:00",
		"2026-01-02 03:04",
		"2026-01-02 03:04:60",
		"2026-1-2 03:04:05",
		"2026-01-02  03:04:05",
		"+026-01-02 03:04:05",
		"",
		"\"2026-01-02 03:04:05\"",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_add_fails((const char *const[]){ "time", bad[i], NULL },
				 -EINVAL, "YYYY-MM-DD HH:MM:SS");
}
END_TEST

START_TEST(test_bad_base)
{
	expect_add_fails((const char *const[]){ "base", "0xffff", NULL },
			 -EINVAL, "0xffff");
	expect_add_fails((const char *const[]){ "port", "0x70", NULL }, -EINVAL,
			 "port");
}
END_TEST

START_TEST(test_overlap)
{
	ck_assert_int_eq(plugvm_devtest_add(
				 t, plugin(), "rtc2",
				 (const char *const[]){ "base", "0x71", NULL }),
			 -EBUSY);
	ck_assert_uint_eq(rd(t, SECONDS), 0x05);
}
END_TEST

START_TEST(test_read_only_registers)
{
	wr(t, REG_C, 0xff);
	ck_assert_ptr_nonnull(plugvm_devtest_log_find(t, PLUGVM_LOG_GUEST_ERROR,
						      "read-only register C"));
	wr(t, REG_D, 0x00);
	ck_assert_ptr_nonnull(plugvm_devtest_log_find(t, PLUGVM_LOG_GUEST_ERROR,
						      "read-only register D"));
	ck_assert_uint_eq(rd(t, REG_C), 0x00);
	ck_assert_uint_eq(rd(t, REG_D), 0x80);
	/* UIP is read-only too, without complaint */
	wr(t, REG_A, 0xa6);
	ck_assert_uint_eq(rd(t, REG_A), 0x26);
}
END_TEST

START_TEST(test_bad_time_values)
{
	char buf[32];

	wr(t, SECONDS, 0x5a); /* not BCD */
	wr(t, MINUTES, 0x60);
	wr(t, HOURS, 0x24);
	wr(t, MONTH, 0x00);
	wr(t, DAY, 0x32);
	wr(t, REG_B, 0); /* 12-hour: 0 and 13 are no hours */
	wr(t, HOURS, 0x00);
	wr(t, HOURS, 0x13);
	wr(t, REG_B, B_DM | B_24H);
	wr(t, YEAR, 100);
	wr(t, REG_B, B_24H);
	ck_assert_uint_eq(guest_errors(t), 8);
	ck_assert_str_eq(read_bcd(t, buf, sizeof(buf)), FIXED);
	ck_assert_ptr_nonnull(plugvm_devtest_log_find(t, PLUGVM_LOG_GUEST_ERROR,
						      "invalid value 0x5a"));
}
END_TEST

START_TEST(test_read_index_port)
{
	ck_assert_uint_eq(plugvm_devtest_inb(t, INDEX), 0xff);
	ck_assert_ptr_nonnull(plugvm_devtest_log_find(t, PLUGVM_LOG_GUEST_ERROR,
						      "write-only index port"));
}
END_TEST

static Suite *rtc_suite(void)
{
	Suite *s = suite_create("rtc");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_power_on_values);
	tcase_add_test(tc, test_bcd);
	tcase_add_test(tc, test_binary);
	tcase_add_test(tc, test_two_digit_values);
	tcase_add_test(tc, test_12_hour);
	tcase_add_test(tc, test_frozen);
	tcase_add_test(tc, test_host_time);
	tcase_add_test(tc, test_cmos_ram);
	tcase_add_test(tc, test_index_mask);
	tcase_add_test(tc, test_set_clock);
	tcase_add_test(tc, test_write_without_set);
	tcase_add_test(tc, test_reset);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_byte_access_only);
	tcase_add_test(tc, test_two_ports);
	tcase_add_test(tc, test_other_base);
	tcase_add_test(tc, test_alarms);
	tcase_add_test(tc, test_leap_day_and_overflow);
	tcase_add_test(tc, test_iso_t_separator);
	suite_add_tcase(s, tc);

	tc = tcase_create("interrupts");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_periodic_rates);
	tcase_add_test(tc, test_rate_zero_is_off);
	tcase_add_test(tc, test_flags_without_enable);
	tcase_add_test(tc, test_irq_level);
	tcase_add_test(tc, test_irq_through_slave_pic);
	tcase_add_test(tc, test_irq_setting);
	tcase_add_test(tc, test_none_chipset_refuses);
	tcase_add_test(tc, test_update_interrupt);
	tcase_add_test(tc, test_divider_reset);
	tcase_add_test(tc, test_alarm_interrupt);
	tcase_add_test(tc, test_reset_lowers_line);
	tcase_add_test(tc, test_idle_arms_nothing);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_bad_times);
	tcase_add_test(tc, test_bad_base);
	tcase_add_test(tc, test_overlap);
	tcase_add_test(tc, test_read_only_registers);
	tcase_add_test(tc, test_bad_time_values);
	tcase_add_test(tc, test_read_index_port);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(rtc_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
