// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tickfloor.c - the least a VMM with a timer thread and a vCPU thread can
 * cost this host for an idle guest's 100 Hz tick: the idle benchmark's
 * reference floor.
 *
 * Two threads and nothing else. The timer thread sleeps in ppoll() on an
 * epoll descriptor (with an eventfd in it, as plugvm's event thread) until
 * the next 10 ms deadline, then wakes the "vCPU" thread through a mutex and
 * a condition variable; that thread takes the wake-up and sleeps again. No
 * guest runs and no device is modelled, so whatever plugvm (or QEMU, which
 * has the same two threads) costs above this is its own work; the floor
 * itself is the kernel's price for two wake-ups, which differs a hundredfold
 * between hosts (tens of microseconds each in a PVM guest, about a
 * microsecond on bare metal).
 *
 *	tickfloor [-1] TICKS
 * exits with status 85 after TICKS ticks, as the benchmark guests do, so
 * that bench/runner.c measures it like them. With -1 the timer thread
 * wakes nobody: one wake-up a tick, the least any VMM with a host timer
 * pays, and what plugvm pays when its event thread runs the halted vCPU's
 * interrupt itself.
 */
#include "config.h"

#include <ctype.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define TICK_NS 10000000ull
#define EXIT_STATUS 85

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static unsigned long posted, taken;
static bool done;

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void *vcpu(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!done) {
		while (taken == posted && !done)
			pthread_cond_wait(&wake, &lock);
		taken = posted;
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int main(int argc, char **argv)
{
	struct epoll_event e = { .events = EPOLLIN };
	bool one = argc == 3 && strcmp(argv[1], "-1") == 0;
	unsigned long ticks;
	pthread_t t;
	uint64_t next;
	char *end;
	int epfd, efd;

	/* Digits only: strtoul() would take "-1" alone as a tick count. */
	if (argc != 2 + one || !isdigit((unsigned char)*argv[1 + one]) ||
	    (ticks = strtoul(argv[1 + one], &end, 0), *end)) {
		fprintf(stderr, "usage: tickfloor [-1] TICKS\n");
		return 2;
	}
	epfd = epoll_create1(EPOLL_CLOEXEC);
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (epfd < 0 || efd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, efd, &e) ||
	    (!one && pthread_create(&t, NULL, vcpu, NULL))) {
		perror("tickfloor");
		return 1;
	}
	/* as plugvm's event thread: wake at the deadline, not up to the
	 * default 50 us after it */
	prctl(PR_SET_TIMERSLACK, 1000UL);
	next = now_ns() + TICK_NS;
	for (unsigned long i = 0; i < ticks; i++, next += TICK_NS) {
		struct pollfd p = { .fd = epfd, .events = POLLIN };
		uint64_t n = now_ns(), left = next > n ? next - n : 0;
		struct timespec ts = { (time_t)(left / 1000000000u),
				       (long)(left % 1000000000u) };

		if (left)
			(void)ppoll(&p, 1, &ts, NULL);
		if (one)
			continue;
		pthread_mutex_lock(&lock);
		posted++;
		pthread_mutex_unlock(&lock);
		pthread_cond_broadcast(&wake);
	}
	if (!one) {
		pthread_mutex_lock(&lock);
		done = true;
		pthread_mutex_unlock(&lock);
		pthread_cond_broadcast(&wake);
		pthread_join(t, NULL);
	}
	close(efd);
	close(epfd);
	return EXIT_STATUS;
}
