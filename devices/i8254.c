// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * i8254.c - the Intel 8254 PIT as a state machine over caller-given time.
 * See i8254.h for what is modelled and how the plugin glue drives it.
 *
 * Each channel's counting element (CE) is described by a segment: from
 * tick base on it either counts (per mode, analytically: value and OUT at
 * any tick n are closed forms of n - base) or is frozen. A write or gate
 * trigger that loads a count on a later CLK pulse leaves a second, pending
 * segment that takes over at its base tick. Entry points that change state
 * first fold a pending segment whose tick has come into the current one.
 */
#include "config.h"

#include "i8254.h"

#include <stddef.h>

#define NS_PER_S 1000000000u
#define NO_TICK UINT64_MAX

/* Control word fields. */
#define CW_SC(v) (((v) >> 6) & 3)
#define CW_RW(v) (((v) >> 4) & 3)
#define CW_MODE(v) (((v) >> 1) & 7)
#define CW_BCD 0x01
#define CW_READBACK 3
#define RB_NO_COUNT 0x20
#define RB_NO_STATUS 0x10
#define ST_OUT 0x80
#define ST_NULL 0x40

#define RW_LSB 1
#define RW_MSB 2
#define RW_BOTH 3

/* Port 0x61's refresh bit flips every this many PIT clocks. */
#define REFRESH_TICKS 18

/* PIT clock ticks since time 0 at @ns: floor(ns * f / 1e9), no overflow. */
static uint64_t ns_to_tick(uint64_t ns)
{
	return ns / NS_PER_S * I8254_FREQ_HZ +
	       ns % NS_PER_S * I8254_FREQ_HZ / NS_PER_S;
}

/* The first nanosecond of tick @tick: ceil(tick * 1e9 / f), saturating. */
static uint64_t tick_to_ns(uint64_t tick)
{
	uint64_t whole = tick / I8254_FREQ_HZ, rem = tick % I8254_FREQ_HZ;
	uint64_t part = (rem * NS_PER_S + I8254_FREQ_HZ - 1) / I8254_FREQ_HZ;

	if (tick == NO_TICK || whole > (UINT64_MAX - part) / NS_PER_S)
		return UINT64_MAX;
	return whole * NS_PER_S + part;
}

static uint32_t modulus(const struct i8254_chan *c)
{
	return c->bcd ? 10000 : 65536;
}

/* The count a written register value means: 1..modulus, 0 the largest. */
static uint32_t count_of(const struct i8254_chan *c, uint16_t cr)
{
	uint32_t n = cr;

	if (c->bcd)
		n = ((cr >> 12) & 15) * 1000 + ((cr >> 8) & 15) * 100 +
		    ((cr >> 4) & 15) * 10 + (cr & 15);
	n %= modulus(c);
	return n ? n : modulus(c);
}

/* A CE value (0..modulus-1) as the chip presents it: binary or BCD. */
static uint16_t presented(const struct i8254_chan *c, uint32_t v)
{
	if (!c->bcd)
		return (uint16_t)v;
	return (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 |
			  (v / 10 % 10) << 4 | v % 10);
}

static bool periodic(const struct i8254_chan *c)
{
	return c->mode == 2 || c->mode == 3;
}

/* Ticks from a one-shot load of @val to terminal count (0 wraps). */
static uint32_t tc_distance(const struct i8254_chan *c, uint32_t val)
{
	return val % modulus(c) ? val % modulus(c) : modulus(c);
}

/* Mode 3: clocks OUT stays high in a period of @n. */
static uint32_t high_half(uint32_t n)
{
	return (n + 1) / 2;
}

/* The segment in force at tick @n. */
static const struct i8254_seg *seg_at(const struct i8254_chan *c, uint64_t n)
{
	return c->pending && n >= c->next.base ? &c->next : &c->cur;
}

/* Periodic modes: place in the period at tick @n. */
static uint32_t seg_pos(const struct i8254_seg *s, uint64_t n)
{
	if (n < s->base)
		return s->pos;
	return (uint32_t)((s->pos + (n - s->base) % s->val) % s->val);
}

