/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * events.h - timers and file-descriptor watches, and the thread that runs
 * them: what the host's clock_ns(), timer and watch functions (plugin.h,
 * API 2) are made of.
 *
 * Timers sit in a min-heap keyed by their absolute deadline (ns), ties in
 * the order they were armed. Watches are level-triggered.
 *
 * One code path, two ways to drive it:
 *   - threaded (plugvm): the clock is CLOCK_MONOTONIC, and one event thread
 *     (vmm_events_start()) waits in ppoll() on an epoll set of the watched
 *     descriptors and an eventfd (a stop, or a timer armed on another
 *     thread earlier than the one it waits for), its timeout the time
 *     left to the earliest deadline (ns precision);
 *   - manual (the device test kit): the clock is virtual, starts at 0 and
 *     moves only in vmm_events_advance(), which runs the timers due on the
 *     caller's thread; vmm_events_fd_ready() plays the poller.
 * Either way a callback runs under its owner's lock, taken before the
 * events' own lock, and only once the timer or watch is found still armed
 * (or still waiting for the condition) under that lock: so an owner that
 * cancels while it holds its own lock never waits for a callback that is
 * itself waiting for that lock.
 *
 * Cancel and free keep plugin.h's promise: when vmm_timer_cancel() returns,
 * the callback is not running (unless cancel was called from it) and does
 * not run until the timer is armed again; vmm_watch_set() likewise for
 * conditions it drops. Every function may be called from any thread,
 * callbacks included, except vmm_events_start/stop/free and the manual
 * drivers, which belong to the one thread that owns the object.
 *
 * Layer 1, base (README.md, "Layout"): calls only the C library and
 * Linux (epoll, eventfd); it knows no device. What it needs of an
 * owner (a lock) is handed to it.
 */
#ifndef VMM_EVENTS_H
#define VMM_EVENTS_H

#include "guard.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct vmm_events;
struct vmm_timer;
struct vmm_watch;

/* Watch conditions: the same bits as plugin.h's PLUGVM_WATCH_*. */
#define VMM_WATCH_READ (1u << 0)
#define VMM_WATCH_WRITE (1u << 1)
#define VMM_WATCH_HUP (1u << 2)	  /* result only */
#define VMM_WATCH_ERROR (1u << 3) /* result only */

typedef void (*vmm_timer_fn)(void *opaque);
typedef void (*vmm_watch_fn)(void *opaque, int fd, uint32_t revents);

/*
 * Whose timers and watches they are: the lock their callbacks run under
 * (NULL: none), and the list vmm_events_owner_release() frees. Zero it,
 * set @lock, and keep it alive until vmm_events_owner_release(). The lists
 * are the events' (guarded by their lock).
 */
struct vmm_events_owner {
	pthread_mutex_t *lock;
	struct vmm_timer *timers;
	struct vmm_watch *watches;
	unsigned pinned; /* callbacks on their way: release waits for them */
	/* whose code the callbacks are, for the crash report; may be NULL */
	const struct vmm_guard_who *who;
	unsigned n_timers; /* live ones, at most VMM_EVENTS_MAX_TIMERS;
			    * under the events' lock */
};

/* Timers one owner may have at once: a plugin that makes one per guest
 * access and never frees it runs into this, not out of memory. */
#define VMM_EVENTS_MAX_TIMERS 4096

/*
 * Halt polling: a deadline at most this far away is waited for by
 * polling (the event thread here, a halted tcg vCPU in accel-tcg-intr.c)
 * rather than by sleeping, on hosts with more than one CPU. 50 us is
 * several times a context switch with its wake-up latency, and far
 * below any periodic tick a guest idles with (100-1000 Hz), so an idle
 * guest never polls.
 */
#define VMM_EVENTS_POLL_NS 50000u

/*
 * A new, empty events object: @manual for a virtual clock driven by the
 * caller, else the real one and (after vmm_events_start()) a thread.
 * Returns 0 and *@out, or -errno (-ENOMEM, or what epoll_create1() or
 * eventfd() said).
 */
int vmm_events_new(bool manual, struct vmm_events **out);

/* Start the event thread (threaded mode; a no-op for a manual one, or
 * one started already). Returns 0 or -errno of pthread_create(). */
int vmm_events_start(struct vmm_events *ev);

/*
 * While @hold, a started thread runs no callback: it waits to begin (the
 * machine holds it until its sandbox is on). Any time; threaded only.
 */
void vmm_events_hold(struct vmm_events *ev, bool hold);

/* Stop the event thread and wait for it: a running callback completes,
 * no other one starts. Timers stay armed. NULL, manual, never started or
 * stopped already are fine. */
void vmm_events_stop(struct vmm_events *ev);

/* Stop, then free @ev. Every owner must have been released. NULL is
 * fine. */
