// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * chardev.c - character devices: a set of them, bounded output, and the
 * console's terminal (chardev.h says what and why); input is in
 * chardev-in.c, what the two share in chardev-int.h.
 *
 * Locks: a destination's lock guards its buffer and its watch's state; it
 * is taken before the event loop's (vmm_watch_set() under it).
 */
#include "config.h"

#include "chardev-int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* A destination writes its buffer out when it holds this much... */
#define DIRECT_FLUSH_AT 4096
/* ...and one that can stall, what it holds this long after the first
 * byte came: one write(2) for many bytes, not one each. */
#define STALL_FLUSH_NS 1000000u

struct vmm_chardev_dest {
	struct vmm_chardevs *cs;
	pthread_mutex_t lock;
	int fd;
	bool own_fd;
	bool stall;   /* a consumer that can stall: never wait for it */
	bool sock;    /* send(MSG_DONTWAIT) */
	bool careful; /* blocking descriptor: poll first, PIPE_BUF at most */
	char *buf;
	size_t len, cap;
	int err; /* the first failure; everything after it is dropped */
	struct vmm_watch *watch;
	bool watching;
	struct vmm_timer *flush; /* writes out what a millisecond gathered */
	bool flush_armed;
	bool gave_up; /* a final flush timed out: the others do not wait */
	unsigned refs;
	uint64_t lost; /* accepted, then lost to a failure or at the end */
	struct vmm_chardev_dest *next; /* every live destination */
};

/* ------------------------------------------------------------------------ */
/* The console's terminal, and what crash handlers reach                     */
/* ------------------------------------------------------------------------ */

static struct termios console_saved;
static atomic_int console_raw; /* lock-free: a signal handler reads it */
static pthread_mutex_t dests_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vmm_chardev_dest *_Atomic dests;

void vmm_console_restore(void)
{
	if (!atomic_exchange(&console_raw, 0))
		return;
	tcsetattr(STDIN_FILENO, TCSANOW, &console_saved);
}

static void console_restore_at_exit(void)
{
	vmm_console_restore();
}

/* Raw as QEMU's stdio: bytes as typed, Ctrl-C included; output as is,
 * but for the newline. */
static int console_make_raw(void)
{
	static bool atexit_done;
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &console_saved))
		return -errno;
	t = console_saved;
	t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR |
				 IGNCR | ICRNL | IXON);
	t.c_oflag |= OPOST;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
	t.c_cflag |= CS8;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (!atexit_done) {
		atexit_done = true;
		atexit(console_restore_at_exit);
	}
	atomic_store(&console_raw, 1);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t)) { /* typed ahead stays */
		atomic_store(&console_raw, 0);
		return -errno;
	}
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* One write attempt that never waits for the consumer of a stalling
 * destination. As write(). */
static ssize_t dest_try(struct vmm_chardev_dest *d, const void *p, size_t n)
{
	if (d->sock)
		return send(d->fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (d->careful) {
		struct pollfd pfd = { .fd = d->fd, .events = POLLOUT };

		if (poll(&pfd, 1, 0) <= 0) {
			errno = EAGAIN;
			return -1;
		}
		if (n > PIPE_BUF)
			n = PIPE_BUF;
	}
	return write(d->fd, p, n);
}

/*
 * Write @d's buffer out, waiting for a stalled consumer at most until
 * @deadline (ms, now_ms(); 0: not at all). Async-signal-safe; the caller
 * holds @d's lock. Returns whether the buffer is empty.
 */
static bool dest_drain_until(struct vmm_chardev_dest *d, uint64_t deadline)
{
	size_t off = 0;

	while (off < d->len && !d->err) {
		ssize_t n = dest_try(d, d->buf + off, d->len - off);
		struct pollfd pfd = { .fd = d->fd, .events = POLLOUT };
		uint64_t t;

		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
			d->err = n ? -errno : -EIO;
			break;
		}
		t = now_ms();
		if (t >= deadline)
			break;
		poll(&pfd, 1, (int)(deadline - t));
	}
	if (off) {
		memmove(d->buf, d->buf + off, d->len - off);
		d->len -= off;
	}
	if (d->err) {
		d->lost += d->len;
		d->len = 0;
	}
	return !d->len;
}

