// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * events.c - timers and fd watches, and running their callbacks, for the
 * event thread (events-thread.c) or the virtual clock (events-manual.c).
 *
 * One lock (ev->lock) guards the heap, the watch list, and every timer's
 * and watch's state. A callback runs under its owner's lock, which is
 * always taken before ev->lock, never while it is held: the event thread
 * pins the timer (or watch), lets go of ev->lock, takes the owner's lock,
 * takes ev->lock again and only then checks that the timer is still armed
 * with the same generation and due (the watch still waits for what is
 * ready). The callback runs with ev->lock released and the object marked
 * running; cancel() waits for a running callback only on another thread.
 * A pinned object that is freed meanwhile is freed by whoever unpins it
 * last.
 */
#include "config.h"

#include "events-int.h"
#include "wake.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t vmm_events_now(const struct vmm_events *ev)
{
	if (ev->manual)
		return atomic_load(&((struct vmm_events *)ev)->vclock);
	return monotonic_ns();
}

bool vmm_events_manual(const struct vmm_events *ev)
{
	return ev->manual;
}

/* ------------------------------------------------------------------------ */
/* The heap                                                                 */
/* ------------------------------------------------------------------------ */

static bool before(const struct vmm_timer *a, const struct vmm_timer *b)
{
	return a->deadline < b->deadline ||
	       (a->deadline == b->deadline && a->seq < b->seq);
}

static void heap_set(struct vmm_events *ev, size_t i, struct vmm_timer *t)
{
	ev->heap[i] = t;
	t->idx = i;
}

static void sift_up(struct vmm_events *ev, size_t i)
{
	struct vmm_timer *t = ev->heap[i];

	while (i > 0 && before(t, ev->heap[(i - 1) / 2])) {
		heap_set(ev, i, ev->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(ev, i, t);
}

static void sift_down(struct vmm_events *ev, size_t i)
{
	struct vmm_timer *t = ev->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= ev->n_heap)
			break;
		if (c + 1 < ev->n_heap && before(ev->heap[c + 1], ev->heap[c]))
			c++;
		if (!before(ev->heap[c], t))
			break;
		heap_set(ev, i, ev->heap[c]);
		i = c;
	}
	heap_set(ev, i, t);
}

/* Room is reserved by vmm_timer_new(): pushing cannot fail. */
static void heap_push(struct vmm_events *ev, struct vmm_timer *t)
{
	heap_set(ev, ev->n_heap++, t);
	sift_up(ev, t->idx);
}

static void heap_remove(struct vmm_events *ev, struct vmm_timer *t)
{
	size_t i = t->idx;
	struct vmm_timer *last = ev->heap[--ev->n_heap];

	t->idx = NOT_ARMED;
	if (i == ev->n_heap)
		return;
	heap_set(ev, i, last);
	sift_up(ev, i);
	sift_down(ev, last->idx);
}

/* ------------------------------------------------------------------------ */
/* Running callbacks                                                        */
/* ------------------------------------------------------------------------ */

static bool on_other_thread(bool running, pthread_t runner)
{
	return running && !pthread_equal(runner, pthread_self());
}

/*
 * Take @owner's lock for a callback of @obj, which the caller pinned:
 * ev->lock is let go first and taken again after, so the order is always
 * owner's lock, then ev->lock. Returns the lock to give back (or NULL).
 */
static pthread_mutex_t *owner_lock(struct vmm_events *ev,
				   struct vmm_events_owner *owner)
{
	pthread_mutex_t *lk = owner->lock;

	owner->pinned++;
	vmm_wake_defer_begin(); /* the vCPU a callback wakes: once lk is free */
	if (lk) {
		pthread_mutex_unlock(&ev->lock);
		pthread_mutex_lock(lk);
		pthread_mutex_lock(&ev->lock);
	}
	return lk;
}

/*
 * Give back what owner_lock() took. The wake-ups the callback made run
 * with no lock held, ev->lock let go too (a woken vCPU may arm a timer at
 * once); the owner stays pinned until they have run, so that
 * vmm_events_owner_release() still means none of its work is under way.
 */
static void owner_unlock(struct vmm_events *ev, struct vmm_events_owner *owner,
			 pthread_mutex_t *lk)
{
	if (lk)
		pthread_mutex_unlock(lk);
	if (vmm_wake_queued()) {
		pthread_mutex_unlock(&ev->lock);
		vmm_wake_defer_end();
		pthread_mutex_lock(&ev->lock);
	} else {
		vmm_wake_defer_end();
	}
	owner->pinned--;
	pthread_cond_broadcast(&ev->idle);
}