/* CE value (0..modulus-1) and OUT of segment @s at tick @n >= s->base. */
static void seg_eval(const struct i8254_chan *c, const struct i8254_seg *s,
		     uint64_t n, uint32_t *ce, bool *out)
{
	uint32_t m = modulus(c), pos, h;
	uint64_t d;

	if (!s->run) {
		*ce = s->val % m;
		*out = s->out;
		return;
	}
	d = n > s->base ? n - s->base : 0;
	switch (c->mode) {
	case 2:
		pos = seg_pos(s, n);
		*ce = (s->val - pos) % m;
		*out = s->val == 1 || pos != s->val - 1;
		return;
	case 3:
		pos = seg_pos(s, n);
		h = high_half(s->val);
		*out = pos < h;
		if (pos >= h)
			pos -= h;
		*ce = (s->val - (s->val & 1) - 2 * pos) % m;
		return;
	default:
		*ce = (uint32_t)((s->val % m + m - d % m) % m);
		if (!s->armed)
			*out = true;
		else if (c->mode == 0 || c->mode == 1)
			*out = d >= tc_distance(c, s->val);
		else
			*out = d != tc_distance(c, s->val);
		return;
	}
}

/* The first tick after @n at which segment @s changes OUT, or NO_TICK. */
static uint64_t seg_next_change(const struct i8254_chan *c,
				const struct i8254_seg *s, uint64_t n)
{
	uint32_t pos, h, tc;
	uint64_t d;

	if (!s->run)
		return NO_TICK;
	switch (c->mode) {
	case 2:
		if (s->val == 1)
			return NO_TICK;
		pos = seg_pos(s, n);
		return pos == s->val - 1 ? n + 1 : n + (s->val - 1 - pos);
	case 3:
		if (s->val == 1)
			return NO_TICK;
		pos = seg_pos(s, n);
		h = high_half(s->val);
		return pos < h ? n + (h - pos) : n + (s->val - pos);
	default:
		if (!s->armed)
			return NO_TICK;
		d = n > s->base ? n - s->base : 0;
		tc = tc_distance(c, s->val);
		if (d < tc)
			return s->base + tc;
		if (c->mode >= 4 && d == tc)
			return s->base + tc + 1;
		return NO_TICK;
	}
}

static void chan_eval(const struct i8254_chan *c, uint64_t n, uint32_t *ce,
		      bool *out)
{
	seg_eval(c, seg_at(c, n), n, ce, out);
}

static bool chan_out(const struct i8254_chan *c, uint64_t n)
{
	uint32_t ce;
	bool out;

	chan_eval(c, n, &ce, &out);
	return out;
}

static uint32_t chan_ce(const struct i8254_chan *c, uint64_t n)
{
	uint32_t ce;
	bool out;

	chan_eval(c, n, &ce, &out);
	return ce;
}

static uint64_t chan_next_change(const struct i8254_chan *c, uint64_t n)
{
	uint64_t e, p = c->next.base;

	if (!c->pending || n >= p)
		return seg_next_change(c, seg_at(c, n), n);
	e = seg_next_change(c, &c->cur, n);
	if (e < p)
		return e;
	if (chan_out(c, p - 1) != chan_out(c, p))
		return p;
	return seg_next_change(c, &c->next, p);
}

/* Fold a pending load whose tick has come by tick @n into the CE. */
static void chan_sync(struct i8254_chan *c, uint64_t n)
{
	if (c->pending && n >= c->next.base) {
		c->cur = c->next;
		c->pending = false;
		c->null_count = false;
	}
}

/* The CE frozen at its value and OUT of tick @n; @live keeps the load. */
static struct i8254_seg frozen_at(const struct i8254_chan *c, uint64_t n,
				  bool live)
{
	struct i8254_seg s = { .base = n, .live = live };

	chan_eval(c, n, &s.val, &s.out);
	return s;
}

/* Load @count into the CE at tick @at: a one-shot run, or a period. */
static void load_at(struct i8254_chan *c, uint64_t at, uint32_t count,
		    uint32_t pos)
{
	c->next = (struct i8254_seg){
		.base = at,
		.val = count,
		.pos = pos,
		.live = true,
		.run = true,
		.armed = true,
		.out = c->mode != 0,
	};
	if ((c->mode == 0 || c->mode == 4) && !c->gate)
		c->next.run = false;
	c->pending = true;
}

