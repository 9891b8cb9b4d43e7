// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * events-thread.c - the event thread: it waits in ppoll() on the epoll
 * descriptor for a watched descriptor, a kick or the earliest deadline,
 * runs what came (timers due, one ready watch), then what the round queued
 * (vmm_events_after_round()). The objects it runs and their locking are
 * events.c's; events-manual.c drives the same run paths by hand.
 */
#include "config.h"

#include "events-int.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* Waking it                                                                */
/* ------------------------------------------------------------------------ */

/* Threaded: wake the event thread. */
void vmm_events_kick(struct vmm_events *ev)
{
	uint64_t one = 1;

	while (write(ev->efd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

/*
 * Threaded: the heap's top changed. The event thread sleeps (in
 * wait_event()) until ev->sleep_until at the latest; a deadline before
 * that wakes it, once. On the event thread itself sleep_until is 0: it
 * looks at the heap before it sleeps again. ev->lock held.
 */
void vmm_events_retime(struct vmm_events *ev)
{
	uint64_t d = ev->n_heap ? ev->heap[0]->deadline : UINT64_MAX;

	if (ev->manual || !ev->sleep_until || d >= ev->sleep_until)
		return;
	ev->sleep_until = 0;
	vmm_events_kick(ev);
}

/* ------------------------------------------------------------------------ */
/* The event thread                                                         */
/* ------------------------------------------------------------------------ */

static uint32_t from_epoll(uint32_t e)
{
	return (e & EPOLLIN ? VMM_WATCH_READ : 0) |
	       (e & EPOLLOUT ? VMM_WATCH_WRITE : 0) |
	       (e & (EPOLLHUP | EPOLLRDHUP) ? VMM_WATCH_HUP : 0) |
	       (e & EPOLLERR ? VMM_WATCH_ERROR : 0);
}

static struct vmm_watch *find_watch(struct vmm_events *ev, uint64_t id)
{
	for (struct vmm_watch *w = ev->watches; w; w = w->all_next)
		if (w->id == id)
			return w;
	return NULL;
}

/* An eventfd: one read takes every wake-up. */
static void drain(int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0)
		return; /* EAGAIN: reset since it woke us */
}

/*
 * The timers due now, each once: one re-armed for the past by its
 * callback waits for the next round, so that ready watches get their
 * turn (epoll hands out ready descriptors round-robin).
 */
static void run_due_timers(struct vmm_events *ev)
{
	uint64_t now = vmm_events_now(ev), last = ev->seq;

	while (ev->n_heap && !ev->stopping) {
		struct vmm_timer *t = ev->heap[0];

		if (t->deadline > now || t->seq >= last)
			break;
		vmm_events_run_timer(ev, t);
	}
	vmm_events_retime(ev);
}

/*
 * Wait for a watched descriptor, a kick, or the heap's top deadline: in
 * ppoll() on the epoll descriptor with the time left as its timeout (ns
 * precision, and the thread's timer slack is 1 us), so a timer costs no
 * system call of its own, neither to arm nor to fire. Returns what epoll
 * returned, 0 when the deadline came first. ev->lock held on entry and on
 * return.
 *
 * Halt polling, the event thread's half (the vCPU's is in the tcg
 * accelerator): a deadline at most ev->poll_ns away is waited for by
 * checking the descriptors without blocking until it comes, which costs
 * neither the two context switches nor their wake-up latency. A deadline
 * already due gets one look at the descriptors first, so that a timer
 * that keeps re-arming itself for the past cannot starve the watches.
 */
static int wait_event(struct vmm_events *ev, struct epoll_event *e)
{
	uint64_t d = ev->n_heap ? ev->heap[0]->deadline : UINT64_MAX;
	uint64_t now = vmm_events_now(ev), left = d > now ? d - now : 0;
	int n;

	ev->sleep_until = left ? d : 0;
	pthread_mutex_unlock(&ev->lock);
	if (!left) {
		n = epoll_wait(ev->epfd, e, 1, 0);
	} else if (left <= ev->poll_ns) {
		do
			n = epoll_wait(ev->epfd, e, 1, 0);
		while (n == 0 && vmm_events_now(ev) < d);
	} else {
		/* not epoll_pwait2(): valgrind 3.19 lacks it, kernels before
		 * 5.11 too */
		struct pollfd p = { .fd = ev->epfd, .events = POLLIN };
		struct timespec ts = { (time_t)(left / 1000000000u),
				       (long)(left % 1000000000u) };

		n = ppoll(&p, 1, d == UINT64_MAX ? NULL : &ts, NULL);
		if (n > 0)
			n = epoll_wait(ev->epfd, e, 1, 0);
	}
	pthread_mutex_lock(&ev->lock);
	ev->sleep_until = 0;
	return n;
}

/* The events whose thread this is (NULL on every other thread). */
static _Thread_local struct vmm_events *this_thread_events;

bool vmm_events_after_round(void (*fn)(void *), void *arg)
{
	struct vmm_events *ev = this_thread_events;

	if (!ev || ev->in_after)
		return false;
	for (unsigned i = 0; i < ev->n_after; i++)
		if (ev->after[i].fn == fn && ev->after[i].arg == arg)
			return true;
	if (ev->n_after == EVENTS_AFTER_ROUND)
		return false;
	ev->after[ev->n_after].fn = fn;
	ev->after[ev->n_after].arg = arg;
	ev->n_after++;
	return true;
}

/*
 * Run what the round queued: each may be a wake-up owed, so every round
 * that ran a callback ends here. What they ask for meanwhile is done at
 * once, not queued: a guest
 * that raises interrupts without end cannot keep this thread from its
 * timers. ev->lock held on entry and on return, let go around them.
 */
static void run_after_round(struct vmm_events *ev)
{
	pthread_mutex_unlock(&ev->lock);
	ev->in_after = true;
	for (unsigned i = 0; i < ev->n_after; i++)
		ev->after[i].fn(ev->after[i].arg);
	ev->n_after = 0;
	ev->in_after = false;
	pthread_mutex_lock(&ev->lock);
}

/* One event at a time: the readiness of each watch is fresh. */
static void *event_thread(void *arg)
{
	struct vmm_events *ev = arg;

	this_thread_events = ev;
	vmm_guard_thread("the event thread");
	/* Wake at the deadline, not up to the default 50 us after it. */
	prctl(PR_SET_TIMERSLACK, 1000UL);
	pthread_mutex_lock(&ev->lock);
	while (ev->held && !ev->stopping)
		pthread_cond_wait(&ev->idle, &ev->lock);
	while (!ev->stopping) {
		struct epoll_event e;
		struct vmm_watch *w;
		int n = wait_event(ev, &e);

		if (ev->stopping) {
			continue;
		} else if (n == 0) { /* the deadline came */
			run_due_timers(ev);
		} else if (n < 0) {
			continue; /* EINTR */
		} else if (e.data.u64 == ID_EVENTFD) {
			drain(ev->efd);
		} else if ((w = find_watch(ev, e.data.u64))) {
			w->pins++;
			vmm_events_run_watch(ev, w, from_epoll(e.events));
		}
		if (ev->n_after)
			run_after_round(ev);
	}
	this_thread_events = NULL;
	pthread_mutex_unlock(&ev->lock);
	vmm_guard_thread_end();
	return NULL;
}

int vmm_events_start(struct vmm_events *ev)
{
	sigset_t all, old;
	int err;

	if (ev->manual || ev->started)
		return 0;
	ev->stopping = false;
	/* The thread takes no signal: the machine's are read elsewhere. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&ev->thread, NULL, event_thread, ev);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return -err;
	pthread_setname_np(ev->thread, "events"); /* for ps, top -H, gdb */
	ev->started = true;
	return 0;
}

void vmm_events_hold(struct vmm_events *ev, bool hold)
{
	pthread_mutex_lock(&ev->lock);
	ev->held = hold;
	pthread_cond_broadcast(&ev->idle);
	pthread_mutex_unlock(&ev->lock);
}

void vmm_events_stop(struct vmm_events *ev)
{
	if (!ev || !ev->started)
		return;
	pthread_mutex_lock(&ev->lock);
	ev->stopping = true;
	pthread_cond_broadcast(&ev->idle); /* a held thread too */
	pthread_mutex_unlock(&ev->lock);
	vmm_events_kick(ev);
	pthread_join(ev->thread, NULL);
	ev->started = false;
}

