// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ticker.c - a test-only device with a periodic timer and an fd watch,
 * for the host's time and event functions (plugin.h, API 2).
 *
 * Ports [port, port + 12):
 *   +0 read (4 bytes): ticks since reset
 *   +4 write: bit 0 runs the timer (armed `period` ns from now; 0
 *      cancels it), bit 1 takes input (the watch waits for READ; 0
 *      pauses it: flow control); read: the same bits as they are now
 *   +5 read: bytes echoed, low 8 bits
 *   +6 read: the last byte echoed
 *   +7 read: 1 if a timer or watch callback ever ran on the thread of a
 *      read() or write() (a vCPU thread, in plugvm): the host broke its
 *      rule (not in the test kit, whose callbacks run on the test's
 *      thread, as its accesses do)
 *   +8 read (4 bytes): the host clock when the last tick ran, ns, low 32
 *      bits (a late timer sees the late time, not its deadline)
 *
 * The timer ticks every `period` ns on the host clock, at deadlines
 * start + n * period (no drift). After `exit-after` ticks (0: never) it
 * asks the machine to exit with `status` (99 if the rule above broke).
 * The watch reads descriptor `in-fd` (non-blocking, "none": no watch)
 * until it would block and writes every byte to `out-fd`; on HUP it frees
 * the watch (and with `hup-exit` asks the machine to exit with `status`). With `leave` set, destroy() frees neither: the host must.
 * With `misuse`, create() first makes every plugin bug the timer and
 * watch functions refuse, and fails with -EPROTO if one is not refused
 * as plugin.h says.
 */
#include "config.h"

#include <plugvm/plugin.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { S_PORT, S_PERIOD, S_EXIT_AFTER, S_STATUS, S_IN, S_OUT, S_START,
       S_LEAVE, S_MISUSE, S_HUP_EXIT };

static const struct plugvm_setting ticker_settings[] = {
	[S_PORT] = { .name = "port", .type = PLUGVM_SETTING_U64,
		     .def = "0x500", .help = "first of 12 ports",
		     .max = 0xfff4 },
	[S_PERIOD] = { .name = "period", .type = PLUGVM_SETTING_U64,
		       .def = "1000000", .help = "tick period, ns",
		       .min = 1, .max = UINT64_MAX / 2 },
	[S_EXIT_AFTER] = { .name = "exit-after", .type = PLUGVM_SETTING_U64,
			   .def = "0",
			   .help = "request_exit() after this many ticks (0: never)" },
	[S_STATUS] = { .name = "status", .type = PLUGVM_SETTING_U64,
		       .def = "0", .help = "exit status", .max = 255 },
	[S_IN] = { .name = "in-fd", .type = PLUGVM_SETTING_STRING,
		   .def = "none", .help = "descriptor to echo from" },
	[S_OUT] = { .name = "out-fd", .type = PLUGVM_SETTING_STRING,
		    .def = "none", .help = "descriptor to echo to" },
	[S_START] = { .name = "start", .type = PLUGVM_SETTING_BOOL,
		      .def = "true", .help = "timer and input on at reset" },
	[S_LEAVE] = { .name = "leave", .type = PLUGVM_SETTING_BOOL,
		      .def = "false",
		      .help = "destroy() leaves the timer and watch to the host" },
	[S_MISUSE] = { .name = "misuse", .type = PLUGVM_SETTING_BOOL,
		       .def = "false",
		       .help = "create() first calls the timer and watch functions wrongly" },
	[S_HUP_EXIT] = { .name = "hup-exit", .type = PLUGVM_SETTING_BOOL,
			 .def = "false",
			 .help = "request_exit(status) when the input hangs up" },
	{ .name = NULL },
};

struct ticker {
	struct plugvm_device *dev;
	const struct plugvm_host *host;
	struct plugvm_timer *timer;
	struct plugvm_watch *watch;
	uint64_t period, exit_after, next;
	int status, in_fd, out_fd;
	bool start, leave, hup_exit;
	uint8_t ctrl, echoed, last;
	uint32_t ticks;
	uint64_t tick_ns; /* the clock the last tick saw */
	/* the thread of the last read()/write(), and whether a callback
	 * ran on it */
	pthread_t io_thread;
	bool io_seen;
	bool wrong_thread;
};

