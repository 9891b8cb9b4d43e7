// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * events-manual.c - driving events by hand: the device test kit's
 * virtual clock and injected readiness, through the same run paths as
 * the event thread (events.c).
 */
#include "config.h"

#include "events-int.h"

#include <stdatomic.h>
#include <stdlib.h>

/* ------------------------------------------------------------------------ */
/* Manual mode                                                              */
/* ------------------------------------------------------------------------ */

uint64_t vmm_events_next_deadline(struct vmm_events *ev)
{
	uint64_t d;

	pthread_mutex_lock(&ev->lock);
	d = ev->n_heap ? ev->heap[0]->deadline : UINT64_MAX;
	pthread_mutex_unlock(&ev->lock);
	return d;
}

static unsigned advance(struct vmm_events *ev, uint64_t to, bool late)
{
	unsigned n = 0;

	if (!ev->manual)
		return 0;
	pthread_mutex_lock(&ev->lock);
	if (late && to > atomic_load(&ev->vclock))
		atomic_store(&ev->vclock, to);
	while (ev->n_heap && ev->heap[0]->deadline <= to) {
		struct vmm_timer *t = ev->heap[0];

		if (t->deadline > atomic_load(&ev->vclock))
			atomic_store(&ev->vclock, t->deadline);
		n += vmm_events_run_timer(ev, t);
	}
	if (to > atomic_load(&ev->vclock))
		atomic_store(&ev->vclock, to);
	pthread_mutex_unlock(&ev->lock);
	return n;
}

unsigned vmm_events_advance(struct vmm_events *ev, uint64_t to)
{
	return advance(ev, to, false);
}

unsigned vmm_events_advance_late(struct vmm_events *ev, uint64_t to)
{
	return advance(ev, to, true);
}

unsigned vmm_events_fd_ready(struct vmm_events *ev, int fd, uint32_t revents)
{
	struct vmm_watch **ready = NULL;
	size_t n_ready = 0, cap = 0;
	unsigned n = 0;

	if (!ev->manual)
		return 0;
	pthread_mutex_lock(&ev->lock);
	/* Pinned first: a callback may free any of them. */
	for (struct vmm_watch *w = ev->watches; w; w = w->all_next) {
		if (w->fd != fd || !vmm_events_watch_mask(w->events, revents))
			continue;
		if (n_ready == cap) {
			size_t c = cap ? 2 * cap : 8;
			void *p = realloc(ready, c * sizeof(*ready));

			if (!p)
				break;
			ready = p;
			cap = c;
		}
		w->pins++;
		ready[n_ready++] = w;
	}
	/* Oldest first: the list is newest first. */
	while (n_ready > 0)
		n += vmm_events_run_watch(ev, ready[--n_ready], revents);
	pthread_mutex_unlock(&ev->lock);
	free(ready);
	return n;
}

uint32_t vmm_events_fd_events(struct vmm_events *ev, int fd)
{
	uint32_t events = 0;

	pthread_mutex_lock(&ev->lock);
	for (struct vmm_watch *w = ev->watches; w; w = w->all_next)
		if (w->fd == fd)
			events |= w->events;
	pthread_mutex_unlock(&ev->lock);
	return events;
}
