/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * chardev-int.h - what chardev.c (output, the console's terminal) and
 * chardev-in.c (input: the console's escapes, flow control, the kit's
 * typed bytes) share: a set of character devices and its inputs.
 * Private to the two; chardev.h is the interface.
 */
#ifndef VMM_CHARDEV_INT_H
#define VMM_CHARDEV_INT_H

#include "chardev.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An input reads at most this much at a time. */
#define IN_CHUNK 4096

struct kit_event {
	uint64_t at; /* after this many bytes were taken */
	uint32_t event;
};

struct vmm_chardev_in {
	struct vmm_chardevs *cs;
	int fd; /* -1: the kit's, fed by the test */
	bool own_fd;
	bool is_stdin;
	bool console; /* the terminal: escapes */
	bool regular; /* epoll cannot wait on it: a timer polls */
	bool off;     /* reads nothing more (EOF, quit, background job) */
	const struct plugvm_chardev_input *ops;
	void *opaque;
	struct vmm_events_owner *owner;
	struct vmm_watch *watch;
	struct vmm_timer *timer;
	atomic_bool paused; /* can_receive() said 0: wait for input_ready() */
	bool escape;	    /* Ctrl-A seen */
	uint8_t carry[IN_CHUNK]; /* read, not yet delivered */
	size_t carry_len;
	/* the kit's queue */
	uint8_t *q;
	size_t qlen, qcap;
	uint64_t taken;
	struct kit_event *evs;
	size_t n_evs, cap_evs;
	atomic_bool kick;
	struct vmm_chardev_in *next; /* the set's inputs */
};

struct vmm_chardevs {
	struct vmm_events *ev;
	bool manual;
	void (*quit)(void *ctx);
	void *ctx;
	pthread_mutex_t lock; /* the fields below */
	struct vmm_chardev_dest *stdout_dest;
	struct vmm_chardev_in *stdin_in;
	char *stdin_holder;
	struct vmm_chardev_in *inputs;
	struct vmm_events_owner owner; /* output watches: no lock */
	atomic_bool raw; /* this set put the terminal in raw mode */
};

#endif
