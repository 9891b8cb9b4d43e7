// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_events.c - timers and fd watches (vmm/events.c): the order timers
 * fire in, cancel and free from every side, the virtual clock, and watches
 * on pipes with the real event thread. No test measures how precise a
 * timer is: only that it fires, when, relative to others, and not after
 * it was cancelled. And the deferred wake-ups (vmm/wake.c) a callback
 * makes: after its owner's lock is free, each once.
 */
#include "config.h"

#include "events.h"
#include "wake.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct vmm_events *ev;
static pthread_mutex_t dev_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vmm_events_owner owner;

static void setup_manual(void)
{
	memset(&owner, 0, sizeof(owner));
	owner.lock = &dev_lock;
	ck_assert_int_eq(vmm_events_new(true, &ev), 0);
}

static void setup_threaded(void)
{
	memset(&owner, 0, sizeof(owner));
	owner.lock = &dev_lock;
	ck_assert_int_eq(vmm_events_new(false, &ev), 0);
	ck_assert_int_eq(vmm_events_start(ev), 0);
}

static void teardown(void)
{
	vmm_events_stop(ev);
	vmm_events_owner_release(ev, &owner);
	vmm_events_free(ev);
	ev = NULL;
}

/* Wait (at most 10 s) until *@v reaches @want; false on a timeout. */
static bool wait_for(atomic_uint *v, unsigned want)
{
	struct timespec ms = { 0, 1000000 };

	for (int i = 0; i < 10000; i++) {
		if (atomic_load(v) >= want)
			return true;
		nanosleep(&ms, NULL);
	}
	return false;
}

/* ------------------------------------------------------------------------ */
/* Timers on the virtual clock                                              */
/* ------------------------------------------------------------------------ */

/* A recording timer: which fired, in what order, at what clock, and
 * whether its owner's lock was held. */
struct rec {
	int id;
	struct vmm_timer *t;
	uint64_t period; /* re-arm by this much; 0: once */
	int cancel_self; /* re-arm, then cancel, after this many calls */
	bool free_self;
	unsigned calls;
};

static int order[64];
static uint64_t at[64];
static unsigned n_fired;
static bool lock_held = true;

static void rec_fire(void *opaque)
{
	struct rec *r = opaque;

	if (pthread_mutex_trylock(&dev_lock) == 0) {
		lock_held = false;
		pthread_mutex_unlock(&dev_lock);
	}
	if (n_fired < 64) {
		order[n_fired] = r->id;
		at[n_fired] = vmm_events_now(ev);
	}
	n_fired++;
	r->calls++;
	if (r->period)
		vmm_timer_arm(r->t, vmm_events_now(ev) + r->period);
	if (r->cancel_self && (int)r->calls == r->cancel_self)
		vmm_timer_cancel(r->t);
	if (r->free_self) {
		vmm_timer_free(r->t);
		r->t = NULL;
	}
}

static void rec_new(struct rec *r, int id)
{
	memset(r, 0, sizeof(*r));
	r->id = id;
	ck_assert_int_eq(vmm_timer_new(ev, &owner, rec_fire, r, &r->t), 0);
}

static void reset_records(void)
{
	n_fired = 0;
	lock_held = true;
	memset(order, 0, sizeof(order));
}

START_TEST(test_deadline_order)
{
	struct rec r[3];

	reset_records();
	for (int i = 0; i < 3; i++)
		rec_new(&r[i], i);
	vmm_timer_arm(r[0].t, 300);
	vmm_timer_arm(r[1].t, 100);
	vmm_timer_arm(r[2].t, 200);
	ck_assert_uint_eq(vmm_events_next_deadline(ev), 100);
	ck_assert_uint_eq(vmm_events_advance(ev, 99), 0);
	ck_assert_uint_eq(vmm_events_now(ev), 99);
	ck_assert_uint_eq(vmm_events_advance(ev, 1000), 3);
	ck_assert_int_eq(order[0], 1);
	ck_assert_int_eq(order[1], 2);
	ck_assert_int_eq(order[2], 0);
	/* each callback saw the clock at its own deadline */
	ck_assert_uint_eq(at[0], 100);
	ck_assert_uint_eq(at[1], 200);
	ck_assert_uint_eq(at[2], 300);
	ck_assert_uint_eq(vmm_events_now(ev), 1000);
	ck_assert(lock_held);
	ck_assert_uint_eq(vmm_events_next_deadline(ev), UINT64_MAX);
	ck_assert_uint_eq(vmm_events_owner_release(ev, &owner), 3);
}
END_TEST

START_TEST(test_equal_deadlines_in_arm_order)
{
	struct rec r[5];
	static const int arm_order[] = { 3, 0, 4, 1, 2 };

	reset_records();
	for (int i = 0; i < 5; i++)
		rec_new(&r[i], i);
	for (int i = 0; i < 5; i++)
		vmm_timer_arm(r[arm_order[i]].t, 50);
	/* re-arming moves a timer to the end of its deadline's queue */
	vmm_timer_arm(r[3].t, 50);
	ck_assert_uint_eq(vmm_events_advance(ev, 50), 5);
	ck_assert_int_eq(order[0], 0);
	ck_assert_int_eq(order[1], 4);
	ck_assert_int_eq(order[2], 1);
	ck_assert_int_eq(order[3], 2);
	ck_assert_int_eq(order[4], 3);
}
END_TEST

