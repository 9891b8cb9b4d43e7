// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pit.c - the PC's 8254 interval timer and port 0x61 as a device plugin
 * (i8254.so): the plugin glue around the model in i8254.c.
 *
 * plugvm creates it itself, as device "pit", for `[machine] chipset = pc`
 * on tcg (the device test kit for plugvm_devtest_set_chipset(t, "pc")).
 * Ports:
 *   0x40-0x42  channel 0-2 counters, 0x43 the control word (byte-wide)
 *   0x61       bit 0 channel 2's gate, 1 speaker data (stored), 4 the
 *              refresh toggle, 5 channel 2's OUT; the other bits read 0
 *              and are ignored, as under kvm's in-kernel PIT
 * The counters count on the host's clock (host->clock_ns(): real time in
 * plugvm, the virtual clock in the kit). Channel 0's OUT drives IRQ 0
 * through host->set_irq(), with one host timer that walks every edge of
 * OUT, late or not, as i8254.h explains; channels 1 and 2 are only read.
 *
 * At power-on the line is taken as high, without driving it, so that a
 * guest programming channel 0 gets its first interrupt at the end of the
 * first period, as from kvm's PIT, not at once from OUT's first rise.
 * Ticks the host loses (a timer very late) are not replayed, as kvm's PIT
 * does with reinjection off.
 */
#include "config.h"

#include "i8254.h"

#include <plugvm/plugin.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

/* Edges walked one by one before a late timer skips ahead. */
#define PIT_WALK_MAX 64
/* One PIT clock, rounded up: 1e9 / 1193182 = 838.1 ns. */
#define PIT_CLOCK_NS_MAX 839
/*
 * The host timer fires at most once per PIT_TIMER_MIN_NS. The edges it
 * waits for are two PIT clocks (1.68 us) apart at the least: divisor 2,
 * with a low phase of one clock walked together with the rise after it
 * (pit_arm_timer()). So a timer on time is never held back, and every
 * period gets its edge. What the bound spaces out is a late timer's
 * catch-up: a walk that fired late and finds the next edge less than a
 * microsecond away waits for the microsecond, and walks its edges as one
 * rising edge for the PIC, which latches only one until it is
 * acknowledged anyway. On a host with more than one CPU the event thread
 * polls deadlines this close (VMM_EVENTS_POLL_NS) rather than sleeping,
 * so a larger bound would save no CPU, only interrupts: 10 us here capped
 * tcg at 100,000 interrupts a second, a sixth of the PIT's fastest rate.
 * With one CPU it sleeps, and 1 us is still the cheaper bound: 100,000
 * interrupts at divisor 2 took 0.46 s (0.44 s of CPU) with it against
 * 2.4 s (1.8 s) with 10 us, polling turned off. kvm's in-kernel
 * PIT bounds periodic timers at 200 us (kvm.ko's min_timer_period_us),
 * since its hrtimers run in the host kernel, beyond the scheduler's reach;
 * this timer is an ordinary thread's.
 */
#define PIT_TIMER_MIN_NS 1000

struct pit {
	struct plugvm_device *dev;
	const struct plugvm_host *host;
	struct i8254 model;
	struct plugvm_timer *timer;
	uint64_t armed; /* the next walk's first edge; UINT64_MAX: none */
	uint64_t fired; /* when the host timer last fired */
	bool line; /* the level IRQ 0 was last driven to */
	bool irq_refused; /* the machine has no IRQ 0: drive nothing */
};

static uint64_t pit_now(struct pit *p)
{
	return p->host->clock_ns(p->dev);
}

static void pit_drive(struct pit *p, bool level)
{
	if (p->irq_refused || level == p->line)
		return;
	p->line = level;
	/* refused (chipset none, or a kit forcing it): the host said so
	 * once; OUT is still read through the ports */
	if (p->host->set_irq(p->dev, 0, level))
		p->irq_refused = true;
}

/*
 * Drive IRQ 0 through the edges of OUT from the armed one up to @now: the
 * level OUT ends at, after one low-to-high edge when OUT rose on the way
 * (what the edge-triggered PIC latches), so at most three calls however
 * many edges there were.
 */
static void pit_walk(struct pit *p, uint64_t now)
{
	uint64_t e = p->armed, last = 0, before = 0;
	bool level = p->line, rose = false;
	unsigned n = 0;

	while (e <= now) {
		bool out = i8254_out(&p->model, 0, e);

		rose = rose || (out && !level);
		level = out;
		before = last;
		last = e;
		e = i8254_next_edge(&p->model, 0, e);
		/* The host slept: the PIC latches one edge anyway, so go on
		 * from two periods before now (e, last and before are three
		 * edges in a row: one period). */
		if (++n >= PIT_WALK_MAX && e <= now &&
		    now - e > 2 * (e - before))
			e = i8254_next_edge(&p->model, 0,
					    now - 2 * (e - before));
	}
	p->armed = e;
	if (rose) {
		pit_drive(p, false);
		pit_drive(p, true);
	}
	pit_drive(p, level);
}

/*
 * Arm the host timer for the walk that starts at p->armed. A falling edge
 * that a rising one follows within one PIT clock (mode 2's low pulse, the
 * Linux tick) is not worth a wake-up of its own: the timer waits for the
 * rising edge, and the walk then drives both. IRQ 0 is edge-only (its ELCR
 * bit is fixed at 0), so the PIC latches the same rising edge at the same
 * time and no guest can see the line's low phase start late; a guest write
 * in between still walks from the falling edge (pit_before_write()). That
 * halves the event thread's wake-ups of a periodic tick.
 */
