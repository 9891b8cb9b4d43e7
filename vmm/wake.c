// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wake.c - wake-ups a thread puts off until it has let go of its locks
 * (wake.h).
 */
#include "config.h"

#include "wake.h"

#include <stddef.h>

#define WAKE_QUEUE 8

struct wake {
	void (*fn)(void *arg);
	void *arg;
};

static _Thread_local unsigned depth;
static _Thread_local unsigned n_queued;
static _Thread_local struct wake queue[WAKE_QUEUE];

void vmm_wake_defer_begin(void)
{
	depth++;
}

void vmm_wake_defer_end(void)
{
	if (--depth)
		return;
	/* a wake-up may itself wake: it is let run at once */
	for (unsigned i = 0; i < n_queued; i++)
		queue[i].fn(queue[i].arg);
	n_queued = 0;
}

void vmm_wake(void (*fn)(void *arg), void *arg)
{
	if (depth) {
		for (unsigned i = 0; i < n_queued; i++)
			if (queue[i].fn == fn && queue[i].arg == arg)
				return;
		if (n_queued < WAKE_QUEUE) {
			queue[n_queued++] = (struct wake){ fn, arg };
			return;
		}
	}
	fn(arg);
}
