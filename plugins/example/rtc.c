// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rtc.c - an MC146818-style real-time clock with CMOS RAM, as in every PC:
 * an index port (0x70) selects one of 128 registers, the data port (0x71)
 * reads or writes it. It interrupts on IRQ 8: periodically, once a second
 * when the clock has been updated, and when the time matches the alarm.
 *
 * This is plugvm's example of a device plugin built out of tree: it needs
 * nothing but <plugvm/plugin.h> and the C library. It keeps time with the
 * host's clock and timers (host->clock_ns, host->timer) and raises its
 * interrupt with host->set_irq(): no thread of its own.
 *
 * Registers, as in the Motorola MC146818A datasheet:
 *   0x00-0x09  seconds, seconds alarm, minutes, minutes alarm, hours, hours
 *              alarm, day of week (1 = Sunday), day of month, month, year
 *              (two digits). BCD, or binary when register B's DM bit is
 *              set; hours in 24-hour form, or 1-12 with bit 7 for PM when
 *              B's 24/12 bit is clear. An alarm byte of 0xc0-0xff matches
 *              every value ("don't care").
 *   0x0a  A    UIP (bit 7, read-only), DV2-DV0 (bits 6-4: 010 runs the
 *              32.768 kHz divider chain, 11x holds it in reset), RS3-RS0
 *              (bits 3-0: the periodic rate, 32768 >> (RS - 1) Hz; RS 1
 *              and 2 give 256 and 128 Hz, 0 none)
 *   0x0b  B    SET, PIE, AIE, UIE, SQWE, DM, 24/12, DSE
 *   0x0c  C    IRQF, PF, AF, UF; cleared by reading; read-only
 *   0x0d  D    VRT (bit 7: RAM and time valid); read-only
 *   0x0e-0x7f  114 bytes of battery-backed CMOS RAM. Byte 0x32 holds the
 *              century, in BCD or binary like the year, as PC firmware and
 *              ACPI expect; it moves with the clock.
 * Bit 7 of the index is the PC's NMI-disable bit: it is masked off.
 *
 * Interrupts. Register C's flags: PF at every period of the rate RS
 * selects, UF when an update cycle ends (once a second), AF when an update
 * makes the time match the three alarm bytes. IRQF is set while a flag is
 * set whose enable bit in B is on (PIE, UIE, AIE), and the IRQ line (the
 * `irq` setting, 8 by default, as on every PC) is high exactly while IRQF
 * is: the chip's active-low IRQ pin, as the PC's inverter delivers it. The
 * guest's read of C returns the flags, clears them and lowers the line; an
 * edge-triggered 8259A input (IRQ 8's default) needs that read to see the
 * next interrupt. Nothing happens in the background: the flags are worked
 * out from the machine's clock (host->clock_ns()) when C is read, and one
 * host timer is armed only for the next moment IRQF would rise. So a
 * device the guest never enables costs nothing, and in the device test kit
 * the whole chip runs on the kit's virtual clock.
 *
 * The clock: with `time = host` it starts at the host's UTC time and runs
 * on with the machine's clock, its update cycles on the host's second
 * boundaries; with a fixed `time = YYYY-MM-DD HH:MM:SS` it stands still at
 * that time, so a guest prints the same on every run (and no update
 * cycles, UF or AF happen; the periodic interrupt runs). A guest may set
 * the clock, the way a PC's firmware does: set B.SET, write the time
 * registers, clear B.SET. Writes with SET clear take effect at once.
 * Either way the device keeps the difference to the time base, so a host
 * clock keeps running from the time the guest set. Taking the divider
 * chain out of reset (DV 11x, then 010) starts the next second 500 ms
 * later, as on the chip.
 *
 * Simplifications: the time reads in the current DM and 24/12 format
 * whenever it is read (a chip keeps what was written in the old format);
 * the day of the week follows from the date (writes to it are ignored);
 * DSE and the other divider settings (DV 000, 001, 011-101) are stored,
 * and the latter stop the updates and the periodic flag while the time
 * reads on; PF is set only while PIE or SQWE is on (as QEMU's RTC does; on
 * the chip it follows the rate whenever RS is not 0), so a guest that
 * polls C without interrupts sees only UF; there is no square-wave pin.
 *
 * Reset gives the registers the values a PC's firmware leaves: A = 0x26,
 * B = 0x02 (24-hour, BCD), C = 0, D = 0x80, index 0, and lowers the line.
 * The CMOS RAM, the alarms and a time the guest set survive a reset, as on
 * battery power.
 */
#include <plugvm/plugin.h>

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RTC_NR_PORTS 2
#define RTC_PORT_INDEX 0 /* offset of the index port (write-only) */
#define RTC_PORT_DATA 1	 /* offset of the data port */

#define RTC_NR_REGS 0x80
#define RTC_INDEX_MASK 0x7f
#define RTC_NMI_DISABLE 0x80 /* index bit 7 on a PC */

/* Register numbers. */
#define RTC_SECONDS 0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES 0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS 0x04
#define RTC_HOURS_ALARM 0x05
#define RTC_WEEKDAY 0x06
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
#define RTC_RAM_FIRST 0x0e
#define RTC_CENTURY 0x32 /* IBM PC convention, the ACPI FADT default */

#define RTC_A_UIP 0x80	    /* update in progress */
#define RTC_A_DV 0x70	    /* divider select */
#define RTC_A_DV_ON 0x20    /* 32.768 kHz time base: the clock runs */
#define RTC_A_DV_RESET 0x60 /* 11x: the divider chain is held in reset */
#define RTC_A_RS 0x0f	    /* rate select */
#define RTC_A_WRITABLE 0x7f
#define RTC_A_POWER_ON 0x26 /* DV = 32.768 kHz, RS = 1024 Hz */

#define RTC_B_SET 0x80	/* updates stopped while the time is set */
#define RTC_B_PIE 0x40	/* periodic interrupt enable */
#define RTC_B_AIE 0x20	/* alarm interrupt enable */
#define RTC_B_UIE 0x10	/* update-ended interrupt enable */
#define RTC_B_SQWE 0x08 /* square wave enable */
#define RTC_B_DM 0x04	/* data mode: 1 binary, 0 BCD */
#define RTC_B_24H 0x02	/* 1: 24-hour hours, 0: 12-hour with PM bit */
#define RTC_B_DSE 0x01	/* daylight saving enable */
#define RTC_B_POWER_ON RTC_B_24H

#define RTC_C_IRQF 0x80 /* an enabled flag is set: the line is high */
#define RTC_C_PF 0x40	/* periodic */
#define RTC_C_AF 0x20	/* alarm */
#define RTC_C_UF 0x10	/* update ended */

#define RTC_D_VRT 0x80

#define RTC_HOURS_PM 0x80     /* 12-hour mode: bit 7 of the hours */
#define RTC_ALARM_ANY 0xc0    /* alarm bytes 0xc0-0xff match every value */

/* UIP is set this long before each second's update (datasheet: 244 us). */
#define RTC_UIP_NS 244000
#define RTC_NS_PER_S 1000000000
/* The first update after the divider leaves reset comes this much later. */
#define RTC_DV_START_NS 500000000
/* The divider chain's input, 32768 Hz: one tick is 1e9 / 2^15 ns, that is
 * 1953125 / 64 ns exactly. */
#define RTC_TICK_NUM 1953125
#define RTC_TICK_DEN 64

#define RTC_SECS_PER_DAY 86400
#define RTC_NEVER INT64_MAX

enum {
	RTC_SET_BASE,
	RTC_SET_TIME,
	RTC_SET_IRQ,
};

static const struct plugvm_setting rtc_settings[] = {
	[RTC_SET_BASE] = {
		.name = "base",
		.type = PLUGVM_SETTING_U64,
		.def = "0x70",
		.help = "index port; the data port is base + 1 "
			"(a PC's are 0x70 and 0x71)",
		.min = 0,
		.max = 0x10000 - RTC_NR_PORTS,
	},
	[RTC_SET_TIME] = {
		.name = "time",
		.type = PLUGVM_SETTING_STRING,
		.def = "host",
		.help = "host: the host's UTC time, running; or a fixed UTC "
			"time YYYY-MM-DD HH:MM:SS that stands still, so that "
			"guest output is the same on every run",
	},
	[RTC_SET_IRQ] = {
		.name = "irq",
		.type = PLUGVM_SETTING_U64,
		.def = "8",
		.help = "interrupt line (IRQ 8 on a PC, through the slave "
			"8259A); needs [machine] chipset = pc",
		.min = 0,
		.max = 23,
	},
	{ .name = NULL },
};

/* A broken-down UTC time; year is the full year, 0 to 9999. */
struct rtc_time {
	int year, month, day; /* month 1-12, day 1-31 */
	int hour, min, sec;
};

struct rtc {
	struct plugvm_device *dev;
	const struct plugvm_host *host;
	struct plugvm_timer *timer;
	uint16_t base;
	unsigned int irq;
	bool host_clock; /* time = host */
	int64_t fixed;	 /* time = fixed: seconds since 1970-01-01 UTC */
	int64_t offset;	 /* the guest's time minus the time base */
	struct rtc_time set_time; /* what the guest writes while B.SET is on */

	/*
	 * The divider chain: on the machine's clock, a second of the time
	 * base begins at div0 + k * 1e9 (the update cycles), and the 32768
	 * Hz ticks that the periodic rate divides count from div0 on. With
	 * time = host, the second at div0 is host UTC second epoch.
	 */
	int64_t div0;
	int64_t epoch;

	uint8_t flags;	 /* PF, AF and UF, up to the clock time synced */
	int64_t synced;	 /* events up to here are in flags */
	bool line;	 /* the level this device drives on its IRQ line */

	uint8_t index;
	uint8_t a, b;
	/* Alarms and CMOS RAM; the time and A-D are kept above. */
	uint8_t ram[RTC_NR_REGS];
};

/* floor(a / b) for b > 0, also for negative a. */
static int64_t rtc_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b < 0) ? q - 1 : q;
}

