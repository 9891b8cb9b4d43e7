// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * chardev-in.c - character devices' input: a descriptor read under flow
 * control (the device's can_receive() and input_ready()), the console's
 * Ctrl-A escapes, and the kit's bytes and events typed by a test
 * (chardev.h says what and why). An input's state is guarded by its
 * owner's lock (the device's): its callbacks run under it, and so do the
 * device's calls of input_ready(), except for the `paused` flag, which any
 * thread may clear.
 */
#include "config.h"

#include "chardev-int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* Input                                                                    */
/* ------------------------------------------------------------------------ */

bool vmm_chardev_stdin_free(const struct vmm_chardevs *cs)
{
	bool free_;

	pthread_mutex_lock(&((struct vmm_chardevs *)cs)->lock);
	free_ = !cs->stdin_in;
	pthread_mutex_unlock(&((struct vmm_chardevs *)cs)->lock);
	return free_;
}

int vmm_chardev_in_open(struct vmm_chardevs *cs, const char *spec,
			const char *holder, struct vmm_chardev_in **out,
			const char **busy_with)
{
	struct vmm_chardev_in *in = calloc(1, sizeof(*in));
	bool is_stdin = !strcmp(spec, "stdin");
	struct stat st;

	*out = NULL;
	if (!in)
		return -ENOMEM;
	in->cs = cs;
	in->fd = -1;
	if (is_stdin) {
		pthread_mutex_lock(&cs->lock);
		if (cs->stdin_in) {
			*busy_with = cs->stdin_holder;
			pthread_mutex_unlock(&cs->lock);
			free(in);
			return -EBUSY;
		}
		free(cs->stdin_holder);
		cs->stdin_holder = strdup(holder ? holder : "?");
		cs->stdin_in = in;
		pthread_mutex_unlock(&cs->lock);
		in->is_stdin = true;
		if (!cs->manual) {
			in->fd = STDIN_FILENO;
			in->console = isatty(STDIN_FILENO);
		}
	} else {
		int fd = open(spec, O_RDONLY | O_NONBLOCK | O_CLOEXEC |
					    O_NOCTTY);

		if (fd < 0) {
			int err = -errno;

			free(in);
			return err;
		}
		if (cs->manual) {
			close(fd); /* the test types the bytes */
		} else {
			in->fd = fd;
			in->own_fd = true;
		}
	}
	if (in->fd >= 0 && !fstat(in->fd, &st) && S_ISREG(st.st_mode))
		in->regular = true;
	pthread_mutex_lock(&cs->lock);
	in->next = cs->inputs;
	cs->inputs = in;
	pthread_mutex_unlock(&cs->lock);
	*out = in;
	return 0;
}

/* Stop reading until input_ready(); owner's lock held. */
static void in_pause(struct vmm_chardev_in *in)
{
	atomic_store(&in->paused, true);
	if (in->watch)
		vmm_watch_set(in->watch, 0);
}

/* Read again (watch, or the timer for what the watch cannot see). */
static void in_resume(struct vmm_chardev_in *in)
{
	if (in->off || in->fd < 0)
		return;
	if (in->watch)
		vmm_watch_set(in->watch, VMM_WATCH_READ);
	if ((in->carry_len || in->regular || !in->watch) && in->timer)
		vmm_timer_arm(in->timer, 0);
}

/* The end of the input: said once. Owner's lock held. */
static void in_eof(struct vmm_chardev_in *in)
{
	in->off = true;
	if (in->watch)
		vmm_watch_set(in->watch, 0);
	if (in->ops->event)
		in->ops->event(in->opaque, PLUGVM_CHARDEV_EVENT_EOF);
}

static void console_help(void)
{
	static const char help[] =
		"\r\nplugvm console escapes:\r\n"
		"  C-a h    print this help\r\n"
		"  C-a x    exit plugvm (status 0)\r\n"
		"  C-a b    send a break\r\n"
		"  C-a C-a  send C-a\r\n";

	if (write(STDERR_FILENO, help, sizeof(help) - 1) < 0)
		return; /* nowhere to say it */
}

/*
 * Hand the device at most @room bytes of the carry, escapes applied for
 * the console. Stops after a break: the device's room changed. Owner's
 * lock held.
 */
