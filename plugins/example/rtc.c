// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rtc.c - an MC146818-style real-time clock with CMOS RAM, as in every PC:
 * an index port (0x70) selects one of 128 registers, the data port (0x71)
 * reads or writes it.
 *
 * This is plugvm's example of a device plugin built out of tree: it needs
 * nothing but <plugvm/plugin.h> and the C library.
 *
 * Registers, as in the Motorola MC146818A datasheet:
 *   0x00-0x09  seconds, seconds alarm, minutes, minutes alarm, hours, hours
 *              alarm, day of week (1 = Sunday), day of month, month, year
 *              (two digits). BCD, or binary when register B's DM bit is
 *              set; hours in 24-hour form, or 1-12 with bit 7 for PM when
 *              B's 24/12 bit is clear.
 *   0x0a  A    UIP (bit 7, read-only), divider and rate select (stored)
 *   0x0b  B    SET, PIE, AIE, UIE, SQWE, DM, 24/12, DSE
 *   0x0c  C    interrupt flags, cleared by reading; read-only
 *   0x0d  D    VRT (bit 7: RAM and time valid); read-only
 *   0x0e-0x7f  114 bytes of battery-backed CMOS RAM. Byte 0x32 holds the
 *              century, in BCD or binary like the year, as PC firmware and
 *              ACPI expect; it moves with the clock.
 * Bit 7 of the index is the PC's NMI-disable bit: it is masked off.
 *
 * The clock: with `time = host` it follows the host's UTC clock; with a
 * fixed `time = YYYY-MM-DD HH:MM:SS` it stands still at that time, so a
 * guest prints the same on every run. A guest may set the clock, the way
 * a PC's firmware does: set B.SET, write the time registers, clear B.SET.
 * Writes with SET clear take effect at once. Either way the device keeps the
 * difference to the time base, so a host clock keeps running from the
 * time the guest set.
 *
 * Simplifications: the time reads in the current DM and 24/12 format
 * whenever it is read (a chip keeps what was written in the old format);
 * the day of the week follows from the date (writes to it are ignored);
 * DSE, the divider and the rate are stored but change nothing; no
 * interrupts are raised and C only ever shows UF (an update happened since
 * C was last read), with IRQF when UIE is set.
 *
 * Reset gives the registers the values a PC's firmware leaves: A = 0x26,
 * B = 0x02 (24-hour, BCD), C = 0, D = 0x80, index 0. The CMOS RAM, the
 * alarms and a time the guest set survive a reset, as on battery power.
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

#define RTC_A_UIP 0x80	 /* update in progress */
#define RTC_A_DV 0x70	 /* divider select */
#define RTC_A_DV_ON 0x20 /* 32.768 kHz time base: the clock runs */
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

#define RTC_C_IRQF 0x80
#define RTC_C_UF 0x10

#define RTC_D_VRT 0x80

#define RTC_HOURS_PM 0x80 /* 12-hour mode: bit 7 of the hours */

/* UIP is set this long before each second's update (datasheet: 244 us). */
#define RTC_UIP_NS 244000L
#define RTC_NS_PER_S 1000000000L

#define RTC_SECS_PER_DAY 86400

enum {
	RTC_SET_BASE,
	RTC_SET_TIME,
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
	uint16_t base;
	bool host_clock; /* time = host */
	int64_t fixed;	 /* time = fixed: seconds since 1970-01-01 UTC */
	int64_t offset;	 /* the guest's time minus the time base */
	struct rtc_time set_time; /* what the guest writes while B.SET is on */
	int64_t c_seen;		  /* the time when C was last read, for UF */

	uint8_t index;
	uint8_t a, b;
	/* Alarms and CMOS RAM; the time and A-D are kept above. */
	uint8_t ram[RTC_NR_REGS];
};

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

/*
 * The time base: the host's UTC clock or the fixed time. *@nsec gets the
 * nanoseconds into the current second (0 for a fixed time).
 */
static int64_t rtc_base_time(const struct rtc *r, long *nsec)
{
	struct timespec ts;

	*nsec = 0;
	if (!r->host_clock)
		return r->fixed;
	if (timespec_get(&ts, TIME_UTC) != TIME_UTC)
		return 0; /* checked in create(); cannot fail later */
	*nsec = ts.tv_nsec;
	return (int64_t)ts.tv_sec;
}