/* The machine's clock: CLOCK_MONOTONIC in plugvm, the test's virtual
 * clock in the device test kit. */
static int64_t rtc_clock(const struct rtc *r)
{
	return (int64_t)r->host->clock_ns(r->dev);
}

/*
 * Calendar arithmetic, proleptic Gregorian, after Howard Hinnant's
 * days_from_civil() and civil_from_days(): no time zones, no libc.
 */
static int64_t rtc_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void rtc_civil_from_days(int64_t z, struct rtc_time *t)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	t->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	t->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	t->year = (int)(yoe + era * 400 + (t->month <= 2));
}

static int rtc_days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

static int64_t rtc_to_seconds(const struct rtc_time *t)
{
	return rtc_days_from_civil(t->year, t->month, t->day) *
		       RTC_SECS_PER_DAY +
	       t->hour * 3600 + t->min * 60 + t->sec;
}

static void rtc_from_seconds(int64_t s, struct rtc_time *t)
{
	int64_t days = s / RTC_SECS_PER_DAY;
	int64_t rest = s % RTC_SECS_PER_DAY;

	if (rest < 0) {
		rest += RTC_SECS_PER_DAY;
		days--;
	}
	rtc_civil_from_days(days, t);
	t->hour = (int)(rest / 3600);
	t->min = (int)(rest / 60 % 60);
	t->sec = (int)(rest % 60);
}