static void pit_arm_timer(struct pit *p)
{
	uint64_t deadline = p->armed, rise;

	if (p->irq_refused)
		p->armed = UINT64_MAX;
	if (p->armed == UINT64_MAX) {
		p->host->timer->cancel(p->timer);
		return;
	}
	if (!i8254_out(&p->model, 0, p->armed)) {
		rise = i8254_next_edge(&p->model, 0, p->armed);
		if (rise != UINT64_MAX &&
		    rise - p->armed <= PIT_CLOCK_NS_MAX)
			deadline = rise;
	}
	if (p->fired && deadline - p->fired < PIT_TIMER_MIN_NS)
		deadline = p->fired + PIT_TIMER_MIN_NS;
	p->host->timer->arm(p->timer, deadline);
}

/* Wait for OUT's next edge after @now. */
static void pit_rearm(struct pit *p, uint64_t now)
{
	p->armed = p->irq_refused ? UINT64_MAX
				  : i8254_next_edge(&p->model, 0, now);
	pit_arm_timer(p);
}

static void pit_timer(void *opaque)
{
	struct pit *p = opaque;
	uint64_t now = pit_now(p);

	p->fired = now;
	pit_walk(p, now);
	pit_arm_timer(p);
}

/* Before a write changes OUT's future: the edges so far; after it: OUT
 * now, and the next edge. */
static uint64_t pit_before_write(struct pit *p)
{
	uint64_t now = pit_now(p);

	pit_walk(p, now);
	return now;
}

static void pit_after_write(struct pit *p, uint64_t now)
{
	pit_drive(p, i8254_out(&p->model, 0, now));
	pit_rearm(p, now);
}

static uint64_t pit_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pit *p = opaque;

	(void)size;
	return i8254_read(&p->model, (unsigned)offset, pit_now(p));
}

static void pit_write(void *opaque, uint64_t offset, unsigned size,
		      uint64_t value)
{
	struct pit *p = opaque;
	uint64_t now = pit_before_write(p);

	(void)size;
	i8254_write(&p->model, (unsigned)offset, (uint8_t)value, now);
	pit_after_write(p, now);
}

static uint64_t pit_port61_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pit *p = opaque;

	(void)offset;
	(void)size;
	return i8254_port61_read(&p->model, pit_now(p));
}

static void pit_port61_write(void *opaque, uint64_t offset, unsigned size,
			     uint64_t value)
{
	struct pit *p = opaque;
	uint64_t now = pit_before_write(p);

	(void)offset;
	(void)size;
	i8254_port61_write(&p->model, (uint8_t)value, now);
	pit_after_write(p, now);
}

static const struct plugvm_io_ops pit_ops = {
	.read = pit_read,
	.write = pit_write,
	.sizes = PLUGVM_ACCESS_1,
};

static const struct plugvm_io_ops pit_port61_ops = {
	.read = pit_port61_read,
	.write = pit_port61_write,
	.sizes = PLUGVM_ACCESS_1,
};

static int pit_create(struct plugvm_device *dev, const struct plugvm_host *host,
		      const struct plugvm_value *values, void **state)
{
	struct pit *p;
	int ret;

	(void)values;
	if (host->api_version < 2 || !host->clock_ns || !host->timer) {
		host->log(dev, PLUGVM_LOG_ERROR,
			  "the host has no clock and timers (API 2)");
		return -ENOTSUP;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->dev = dev;
	p->host = host;
	p->armed = UINT64_MAX;
	ret = host->timer->create(dev, pit_timer, p, &p->timer);
	if (ret) {
		host->log(dev, PLUGVM_LOG_ERROR, "cannot make a timer (error %d)",
			  ret);
		goto out_free;
	}
	ret = host->register_range(dev, PLUGVM_SPACE_PIO, 0x40, 4, &pit_ops,
				   p);
	if (!ret)
		ret = host->register_range(dev, PLUGVM_SPACE_PIO, 0x61, 1,
					   &pit_port61_ops, p);
	if (ret)
		goto out_free_timer; /* the host said why */
	*state = p;
	return 0;

out_free_timer:
	host->timer->free(p->timer);
out_free:
	free(p);
	return ret;
}

/*
 * Power-on (i8254.h): every channel in mode 3 with no count, OUT high,
 * channel 2's gate low; IRQ 0 is left where it is (reset raises nothing)
 * and counts as high from now on.
 */
static void pit_reset(void *state)
{
	struct pit *p = state;

	p->host->timer->cancel(p->timer);
	p->armed = UINT64_MAX;
	p->fired = 0;
	i8254_reset(&p->model, pit_now(p));
	p->line = true; /* OUT's power-on level, not driven */
}

static void pit_destroy(void *state)
{
	struct pit *p = state;

	p->host->timer->free(p->timer);
	free(p);
}

static const struct plugvm_setting pit_settings[] = {
	{ .name = NULL },
};

static const struct plugvm_plugin pit_plugin = {
	.abi_version = PLUGVM_ABI_VERSION,
	.min_api_version = 2,
	.name = "i8254",
	.description = "8254 interval timer (ports 0x40-0x43, channel 0 on IRQ 0) and port 0x61: chipset pc's on tcg, created by plugvm",
	.settings = pit_settings,
	.create = pit_create,
	.reset = pit_reset,
	.destroy = pit_destroy,
};

PLUGVM_PLUGIN_DEFINE(pit_plugin)
