// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * faulty.c - a test plugin that breaks on purpose, for tests/guard.sh:
 * plugvm must name the device, the plugin and the callback, and end with
 * status 4 with the guest's output kept.
 *
 * `in` says where it breaks: create, reset, read, write (the guest's IN
 * and OUT on its port), timer (10 ms after create(), on the event thread),
 * destroy, or none. `how`:
 *   segv    a write through a NULL pointer
 *   bus     a touch of a file mapping past the end of the file
 *   ill     ud2
 *   fpe     an integer division by zero
 *   abort   abort()
 *   assert  a failed assert()
 *   stack   recursion without end (the handler's alternate stack)
 *   exit    exit(0): a plugin must never look like a guest that halted
 *   hang    never returns (sleeps in a loop)
 *   syscall socket(): a call the sandbox forbids (and the descriptor of
 *           "faulty" does not list; "faultyok", the same built with
 *           -DFAULTY_LISTS_SOCKET, lists it)
 *
 * Built with -DFAULTY_LISTS_BOGUS ("faultybogus") its descriptor lists a
 * system call no kernel has: plugvm must refuse to load it.
 *
 * Built with -DFAULTY_CTOR ("crashctor"): its constructor breaks as the
 * environment variable FAULTY_CTOR says (segv, abort, exit), while plugvm
 * loads it.
 *
 * It owns one port, `port`; a read returns 0x42.
 */
#include "config.h"

#include <plugvm/plugin.h>

#undef NDEBUG
#include <assert.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { S_PORT, S_IN, S_HOW };
enum { IN_NONE, IN_CREATE, IN_RESET, IN_READ, IN_WRITE, IN_TIMER,
       IN_DESTROY };
enum { HOW_SEGV, HOW_BUS, HOW_ILL, HOW_FPE, HOW_ABORT, HOW_ASSERT,
       HOW_STACK, HOW_EXIT, HOW_HANG, HOW_SYSCALL };

static const char *const in_words[] = { "none",	 "create", "reset",
					"read",	 "write",  "timer",
					"destroy", NULL };
static const char *const how_words[] = { "segv",  "bus",   "ill",
					 "fpe",	  "abort", "assert",
					 "stack", "exit",  "hang",
					 "syscall", NULL };

static const struct plugvm_setting faulty_settings[] = {
	[S_PORT] = { .name = "port", .type = PLUGVM_SETTING_U64,
		     .def = "0x110", .help = "its one port", .max = 0xffff },
	[S_IN] = { .name = "in", .type = PLUGVM_SETTING_ENUM, .def = "none",
		   .help = "the callback that breaks", .choices = in_words },
	[S_HOW] = { .name = "how", .type = PLUGVM_SETTING_ENUM, .def = "segv",
		    .help = "how it breaks", .choices = how_words },
	{ .name = NULL },
};

struct faulty {
	struct plugvm_device *dev;
	const struct plugvm_host *host;
	unsigned in, how;
	struct plugvm_timer *timer;
	volatile char *beyond_eof; /* HOW_BUS: a page past a file's end */
};

static volatile int zero, seven = 7;

/* Deeper and deeper while @zero is 0, which it always is: no compiler
 * proves the recursion endless, and none removes it. */
static unsigned recurse(unsigned n)
{
	volatile char pad[256];

	pad[0] = (char)n;
	if (zero == 0)
		return recurse(n + 1) + pad[0];
	return n;
}

/* Break as @how says; returns only for a system call that was allowed. */
static void breakdown(struct faulty *f, unsigned how)
{
	struct timespec ms100 = { 0, 100 * 1000 * 1000 };
	int fd;

	switch (how) {
	case HOW_SEGV:
		*(volatile int *)(uintptr_t)zero = 1;
		break;
	case HOW_BUS:
		if (f && f->beyond_eof)
			f->beyond_eof[0] = 1;
		break;
	case HOW_ILL:
		__builtin_trap();
	case HOW_FPE:
		zero = seven / zero;
		break;
	case HOW_ABORT:
		abort();
	case HOW_ASSERT:
		assert(zero == 1);
		break;
	case HOW_STACK:
		zero = (int)recurse(0);
		break;
	case HOW_EXIT:
		exit(0);
	case HOW_HANG:
		for (;;)
			nanosleep(&ms100, NULL);
	case HOW_SYSCALL:
		fd = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (f)
			f->host->log(f->dev, PLUGVM_LOG_WARN,
				     "socket() returned %d: the sandbox let it through",
				     fd);
		if (fd >= 0)
			close(fd);
		break;
	}
}

static void maybe_break(struct faulty *f, unsigned where)
{
	if (f->in == where)
		breakdown(f, f->how);
}

static uint64_t faulty_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)offset;
	(void)size;
	maybe_break(opaque, IN_READ);
	return 0x42;
}