static void timer_unpin(struct vmm_timer *t)
{
	if (--t->pins == 0 && t->dead)
		free(t);
}

/*
 * Run @t's callback if it is still armed, unchanged and due, under its
 * owner's lock. ev->lock held on entry and on return (let go inside).
 * Returns whether the callback ran.
 */
bool vmm_events_run_timer(struct vmm_events *ev, struct vmm_timer *t)
{
	struct vmm_events_owner *owner = t->owner;
	uint64_t gen = t->gen;
	struct vmm_guard_frame g;
	pthread_mutex_t *lk;
	bool ran = false;

	t->pins++;
	lk = owner_lock(ev, owner);
	if (!t->dead && t->gen == gen && t->idx != NOT_ARMED &&
	    t->deadline <= vmm_events_now(ev)) {
		heap_remove(ev, t);
		vmm_events_retime(ev);
		t->running = true;
		t->runner = pthread_self();
		pthread_mutex_unlock(&ev->lock);
		g = vmm_guard_enter(owner->who, "timer callback");
		t->fn(t->opaque);
		vmm_guard_leave(g);
		pthread_mutex_lock(&ev->lock);
		t->running = false;
		ran = true;
	}
	timer_unpin(t);
	owner_unlock(ev, owner, lk);
	return ran;
}

/* What of @revents a watch waiting for @events gets. */
uint32_t vmm_events_watch_mask(uint32_t events, uint32_t revents)
{
	if (!events)
		return 0; /* paused: not even HUP */
	revents &= events | VMM_WATCH_HUP | VMM_WATCH_ERROR;
	if ((revents & VMM_WATCH_HUP) && (events & VMM_WATCH_READ))
		revents |= VMM_WATCH_READ; /* end of file is readable */
	return revents;
}

static void watch_unpin(struct vmm_watch *w)
{
	if (--w->pins == 0 && w->dead)
		free(w);
}

/* As vmm_events_run_timer(), for a watch the caller pinned (unpinned here). */
bool vmm_events_run_watch(struct vmm_events *ev, struct vmm_watch *w,
		      uint32_t revents)
{
	struct vmm_events_owner *owner = w->owner;
	pthread_mutex_t *lk = owner_lock(ev, owner);
	uint32_t r = w->dead ? 0 : vmm_events_watch_mask(w->events, revents);
	struct vmm_guard_frame g;
	bool ran = false;

	if (r) {
		w->running = true;
		w->runner = pthread_self();
		pthread_mutex_unlock(&ev->lock);
		g = vmm_guard_enter(owner->who, "watch callback");
		w->fn(w->opaque, w->fd, r);
		vmm_guard_leave(g);
		pthread_mutex_lock(&ev->lock);
		w->running = false;
		ran = true;
	}
	watch_unpin(w);
	owner_unlock(ev, owner, lk);
	return ran;
}

/* ------------------------------------------------------------------------ */
/* Creating and freeing                                                     */
/* ------------------------------------------------------------------------ */

static uint32_t to_epoll(uint32_t events)
{
	return (events & VMM_WATCH_READ ? EPOLLIN : 0) |
	       (events & VMM_WATCH_WRITE ? EPOLLOUT : 0);
}

static int epoll_add(int epfd, int fd, uint64_t id, uint32_t events)
{
	struct epoll_event e = { .events = events, .data.u64 = id };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e) ? -errno : 0;
}

int vmm_events_new(bool manual, struct vmm_events **out)
{
	struct vmm_events *ev = calloc(1, sizeof(*ev));
	int ret;

	if (!ev)
		return -ENOMEM;
	ev->manual = manual;
	if (!manual && sysconf(_SC_NPROCESSORS_ONLN) > 1)
		ev->poll_ns = VMM_EVENTS_POLL_NS;
	ev->efd = -1;
	ev->next_id = FIRST_WATCH_ID;
	pthread_mutex_init(&ev->lock, NULL);
	pthread_cond_init(&ev->idle, NULL);
	ev->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ev->epfd < 0)
		goto out_errno;
	if (!manual) {
		ev->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (ev->efd < 0)
			goto out_errno;
		ret = epoll_add(ev->epfd, ev->efd, ID_EVENTFD, EPOLLIN);
		if (ret)
			goto out_free;
	}
	*out = ev;
	return 0;

out_errno:
	ret = -errno;
out_free:
	vmm_events_free(ev);
	return ret;
}