/* Day of the week as the RTC counts it: 1 = Sunday ... 7 = Saturday. */
static int rtc_weekday(const struct rtc_time *t)
{
	int64_t days = rtc_days_from_civil(t->year, t->month, t->day);

	/* 1970-01-01 was a Thursday */
	return (int)(((days % 7) + 11) % 7) + 1;
}

/* @n digits of @s as a number, or -1 if one of them is not a digit. */
static int rtc_digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * Parse "YYYY-MM-DD HH:MM:SS" (a 'T' may stand for the space, as in ISO
 * 8601) into seconds since the epoch. Returns 0 or -EINVAL.
 */
static int rtc_parse_time(const char *s, int64_t *out)
{
	static const char pattern[] = "dddd-dd-dd dd:dd:dd";
	struct rtc_time t;

	if (strlen(s) != sizeof(pattern) - 1)
		return -EINVAL;
	for (size_t i = 0; pattern[i]; i++) {
		if (pattern[i] == 'd' || s[i] == pattern[i])
			continue;
		if (!(pattern[i] == ' ' && s[i] == 'T'))
			return -EINVAL;
	}
	t.year = rtc_digits(s, 4);
	t.month = rtc_digits(s + 5, 2);
	t.day = rtc_digits(s + 8, 2);
	t.hour = rtc_digits(s + 11, 2);
	t.min = rtc_digits(s + 14, 2);
	t.sec = rtc_digits(s + 17, 2);
	if (t.year < 0 || t.month < 1 || t.month > 12 || t.day < 1 ||
	    t.day > rtc_days_in_month(t.year, t.month) || t.hour < 0 ||
	    t.hour > 23 || t.min < 0 || t.min > 59 || t.sec < 0 || t.sec > 59)
		return -EINVAL;
	*out = rtc_to_seconds(&t);
	return 0;
}