static void in_deliver(struct vmm_chardev_in *in, size_t room)
{
	uint8_t out[IN_CHUNK];
	size_t i = 0, m = 0;

	if (!in->console) { /* bytes as they are, never past @room */
		i = in->carry_len < room ? in->carry_len : room;
		in->ops->receive(in->opaque, in->carry, i);
		memmove(in->carry, in->carry + i, in->carry_len - i);
		in->carry_len -= i;
		return;
	}
	while (i < in->carry_len && m < room) {
		uint8_t c = in->carry[i++];

		if (!in->escape) {
			if (c == VMM_CONSOLE_ESCAPE)
				in->escape = true;
			else
				out[m++] = c;
			continue;
		}
		in->escape = false;
		if (c == VMM_CONSOLE_ESCAPE) {
			out[m++] = c;
		} else if (c == 'x' || c == 'X') {
			if (m)
				in->ops->receive(in->opaque, out, m);
			m = 0;
			in->off = true;
			in->carry_len = 0;
			atomic_store(&in->cs->raw, false);
			vmm_console_restore();
			fprintf(stderr, "plugvm: Ctrl-A x: quitting\n");
			if (in->watch)
				vmm_watch_set(in->watch, 0);
			if (in->cs->quit)
				in->cs->quit(in->cs->ctx);
			return;
		} else if (c == 'b' || c == 'B') {
			if (m)
				in->ops->receive(in->opaque, out, m);
			m = 0;
			if (in->ops->event)
				in->ops->event(in->opaque,
					       PLUGVM_CHARDEV_EVENT_BREAK);
			break;
		} else if (c == 'h' || c == 'H' || c == '?') {
			console_help();
		}
	}
	if (m)
		in->ops->receive(in->opaque, out, m);
	memmove(in->carry, in->carry + i, in->carry_len - i);
	in->carry_len -= i;
}

/* The event thread: the input may have bytes. Owner's lock held. */
static void in_read(struct vmm_chardev_in *in)
{
	size_t room;
	ssize_t n;

	if (in->off)
		return;
	room = in->ops->can_receive(in->opaque);
	if (!room) {
		in_pause(in);
		/* input_ready() may have come between */
		if (in->ops->can_receive(in->opaque) &&
		    atomic_exchange(&in->paused, false))
			in_resume(in);
		return;
	}
	if (!in->carry_len) {
		n = read(in->fd, in->carry,
			 room < sizeof(in->carry) ? room : sizeof(in->carry));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) { /* the end, or a terminal hung up (EIO) */
			in_eof(in);
			return;
		}
		in->carry_len = (size_t)n;
	}
	in_deliver(in, room);
	/* what is left, and a file, which never says it is readable */
	if (!in->off && (in->carry_len || in->regular) && in->timer)
		vmm_timer_arm(in->timer, 0);
}

static void in_watch_fn(void *opaque, int fd, uint32_t revents)
{
	(void)fd;
	(void)revents;
	in_read(opaque);
}

static void in_timer_fn(void *opaque)
{
	struct vmm_chardev_in *in = opaque;

	if (!atomic_load(&in->paused))
		in_read(in);
}

int vmm_chardev_in_set(struct vmm_chardev_in *in,
		       const struct plugvm_chardev_input *ops, void *opaque,
		       struct vmm_events_owner *owner)
{
	struct vmm_events *ev = in->cs->ev;
	int ret;

	if (in->ops)
		return -EBUSY;
	in->ops = ops;
	in->opaque = opaque;
	in->owner = owner;
	if (in->fd < 0 || !ev)
		return 0;
	ret = vmm_timer_new(ev, owner, in_timer_fn, in, &in->timer);
	if (ret)
		goto out_unset;
	if (!in->regular) {
		ret = vmm_watch_new(ev, owner, in->fd, VMM_WATCH_READ,
				    in_watch_fn, in, &in->watch);
		/* /dev/null and its kind (-EPERM), a closed stdin (-EBADF):
		 * the timer reads them, to their end */
		if (ret == -EPERM || ret == -EBADF) {
			in->regular = true;
			ret = 0;
		}
		if (ret)
			goto out_timer;
	}
	if (in->regular)
		vmm_timer_arm(in->timer, 0);
	return 0;

out_timer:
	vmm_timer_free(in->timer);
	in->timer = NULL;
out_unset:
	in->ops = NULL;
	return ret;
}