static void faulty_write(void *opaque, uint64_t offset, unsigned size,
			 uint64_t value)
{
	(void)offset;
	(void)size;
	(void)value;
	maybe_break(opaque, IN_WRITE);
}

static void faulty_timer(void *opaque)
{
	maybe_break(opaque, IN_TIMER);
}

static const struct plugvm_io_ops faulty_ops = {
	.read = faulty_read,
	.write = faulty_write,
	.sizes = PLUGVM_ACCESS_ANY,
};

/* A mapping whose page lies wholly past the end of an empty file. */
static volatile char *map_beyond_eof(void)
{
	char path[] = "/tmp/plugvm-faulty-XXXXXX";
	int fd = mkstemp(path);
	void *p;

	if (fd < 0)
		return NULL;
	unlink(path);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

static int faulty_create(struct plugvm_device *dev,
			 const struct plugvm_host *host,
			 const struct plugvm_value *v, void **state)
{
	struct faulty *f = calloc(1, sizeof(*f));
	int ret;

	if (!f)
		return -ENOMEM;
	f->dev = dev;
	f->host = host;
	f->in = (unsigned)v[S_IN].u64;
	f->how = (unsigned)v[S_HOW].u64;
	if (f->how == HOW_BUS && !(f->beyond_eof = map_beyond_eof())) {
		host->log(dev, PLUGVM_LOG_ERROR, "cannot map a file: %s",
			  strerror(errno));
		free(f);
		return -EIO;
	}
	ret = host->register_range(dev, PLUGVM_SPACE_PIO, v[S_PORT].u64, 1,
				   &faulty_ops, f);
	if (!ret && f->in == IN_TIMER) {
		ret = host->timer->create(dev, faulty_timer, f, &f->timer);
		if (!ret)
			ret = host->timer->arm(f->timer, host->clock_ns(dev) +
							 10 * 1000 * 1000);
	}
	if (ret) {
		free(f);
		return ret;
	}
	maybe_break(f, IN_CREATE);
	*state = f;
	return 0;
}

static void faulty_reset(void *state)
{
	maybe_break(state, IN_RESET);
}

static void faulty_destroy(void *state)
{
	struct faulty *f = state;

	maybe_break(f, IN_DESTROY);
	if (f->timer)
		f->host->timer->free(f->timer);
	if (f->beyond_eof)
		munmap((void *)f->beyond_eof, 4096);
	free(f);
}

#ifdef FAULTY_CTOR
__attribute__((constructor)) static void faulty_ctor(void)
{
	const char *how = getenv("FAULTY_CTOR");

	for (unsigned i = 0; how && how_words[i]; i++)
		if (!strcmp(how, how_words[i]))
			breakdown(NULL, i);
}
#endif

#ifdef FAULTY_LISTS_SOCKET
static const char *const faulty_syscalls[] = { "socket", "close", NULL };
#elif defined(FAULTY_LISTS_BOGUS)
static const char *const faulty_syscalls[] = { "socket", "no_such_call",
					       NULL };
#else
static const char *const *const faulty_syscalls = NULL;
#endif

#ifndef FAULTY_NAME
#define FAULTY_NAME "faulty"
#endif

static const struct plugvm_plugin faulty_plugin = {
	.abi_version = PLUGVM_ABI_VERSION,
	.min_api_version = PLUGVM_API_VERSION,
	.name = FAULTY_NAME,
	.description = "test only: crashes, hangs or exits where asked",
	.settings = faulty_settings,
	.create = faulty_create,
	.reset = faulty_reset,
	.destroy = faulty_destroy,
	.syscalls = faulty_syscalls,
};

PLUGVM_PLUGIN_DEFINE(faulty_plugin)
