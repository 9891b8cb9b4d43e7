// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stuck.c - a test plugin that never returns from one of its callbacks,
 * for the watchdog's tests (tests/stop.sh): plugvm must still end on a
 * signal or --timeout, within its grace period, with the guest's output
 * flushed and one line that says what held it.
 *
 * It owns port `port` (1 byte). `in` picks where it gets stuck:
 *   create   create() never returns (start-up)
 *   write    a guest write to the port never returns (a device callback)
 *   destroy  destroy() never returns (teardown)
 *   never    nowhere: a well-behaved device, for the tests' control runs
 * Stuck means asleep for good, not spinning: the tests share the CPU.
 */
#include "config.h"

#include <plugvm/plugin.h>

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

enum { S_PORT, S_IN };
enum { IN_CREATE, IN_WRITE, IN_DESTROY, IN_NEVER };

static const char *const in_words[] = { "create", "write", "destroy",
					"never", NULL };

static const struct plugvm_setting stuck_settings[] = {
	[S_PORT] = { .name = "port", .type = PLUGVM_SETTING_U64,
		     .def = "0x600", .help = "the port a write to gets stuck",
		     .max = 0xffff },
	[S_IN] = { .name = "in", .type = PLUGVM_SETTING_ENUM, .def = "write",
		   .help = "the callback that never returns",
		   .choices = in_words },
	{ .name = NULL },
};

struct stuck {
	uint64_t in;
};

static _Noreturn void stuck_forever(void)
{
	for (;;)
		sleep(3600);
}

static uint64_t stuck_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)opaque;
	(void)offset;
	(void)size;
	return 0;
}

static void stuck_write(void *opaque, uint64_t offset, unsigned size,
			uint64_t value)
{
	struct stuck *s = opaque;

	(void)offset;
	(void)size;
	(void)value;
	if (s->in == IN_WRITE)
		stuck_forever();
}

static const struct plugvm_io_ops stuck_ops = {
	.read = stuck_read,
	.write = stuck_write,
	.sizes = PLUGVM_ACCESS_1,
};

static int stuck_create(struct plugvm_device *dev,
			const struct plugvm_host *host,
			const struct plugvm_value *v, void **state)
{
	struct stuck *s;
	int ret;

	if (v[S_IN].u64 == IN_CREATE)
		stuck_forever();
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->in = v[S_IN].u64;
	ret = host->register_range(dev, PLUGVM_SPACE_PIO, v[S_PORT].u64, 1,
				   &stuck_ops, s);
	if (ret) {
		free(s);
		return ret;
	}
	*state = s;
	return 0;
}

static void stuck_destroy(void *state)
{
	struct stuck *s = state;

	if (s->in == IN_DESTROY)
		stuck_forever();
	free(s);
}

static const struct plugvm_plugin stuck_plugin = {
	.abi_version = PLUGVM_ABI_VERSION,
	.min_api_version = PLUGVM_API_VERSION,
	.name = "stuck",
	.description = "test device that never returns from one callback",
	.settings = stuck_settings,
	.create = stuck_create,
	.destroy = stuck_destroy,
};

PLUGVM_PLUGIN_DEFINE(stuck_plugin)