/* Modes 2 and 3: a new count waits for the end of the period or half. */
static void load_at_period_end(struct i8254_chan *c, uint64_t n, uint32_t count)
{
	uint32_t pos = seg_pos(&c->cur, n), per = c->cur.val, h;

	if (c->mode == 2) {
		load_at(c, n + (per - pos), count, 0);
		return;
	}
	h = high_half(per);
	if (pos < h)
		load_at(c, n + (h - pos), count, high_half(count));
	else
		load_at(c, n + (per - pos), count, 0);
}

/* A whole count has reached the count register at tick @n. */
static void count_written(struct i8254_chan *c, uint64_t n)
{
	uint32_t count = count_of(c, c->cr);

	c->cr_valid = true;
	c->null_count = true;
	switch (c->mode) {
	case 0:
		/* OUT goes low at once; the count loads on the next CLK. */
		c->cur = frozen_at(c, n, false);
		c->cur.out = false;
		load_at(c, n + 1, count, 0);
		break;
	case 4:
		load_at(c, n + 1, count, 0);
		break;
	case 2:
	case 3:
		if (c->cur.run)
			load_at_period_end(c, n, count);
		else if (c->gate)
			load_at(c, n + 1, count, 0);
		break;
	default:
		/* Modes 1 and 5 wait for a gate trigger. */
		break;
	}
}

static void write_count(struct i8254_chan *c, uint8_t val, uint64_t n)
{
	chan_sync(c, n);
	switch (c->rw) {
	case RW_LSB:
		c->cr = val;
		break;
	case RW_MSB:
		c->cr = (uint16_t)(val << 8);
		break;
	default:
		if (!c->write_msb) {
			c->cr_lsb = val;
			c->write_msb = true;
			if (c->mode == 0) {
				/* The first byte stops counting, OUT low. */
				c->cur = frozen_at(c, n, false);
				c->cur.out = false;
				c->pending = false;
			}
			return;
		}
		c->cr = (uint16_t)(c->cr_lsb | val << 8);
		c->write_msb = false;
		break;
	}
	count_written(c, n);
}

static void latch_count(struct i8254_chan *c, uint64_t n)
{
	if (c->ol_bytes)
		return;
	c->ol = presented(c, chan_ce(c, n));
	c->ol_bytes = c->rw;
}

static void latch_status(struct i8254_chan *c, uint64_t n)
{
	if (c->status_latched)
		return;
	chan_sync(c, n);
	c->status = (uint8_t)((chan_out(c, n) ? ST_OUT : 0) |
			      (c->null_count ? ST_NULL : 0) | c->ctrl);
	c->status_latched = true;
}

static void control_word(struct i8254_chan *c, uint8_t val, uint64_t n)
{
	unsigned mode = CW_MODE(val);

	if (CW_RW(val) == 0) {
		latch_count(c, n);
		return;
	}
	c->cur = frozen_at(c, n, false);
	c->ctrl = val & 0x3f;
	c->mode = (uint8_t)(mode > 5 ? mode & 3 : mode);
	c->rw = CW_RW(val);
	c->bcd = val & CW_BCD;
	c->cur.val %= modulus(c);
	c->cur.out = c->mode != 0;
	c->pending = false;
	c->write_msb = false;
	c->read_msb = false;
	c->ol_bytes = 0;
	c->cr_valid = false;
	c->null_count = true;
}

static void read_back(struct i8254 *pit, uint8_t val, uint64_t n)
{
	for (unsigned i = 0; i < I8254_CHANNELS; i++) {
		if (!(val & (2u << i)))
			continue;
		if (!(val & RB_NO_COUNT))
			latch_count(&pit->ch[i], n);
		if (!(val & RB_NO_STATUS))
			latch_status(&pit->ch[i], n);
	}
}

/* One-shot segment @s: is terminal count still ahead at tick @n? */
static bool seg_armed(const struct i8254_chan *c, const struct i8254_seg *s,
		      uint64_t n)
{
	if (!s->run)
		return s->armed;
	return s->armed && n - s->base < tc_distance(c, s->val);
}