void vmm_chardev_in_ready(struct vmm_chardev_in *in)
{
	if (!in)
		return;
	if (in->fd < 0) {
		if (atomic_exchange(&in->paused, false))
			atomic_store(&in->kick, true);
		return;
	}
	if (atomic_exchange(&in->paused, false))
		in_resume(in);
}

void vmm_chardev_in_close(struct vmm_chardev_in *in)
{
	struct vmm_chardevs *cs;
	struct vmm_chardev_in **pp;

	if (!in)
		return;
	cs = in->cs;
	vmm_watch_free(in->watch);
	vmm_timer_free(in->timer);
	pthread_mutex_lock(&cs->lock);
	if (cs->stdin_in == in)
		cs->stdin_in = NULL;
	for (pp = &cs->inputs; *pp; pp = &(*pp)->next)
		if (*pp == in) {
			*pp = in->next;
			break;
		}
	pthread_mutex_unlock(&cs->lock);
	if (in->is_stdin && atomic_exchange(&cs->raw, false))
		vmm_console_restore();
	if (in->own_fd)
		close(in->fd);
	free(in->q);
	free(in->evs);
	free(in);
}

/* ---- the kit ------------------------------------------------------------- */

/* Deliver what the device takes: the queued bytes and events, in order,
 * as the event thread would. Returns the bytes taken. */
static size_t kit_deliver(struct vmm_chardev_in *in)
{
	pthread_mutex_t *lk = in->owner ? in->owner->lock : NULL;
	size_t taken = 0;

	if (!in->ops)
		return 0;
	if (lk)
		pthread_mutex_lock(lk);
	while (!in->off && !atomic_load(&in->paused)) {
		bool event_due = in->n_evs && in->evs[0].at == in->taken;
		size_t room, n;

		if (!in->qlen && !event_due)
			break;
		room = in->ops->can_receive(in->opaque);
		if (!room) {
			atomic_store(&in->paused, true);
			break;
		}
		if (event_due) {
			uint32_t e = in->evs[0].event;

			memmove(in->evs, in->evs + 1,
				--in->n_evs * sizeof(*in->evs));
			if (e == PLUGVM_CHARDEV_EVENT_EOF)
				in->off = true;
			if (in->ops->event)
				in->ops->event(in->opaque, e);
			continue;
		}
		n = in->qlen < room ? in->qlen : room;
		in->ops->receive(in->opaque, in->q, n);
		memmove(in->q, in->q + n, in->qlen - n);
		in->qlen -= n;
		in->taken += n;
		taken += n;
	}
	if (lk)
		pthread_mutex_unlock(lk);
	return taken;
}

size_t vmm_chardev_in_feed(struct vmm_chardev_in *in, const void *buf,
			   size_t len)
{
	/* nothing to queue (the queue may not exist yet: no NULL + 0) */
	if (!len)
		return kit_deliver(in);
	if (in->qcap - in->qlen < len) {
		size_t cap = in->qcap ? in->qcap : 256;
		void *p;

		while (cap - in->qlen < len)
			cap *= 2;
		p = realloc(in->q, cap);
		if (!p)
			return 0;
		in->q = p;
		in->qcap = cap;
	}
	memcpy(in->q + in->qlen, buf, len);
	in->qlen += len;
	return kit_deliver(in);
}

void vmm_chardev_in_event(struct vmm_chardev_in *in, uint32_t event)
{
	if (in->n_evs == in->cap_evs) {
		size_t cap = in->cap_evs ? 2 * in->cap_evs : 4;
		void *p = realloc(in->evs, cap * sizeof(*in->evs));

		if (!p)
			return;
		in->evs = p;
		in->cap_evs = cap;
	}
	in->evs[in->n_evs++] =
		(struct kit_event){ .at = in->taken + in->qlen, .event = event };
	kit_deliver(in);
}

size_t vmm_chardev_in_pending(const struct vmm_chardev_in *in)
{
	return in->qlen;
}

void vmm_chardevs_kick(struct vmm_chardevs *cs)
{
	bool again = true;

	/* a device that calls input_ready() from receive() is kicked again */
	while (again) {
		struct vmm_chardev_in *in;

		again = false;
		pthread_mutex_lock(&cs->lock);
		for (in = cs->inputs; in; in = in->next)
			if (atomic_exchange(&in->kick, false))
				break;
		pthread_mutex_unlock(&cs->lock);
		if (in) {
			kit_deliver(in);
			again = true;
		}
	}
}