#define CTRL_TIMER 1u
#define CTRL_INPUT 2u

/* Callbacks must never run on a vCPU thread: the one of read()/write(). */
static void check_thread(struct ticker *t)
{
	if (t->io_seen && pthread_equal(t->io_thread, pthread_self()))
		t->wrong_thread = true;
}

static void ticker_tick(void *opaque)
{
	struct ticker *t = opaque;

	check_thread(t);
	t->ticks++;
	t->tick_ns = t->host->clock_ns(t->dev);
	t->next += t->period;
	t->host->timer->arm(t->timer, t->next);
	if (t->exit_after && t->ticks == t->exit_after)
		t->host->request_exit(t->dev, t->wrong_thread ? 99 : t->status);
}

static void ticker_input(void *opaque, int fd, uint32_t revents)
{
	struct ticker *t = opaque;
	uint8_t buf[64];
	ssize_t n;

	check_thread(t);
	if (revents & PLUGVM_WATCH_READ) {
		while ((n = read(fd, buf, sizeof(buf))) > 0) {
			t->echoed += (uint8_t)n;
			t->last = buf[n - 1];
			if (t->out_fd >= 0 &&
			    write(t->out_fd, buf, (size_t)n) != n)
				t->host->log(t->dev, PLUGVM_LOG_WARN,
					     "echo: short write");
		}
	}
	if (revents & (PLUGVM_WATCH_HUP | PLUGVM_WATCH_ERROR)) {
		t->host->watch->free(t->watch);
		t->watch = NULL;
		if (t->hup_exit)
			t->host->request_exit(t->dev, t->wrong_thread
							      ? 99
							      : t->status);
	}
}

/* Bring timer and watch to what @ctrl says. */
static void ticker_control(struct ticker *t, uint8_t ctrl)
{
	if ((ctrl & CTRL_TIMER) && !(t->ctrl & CTRL_TIMER)) {
		t->next = t->host->clock_ns(t->dev) + t->period;
		t->host->timer->arm(t->timer, t->next);
	} else if (!(ctrl & CTRL_TIMER)) {
		t->host->timer->cancel(t->timer);
	}
	if (t->watch)
		t->host->watch->set(t->watch,
				    ctrl & CTRL_INPUT ? PLUGVM_WATCH_READ : 0);
	t->ctrl = ctrl & (CTRL_TIMER | CTRL_INPUT);
}

static void io_seen(struct ticker *t)
{
	t->io_thread = pthread_self();
	t->io_seen = true;
}

static uint64_t ticker_read(void *opaque, uint64_t offset, unsigned size)
{
	struct ticker *t = opaque;

	io_seen(t);
	switch (offset) {
	case 0:
		return t->ticks;
	case 4:
		return t->ctrl;
	case 5:
		return t->echoed;
	case 6:
		return t->last;
	case 7:
		return t->wrong_thread;
	case 8:
		return (uint32_t)t->tick_ns;
	default:
		return 0;
	}
}

static void ticker_write(void *opaque, uint64_t offset, unsigned size,
			 uint64_t value)
{
	struct ticker *t = opaque;

	io_seen(t);
	if (offset == 4)
		ticker_control(t, (uint8_t)value);
}

static const struct plugvm_io_ops ticker_ops = {
	.read = ticker_read,
	.write = ticker_write,
	.sizes = PLUGVM_ACCESS_1 | PLUGVM_ACCESS_4,
};

/* "none" is -1; else a descriptor number. */
static int parse_fd(struct ticker *t, const char *key, const char *s, int *fd)
{
	char *end;
	long v;

	*fd = -1;
	if (!strcmp(s, "none"))
		return 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end || v < 0 || v > 65535)
		return t->host->setting_error(t->dev, key,
					      "'%s' is not a descriptor", s);
	*fd = (int)v;
	return 0;
}

static void ticker_nop(void *opaque)
{
	(void)opaque;
}