/*
 * Only try-locks, so a crash handler never waits on a lock its own thread
 * holds: dests_lock keeps a dest_free() on another thread (teardown still
 * running when the watchdog ends plugvm) from freeing what this walks,
 * and a destination whose lock is held is being drained by its holder.
 */
void vmm_console_flush_async(int ms)
{
	uint64_t deadline = now_ms() + (ms > 0 ? (uint64_t)ms : 0);
	struct timespec tick = { 0, 1000000 };

	while (pthread_mutex_trylock(&dests_lock)) {
		if (now_ms() >= deadline)
			return;
		nanosleep(&tick, NULL);
	}
	for (struct vmm_chardev_dest *d = atomic_load(&dests); d; d = d->next) {
		if (pthread_mutex_trylock(&d->lock))
			continue;
		if (d->len)
			dest_drain_until(d, deadline);
		pthread_mutex_unlock(&d->lock);
	}
	pthread_mutex_unlock(&dests_lock);
}

/* ------------------------------------------------------------------------ */
/* The set                                                                  */
/* ------------------------------------------------------------------------ */

int vmm_chardevs_new(struct vmm_events *ev, bool manual,
		     void (*quit)(void *ctx), void *ctx,
		     struct vmm_chardevs **out)
{
	struct vmm_chardevs *cs = calloc(1, sizeof(*cs));

	if (!cs)
		return -ENOMEM;
	cs->ev = ev;
	cs->manual = manual || !ev;
	cs->quit = quit;
	cs->ctx = ctx;
	pthread_mutex_init(&cs->lock, NULL);
	*out = cs;
	return 0;
}

void vmm_chardevs_free(struct vmm_chardevs *cs)
{
	if (!cs)
		return;
	vmm_chardevs_stop(cs);
	if (cs->ev)
		vmm_events_owner_release(cs->ev, &cs->owner);
	free(cs->stdin_holder);
	pthread_mutex_destroy(&cs->lock);
	free(cs);
}

void vmm_chardevs_start(struct vmm_chardevs *cs)
{
	struct vmm_chardev_in *in;
	int err;

	if (!cs || cs->manual)
		return;
	pthread_mutex_lock(&cs->lock);
	in = cs->stdin_in;
	pthread_mutex_unlock(&cs->lock);
	if (!in || !in->console)
		return;
	/* A background job would be stopped (SIGTTIN, SIGTTOU): it reads
	 * nothing, and leaves the terminal alone. */
	if (tcgetpgrp(STDIN_FILENO) != getpgrp()) {
		fprintf(stderr, "plugvm: stdin is the terminal of another job: "
				"the guest gets no input\n");
		in->off = true;
		if (in->watch)
			vmm_watch_set(in->watch, 0);
		return;
	}
	err = console_make_raw();
	if (err)
		fprintf(stderr, "plugvm: warning: cannot put the terminal in raw mode: %s\n",
			strerror(-err));
	else
		atomic_store(&cs->raw, true);
}

void vmm_chardevs_stop(struct vmm_chardevs *cs)
{
	if (cs && atomic_exchange(&cs->raw, false))
		vmm_console_restore();
}

/* ------------------------------------------------------------------------ */
/* Output                                                                   */
/* ------------------------------------------------------------------------ */

bool vmm_chardev_spec_is_none(const char *spec)
{
	return !strcmp(spec, "none");
}

/* The event thread: @d's consumer can take more. */
static void dest_writable(void *opaque, int fd, uint32_t revents)
{
	struct vmm_chardev_dest *d = opaque;

	(void)fd;
	(void)revents;
	pthread_mutex_lock(&d->lock);
	dest_drain_until(d, 0);
	if (!d->len && d->watching) {
		vmm_watch_set(d->watch, 0);
		d->watching = false;
	}
	pthread_mutex_unlock(&d->lock);
}

/* Try what is buffered; what the consumer does not take, the watch
 * writes when it can. Lock held. */
static void dest_push(struct vmm_chardev_dest *d)
{
	dest_drain_until(d, 0);
	if (d->len && d->watch && !d->watching && !d->err) {
		vmm_watch_set(d->watch, VMM_WATCH_WRITE);
		d->watching = true;
	}
}

/* The event thread: a millisecond after the first byte of a batch. */
static void dest_flush(void *opaque)
{
	struct vmm_chardev_dest *d = opaque;

	pthread_mutex_lock(&d->lock);
	d->flush_armed = false;
	if (!d->watching)
		dest_push(d);
	pthread_mutex_unlock(&d->lock);
}