/* The guest's time now, in seconds since the epoch. */
static int64_t rtc_now(const struct rtc *r)
{
	long nsec;

	return rtc_base_time(r, &nsec) + r->offset;
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
	long nsec;

	if (t->day > rtc_days_in_month(t->year, t->month))
		r->host->log(r->dev, PLUGVM_LOG_GUEST_ERROR,
			     "%04d-%02d-%02d is not a date; the clock runs on "
			     "from the days it overflows into the next month",
			     t->year, t->month, t->day);
	r->offset = rtc_to_seconds(t) - rtc_base_time(r, &nsec);
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

/* A: UIP while the clock is about to tick. Only a running clock ticks. */
static uint8_t rtc_read_a(const struct rtc *r)
{
	long nsec;

	rtc_base_time(r, &nsec);
	if (r->host_clock && !(r->b & RTC_B_SET) &&
	    (r->a & RTC_A_DV) == RTC_A_DV_ON &&
	    nsec >= RTC_NS_PER_S - RTC_UIP_NS)
		return r->a | RTC_A_UIP;
	return r->a;
}

/* C: UF when the clock ticked since the last read; reading clears it. */
static uint8_t rtc_read_c(struct rtc *r)
{
	int64_t now = rtc_now(r);
	uint8_t c = 0;

	if (!(r->b & RTC_B_SET) && now != r->c_seen) {
		c = RTC_C_UF;
		if (r->b & RTC_B_UIE)
			c |= RTC_C_IRQF;
	}
	r->c_seen = now;
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
		return rtc_read_a(r);
	case RTC_REG_B:
		return r->b;
	case RTC_REG_C:
		return rtc_read_c(r);
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

	(void)size;
	if (offset == RTC_PORT_INDEX) {
		if (val & RTC_NMI_DISABLE)
			r->host->log(r->dev, PLUGVM_LOG_DEBUG,
				     "index 0x%02x: NMI-disable bit masked off",
				     val);
		r->index = val & RTC_INDEX_MASK;
		return;
	}
	if (rtc_is_time_reg(reg)) {
		rtc_write_time(r, reg, val);
		return;
	}
	switch (reg) {
	case RTC_REG_A:
		r->a = val & RTC_A_WRITABLE;
		break;
	case RTC_REG_B:
		rtc_write_b(r, val);
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		r->host->log(r->dev, PLUGVM_LOG_GUEST_ERROR,
			     "write of 0x%02x to read-only register %c ignored",
			     val, reg == RTC_REG_C ? 'C' : 'D');
		break;
	default: /* alarms and CMOS RAM */
		r->ram[reg] = val;
		break;
	}
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
	r->c_seen = rtc_now(r);
}

static int rtc_create(struct plugvm_device *dev, const struct plugvm_host *host,
		      const struct plugvm_value *values, void **state)
{
	uint64_t base = values[RTC_SET_BASE].u64;
	const char *when = values[RTC_SET_TIME].str;
	struct timespec ts;
	struct rtc *r;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->dev = dev;
	r->host = host;
	r->base = (uint16_t)base;
	r->host_clock = !strcmp(when, "host");

	if (r->host_clock && timespec_get(&ts, TIME_UTC) != TIME_UTC) {
		host->log(dev, PLUGVM_LOG_ERROR,
			  "time: the host's clock cannot be read");
		ret = -EIO;
		goto out_free_state;
	}
	if (!r->host_clock && rtc_parse_time(when, &r->fixed)) {
		ret = host->setting_error(dev, "time",
					  "'%s' is neither 'host' nor a date "
					  "and time as YYYY-MM-DD HH:MM:SS",
					  when);
		goto out_free_state;
	}
	/* on failure the host has said why (an overlap names both owners) */
	ret = host->register_range(dev, PLUGVM_SPACE_PIO, base, RTC_NR_PORTS,
				   &rtc_ops, r);
	if (ret)
		goto out_free_state;
	host->log(dev, PLUGVM_LOG_INFO, "clock: %s%s",
		  r->host_clock ? "the host's UTC time" : "fixed at ",
		  r->host_clock ? "" : when);
	*state = r;
	return 0;

out_free_state:
	free(r);
	return ret;
}

static void rtc_destroy(void *state)
{
	free(state);
}

static const struct plugvm_plugin rtc_plugin = {
	.abi_version = PLUGVM_ABI_VERSION,
	.min_api_version = PLUGVM_API_VERSION,
	.name = "rtc",
	.description = "MC146818 real-time clock and CMOS RAM (PC ports "
		       "0x70-0x71)",
	.settings = rtc_settings,
	.create = rtc_create,
	.reset = rtc_reset,
	.destroy = rtc_destroy,
};

PLUGVM_PLUGIN_DEFINE(rtc_plugin)
