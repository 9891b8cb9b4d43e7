// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devtest-time.c - the device test kit's virtual clock and injected fd
 * readiness (devtest.h, "Time and events"). The bench's events are manual
 * (events.h): the same timers, watches and run paths as plugvm's event
 * thread, driven from the test's thread.
 */
#include "config.h"

#include "devtest-priv.h"

#include "events.h"

uint64_t plugvm_devtest_clock_ns(const struct plugvm_devtest *t)
{
	return t ? vmm_events_now(t->env.events) : 0;
}

/* Advance to @to (@late: with the timers run there), with what core code
 * says filed under @t. */
static unsigned int clock_advance(struct plugvm_devtest *t, uint64_t to,
				  bool late)
{
	struct plugvm_devtest *saved = devtest_enter(t);
	unsigned int n = late ? vmm_events_advance_late(t->env.events, to)
			      : vmm_events_advance(t->env.events, to);

	devtest_chardev_kick(t);
	devtest_leave(saved);
	return n;
}

static unsigned int clock_step(struct plugvm_devtest *t, uint64_t ns,
			       bool late)
{
	uint64_t now;

	if (!t)
		return 0;
	now = vmm_events_now(t->env.events);
	return clock_advance(t, ns > UINT64_MAX - now ? UINT64_MAX : now + ns,
			     late);
}

unsigned int plugvm_devtest_clock_step(struct plugvm_devtest *t, uint64_t ns)
{
	return clock_step(t, ns, false);
}

unsigned int plugvm_devtest_clock_step_late(struct plugvm_devtest *t,
					    uint64_t ns)
{
	return clock_step(t, ns, true);
}

uint64_t plugvm_devtest_clock_next(const struct plugvm_devtest *t)
{
	return t ? vmm_events_next_deadline(t->env.events) : UINT64_MAX;
}

uint64_t plugvm_devtest_clock_step_next(struct plugvm_devtest *t)
{
	uint64_t next, now;

	if (!t)
		return UINT64_MAX;
	next = vmm_events_next_deadline(t->env.events);
	if (next == UINT64_MAX)
		return UINT64_MAX;
	now = vmm_events_now(t->env.events);
	clock_advance(t, next, false);
	return next > now ? next - now : 0;
}

unsigned int plugvm_devtest_fd_ready(struct plugvm_devtest *t, int fd,
				     uint32_t revents)
{
	struct plugvm_devtest *saved;
	unsigned int n;

	if (!t || fd < 0)
		return 0;
	saved = devtest_enter(t);
	n = vmm_events_fd_ready(t->env.events, fd, revents);
	devtest_chardev_kick(t);
	devtest_leave(saved);
	return n;
}

uint32_t plugvm_devtest_fd_events(const struct plugvm_devtest *t, int fd)
{
	return t && fd >= 0 ? vmm_events_fd_events(t->env.events, fd) : 0;
}