/*
 * How @d writes to its descriptor: directly, or without waiting for a
 * consumer that can stall (a pipe, FIFO, socket or terminal), through a
 * non-blocking descriptor of its own when Linux gives one.
 */
static void dest_setup(struct vmm_chardevs *cs, struct vmm_chardev_dest *d)
{
	char proc[64];
	struct stat st;
	int fd;

	if (cs->manual || fstat(d->fd, &st))
		return;
	if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode) ||
	    (S_ISCHR(st.st_mode) && !isatty(d->fd)))
		return;
	d->stall = true;
	if (S_ISSOCK(st.st_mode)) {
		d->sock = true;
	} else if (d->own_fd) {
		int fl = fcntl(d->fd, F_GETFL);

		if (fl < 0 || fcntl(d->fd, F_SETFL, fl | O_NONBLOCK))
			d->careful = true;
	} else {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", d->fd);
		fd = open(proc, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (fd >= 0) {
			d->fd = fd;
			d->own_fd = true;
		} else {
			d->careful = true;
		}
	}
	if (vmm_watch_new(cs->ev, &cs->owner, d->fd, 0, dest_writable, d,
			  &d->watch))
		d->watch = NULL; /* then every write tries */
	if (vmm_timer_new(cs->ev, &cs->owner, dest_flush, d, &d->flush))
		d->flush = NULL; /* the same */
}

static int dest_new(struct vmm_chardevs *cs, const char *spec,
		    struct vmm_chardev_dest **out)
{
	struct vmm_chardev_dest *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->cap = VMM_CHARDEV_BOUND;
	d->buf = malloc(d->cap);
	if (!d->buf) {
		free(d);
		return -ENOMEM;
	}
	if (!strcmp(spec, "stdout")) {
		d->fd = STDOUT_FILENO;
	} else {
		d->fd = open(spec, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
					   O_NOCTTY, 0666);
		if (d->fd < 0) {
			int err = -errno;

			free(d->buf);
			free(d);
			return err;
		}
		d->own_fd = true;
	}
	pthread_mutex_init(&d->lock, NULL);
	d->cs = cs;
	d->refs = 1;
	dest_setup(cs, d);
	pthread_mutex_lock(&dests_lock);
	d->next = atomic_load(&dests);
	atomic_store(&dests, d);
	pthread_mutex_unlock(&dests_lock);
	*out = d;
	return 0;
}

/* Flush at the end: VMM_CHARDEV_FLUSH_MS for a consumer that stalls,
 * once per destination. Lock held. */
static void dest_final_drain(struct vmm_chardev_dest *d)
{
	bool wait = d->stall && !d->gave_up;

	if (!dest_drain_until(d, now_ms() + (wait ? VMM_CHARDEV_FLUSH_MS : 0)))
		d->gave_up = true;
}

/* The last user let go: flush for a bounded time, then free. */
static int dest_free(struct vmm_chardev_dest *d, uint64_t *lost)
{
	struct vmm_chardev_dest **pp;
	int err;

	pthread_mutex_lock(&d->lock);
	dest_final_drain(d);
	d->lost += d->len;
	d->len = 0;
	err = d->err;
	pthread_mutex_unlock(&d->lock);
	if (lost)
		*lost = d->lost;
	vmm_watch_free(d->watch);
	vmm_timer_free(d->flush);
	pthread_mutex_lock(&dests_lock);
	for (pp = (struct vmm_chardev_dest **)&dests; *pp; pp = &(*pp)->next)
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	pthread_mutex_unlock(&dests_lock);
	if (d->own_fd && close(d->fd) && !err)
		err = -errno;
	pthread_mutex_destroy(&d->lock);
	free(d->buf);
	free(d);
	return err;
}

int vmm_chardev_open(struct vmm_chardevs *cs, struct vmm_chardev *c,
		     const char *spec, struct vmm_chardev_capture *capture)
{
	int ret = 0;

	memset(c, 0, sizeof(*c));
	c->capture = capture;
	c->room = SIZE_MAX;
	if (strcmp(spec, "stdout"))
		return dest_new(cs, spec, &c->dest);
	pthread_mutex_lock(&cs->lock);
	if (cs->stdout_dest) {
		pthread_mutex_lock(&cs->stdout_dest->lock);
		cs->stdout_dest->refs++;
		pthread_mutex_unlock(&cs->stdout_dest->lock);
	} else {
		ret = dest_new(cs, spec, &cs->stdout_dest);
	}
	c->dest = cs->stdout_dest;
	pthread_mutex_unlock(&cs->lock);
	return ret;
}

