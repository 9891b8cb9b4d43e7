/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * wake.h - wake-ups a thread puts off until it has let go of its locks.
 *
 * A device's callback that raises a line holds the device's lock, and on
 * the way to the vCPU the interrupt controller's too. A vCPU woken right
 * there runs into them at once (it acknowledges the interrupt at the
 * controller, the guest's handler reads the device), blocks, and must be
 * woken a second time: two more context switches, which on a tick-driven
 * idle guest cost more than everything else it does. So between
 * vmm_wake_defer_begin() and the matching vmm_wake_defer_end(), the
 * calling thread's vmm_wake() only queues; the outermost end runs the
 * queue, after the caller has dropped the locks it took inside. Outside
 * such a span vmm_wake() calls at once. Spans nest; each thread has its
 * own queue, and a full queue (more distinct wake-ups than it holds) calls
 * at once, which is only slower.
 *
 * A wake-up must stay correct whenever it runs: it looks again at what it
 * wakes for (the vCPU's INTR, under its wait lock), so one that comes late
 * never wakes for a line that fell meanwhile, and none is lost.
 *
 * Layer 1, base (README.md, "Layout"): calls nothing but itself.
 */
#ifndef VMM_WAKE_H
#define VMM_WAKE_H

#include <stdbool.h>

void vmm_wake_defer_begin(void);
void vmm_wake_defer_end(void);

/* Whether the next vmm_wake_defer_end() ends the outermost span and has
 * wake-ups to run: a caller still holding a lock of its own (the events'
 * lock) lets go of it around that end. */
bool vmm_wake_queued(void);

/* Call @fn(@arg) now, or at the end of this thread's deferring span; the
 * same @fn and @arg queued twice run once. */
void vmm_wake(void (*fn)(void *arg), void *arg);

#endif
