/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * events-int.h - the inside of events.h's objects, shared by events.c
 * (timers, watches, the event thread) and events-manual.c (the virtual
 * clock). Nothing else includes it.
 *
 * Layer 1, base (README.md, "Layout"), as events.h.
 */
#ifndef VMM_EVENTS_INT_H
#define VMM_EVENTS_INT_H

#include "events.h"

#include <stdatomic.h>
#include <stddef.h>

#define NOT_ARMED SIZE_MAX

/* epoll data of the event thread's own descriptors; watches count from
 * FIRST_WATCH_ID. */
#define ID_EVENTFD 2u
#define FIRST_WATCH_ID 16u

/* vmm_events_after_round() entries one round may queue */
#define EVENTS_AFTER_ROUND 8

#define WATCH_CONDITIONS (VMM_WATCH_READ | VMM_WATCH_WRITE)

struct vmm_timer {
	struct vmm_events *ev;
	struct vmm_events_owner *owner;
	vmm_timer_fn fn;
	void *opaque;
	uint64_t deadline;
	uint64_t seq; /* arm order: equal deadlines fire in it */
	uint64_t gen; /* bumped by every arm and cancel */
	size_t idx;   /* place in the heap, NOT_ARMED */
	unsigned pins; /* runners holding it while they wait for the lock */
	bool running;
	bool dead; /* freed while pinned: the last unpin frees it */
	pthread_t runner;
	struct vmm_timer *next, **pprev; /* the owner's list */
};

struct vmm_watch {
	struct vmm_events *ev;
	struct vmm_events_owner *owner;
	vmm_watch_fn fn;
	void *opaque;
	int fd;	   /* the owner's: handed to the callback */
	int dupfd; /* ours: what epoll holds (several watches per fd) */
	uint32_t events;
	bool registered; /* in epoll: not paused */
	uint64_t id;
	unsigned pins;
	bool running;
	bool dead;
	pthread_t runner;
	struct vmm_watch *next, **pprev;	 /* the owner's list */
	struct vmm_watch *all_next, **all_pprev; /* every watch */
};

struct vmm_events {
	pthread_mutex_t lock;
	pthread_cond_t idle; /* a callback finished, or an unpin */
	bool manual;
	_Atomic uint64_t vclock; /* manual mode's clock */

	struct vmm_timer **heap;
	size_t n_heap, cap_heap, n_timers;
	uint64_t seq;

	struct vmm_watch *watches;
	uint64_t next_id;

	int epfd;
	int efd; /* threaded: wakes the thread (a stop, an earlier timer) */
	/* threaded: the thread sleeps until then at the latest (UINT64_MAX:
	 * no timer); 0 while it is awake, or after a kick */
	uint64_t sleep_until;
	pthread_t thread;
	bool started;
	bool stopping;
	bool held; /* vmm_events_hold(): the thread waits to begin */
	/* poll (spin) for a deadline this close instead of sleeping; 0 on
	 * a one-CPU host, where spinning would only delay the vCPU */
	uint64_t poll_ns;
	/* the event thread's own: vmm_events_after_round()'s queue */
	struct {
		void (*fn)(void *);
		void *arg;
	} after[EVENTS_AFTER_ROUND];
	unsigned n_after;
	bool in_after; /* running them: vmm_events_after_round() says no */
};

/*
 * Run @t's callback if it is still armed, unchanged and due, under its
 * owner's lock. ev->lock held on entry and on return (let go inside).
 * Returns whether the callback ran.
 */
bool vmm_events_run_timer(struct vmm_events *ev, struct vmm_timer *t);

/* The same for watch @w, pinned by the caller (unpinned here), with
 * conditions @revents ready. */
bool vmm_events_run_watch(struct vmm_events *ev, struct vmm_watch *w,
			  uint32_t revents);

/* What of @revents a watch waiting for @events gets. */
uint32_t vmm_events_watch_mask(uint32_t events, uint32_t revents);

/* Threaded: wake the event thread (events-thread.c). */
void vmm_events_kick(struct vmm_events *ev);

/*
 * Threaded: the heap's top changed; wake the event thread if it sleeps
 * past the new top deadline. ev->lock held.
 */
void vmm_events_retime(struct vmm_events *ev);

#endif