void vmm_events_free(struct vmm_events *ev)
{
	if (!ev)
		return;
	vmm_events_stop(ev);
	if (ev->epfd >= 0)
		close(ev->epfd);
	if (ev->efd >= 0)
		close(ev->efd);
	free(ev->heap);
	pthread_cond_destroy(&ev->idle);
	pthread_mutex_destroy(&ev->lock);
	free(ev);
}

/* ------------------------------------------------------------------------ */
/* Timers                                                                   */
/* ------------------------------------------------------------------------ */

int vmm_timer_new(struct vmm_events *ev, struct vmm_events_owner *owner,
		  vmm_timer_fn fn, void *opaque, struct vmm_timer **out)
{
	struct vmm_timer *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->ev = ev;
	t->owner = owner;
	t->fn = fn;
	t->opaque = opaque;
	t->idx = NOT_ARMED;
	pthread_mutex_lock(&ev->lock);
	/* the count is the event lock's, as the owner's list is */
	if (owner->n_timers >= VMM_EVENTS_MAX_TIMERS) {
		pthread_mutex_unlock(&ev->lock);
		free(t);
		return -ENOSPC;
	}
	/* Room in the heap for every timer: arm() cannot fail. */
	if (ev->cap_heap <= ev->n_timers) {
		size_t cap = ev->cap_heap ? 2 * ev->cap_heap : 16;
		void *p = realloc(ev->heap, cap * sizeof(*ev->heap));

		if (!p) {
			pthread_mutex_unlock(&ev->lock);
			free(t);
			return -ENOMEM;
		}
		ev->heap = p;
		ev->cap_heap = cap;
	}
	ev->n_timers++;
	owner->n_timers++;
	t->next = owner->timers;
	if (t->next)
		t->next->pprev = &t->next;
	t->pprev = &owner->timers;
	owner->timers = t;
	pthread_mutex_unlock(&ev->lock);
	*out = t;
	return 0;
}

void vmm_timer_arm(struct vmm_timer *t, uint64_t deadline)
{
	struct vmm_events *ev = t->ev;

	pthread_mutex_lock(&ev->lock);
	t->gen++;
	t->deadline = deadline;
	t->seq = ev->seq++;
	if (t->idx == NOT_ARMED) {
		heap_push(ev, t);
	} else {
		sift_up(ev, t->idx);
		sift_down(ev, t->idx);
	}
	vmm_events_retime(ev);
	pthread_mutex_unlock(&ev->lock);
}

/* Disarm @t and wait for a callback on another thread. ev->lock held. */
static void timer_cancel_locked(struct vmm_events *ev, struct vmm_timer *t)
{
	t->gen++;
	if (t->idx != NOT_ARMED) {
		heap_remove(ev, t);
		vmm_events_retime(ev);
	}
	while (on_other_thread(t->running, t->runner))
		pthread_cond_wait(&ev->idle, &ev->lock);
}

void vmm_timer_cancel(struct vmm_timer *t)
{
	pthread_mutex_lock(&t->ev->lock);
	timer_cancel_locked(t->ev, t);
	pthread_mutex_unlock(&t->ev->lock);
}

uint64_t vmm_timer_deadline(struct vmm_timer *t)
{
	uint64_t d;

	pthread_mutex_lock(&t->ev->lock);
	d = t->idx == NOT_ARMED ? UINT64_MAX : t->deadline;
	pthread_mutex_unlock(&t->ev->lock);
	return d;
}

static void timer_free_locked(struct vmm_events *ev, struct vmm_timer *t)
{
	timer_cancel_locked(ev, t);
	*t->pprev = t->next;
	if (t->next)
		t->next->pprev = t->pprev;
	ev->n_timers--;
	t->owner->n_timers--;
	t->dead = true;
	if (!t->pins)
		free(t);
}

void vmm_timer_free(struct vmm_timer *t)
{
	struct vmm_events *ev;

	if (!t)
		return;
	ev = t->ev;
	pthread_mutex_lock(&ev->lock);
	timer_free_locked(ev, t);
	pthread_mutex_unlock(&ev->lock);
}

/* ------------------------------------------------------------------------ */
/* Watches                                                                  */
/* ------------------------------------------------------------------------ */

int vmm_watch_new(struct vmm_events *ev, struct vmm_events_owner *owner,
		  int fd, uint32_t events, vmm_watch_fn fn, void *opaque,
		  struct vmm_watch **out)
{
	struct vmm_watch *w;
	int ret;

