// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wake.c - wake-ups a thread puts off until it has let go of its locks
 * (wake.h).
 */
#include "config.h"

#include "wake.h"

#include <stdbool.h>
#include <stddef.h>

#define WAKE_QUEUE 8

struct wake {
	void (*fn)(void *arg);
	void *arg;
};

_Thread_local unsigned vmm_wake_depth;
_Thread_local unsigned vmm_wake_n_queued;
static _Thread_local struct wake queue[WAKE_QUEUE];

void vmm_wake_run_queue(void)
{
	struct wake run[WAKE_QUEUE];
	unsigned n = vmm_wake_n_queued;

	/* the queue emptied first: a wake-up that opens a span of its own
	 * (or wakes, which then runs at once) finds it so */
	for (unsigned i = 0; i < n; i++)
		run[i] = queue[i];
	vmm_wake_n_queued = 0;
	for (unsigned i = 0; i < n; i++)
		run[i].fn(run[i].arg);
}

bool vmm_wake_queued(void)
{
	return vmm_wake_depth == 1 && vmm_wake_n_queued;
}

void vmm_wake(void (*fn)(void *arg), void *arg)
{
	if (vmm_wake_depth) {
		for (unsigned i = 0; i < vmm_wake_n_queued; i++)
			if (queue[i].fn == fn && queue[i].arg == arg)
				return;
		if (vmm_wake_n_queued < WAKE_QUEUE) {
			queue[vmm_wake_n_queued++] = (struct wake){ fn, arg };
			return;
		}
	}
	fn(arg);
}