static uint8_t rtc_encode(const struct rtc *r, int v)
{
	if (r->b & RTC_B_DM)
		return (uint8_t)v;
	return (uint8_t)((v / 10) << 4 | v % 10);
}

/* A register value in the current data mode into *@v: 0 or -EINVAL. */
static int rtc_decode(const struct rtc *r, uint8_t val, int *v)
{
	if (r->b & RTC_B_DM) {
		*v = val;
		return 0;
	}
	if ((val >> 4) > 9 || (val & 0xf) > 9)
		return -EINVAL;
	*v = (val >> 4) * 10 + (val & 0xf);
	return 0;
}

static uint8_t rtc_encode_hours(const struct rtc *r, int hour)
{
	int h12 = hour % 12 ? hour % 12 : 12;

	if (r->b & RTC_B_24H)
		return rtc_encode(r, hour);
	return rtc_encode(r, h12) | (hour >= 12 ? RTC_HOURS_PM : 0);
}

/* Hours as written in the current mode, into 0-23: 0 or -EINVAL. */
static int rtc_decode_hours(const struct rtc *r, uint8_t val, int *hour)
{
	int h;

	if (r->b & RTC_B_24H)
		return rtc_decode(r, val, hour);
	if (rtc_decode(r, val & ~RTC_HOURS_PM, &h) || h < 1 || h > 12)
		return -EINVAL;
	*hour = h % 12 + (val & RTC_HOURS_PM ? 12 : 0);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* The time base and the divider chain                                      */
/* ------------------------------------------------------------------------ */

/* The time base at clock time @now: the host's running UTC seconds, or the
 * fixed time. */
static int64_t rtc_base_at(const struct rtc *r, int64_t now)
{
	if (!r->host_clock)
		return r->fixed;
	return r->epoch + rtc_floor_div(now - r->div0, RTC_NS_PER_S);
}

/* The guest's time now, in seconds since the epoch. */
static int64_t rtc_now(const struct rtc *r)
{
	return rtc_base_at(r, rtc_clock(r)) + r->offset;
}

/* The time the time registers show: the one being set, or the clock's. */
static void rtc_current(const struct rtc *r, struct rtc_time *t)
{
	if (r->b & RTC_B_SET)
		*t = r->set_time;
	else
		rtc_from_seconds(rtc_now(r), t);
}

/* Let the clock run on from @t. */
static void rtc_commit(struct rtc *r, const struct rtc_time *t)
{
	if (t->day > rtc_days_in_month(t->year, t->month))
		r->host->log(r->dev, PLUGVM_LOG_GUEST_ERROR,
			     "%04d-%02d-%02d is not a date; the clock runs on "
			     "from the days it overflows into the next month",
			     t->year, t->month, t->day);
	r->offset = rtc_to_seconds(t) - rtc_base_at(r, rtc_clock(r));
}

static bool rtc_divider_runs(const struct rtc *r)
{
	return (r->a & RTC_A_DV) == RTC_A_DV_ON;
}

/* Whether update cycles happen: a running clock, not being set. */
static bool rtc_updating(const struct rtc *r)
{
	return r->host_clock && !(r->b & RTC_B_SET) && rtc_divider_runs(r);
}

/* The periodic rate in 32768 Hz ticks, 0 when no PF is being set. */
static int64_t rtc_period_ticks(const struct rtc *r)
{
	unsigned int rs = r->a & RTC_A_RS;

	if (!rs || !rtc_divider_runs(r) || !(r->b & (RTC_B_PIE | RTC_B_SQWE)))
		return 0;
	return rs <= 2 ? (int64_t)1 << (rs + 6) : (int64_t)1 << (rs - 1);
}

/* 32768 Hz ticks of the divider chain from div0 to clock time @t. */
static int64_t rtc_ticks_at(const struct rtc *r, int64_t t)
{
	int64_t d = t - r->div0;
	int64_t s = rtc_floor_div(d, RTC_TICK_NUM);

	return s * RTC_TICK_DEN + (d - s * RTC_TICK_NUM) * RTC_TICK_DEN /
					  RTC_TICK_NUM;
}

/* The clock time of divider tick @j (j >= 0): the first nanosecond of it. */
static int64_t rtc_tick_time(const struct rtc *r, int64_t j)
{
	int64_t q = j / RTC_TICK_DEN, rem = j % RTC_TICK_DEN;

	return r->div0 + q * RTC_TICK_NUM +
	       (rem * RTC_TICK_NUM + RTC_TICK_DEN - 1) / RTC_TICK_DEN;
}

/* One alarm byte decoded: 0 and the value, -1 for "don't care" in *@v;
 * -EINVAL for a byte no time can match. */
static int rtc_alarm_field(const struct rtc *r, uint8_t reg, int max, int *v)
{
	uint8_t val = r->ram[reg];
	int ret;

	if ((val & RTC_ALARM_ANY) == RTC_ALARM_ANY) {
		*v = -1;
		return 0;
	}
	if (reg == RTC_HOURS_ALARM)
		ret = rtc_decode_hours(r, val, v);
	else
		ret = rtc_decode(r, val, v);
	return ret || *v > max ? -EINVAL : 0;
}

/* The first guest time after @s (seconds) that the alarm matches, or
 * RTC_NEVER. Two days are enough: every alarm matches once a day. */
static int64_t rtc_alarm_after(const struct rtc *r, int64_t s)
{
	int64_t day = rtc_floor_div(s + 1, RTC_SECS_PER_DAY) * RTC_SECS_PER_DAY;
	int as, am, ah;

	if (rtc_alarm_field(r, RTC_SECONDS_ALARM, 59, &as) ||
	    rtc_alarm_field(r, RTC_MINUTES_ALARM, 59, &am) ||
	    rtc_alarm_field(r, RTC_HOURS_ALARM, 23, &ah))
		return RTC_NEVER;
	for (int64_t d = day; d < day + 2 * RTC_SECS_PER_DAY;
	     d += RTC_SECS_PER_DAY) {
		for (int h = 0; h < 24; h++) {
			int64_t hs = d + h * 3600;

			if ((ah >= 0 && h != ah) || hs + 3599 <= s)
				continue;
			for (int m = 0; m < 60; m++) {
				int64_t ms = hs + m * 60;

				if ((am >= 0 && m != am) || ms + 59 <= s)
					continue;
				for (int sec = 0; sec < 60; sec++)
					if ((as < 0 || sec == as) &&
					    ms + sec > s)
						return ms + sec;
			}
		}
	}
	return RTC_NEVER;
}

/* The clock time of the first update after clock time @t. */
static int64_t rtc_next_update(const struct rtc *r, int64_t t)
{
	return r->div0 +
	       (rtc_floor_div(t - r->div0, RTC_NS_PER_S) + 1) * RTC_NS_PER_S;
}

/* The clock time of the first update after @t that sets AF, or RTC_NEVER. */
static int64_t rtc_next_alarm(const struct rtc *r, int64_t t)
{
	int64_t s = rtc_alarm_after(r, rtc_base_at(r, t) + r->offset);

	if (s == RTC_NEVER)
		return RTC_NEVER;
	return r->div0 + (s - r->offset - r->epoch) * RTC_NS_PER_S;
}

/* The clock time of the first periodic flag after @t (period @p ticks). */
static int64_t rtc_next_periodic(const struct rtc *r, int64_t t, int64_t p)
{
	return rtc_tick_time(r, (rtc_floor_div(rtc_ticks_at(r, t), p) + 1) * p);
}

/*
 * Fold what happened between the last sync and @now into the flags: the
 * chip sets them as it goes, this device when someone looks. Called before
 * every change of what the flags depend on, so each stretch of time is
 * judged by the settings that held during it.
 */
static void rtc_sync(struct rtc *r, int64_t now)
{
	int64_t p = rtc_period_ticks(r);

	if (now <= r->synced)
		return;
	if (p && rtc_floor_div(rtc_ticks_at(r, now), p) >
			 rtc_floor_div(rtc_ticks_at(r, r->synced), p))
		r->flags |= RTC_C_PF;
	if (rtc_updating(r)) {
		if (rtc_next_update(r, r->synced) <= now)
			r->flags |= RTC_C_UF;
		if (rtc_next_alarm(r, r->synced) <= now)
			r->flags |= RTC_C_AF;
	}
	r->synced = now;
}

/* IRQF: a flag is set whose interrupt is enabled. */
static bool rtc_irqf(const struct rtc *r)
{
	return ((r->flags & RTC_C_PF) && (r->b & RTC_B_PIE)) ||
	       ((r->flags & RTC_C_AF) && (r->b & RTC_B_AIE)) ||
	       ((r->flags & RTC_C_UF) && (r->b & RTC_B_UIE));
}

static int64_t rtc_min(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/*
 * After a sync to @now and any change: drive the line to IRQF, and arm the
 * timer for the moment IRQF would rise, if it is low and something enabled
 * will set it. While IRQF is high nothing new can be announced: the timer
 * rests until the guest reads C.
 */
static void rtc_update(struct rtc *r, int64_t now)
{
	bool level = rtc_irqf(r);
	int64_t next = RTC_NEVER;
	int64_t p = rtc_period_ticks(r);

	if (level != r->line) {
		r->line = level;
		/* A chipset = none machine refuses (-ENOTSUP) and the host
		 * warns once, naming the device, the line and the fix; the
		 * flags in C work all the same, for a guest that polls. */
		(void)r->host->set_irq(r->dev, r->irq, level);
	}
	if (!level) {
		if (p && (r->b & RTC_B_PIE))
			next = rtc_next_periodic(r, now, p);
		if (rtc_updating(r) && (r->b & RTC_B_UIE))
			next = rtc_min(next, rtc_next_update(r, now));
		if (rtc_updating(r) && (r->b & RTC_B_AIE))
			next = rtc_min(next, rtc_next_alarm(r, now));
	}
	if (next == RTC_NEVER)
		r->host->timer->cancel(r->timer);
	else
		r->host->timer->arm(r->timer, (uint64_t)next);
}

/* The timer: on the event thread, under the device's lock like read() and
 * write(), so it needs no locking of its own. */
static void rtc_timer(void *opaque)
{
	struct rtc *r = opaque;
	int64_t now = rtc_clock(r);

	rtc_sync(r, now);
	rtc_update(r, now);
}

/* ------------------------------------------------------------------------ */
/* The registers                                                            */
/* ------------------------------------------------------------------------ */


static uint8_t rtc_read_time(const struct rtc *r, uint8_t reg)
{
	struct rtc_time t;

	rtc_current(r, &t);
	switch (reg) {
	case RTC_SECONDS:
		return rtc_encode(r, t.sec);
	case RTC_MINUTES:
		return rtc_encode(r, t.min);
	case RTC_HOURS:
		return rtc_encode_hours(r, t.hour);
	case RTC_WEEKDAY:
		return rtc_encode(r, rtc_weekday(&t));
	case RTC_DAY:
		return rtc_encode(r, t.day);
	case RTC_MONTH:
		return rtc_encode(r, t.month);
	case RTC_YEAR:
		return rtc_encode(r, t.year % 100);
	default: /* RTC_CENTURY */
		return rtc_encode(r, t.year / 100);
	}
}

/* The values time register @reg takes, once decoded (hours: 0-23). */
static void rtc_field_range(uint8_t reg, int *min, int *max)
{
	*min = 0;
	*max = 59;
	if (reg == RTC_HOURS) {
		*max = 23;
	} else if (reg == RTC_DAY) {
		*min = 1;
		*max = 31;
	} else if (reg == RTC_MONTH) {
		*min = 1;
		*max = 12;
	} else if (reg == RTC_YEAR || reg == RTC_CENTURY) {
		*max = 99;
	}
}

/* Set one field of the time; the value is checked, not the date. */
static void rtc_write_time(struct rtc *r, uint8_t reg, uint8_t val)
{
	struct rtc_time t;
	int v, ret, min, max;

	if (reg == RTC_WEEKDAY) {
		r->host->log(r->dev, PLUGVM_LOG_DEBUG,
			     "day of week 0x%02x ignored: it follows the date",
			     val);
		return;
	}
	if (reg == RTC_HOURS)
		ret = rtc_decode_hours(r, val, &v);
	else
		ret = rtc_decode(r, val, &v);
	rtc_field_range(reg, &min, &max);
	if (ret || v < min || v > max) {
		r->host->log(r->dev, PLUGVM_LOG_GUEST_ERROR,
			     "invalid value 0x%02x for register 0x%02x "
			     "(%s, %s-hour): ignored",
			     val, reg, r->b & RTC_B_DM ? "binary" : "BCD",
			     r->b & RTC_B_24H ? "24" : "12");
		return;
	}

	rtc_current(r, &t);
	switch (reg) {
	case RTC_SECONDS:
		t.sec = v;
		break;
	case RTC_MINUTES:
		t.min = v;
		break;
	case RTC_HOURS:
		t.hour = v;
		break;
	case RTC_DAY:
		t.day = v;
		break;
	case RTC_MONTH:
		t.month = v;
		break;
	case RTC_YEAR:
		t.year = t.year / 100 * 100 + v;
		break;
	default: /* RTC_CENTURY */
		t.year = v * 100 + t.year % 100;
		break;
	}
	if (r->b & RTC_B_SET)
		r->set_time = t;
	else
		rtc_commit(r, &t);
}

static bool rtc_is_time_reg(uint8_t reg)
{
	return reg == RTC_SECONDS || reg == RTC_MINUTES || reg == RTC_HOURS ||
	       (reg >= RTC_WEEKDAY && reg <= RTC_YEAR) || reg == RTC_CENTURY;
}

/* A: UIP in the last 244 us before each update. */
static uint8_t rtc_read_a(const struct rtc *r, int64_t now)
{
	int64_t into = now - r->div0 -
		       rtc_floor_div(now - r->div0, RTC_NS_PER_S) * RTC_NS_PER_S;

	if (rtc_updating(r) && into >= RTC_NS_PER_S - RTC_UIP_NS)
		return r->a | RTC_A_UIP;
	return r->a;
}

static void rtc_write_a(struct rtc *r, uint8_t val, int64_t now)
{
	bool was_reset = (r->a & RTC_A_DV_RESET) == RTC_A_DV_RESET;

	r->a = val & RTC_A_WRITABLE;
	if (was_reset && rtc_divider_runs(r)) {
		/* out of reset: the current second ends 500 ms from now */
		int64_t base = rtc_base_at(r, now);

		r->div0 = now + RTC_DV_START_NS - RTC_NS_PER_S;
		r->epoch = base;
		r->synced = now;
	}
}

/* C: the flags since C was last read, and IRQF; reading clears them all
 * and lowers the line (rtc_update() after the read). */
static uint8_t rtc_read_c(struct rtc *r)
{
	uint8_t c = r->flags;

	if (rtc_irqf(r))
		c |= RTC_C_IRQF;
	r->flags = 0;
	return c;
}

static void rtc_write_b(struct rtc *r, uint8_t val)
{
	bool was_set = r->b & RTC_B_SET;

	if (val & RTC_B_SET) {
		val &= ~RTC_B_UIE; /* setting SET clears UIE */
		if (!was_set)
			rtc_current(r, &r->set_time);
	}
	r->b = val;
	if (was_set && !(val & RTC_B_SET))
		rtc_commit(r, &r->set_time);
}

static uint64_t rtc_read(void *opaque, uint64_t offset, unsigned size)
{
	struct rtc *r = opaque;
	uint8_t reg = r->index;
	int64_t now;
	uint8_t c;

	(void)size; /* always 1: the ops accept bytes only */
	if (offset == RTC_PORT_INDEX) {
		r->host->log(r->dev, PLUGVM_LOG_GUEST_ERROR,
			     "read from the write-only index port 0x%x "
			     "returns 0xff",
			     (unsigned int)r->base);
		return 0xff;
	}
	if (rtc_is_time_reg(reg))
		return rtc_read_time(r, reg);
	switch (reg) {
	case RTC_REG_A:
		return rtc_read_a(r, rtc_clock(r));
	case RTC_REG_B:
		return r->b;
	case RTC_REG_C:
		now = rtc_clock(r);
		rtc_sync(r, now);
		c = rtc_read_c(r);
		rtc_update(r, now);
		return c;
	case RTC_REG_D:
		return RTC_D_VRT;
	default: /* alarms and CMOS RAM */
		return r->ram[reg];
	}
}

static void rtc_write(void *opaque, uint64_t offset, unsigned size,
		      uint64_t value)
{
	struct rtc *r = opaque;
	uint8_t val = (uint8_t)value;
	uint8_t reg = r->index;
	int64_t now;

	(void)size;
	if (offset == RTC_PORT_INDEX) {
		if (val & RTC_NMI_DISABLE)
			r->host->log(r->dev, PLUGVM_LOG_DEBUG,
				     "index 0x%02x: NMI-disable bit masked off",
				     val);
		r->index = val & RTC_INDEX_MASK;
		return;
	}
	if (reg == RTC_REG_C || reg == RTC_REG_D) {
		r->host->log(r->dev, PLUGVM_LOG_GUEST_ERROR,
			     "write of 0x%02x to read-only register %c ignored",
			     val, reg == RTC_REG_C ? 'C' : 'D');
		return;
	}
	/* The time, A, B and the alarms decide when flags are set: account
	 * for the time until now under the old values first. */
	now = rtc_clock(r);
	rtc_sync(r, now);
	if (rtc_is_time_reg(reg))
		rtc_write_time(r, reg, val);
	else if (reg == RTC_REG_A)
		rtc_write_a(r, val, now);
	else if (reg == RTC_REG_B)
		rtc_write_b(r, val);
	else /* alarms and CMOS RAM */
		r->ram[reg] = val;
	rtc_update(r, now);
}

static const struct plugvm_io_ops rtc_ops = {
	.read = rtc_read,
	.write = rtc_write,
	.sizes = PLUGVM_ACCESS_1,
};

static void rtc_reset(void *state)
{
	struct rtc *r = state;

	r->index = 0;
	r->a = RTC_A_POWER_ON;
	r->b = RTC_B_POWER_ON;
	r->flags = 0;
	r->synced = rtc_clock(r);
	r->host->timer->cancel(r->timer);
	if (r->line) { /* a reset lowers the line; it never raises one */
		r->line = false;
		(void)r->host->set_irq(r->dev, r->irq, false);
	}
}

static int rtc_create(struct plugvm_device *dev, const struct plugvm_host *host,
		      const struct plugvm_value *values, void **state)
{
	uint64_t base = values[RTC_SET_BASE].u64;
	const char *when = values[RTC_SET_TIME].str;
	struct timespec ts;
	struct rtc *r;
	int64_t now;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->dev = dev;
	r->host = host;
	r->base = (uint16_t)base;
	r->irq = (unsigned int)values[RTC_SET_IRQ].u64;
	r->host_clock = !strcmp(when, "host");

	/* The divider chain starts now; a host clock's seconds begin with
	 * the host's UTC seconds, so updates come on their boundaries. */
	now = (int64_t)host->clock_ns(dev);
	r->div0 = now;
	r->synced = now;
	if (r->host_clock) {
		if (timespec_get(&ts, TIME_UTC) != TIME_UTC) {
			host->log(dev, PLUGVM_LOG_ERROR,
				  "time: the host's clock cannot be read");
			ret = -EIO;
			goto out_free_state;
		}
		r->epoch = (int64_t)ts.tv_sec;
		r->div0 = now - ts.tv_nsec;
	} else if (rtc_parse_time(when, &r->fixed)) {
		ret = host->setting_error(dev, "time",
					  "'%s' is neither 'host' nor a date "
					  "and time as YYYY-MM-DD HH:MM:SS",
					  when);
		goto out_free_state;
	}
	ret = host->timer->create(dev, rtc_timer, r, &r->timer);
	if (ret) {
		host->log(dev, PLUGVM_LOG_ERROR, "cannot create a timer: %s",
			  strerror(-ret));
		goto out_free_state;
	}
	/* on failure the host has said why (an overlap names both owners) */
	ret = host->register_range(dev, PLUGVM_SPACE_PIO, base, RTC_NR_PORTS,
				   &rtc_ops, r);
	if (ret)
		goto out_free_timer;
	host->log(dev, PLUGVM_LOG_INFO, "clock: %s%s; IRQ %u",
		  r->host_clock ? "the host's UTC time" : "fixed at ",
		  r->host_clock ? "" : when, r->irq);
	*state = r;
	return 0;

out_free_timer:
	host->timer->free(r->timer);
out_free_state:
	free(r);
	return ret;
}

static void rtc_destroy(void *state)
{
	struct rtc *r = state;

	r->host->timer->free(r->timer);
	free(r);
}

static const struct plugvm_plugin rtc_plugin = {
	.abi_version = PLUGVM_ABI_VERSION,
	.min_api_version = PLUGVM_API_VERSION,
	.name = "rtc",
	.description = "MC146818 real-time clock, CMOS RAM and IRQ 8 (PC "
		       "ports 0x70-0x71)",
	.settings = rtc_settings,
	.create = rtc_create,
	.reset = rtc_reset,
	.destroy = rtc_destroy,
};

PLUGVM_PLUGIN_DEFINE(rtc_plugin)