START_TEST(test_rearm_moves)
{
	struct rec r;

	reset_records();
	rec_new(&r, 7);
	vmm_timer_arm(r.t, 10);
	vmm_timer_arm(r.t, 500); /* later */
	ck_assert_uint_eq(vmm_timer_deadline(r.t), 500);
	ck_assert_uint_eq(vmm_events_advance(ev, 100), 0);
	vmm_timer_arm(r.t, 200); /* earlier again */
	ck_assert_uint_eq(vmm_events_advance(ev, 1000), 1);
	ck_assert_uint_eq(at[0], 200);
	ck_assert_uint_eq(r.calls, 1); /* once per arm, not per arm() call */
}
END_TEST

START_TEST(test_past_deadline_fires_now)
{
	struct rec r;

	reset_records();
	rec_new(&r, 1);
	vmm_events_advance(ev, 1000);
	vmm_timer_arm(r.t, 10);
	ck_assert_uint_eq(vmm_events_next_deadline(ev), 10);
	ck_assert_uint_eq(vmm_events_advance(ev, 1000), 1);
	/* the clock never goes back to a deadline that was past */
	ck_assert_uint_eq(at[0], 1000);
	ck_assert_uint_eq(vmm_events_now(ev), 1000);
	/* deadline 0 too */
	vmm_timer_arm(r.t, 0);
	ck_assert_uint_eq(vmm_events_advance(ev, 1000), 1);
}
END_TEST

START_TEST(test_periodic_rearm_in_callback)
{
	struct rec r;

	reset_records();
	rec_new(&r, 1);
	r.period = 100;
	vmm_timer_arm(r.t, 100);
	/* armed by the callbacks included: 100, 200, ... 1000 */
	ck_assert_uint_eq(vmm_events_advance(ev, 1000), 10);
	for (unsigned i = 0; i < 10; i++)
		ck_assert_uint_eq(at[i], 100 * (i + 1));
	ck_assert_uint_eq(vmm_events_next_deadline(ev), 1100);
	ck_assert_uint_eq(vmm_events_advance(ev, 1050), 0);
	ck_assert_uint_eq(vmm_events_advance(ev, 1100), 1);
}
END_TEST

/*
 * Late: the clock is at @to before the first callback runs, as on a host
 * that kept the event thread from its timers. They still run in deadline
 * order, each seeing @to; one that re-arms from "now" fires once, not
 * once a period it missed. On time, the same timers see their deadlines.
 */
START_TEST(test_advance_late)
{
	struct rec a, b;

	reset_records();
	rec_new(&a, 1);
	rec_new(&b, 2);
	b.period = 100;
	vmm_timer_arm(a.t, 300);
	vmm_timer_arm(b.t, 100);
	ck_assert_uint_eq(vmm_events_advance_late(ev, 1000), 2);
	ck_assert_int_eq(order[0], 2);
	ck_assert_int_eq(order[1], 1);
	ck_assert_uint_eq(at[0], 1000);
	ck_assert_uint_eq(at[1], 1000);
	ck_assert_uint_eq(vmm_events_now(ev), 1000);
	ck_assert_uint_eq(vmm_events_next_deadline(ev), 1100);
	ck_assert(lock_held);

	reset_records();
	vmm_timer_arm(a.t, 1250);
	ck_assert_uint_eq(vmm_events_advance(ev, 1300), 4);
	ck_assert_uint_eq(at[0], 1100);
	ck_assert_uint_eq(at[1], 1200);
	ck_assert_int_eq(order[2], 1);
	ck_assert_uint_eq(at[2], 1250);
	ck_assert_uint_eq(at[3], 1300);
	/* nothing due: only the clock moves */
	ck_assert_uint_eq(vmm_events_advance_late(ev, 1350), 0);
	ck_assert_uint_eq(vmm_events_now(ev), 1350);
}
END_TEST

START_TEST(test_cancel_inside_and_outside)
{
	struct rec a, b;

	reset_records();
	rec_new(&a, 1);
	rec_new(&b, 2);
	a.period = 10;
	a.cancel_self = 3; /* re-arms, then cancels itself on call 3 */
	vmm_timer_arm(a.t, 10);
	vmm_timer_arm(b.t, 15);
	vmm_timer_cancel(b.t);
	vmm_timer_cancel(b.t); /* twice is fine */
	ck_assert_uint_eq(vmm_timer_deadline(b.t), UINT64_MAX);
	ck_assert_uint_eq(vmm_events_advance(ev, 1000), 3);
	ck_assert_uint_eq(a.calls, 3);
	ck_assert_uint_eq(b.calls, 0);
	ck_assert_uint_eq(vmm_events_next_deadline(ev), UINT64_MAX);
	/* armed again, it fires again */
	vmm_timer_arm(b.t, 1001);
	ck_assert_uint_eq(vmm_events_advance(ev, 2000), 1);
	ck_assert_uint_eq(b.calls, 1);
}
END_TEST