/* Channel @c's gate goes to @level at tick @n. */
static void set_gate(struct i8254_chan *c, bool level, uint64_t n)
{
	bool armed;

	chan_sync(c, n);
	if (c->gate == level)
		return;
	c->gate = level;
	if (c->mode == 0 || c->mode == 4) {
		/* Level-sensitive: counting pauses and resumes. */
		if (!level && c->cur.run) {
			armed = seg_armed(c, &c->cur, n);
			c->cur = frozen_at(c, n, true);
			c->cur.armed = armed;
		} else if (level && c->cur.live) {
			c->cur.run = true;
			c->cur.base = n;
		}
		if (c->pending)
			c->next.run = level;
	} else if (!level && periodic(c)) {
		/* Counting stops and OUT goes high at once. */
		c->cur = frozen_at(c, n, false);
		c->cur.out = true;
		c->pending = false;
	} else if (level && c->cr_valid) {
		/* A trigger (modes 1, 2, 3, 5) loads on the next CLK. */
		load_at(c, n + 1, count_of(c, c->cr), 0);
	}
}

void i8254_reset(struct i8254 *pit, uint64_t now_ns)
{
	uint64_t n = ns_to_tick(now_ns);

	for (unsigned i = 0; i < I8254_CHANNELS; i++) {
		struct i8254_chan *c = &pit->ch[i];

		*c = (struct i8254_chan){ .gate = i != 2 };
		control_word(c, 0x36, n);
		c->cur.val = 0;
	}
	pit->speaker = false;
}

uint8_t i8254_read(struct i8254 *pit, unsigned port, uint64_t now_ns)
{
	uint64_t n = ns_to_tick(now_ns);
	struct i8254_chan *c;
	uint16_t v;
	bool msb;

	if (port >= I8254_CHANNELS)
		return 0;
	c = &pit->ch[port];
	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->ol_bytes) {
		msb = !(c->ol_bytes & RW_LSB);
		c->ol_bytes &= msb ? 0 : ~RW_LSB;
		return (uint8_t)(msb ? c->ol >> 8 : c->ol);
	}
	v = presented(c, chan_ce(c, n));
	msb = c->rw == RW_MSB || (c->rw == RW_BOTH && c->read_msb);
	if (c->rw == RW_BOTH)
		c->read_msb = !c->read_msb;
	return (uint8_t)(msb ? v >> 8 : v);
}

void i8254_write(struct i8254 *pit, unsigned port, uint8_t val, uint64_t now_ns)
{
	uint64_t n = ns_to_tick(now_ns);

	if (port < I8254_CHANNELS)
		write_count(&pit->ch[port], val, n);
	else if (port == 3 && CW_SC(val) == CW_READBACK)
		read_back(pit, val, n);
	else if (port == 3)
		control_word(&pit->ch[CW_SC(val)], val, n);
}

uint8_t i8254_port61_read(const struct i8254 *pit, uint64_t now_ns)
{
	uint64_t n = ns_to_tick(now_ns);
	uint8_t v = 0;

	if (pit->ch[2].gate)
		v |= I8254_PORT61_GATE2;
	if (pit->speaker)
		v |= I8254_PORT61_SPEAKER;
	if (n / REFRESH_TICKS & 1)
		v |= I8254_PORT61_REFRESH;
	if (chan_out(&pit->ch[2], n))
		v |= I8254_PORT61_OUT2;
	return v;
}

void i8254_port61_write(struct i8254 *pit, uint8_t val, uint64_t now_ns)
{
	pit->speaker = val & I8254_PORT61_SPEAKER;
	set_gate(&pit->ch[2], val & I8254_PORT61_GATE2, ns_to_tick(now_ns));
}

bool i8254_out(const struct i8254 *pit, unsigned ch, uint64_t now_ns)
{
	if (ch >= I8254_CHANNELS)
		return false;
	return chan_out(&pit->ch[ch], ns_to_tick(now_ns));
}

uint64_t i8254_next_edge(const struct i8254 *pit, unsigned ch, uint64_t now_ns)
{
	if (ch >= I8254_CHANNELS)
		return UINT64_MAX;
	return tick_to_ns(chan_next_change(&pit->ch[ch], ns_to_tick(now_ns)));
}