/* Every misuse plugin.h lists: 0 if each got its answer, else -EPROTO. */
static int ticker_misuse(struct plugvm_device *dev,
			 const struct plugvm_host *host)
{
	struct plugvm_timer *timer = (struct plugvm_timer *)1;
	struct plugvm_watch *watch = (struct plugvm_watch *)1;
	bool ok = true;

	ok &= host->timer->create(dev, NULL, NULL, &timer) == -EINVAL;
	ok &= timer == NULL;
	ok &= host->timer->create(dev, ticker_nop, NULL, NULL) == -EINVAL;
	ok &= host->timer->arm(NULL, 5) == -EINVAL;
	host->timer->cancel(NULL);
	host->timer->free(NULL);
	ok &= host->watch->create(dev, 0, PLUGVM_WATCH_READ, NULL, NULL,
				  &watch) == -EINVAL;
	ok &= watch == NULL;
	ok &= host->watch->create(dev, -1, PLUGVM_WATCH_READ, ticker_input,
				  NULL, &watch) == -EINVAL;
	ok &= host->watch->create(dev, 0, PLUGVM_WATCH_HUP, ticker_input,
				  NULL, &watch) == -EINVAL;
	ok &= host->watch->set(NULL, PLUGVM_WATCH_READ) == -EINVAL;
	host->watch->free(NULL);
	ok &= host->timer->size == sizeof(struct plugvm_timer_ops);
	ok &= host->watch->size == sizeof(struct plugvm_watch_ops);
	return ok ? 0 : -EPROTO;
}

static int ticker_create(struct plugvm_device *dev,
			 const struct plugvm_host *host,
			 const struct plugvm_value *v, void **state)
{
	struct ticker *t = calloc(1, sizeof(*t));
	int ret;

	if (!t)
		return -ENOMEM;
	if (v[S_MISUSE].u64) {
		ret = ticker_misuse(dev, host);
		if (ret)
			goto out_free;
	}
	t->dev = dev;
	t->host = host;
	t->period = v[S_PERIOD].u64;
	t->exit_after = v[S_EXIT_AFTER].u64;
	t->status = (int)v[S_STATUS].u64;
	t->start = v[S_START].u64;
	t->leave = v[S_LEAVE].u64;
	t->hup_exit = v[S_HUP_EXIT].u64;
	ret = parse_fd(t, "in-fd", v[S_IN].str, &t->in_fd);
	if (!ret)
		ret = parse_fd(t, "out-fd", v[S_OUT].str, &t->out_fd);
	if (ret)
		goto out_free;
	ret = host->register_range(dev, PLUGVM_SPACE_PIO, v[S_PORT].u64, 12,
				   &ticker_ops, t);
	if (ret)
		goto out_free;
	ret = host->timer->create(dev, ticker_tick, t, &t->timer);
	if (ret)
		goto out_free;
	if (t->in_fd >= 0) {
		fcntl(t->in_fd, F_SETFL, fcntl(t->in_fd, F_GETFL) | O_NONBLOCK);
		ret = host->watch->create(dev, t->in_fd, 0, ticker_input, t,
					  &t->watch);
		if (ret) {
			host->log(dev, PLUGVM_LOG_ERROR,
				  "cannot watch descriptor %d: %s", t->in_fd,
				  strerror(-ret));
			goto out_timer;
		}
	}
	*state = t;
	return 0;

out_timer:
	host->timer->free(t->timer);
out_free:
	free(t);
	return ret;
}

static void ticker_reset(void *state)
{
	struct ticker *t = state;

	t->ticks = 0;
	t->tick_ns = 0;
	t->echoed = 0;
	t->last = 0;
	t->ctrl = 0;
	t->host->timer->cancel(t->timer);
	ticker_control(t, t->start ? CTRL_TIMER | CTRL_INPUT : 0);
}

static void ticker_destroy(void *state)
{
	struct ticker *t = state;

	if (!t->leave) {
		t->host->watch->free(t->watch);
		t->host->timer->free(t->timer);
	}
	free(t);
}

static const struct plugvm_plugin ticker_plugin = {
	.abi_version = PLUGVM_ABI_VERSION,
	.min_api_version = PLUGVM_API_VERSION,
	.name = "ticker",
	.description = "test device: a periodic timer and an echoing fd watch",
	.settings = ticker_settings,
	.create = ticker_create,
	.reset = ticker_reset,
	.destroy = ticker_destroy,
};

PLUGVM_PLUGIN_DEFINE(ticker_plugin)