/* Append @len bytes to @cap; what does not fit in memory is lost. */
static void capture_append(struct vmm_chardev_capture *cap, const void *buf,
			   size_t len)
{
	pthread_mutex_lock(&cap->lock);
	if (cap->cap - cap->len <= len) {
		size_t want = cap->cap ? cap->cap : 256;
		char *p;

		while (want - cap->len <= len)
			want *= 2;
		p = realloc(cap->data, want);
		if (!p)
			goto out_unlock;
		cap->data = p;
		cap->cap = want;
	}
	memcpy(cap->data + cap->len, buf, len);
	cap->len += len;
	cap->data[cap->len] = '\0';
out_unlock:
	pthread_mutex_unlock(&cap->lock);
}

/* A direct destination: buffer, or write through. Lock held. */
static size_t dest_write_direct(struct vmm_chardev_dest *d, const char *buf,
				size_t len)
{
	size_t off = 0;

	if (d->len + len > DIRECT_FLUSH_AT && !dest_drain_until(d, 0))
		return 0;
	if (len < DIRECT_FLUSH_AT) {
		memcpy(d->buf + d->len, buf, len);
		d->len += len;
		return len;
	}
	while (off < len) {
		ssize_t n = write(d->fd, buf + off, len - off);

		if (n > 0) {
			off += (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else {
			d->err = n ? -errno : -EIO;
			break;
		}
	}
	return off;
}

/* A destination that can stall: buffer what fits, try to write when the
 * event thread is not on it already. Lock held. */
static size_t dest_write_stall(struct vmm_chardev_dest *d, const char *buf,
			       size_t len)
{
	size_t n = d->cap - d->len;

	if (n > len)
		n = len;
	memcpy(d->buf + d->len, buf, n);
	d->len += n;
	if (d->watching)
		return n; /* the event thread writes when the consumer can */
	if (d->len >= DIRECT_FLUSH_AT || !d->flush) {
		dest_push(d);
	} else if (!d->flush_armed) {
		vmm_timer_arm(d->flush,
			      vmm_events_now(d->cs->ev) + STALL_FLUSH_NS);
		d->flush_armed = true;
	}
	return n;
}

size_t vmm_chardev_write(struct vmm_chardev *c, const void *buf, size_t len,
			 int *err)
{
	struct vmm_chardev_dest *d = c->dest;
	size_t n = len;

	if (c->room != SIZE_MAX) {
		if (n > c->room)
			n = c->room;
		c->room -= n;
	}
	if (d && n) {
		pthread_mutex_lock(&d->lock);
		if (d->err)
			n = 0;
		else if (d->stall)
			n = dest_write_stall(d, buf, n);
		else
			n = dest_write_direct(d, buf, n);
		if (d->err)
			*err = d->err;
		pthread_mutex_unlock(&d->lock);
	}
	if (n < len)
		atomic_fetch_add(&c->dropped, len - n);
	if (c->capture && n)
		capture_append(c->capture, buf, n);
	return n;
}

uint64_t vmm_chardev_dropped(const struct vmm_chardev *c)
{
	return atomic_load(&c->dropped);
}

void vmm_chardev_stall(struct vmm_chardev *c, size_t room)
{
	c->room = room;
}

int vmm_chardev_close(struct vmm_chardev *c, uint64_t *lost)
{
	struct vmm_chardev_dest *d = c->dest;
	struct vmm_chardevs *cs;
	bool last;
	int ret;

	if (lost)
		*lost = 0;
	if (!d)
		return 0;
	c->dest = NULL;
	cs = d->cs;
	pthread_mutex_lock(&cs->lock);
	pthread_mutex_lock(&d->lock);
	last = --d->refs == 0;
	if (last && cs->stdout_dest == d)
		cs->stdout_dest = NULL;
	/* the others' bytes wait for the last one; ours go now */
	if (!last)
		dest_final_drain(d);
	ret = d->err;
	pthread_mutex_unlock(&d->lock);
	pthread_mutex_unlock(&cs->lock);
	return last ? dest_free(d, lost) : ret;
}