	if (fd < 0 || (events & ~WATCH_CONDITIONS))
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->ev = ev;
	w->owner = owner;
	w->fn = fn;
	w->opaque = opaque;
	w->fd = fd;
	/* A descriptor of our own: epoll takes each one once. */
	w->dupfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (w->dupfd < 0) {
		ret = -errno;
		goto out_free;
	}
	pthread_mutex_lock(&ev->lock);
	w->id = ev->next_id++;
	/* Added even when paused: a descriptor epoll refuses fails here. */
	ret = epoll_add(ev->epfd, w->dupfd, w->id, to_epoll(events));
	if (ret) {
		pthread_mutex_unlock(&ev->lock);
		goto out_close;
	}
	if (!events)
		epoll_ctl(ev->epfd, EPOLL_CTL_DEL, w->dupfd, NULL);
	w->registered = events != 0;
	w->events = events;
	w->next = owner->watches;
	if (w->next)
		w->next->pprev = &w->next;
	w->pprev = &owner->watches;
	owner->watches = w;
	w->all_next = ev->watches;
	if (w->all_next)
		w->all_next->all_pprev = &w->all_next;
	w->all_pprev = &ev->watches;
	ev->watches = w;
	/* Before any callback can start: it may use the handle. */
	*out = w;
	pthread_mutex_unlock(&ev->lock);
	return 0;

out_close:
	close(w->dupfd);
out_free:
	free(w);
	return ret;
}

/* ev->lock held. */
static int watch_set_locked(struct vmm_events *ev, struct vmm_watch *w,
			    uint32_t events)
{
	uint32_t old = w->events;
	struct epoll_event e = { .events = to_epoll(events),
				 .data.u64 = w->id };
	int ret = 0;

	if (events & ~WATCH_CONDITIONS)
		return -EINVAL;
	if (!events && w->registered)
		ret = epoll_ctl(ev->epfd, EPOLL_CTL_DEL, w->dupfd, NULL);
	else if (events && !w->registered)
		ret = epoll_ctl(ev->epfd, EPOLL_CTL_ADD, w->dupfd, &e);
	else if (events != old)
		ret = epoll_ctl(ev->epfd, EPOLL_CTL_MOD, w->dupfd, &e);
	if (ret)
		return -errno;
	w->registered = events != 0;
	w->events = events;
	/* A condition dropped: no callback for it may follow. */
	if ((events & old) != old || !events)
		while (on_other_thread(w->running, w->runner))
			pthread_cond_wait(&ev->idle, &ev->lock);
	return 0;
}

int vmm_watch_set(struct vmm_watch *w, uint32_t events)
{
	int ret;

	pthread_mutex_lock(&w->ev->lock);
	ret = watch_set_locked(w->ev, w, events);
	pthread_mutex_unlock(&w->ev->lock);
	return ret;
}

static void watch_free_locked(struct vmm_events *ev, struct vmm_watch *w)
{
	watch_set_locked(ev, w, 0);
	close(w->dupfd);
	w->dupfd = -1;
	*w->pprev = w->next;
	if (w->next)
		w->next->pprev = w->pprev;
	*w->all_pprev = w->all_next;
	if (w->all_next)
		w->all_next->all_pprev = w->all_pprev;
	w->dead = true;
	if (!w->pins)
		free(w);
}

void vmm_watch_free(struct vmm_watch *w)
{
	struct vmm_events *ev;

	if (!w)
		return;
	ev = w->ev;
	pthread_mutex_lock(&ev->lock);
	watch_free_locked(ev, w);
	pthread_mutex_unlock(&ev->lock);
}

/* ------------------------------------------------------------------------ */
/* Owners                                                                   */
/* ------------------------------------------------------------------------ */

unsigned vmm_events_owner_release(struct vmm_events *ev,
				  struct vmm_events_owner *owner)
{
	unsigned n = 0;

	pthread_mutex_lock(&ev->lock);
	for (; owner->timers; n++)
		timer_free_locked(ev, owner->timers);
	for (; owner->watches; n++)
		watch_free_locked(ev, owner->watches);
	/* A runner still on its way to the owner's lock uses the owner. */
	while (owner->pinned)
		pthread_cond_wait(&ev->idle, &ev->lock);
	pthread_mutex_unlock(&ev->lock);
	return n;
}

bool vmm_events_owner_busy(struct vmm_events *ev,
			   const struct vmm_events_owner *owner)
{
	bool busy;

	pthread_mutex_lock(&ev->lock);
	busy = owner->timers || owner->watches;
	pthread_mutex_unlock(&ev->lock);
	return busy;
}