START_TEST(test_free_from_callback)
{
	struct rec a, b;

	reset_records();
	rec_new(&a, 1);
	rec_new(&b, 2);
	a.free_self = true;
	a.period = 5; /* armed again, then freed: must not fire */
	vmm_timer_arm(a.t, 10);
	vmm_timer_arm(b.t, 12);
	ck_assert_uint_eq(vmm_events_advance(ev, 100), 2);
	ck_assert_ptr_null(a.t);
	ck_assert_uint_eq(a.calls, 1);
	ck_assert_uint_eq(b.calls, 1);
	/* only b is left for the owner */
	ck_assert_uint_eq(vmm_events_owner_release(ev, &owner), 1);
	ck_assert(!vmm_events_owner_busy(ev, &owner));
}
END_TEST

START_TEST(test_release_frees_armed)
{
	struct rec r[4];

	reset_records();
	for (int i = 0; i < 4; i++) {
		rec_new(&r[i], i);
		if (i & 1)
			vmm_timer_arm(r[i].t, 100 + i);
	}
	ck_assert(vmm_events_owner_busy(ev, &owner));
	ck_assert_uint_eq(vmm_events_owner_release(ev, &owner), 4);
	ck_assert_uint_eq(vmm_events_next_deadline(ev), UINT64_MAX);
	ck_assert_uint_eq(vmm_events_advance(ev, 1000), 0);
}
END_TEST

/* An owner's timers are capped: past VMM_EVENTS_MAX_TIMERS creating one
 * fails with -ENOSPC, and freeing one makes room again. */
START_TEST(test_timer_cap)
{
	static struct vmm_timer *t[VMM_EVENTS_MAX_TIMERS];
	struct vmm_timer *extra = NULL;
	struct rec r;

	for (int i = 0; i < VMM_EVENTS_MAX_TIMERS; i++)
		ck_assert_int_eq(vmm_timer_new(ev, &owner, rec_fire, &r, &t[i]), 0);
	ck_assert_uint_eq(owner.n_timers, VMM_EVENTS_MAX_TIMERS);
	ck_assert_int_eq(vmm_timer_new(ev, &owner, rec_fire, &r, &extra),
			 -ENOSPC);
	ck_assert_ptr_null(extra);
	vmm_timer_free(t[7]);
	ck_assert_int_eq(vmm_timer_new(ev, &owner, rec_fire, &r, &t[7]), 0);
	ck_assert_uint_eq(vmm_events_owner_release(ev, &owner),
			  VMM_EVENTS_MAX_TIMERS);
	ck_assert_uint_eq(owner.n_timers, 0);
}
END_TEST

