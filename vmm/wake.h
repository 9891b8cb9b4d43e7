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
 * at once, which is only slower. The spans are where a device's or the
 * router's lock is taken: a timer or watch callback (events.c), a locked
 * port or MMIO access (iobus.c), a line's change (irq.c).
 *
 * A wake-up must stay correct whenever it runs: it looks again at what it
 * wakes for (the vCPU's INTR, under its wait lock), so one that comes late
 * never wakes for a line that fell meanwhile, and none is lost.
 *
 * Layer 1, base (README.md, "Layout"): calls nothing but pthreads.
 */
#ifndef VMM_WAKE_H
#define VMM_WAKE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

/* This thread's span depth and queue length (wake.c); inline below, as a
 * locked port access on the exit path opens and ends a span. */
extern _Thread_local unsigned vmm_wake_depth;
extern _Thread_local unsigned vmm_wake_n_queued;

/* Run and empty this thread's queue (the outermost end, wake.c). */
void vmm_wake_run_queue(void);

static inline void vmm_wake_defer_begin(void)
{
	vmm_wake_depth++;
}

static inline void vmm_wake_defer_end(void)
{
	if (--vmm_wake_depth == 0 && vmm_wake_n_queued)
		vmm_wake_run_queue();
}

/* Take @lock (NULL: none) as a span: the wake-ups made while it is held
 * run once vmm_wake_unlock() has let it go. A device's lock, the
 * interrupt router's. */
static inline void vmm_wake_lock(pthread_mutex_t *lock)
{
	if (lock) {
		vmm_wake_defer_begin();
		pthread_mutex_lock(lock);
	}
}

static inline void vmm_wake_unlock(pthread_mutex_t *lock)
{
	if (lock) {
		pthread_mutex_unlock(lock);
		vmm_wake_defer_end();
	}
}

/* Whether the next vmm_wake_defer_end() ends the outermost span and has
 * wake-ups to run: a caller still holding a lock of its own (the events'
 * lock) lets go of it around that end. */
bool vmm_wake_queued(void);

/* Call @fn(@arg) now, or at the end of this thread's deferring span; the
 * same @fn and @arg queued twice run once. */
void vmm_wake(void (*fn)(void *arg), void *arg);

#endif