void vmm_events_free(struct vmm_events *ev);

/* The clock, in ns: CLOCK_MONOTONIC, or the virtual one. Any thread. */
uint64_t vmm_events_now(const struct vmm_events *ev);

/* Whether @ev has a virtual clock. */
bool vmm_events_manual(const struct vmm_events *ev);

/*
 * Free every timer and watch @owner still has (as vmm_timer_free() and
 * vmm_watch_free() would); returns how many there were.
 */
unsigned vmm_events_owner_release(struct vmm_events *ev,
				  struct vmm_events_owner *owner);

/* Whether @owner has any timer or watch now. */
bool vmm_events_owner_busy(struct vmm_events *ev,
			   const struct vmm_events_owner *owner);

/* A disarmed timer of @owner calling @fn(@opaque). 0 or -ENOMEM. */
int vmm_timer_new(struct vmm_events *ev, struct vmm_events_owner *owner,
		  vmm_timer_fn fn, void *opaque, struct vmm_timer **out);

/* Arm (or move) @t for absolute @deadline on vmm_events_now()'s clock; a
 * deadline already past fires as soon as possible. */
void vmm_timer_arm(struct vmm_timer *t, uint64_t deadline);

/* Disarm @t, and wait for its callback if it runs on another thread. */
void vmm_timer_cancel(struct vmm_timer *t);

/* Whether @t is armed, and for when (UINT64_MAX if not). */
uint64_t vmm_timer_deadline(struct vmm_timer *t);

/* Cancel, then free @t (from its own callback too). */
void vmm_timer_free(struct vmm_timer *t);

/*
 * Watch @fd for @events (VMM_WATCH_READ/WRITE; 0: paused) for @owner,
 * calling @fn(@opaque, @fd, revents). The descriptor stays the caller's;
 * the watch is freed before it is closed. Returns 0 and *@out, -EINVAL
 * (negative @fd, unknown bits), -EPERM (a descriptor epoll cannot wait
 * on, such as a regular file), -EBADF, another -errno of epoll, or
 * -ENOMEM.
 */
int vmm_watch_new(struct vmm_events *ev, struct vmm_events_owner *owner,
		  int fd, uint32_t events, vmm_watch_fn fn, void *opaque,
		  struct vmm_watch **out);

/*
 * Wait for @events now (0 pauses); when it returns, no callback for a
 * condition it dropped runs any more (it waits for one running on another
 * thread). 0, -EINVAL (unknown bits) or -errno of epoll.
 */
int vmm_watch_set(struct vmm_watch *w, uint32_t events);

/* Pause, then free @w (from its own callback too). */
void vmm_watch_free(struct vmm_watch *w);

/*
 * On an event thread (from a callback, or a wake-up one's span queued):
 * run @fn(@arg) once this round of callbacks is over, on this thread, with
 * no callback running and no lock of the events held (the callback's
 * owner is no longer pinned: @arg must outlive it), before the thread
 * sleeps again; the same @fn and @arg queued twice run once. Returns false
 * on any other thread, from inside such a @fn, or with the queue full: the
 * caller then does what it wanted at once. Work that would cost another
 * thread a wake-up, done by the one awake anyway (tcg runs the interrupt
 * of a vCPU waiting in HLT so).
 */
bool vmm_events_after_round(void (*fn)(void *), void *arg);

/* Manual mode ------------------------------------------------------------ */

/* The earliest armed deadline, UINT64_MAX when no timer is armed. */
uint64_t vmm_events_next_deadline(struct vmm_events *ev);

/*
 * Move the virtual clock to @to (never backwards), running every timer
 * due by then, those armed by the callbacks included, earliest first,
 * each with the clock at its deadline (or where the clock was, for one
 * already past). Returns the number of callbacks run. Manual mode only
 * (0 otherwise).
 */
unsigned vmm_events_advance(struct vmm_events *ev, uint64_t to);

/*
 * The same, late: the clock moves to @to first, and every timer due runs
 * with it there, as the event thread runs them when the host kept it from
 * them. Manual mode only (0 otherwise).
 */
unsigned vmm_events_advance_late(struct vmm_events *ev, uint64_t to);

/*
 * Make @fd ready with @revents: run the callback of each unpaused watch on
 * @fd that waits for any of @revents, with those of its conditions that
 * hold (HUP and ERROR reach every unpaused watch; HUP also means READ to
 * a watch waiting for READ, as end of file). Returns the number of
 * callbacks run. Manual mode only (0 otherwise).
 */
unsigned vmm_events_fd_ready(struct vmm_events *ev, int fd, uint32_t revents);

/* The OR of what the watches on @fd wait for (0: none, or all paused). */
uint32_t vmm_events_fd_events(struct vmm_events *ev, int fd);

#endif