/* A heap of many timers fires in deadline order. */
START_TEST(test_many_timers_sorted)
{
	enum { N = 500 };
	static struct rec r[N];
	uint64_t last = 0;

	reset_records();
	for (int i = 0; i < N; i++) {
		rec_new(&r[i], i);
		vmm_timer_arm(r[i].t, (uint64_t)((i * 7919) % N) * 3 + 1);
	}
	for (int i = 0; i < N; i += 3)
		vmm_timer_cancel(r[i].t);
	for (unsigned n = 0;; n++) {
		uint64_t d = vmm_events_next_deadline(ev);

		if (d == UINT64_MAX) {
			ck_assert_uint_eq(n, N - (N + 2) / 3);
			break;
		}
		ck_assert_uint_ge(d, last);
		last = d;
		ck_assert_uint_eq(vmm_events_advance(ev, d), 1);
	}
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Watches, driven by hand                                                  */
/* ------------------------------------------------------------------------ */

struct wrec {
	struct vmm_watch *w;
	atomic_uint calls;
	_Atomic uint32_t revents;
	int fd;
	bool read_all; /* drain the pipe */
	atomic_bool free_on_hup; /* set while the watch fires */
	bool pause_self;
	pthread_t thread;
	atomic_bool slow; /* sleep a little inside */
	atomic_uint inside;
};

static void wrec_fire(void *opaque, int fd, uint32_t revents)
{
	struct wrec *r = opaque;
	char buf[64];

	atomic_fetch_add(&r->inside, 1);
	r->fd = fd;
	r->thread = pthread_self();
	atomic_store(&r->revents, revents);
	if (atomic_load(&r->slow)) {
		struct timespec ts = { 0, 2000000 };

		nanosleep(&ts, NULL);
	}
	if (r->read_all)
		while (read(fd, buf, sizeof(buf)) > 0)
			;
	if (r->pause_self)
		vmm_watch_set(r->w, 0);
	if (r->free_on_hup && (revents & VMM_WATCH_HUP)) {
		vmm_watch_free(r->w);
		r->w = NULL;
	}
	atomic_fetch_sub(&r->inside, 1);
	atomic_fetch_add(&r->calls, 1);
}

START_TEST(test_manual_fd_ready)
{
	struct wrec a = { 0 }, b = { 0 };
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(vmm_watch_new(ev, &owner, p[0], VMM_WATCH_READ,
				       wrec_fire, &a, &a.w),
			 0);
	ck_assert_int_eq(vmm_watch_new(ev, &owner, p[0], 0, wrec_fire, &b,
				       &b.w),
			 0);
	ck_assert_uint_eq(vmm_events_fd_events(ev, p[0]), VMM_WATCH_READ);
	ck_assert_uint_eq(vmm_events_fd_events(ev, p[1]), 0);
	/* WRITE is not what a waits for; b is paused */
	ck_assert_uint_eq(vmm_events_fd_ready(ev, p[0], VMM_WATCH_WRITE), 0);
	ck_assert_uint_eq(vmm_events_fd_ready(ev, p[0], VMM_WATCH_READ), 1);
	ck_assert_uint_eq(a.revents, VMM_WATCH_READ);
	ck_assert_int_eq(a.fd, p[0]);
	/* HUP reaches every unpaused watch, and means READ to a reader */
	ck_assert_int_eq(vmm_watch_set(b.w, VMM_WATCH_WRITE), 0);
	ck_assert_uint_eq(vmm_events_fd_events(ev, p[0]),
			  VMM_WATCH_READ | VMM_WATCH_WRITE);
	ck_assert_uint_eq(vmm_events_fd_ready(ev, p[0], VMM_WATCH_HUP), 2);
	ck_assert_uint_eq(a.revents, VMM_WATCH_HUP | VMM_WATCH_READ);
	ck_assert_uint_eq(b.revents, VMM_WATCH_HUP);
	/* a callback that frees its watch */
	b.free_on_hup = true;
	ck_assert_uint_eq(vmm_events_fd_ready(ev, p[0],
					      VMM_WATCH_HUP | VMM_WATCH_ERROR),
			  2);
	ck_assert_ptr_null(b.w);
	ck_assert_uint_eq(b.revents, VMM_WATCH_HUP | VMM_WATCH_ERROR);
	ck_assert_uint_eq(vmm_events_fd_events(ev, p[0]), VMM_WATCH_READ);
	vmm_watch_free(a.w);
	ck_assert_uint_eq(vmm_events_fd_ready(ev, p[0], VMM_WATCH_READ), 0);
	ck_assert(!vmm_events_owner_busy(ev, &owner));
	close(p[0]);
	close(p[1]);
}
END_TEST

START_TEST(test_watch_errors)
{
	struct wrec a = { 0 };
	struct vmm_watch *w = NULL;
	char path[] = "/tmp/check_events.XXXXXX";
	int fd = mkstemp(path);
	int p[2];

	ck_assert_int_ge(fd, 0);
	unlink(path);
	/* a regular file: epoll cannot wait on it */
	ck_assert_int_eq(vmm_watch_new(ev, &owner, fd, VMM_WATCH_READ,
				       wrec_fire, &a, &w),
			 -EPERM);
	ck_assert_int_eq(vmm_watch_new(ev, &owner, fd, 0, wrec_fire, &a, &w),
			 -EPERM);
	close(fd);
	ck_assert_int_eq(vmm_watch_new(ev, &owner, -1, VMM_WATCH_READ,
				       wrec_fire, &a, &w),
			 -EINVAL);
	ck_assert_int_eq(vmm_watch_new(ev, &owner, fd, VMM_WATCH_READ,
				       wrec_fire, &a, &w),
			 -EBADF);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(vmm_watch_new(ev, &owner, p[0], VMM_WATCH_HUP,
				       wrec_fire, &a, &w),
			 -EINVAL);
	ck_assert_ptr_null(w);
	ck_assert(!vmm_events_owner_busy(ev, &owner));
	ck_assert_int_eq(vmm_watch_new(ev, &owner, p[0], VMM_WATCH_READ,
				       wrec_fire, &a, &w),
			 0);
	ck_assert_int_eq(vmm_watch_set(w, 0x10), -EINVAL);
	ck_assert_uint_eq(vmm_events_fd_events(ev, p[0]), VMM_WATCH_READ);
	vmm_watch_free(w);
	vmm_watch_free(NULL);
	vmm_timer_free(NULL);
	close(p[0]);
	close(p[1]);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* The event thread                                                         */
/* ------------------------------------------------------------------------ */

struct trec {
	struct vmm_timer *t;
	atomic_uint calls;
	pthread_t thread;
	atomic_bool cancelled; /* set once cancel() returned */
	atomic_uint late;      /* callbacks that began after that */
	atomic_uint inside;
	_Atomic uint64_t at; /* the clock in the callback */
	/* stay in the callback until cancel is on its way, and a while
	 * after: cancel() or free() must wait for it */
	bool hold;
	atomic_bool cancelling;
};

static void trec_fire(void *opaque)
{
	struct trec *r = opaque;

	atomic_store(&r->at, vmm_events_now(ev));
	atomic_fetch_add(&r->inside, 1);
	if (atomic_load(&r->cancelled))
		atomic_fetch_add(&r->late, 1);
	if (r->hold) {
		struct timespec ms = { 0, 1000000 };

		for (int i = 0; i < 10000 && !atomic_load(&r->cancelling); i++)
			nanosleep(&ms, NULL);
		nanosleep(&ms, NULL);
	}
	if (atomic_load(&r->cancelled))
		atomic_fetch_add(&r->late, 1);
	r->thread = pthread_self();
	atomic_fetch_sub(&r->inside, 1);
	atomic_fetch_add(&r->calls, 1);
}

START_TEST(test_thread_fires_timers)
{
	struct trec a = { 0 }, b = { 0 };
	uint64_t now = vmm_events_now(ev);

	ck_assert(!vmm_events_manual(ev));
	ck_assert_int_eq(vmm_timer_new(ev, &owner, trec_fire, &a, &a.t), 0);
	ck_assert_int_eq(vmm_timer_new(ev, &owner, trec_fire, &b, &b.t), 0);
	vmm_timer_arm(a.t, now + 2000000); /* 2 ms */
	vmm_timer_arm(b.t, 0);		    /* long past */
	ck_assert(wait_for(&a.calls, 1));
	ck_assert(wait_for(&b.calls, 1));
	/* on the event thread, not this one, and after the deadline */
	ck_assert(!pthread_equal(a.thread, pthread_self()));
	ck_assert_uint_ge(atomic_load(&a.at), now + 2000000);
	/* once per arm */
	vmm_timer_arm(a.t, vmm_events_now(ev));
	ck_assert(wait_for(&a.calls, 2));
	ck_assert_uint_eq(b.calls, 1);
	/* a later deadline replaced by an earlier one */
	vmm_timer_arm(b.t, vmm_events_now(ev) + 3600000000000ull);
	vmm_timer_arm(a.t, vmm_events_now(ev) + 1000000);
	ck_assert(wait_for(&a.calls, 3));
	ck_assert_uint_eq(b.calls, 1);
	vmm_timer_free(b.t);
	vmm_timer_free(a.t);
}
END_TEST

/*
 * cancel() against a callback about to run, many times: after cancel()
 * returns no callback may begin. Half of the rounds cancel with the
 * owner's lock held (a device cancelling from read()), which must not
 * deadlock with the event thread waiting for that lock; every round frees
 * the timer, right after cancel, or instead of it, so a callback that ran
 * on a freed timer shows under ASan and valgrind.
 */
START_TEST(test_cancel_races_fire)
{
	unsigned rounds = getenv("CK_FORK") ? 300 : 3000;

	for (unsigned i = 0; i < rounds; i++) {
		struct trec *r = calloc(1, sizeof(*r));
		bool locked = i & 1, frees = i % 3 == 0;

		ck_assert_ptr_nonnull(r);
		/* every fourth unlocked round: cancel while it surely runs */
		r->hold = !locked && i % 4 == 0;
		ck_assert_int_eq(vmm_timer_new(ev, &owner, trec_fire, r, &r->t),
				 0);
		vmm_timer_arm(r->t, vmm_events_now(ev) + (i % 7) * 1000);
		if (r->hold)
			wait_for(&r->inside, 1);
		else
			for (volatile unsigned spin = 0; spin < (i % 17) * 4000;
			     spin++)
				;
		if (locked)
			pthread_mutex_lock(&dev_lock);
		atomic_store(&r->cancelling, true);
		if (frees) {
			vmm_timer_free(r->t);
		} else {
			vmm_timer_cancel(r->t);
			atomic_store(&r->cancelled, true);
		}
		if (locked)
			pthread_mutex_unlock(&dev_lock);
		ck_assert_uint_eq(atomic_load(&r->inside), 0);
		if (r->hold)
			ck_assert_uint_eq(atomic_load(&r->calls), 1);
		if (!frees) {
			/* give a stale callback every chance to show */
			if (i % 50 == 1) {
				struct timespec ts = { 0, 1000000 };

				nanosleep(&ts, NULL);
			}
			ck_assert_uint_eq(atomic_load(&r->late), 0);
			vmm_timer_free(r->t);
		}
		free(r);
	}
	ck_assert(!vmm_events_owner_busy(ev, &owner));
}
END_TEST

/* A callback that frees its own timer, while others arm and free more. */
static void free_self(void *opaque)
{
	struct trec *r = opaque;

	vmm_timer_free(r->t);
	atomic_fetch_add(&r->calls, 1);
}

START_TEST(test_free_self_threaded)
{
	enum { N = 200 };
	struct trec *r = calloc(N, sizeof(*r));

	ck_assert_ptr_nonnull(r);
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(vmm_timer_new(ev, &owner, free_self, &r[i],
					       &r[i].t),
				 0);
		vmm_timer_arm(r[i].t, vmm_events_now(ev) + (i % 5) * 10000);
	}
	for (int i = 0; i < N; i++)
		ck_assert(wait_for(&r[i].calls, 1));
	ck_assert(!vmm_events_owner_busy(ev, &owner));
	free(r);
}
END_TEST

START_TEST(test_thread_watch_pipe)
{
	struct wrec a = { .read_all = true, .free_on_hup = true };
	int p[2];

	ck_assert_int_eq(pipe2(p, O_NONBLOCK), 0);
	ck_assert_int_eq(vmm_watch_new(ev, &owner, p[0], VMM_WATCH_READ,
				       wrec_fire, &a, &a.w),
			 0);
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	ck_assert(wait_for(&a.calls, 1));
	ck_assert(!pthread_equal(a.thread, pthread_self()));
	ck_assert_int_eq(a.fd, p[0]); /* the device's descriptor */
	ck_assert_uint_eq(a.revents, VMM_WATCH_READ);

	/* paused: the byte waits; resumed: it comes */
	ck_assert_int_eq(vmm_watch_set(a.w, 0), 0);
	ck_assert_uint_eq(atomic_load(&a.inside), 0);
	{
		unsigned calls = atomic_load(&a.calls);
		struct timespec ts = { 0, 50000000 };

		ck_assert_int_eq(write(p[1], "y", 1), 1);
		nanosleep(&ts, NULL);
		ck_assert_uint_eq(atomic_load(&a.calls), calls);
		ck_assert_int_eq(vmm_watch_set(a.w, VMM_WATCH_READ), 0);
		ck_assert(wait_for(&a.calls, calls + 1));
	}

	/* the writer hangs up: HUP, with READ for end of file */
	close(p[1]);
	ck_assert(wait_for(&a.calls, 3));
	ck_assert_uint_eq(a.revents & (VMM_WATCH_HUP | VMM_WATCH_READ),
			  VMM_WATCH_HUP | VMM_WATCH_READ);
	ck_assert(!vmm_events_owner_busy(ev, &owner));
	close(p[0]);
}
END_TEST

/* Two watches on one descriptor, and WRITE readiness. */
START_TEST(test_thread_two_watches_one_fd)
{
	struct wrec a = { .pause_self = true }, b = { .pause_self = true };
	int p[2];

	ck_assert_int_eq(pipe2(p, O_NONBLOCK), 0);
	ck_assert_int_eq(vmm_watch_new(ev, &owner, p[1], VMM_WATCH_WRITE,
				       wrec_fire, &a, &a.w),
			 0);
	ck_assert_int_eq(vmm_watch_new(ev, &owner, p[1], VMM_WATCH_WRITE,
				       wrec_fire, &b, &b.w),
			 0);
	ck_assert(wait_for(&a.calls, 1));
	ck_assert(wait_for(&b.calls, 1));
	ck_assert_uint_eq(a.revents, VMM_WATCH_WRITE);
	ck_assert_uint_eq(b.revents, VMM_WATCH_WRITE);
	vmm_watch_free(a.w);
	vmm_watch_free(b.w);
	close(p[0]);
	close(p[1]);
}
END_TEST

/*
 * set(w, 0) against a running callback: when it returns, the callback
 * is not running (it waited), many times over.
 */
START_TEST(test_thread_watch_pause_waits)
{
	unsigned rounds = getenv("CK_FORK") ? 20 : 100;
	struct wrec a = { 0 };
	int p[2];

	atomic_store(&a.slow, true);
	ck_assert_int_eq(pipe2(p, O_NONBLOCK), 0);
	ck_assert_int_eq(write(p[1], "z", 1), 1); /* stays readable */
	ck_assert_int_eq(vmm_watch_new(ev, &owner, p[0], 0, wrec_fire, &a,
				       &a.w),
			 0);
	for (unsigned i = 0; i < rounds; i++) {
		unsigned calls = atomic_load(&a.calls);

		ck_assert_int_eq(vmm_watch_set(a.w, VMM_WATCH_READ), 0);
		ck_assert(wait_for(&a.calls, calls + 1) ||
			  atomic_load(&a.inside));
		ck_assert_int_eq(vmm_watch_set(a.w, 0), 0);
		ck_assert_uint_eq(atomic_load(&a.inside), 0);
	}
	vmm_watch_free(a.w);
	close(p[0]);
	close(p[1]);
}
END_TEST

/* stop() with timers armed: none runs after it; release frees them. */
START_TEST(test_stop_with_armed_timers)
{
	struct trec a = { 0 };

	ck_assert_int_eq(vmm_timer_new(ev, &owner, trec_fire, &a, &a.t), 0);
	vmm_timer_arm(a.t, vmm_events_now(ev) + 3600000000000ull);
	vmm_events_stop(ev);
	vmm_events_stop(ev); /* twice is fine */
	ck_assert_uint_eq(a.calls, 0);
	vmm_timer_arm(a.t, 0);
	ck_assert_uint_eq(vmm_events_owner_release(ev, &owner), 1);
	ck_assert_uint_eq(a.calls, 0);
}
END_TEST

/*
 * vmm_events_after_round(): asked twice in a callback, the function runs
 * once, on the event thread, after the callback returned, with the owner's
 * lock and the events' lock free (it arms a timer); asked from there, or
 * from another thread, the answer is no.
 */
struct after_rec {
	struct vmm_timer *t, *t2;
	atomic_uint queued, ran, during_callback, refused_inside, lock_free;
	atomic_bool in_callback;
	pthread_t callback_thread, fn_thread;
	struct trec second; /* t2's callback */
};

static void after_fn(void *arg)
{
	struct after_rec *r = arg;

	r->fn_thread = pthread_self();
	if (atomic_load(&r->in_callback))
		atomic_fetch_add(&r->during_callback, 1);
	if (pthread_mutex_trylock(&dev_lock) == 0) {
		atomic_fetch_add(&r->lock_free, 1);
		pthread_mutex_unlock(&dev_lock);
	}
	if (!vmm_events_after_round(after_fn, r))
		atomic_fetch_add(&r->refused_inside, 1);
	vmm_timer_arm(r->t2, vmm_events_now(ev)); /* takes the events' lock */
	atomic_fetch_add(&r->ran, 1);
}

static void after_fire(void *opaque)
{
	struct after_rec *r = opaque;

	r->callback_thread = pthread_self();
	atomic_store(&r->in_callback, true);
	atomic_fetch_add(&r->queued, vmm_events_after_round(after_fn, r));
	atomic_fetch_add(&r->queued, vmm_events_after_round(after_fn, r));
	atomic_store(&r->in_callback, false);
}

START_TEST(test_after_round)
{
	struct after_rec r = { 0 };

	ck_assert(!vmm_events_after_round(after_fn, &r)); /* not its thread */
	ck_assert_int_eq(vmm_timer_new(ev, &owner, after_fire, &r, &r.t), 0);
	ck_assert_int_eq(
		vmm_timer_new(ev, &owner, trec_fire, &r.second, &r.t2), 0);
	vmm_timer_arm(r.t, vmm_events_now(ev));
	ck_assert(wait_for(&r.second.calls, 1));
	ck_assert_uint_eq(atomic_load(&r.queued), 2);
	ck_assert_uint_eq(atomic_load(&r.ran), 1);
	ck_assert_uint_eq(atomic_load(&r.during_callback), 0);
	ck_assert_uint_eq(atomic_load(&r.refused_inside), 1);
	ck_assert_uint_eq(atomic_load(&r.lock_free), 1);
	ck_assert(pthread_equal(r.fn_thread, r.callback_thread));
	ck_assert(!pthread_equal(r.fn_thread, pthread_self()));
	/* the next round queues afresh */
	vmm_timer_arm(r.t, vmm_events_now(ev));
	ck_assert(wait_for(&r.second.calls, 2));
	ck_assert_uint_eq(atomic_load(&r.ran), 2);
	vmm_timer_free(r.t2);
	vmm_timer_free(r.t);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Deferred wake-ups (wake.h)                                               */
/* ------------------------------------------------------------------------ */

/* A wake-up that records when it ran and whether dev_lock was free then. */
struct wakerec {
	unsigned runs;
	unsigned at_fired; /* n_fired when it ran */
	bool lock_free;
};

static void wakerec_fn(void *arg)
{
	struct wakerec *w = arg;

	w->runs++;
	w->at_fired = n_fired;
	w->lock_free = pthread_mutex_trylock(&dev_lock) == 0;
	if (w->lock_free)
		pthread_mutex_unlock(&dev_lock);
}

START_TEST(test_wake_outside_span_is_now)
{
	struct wakerec w = { 0 };

	vmm_wake(wakerec_fn, &w);
	ck_assert_uint_eq(w.runs, 1);
}
END_TEST

START_TEST(test_wake_nested_once_at_outer_end)
{
	struct wakerec a = { 0 }, b = { 0 };

	vmm_wake_defer_begin();
	vmm_wake(wakerec_fn, &a);
	vmm_wake_defer_begin();
	vmm_wake(wakerec_fn, &a); /* the same again: once */
	vmm_wake(wakerec_fn, &b);
	vmm_wake_defer_end();
	ck_assert_uint_eq(a.runs, 0); /* the inner end runs nothing */
	ck_assert_uint_eq(b.runs, 0);
	vmm_wake_defer_end();
	ck_assert_uint_eq(a.runs, 1);
	ck_assert_uint_eq(b.runs, 1);
	/* the queue is empty again: a new span starts clean */
	vmm_wake_defer_begin();
	vmm_wake_defer_end();
	ck_assert_uint_eq(a.runs, 1);
}
END_TEST

START_TEST(test_wake_full_queue_runs_now)
{
	struct wakerec w[20];

	memset(w, 0, sizeof(w));
	vmm_wake_defer_begin();
	for (int i = 0; i < 20; i++)
		vmm_wake(wakerec_fn, &w[i]);
	/* what the queue holds waits; beyond it runs at once; none lost */
	ck_assert_uint_eq(w[0].runs, 0);
	ck_assert_uint_eq(w[19].runs, 1);
	vmm_wake_defer_end();
	for (int i = 0; i < 20; i++)
		ck_assert_uint_eq(w[i].runs, 1);
}
END_TEST

struct waking_timer {
	struct vmm_timer *t;
	struct wakerec *w;
};

static void waking_fire(void *opaque)
{
	struct waking_timer *wt = opaque;

	n_fired++;
	vmm_wake(wakerec_fn, wt->w);
	ck_assert_uint_eq(wt->w->runs, 0); /* not yet: under dev_lock */
}

/* A timer callback's wake-up runs once the owner's lock is free, right
 * after that callback (before the next timer's). */
START_TEST(test_wake_from_callback_after_owner_lock)
{
	struct wakerec w[2] = { { 0 } };
	struct waking_timer wt[2] = { { NULL, &w[0] }, { NULL, &w[1] } };

	reset_records();
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(vmm_timer_new(ev, &owner, waking_fire, &wt[i],
					       &wt[i].t),
				 0);
		vmm_timer_arm(wt[i].t, 100 + 100 * (uint64_t)i);
	}
	ck_assert_uint_eq(vmm_events_advance(ev, 1000), 2);
	for (int i = 0; i < 2; i++) {
		ck_assert_uint_eq(w[i].runs, 1);
		ck_assert(w[i].lock_free);
		ck_assert_uint_eq(w[i].at_fired, (unsigned)i + 1);
	}
	ck_assert_uint_eq(vmm_events_owner_release(ev, &owner), 2);
}
END_TEST

/* A wake-up may use the events (a woken vCPU arms a timer): it runs with
 * no lock of theirs held, or this would wait for ever. */
static struct vmm_timer *armed_by_wake;

static void arming_wake(void *arg)
{
	(void)arg;
	vmm_timer_arm(armed_by_wake, 5000);
}

static void arming_fire(void *opaque)
{
	(void)opaque;
	vmm_wake(arming_wake, NULL);
}

START_TEST(test_wake_may_use_events)
{
	struct vmm_timer *t;
	struct rec r;

	reset_records();
	rec_new(&r, 7);
	armed_by_wake = r.t;
	ck_assert_int_eq(vmm_timer_new(ev, &owner, arming_fire, NULL, &t), 0);
	vmm_timer_arm(t, 100);
	ck_assert_uint_eq(vmm_events_advance(ev, 1000), 1);
	ck_assert_uint_eq(vmm_events_next_deadline(ev), 5000);
	ck_assert_uint_eq(vmm_events_advance(ev, 5000), 1);
	ck_assert_int_eq(order[0], 7);
	ck_assert_uint_eq(vmm_events_owner_release(ev, &owner), 2);
}
END_TEST

/* A wake-up that opens and ends a span of its own does not run the queue
 * it came from again. */
static struct wakerec reentrant_other;

static void reentrant_wake(void *arg)
{
	struct wakerec *w = arg;

	w->runs++;
	vmm_wake_defer_begin();
	vmm_wake_defer_end();
}

START_TEST(test_wake_reentrant_end_runs_each_once)
{
	struct wakerec a = { 0 };

	memset(&reentrant_other, 0, sizeof(reentrant_other));
	vmm_wake_defer_begin();
	vmm_wake(wakerec_fn, &reentrant_other);
	vmm_wake(reentrant_wake, &a);
	vmm_wake_defer_end();
	ck_assert_uint_eq(reentrant_other.runs, 1);
	ck_assert_uint_eq(a.runs, 1);
}
END_TEST

static Suite *events_suite(void)
{
	Suite *s = suite_create("events");
	TCase *manual = tcase_create("manual");
	TCase *threaded = tcase_create("threaded");

	tcase_add_checked_fixture(manual, setup_manual, teardown);
	tcase_add_test(manual, test_deadline_order);
	tcase_add_test(manual, test_equal_deadlines_in_arm_order);
	tcase_add_test(manual, test_rearm_moves);
	tcase_add_test(manual, test_past_deadline_fires_now);
	tcase_add_test(manual, test_periodic_rearm_in_callback);
	tcase_add_test(manual, test_advance_late);
	tcase_add_test(manual, test_cancel_inside_and_outside);
	tcase_add_test(manual, test_free_from_callback);
	tcase_add_test(manual, test_release_frees_armed);
	tcase_add_test(manual, test_many_timers_sorted);
	tcase_add_test(manual, test_timer_cap);
	tcase_add_test(manual, test_manual_fd_ready);
	tcase_add_test(manual, test_watch_errors);
	tcase_add_test(manual, test_wake_outside_span_is_now);
	tcase_add_test(manual, test_wake_nested_once_at_outer_end);
	tcase_add_test(manual, test_wake_full_queue_runs_now);
	tcase_add_test(manual, test_wake_from_callback_after_owner_lock);
	tcase_add_test(manual, test_wake_may_use_events);
	tcase_add_test(manual, test_wake_reentrant_end_runs_each_once);
	suite_add_tcase(s, manual);

	tcase_add_checked_fixture(threaded, setup_threaded, teardown);
	tcase_set_timeout(threaded, 60);
	tcase_add_test(threaded, test_thread_fires_timers);
	tcase_add_test(threaded, test_cancel_races_fire);
	tcase_add_test(threaded, test_free_self_threaded);
	tcase_add_test(threaded, test_thread_watch_pipe);
	tcase_add_test(threaded, test_thread_two_watches_one_fd);
	tcase_add_test(threaded, test_thread_watch_pause_waits);
	tcase_add_test(threaded, test_stop_with_armed_timers);
	tcase_add_test(threaded, test_watch_errors);
	tcase_add_test(threaded, test_after_round);
	suite_add_tcase(s, threaded);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(events_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
