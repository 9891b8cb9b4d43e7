// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * testdev.c - test-only plugins, one source built several ways. With no
 * macro it is the well-behaved "testdev"; each TESTDEV_* macro breaks one
 * thing the loader must catch.
 *
 * testdev owns ports [port, port + 4):
 *   +0 write: 1 = call register_range() now (outside create), 2 = write
 *      the value of +1 to guest RAM at `gpa`, 3 = request_exit(`status`),
 *      4 = set_irq(0, true), 5 = setting_error() (outside create),
 *      6 = set_irq(the data byte, true), 7 = set_irq(the data byte,
 *      false); read: the last host call's return value
 *   +1 write/read: a data byte
 *
 * Its create() misbehaves as asked by `fail`: "yes" refuses the value of
 * `fail` through setting_error(), "status" refuses the default of `status`,
 * "nokey" names a key it does not have, "silent" returns -EIO saying
 * nothing, "positive" returns 1 (a plugin bug).
 */
#include "config.h"

#include <plugvm/plugin.h>

#include <errno.h>
#include <stdlib.h>

struct testdev {
	struct plugvm_device *dev;
	const struct plugvm_host *host;
	uint64_t gpa, status;
	int last;
	uint8_t data;
};

enum { S_PORT, S_GPA, S_STATUS, S_FAIL, S_LOAD };
enum { FAIL_NO, FAIL_YES, FAIL_STATUS, FAIL_NOKEY, FAIL_SILENT,
       FAIL_POSITIVE };

static const char *const fail_words[] = { "no",	    "yes",    "status",
					  "nokey",  "silent", "positive",
					  NULL };

static const struct plugvm_setting testdev_settings[] = {
	[S_PORT] = { .name = "port", .type = PLUGVM_SETTING_U64,
		     .def = "0x100", .help = "first of 4 ports",
		     .max = 0xfffc },
	[S_GPA] = { .name = "gpa", .type = PLUGVM_SETTING_U64, .def = "0",
		    .help = "guest address command 2 writes to" },
	[S_STATUS] = { .name = "status", .type = PLUGVM_SETTING_U64,
		       .def = "7", .help = "exit status of command 3" },
	[S_FAIL] = { .name = "fail", .type = PLUGVM_SETTING_ENUM,
		     .def = "no", .help = "make create() fail, and how",
		     .choices = fail_words },
	[S_LOAD] = { .name = "load", .type = PLUGVM_SETTING_BOOL,
		     .def = "false",
		     .help = "create() writes hlt at `gpa`: code for a guest" },
	{ .name = NULL },
};

static uint64_t testdev_read(void *opaque, uint64_t offset, unsigned size)
{
	struct testdev *t = opaque;

	return offset == 0 ? (uint64_t)(int64_t)t->last : t->data;
}

static void testdev_write(void *opaque, uint64_t offset, unsigned size,
			  uint64_t value)
{
	static const struct plugvm_io_ops none = { .read = testdev_read };
	struct testdev *t = opaque;

	if (offset == 1) {
		t->data = (uint8_t)value;
		return;
	}
	switch (value) {
	case 1:
		t->last = t->host->register_range(t->dev, PLUGVM_SPACE_PIO,
						  0x500, 1, &none, t);
		break;
	case 2:
		t->last = t->host->mem_write(t->dev, t->gpa, &t->data, 1);
		break;
	case 3:
		t->host->request_exit(t->dev, (int)t->status);
		t->last = 0;
		break;
	case 4:
		t->last = t->host->set_irq(t->dev, 0, true);
		break;
	case 5:
		t->last = t->host->setting_error(t->dev, "gpa", "too late");
		break;
	case 6:
	case 7:
		t->last = t->host->set_irq(t->dev, t->data, value == 6);
		break;
	default:
		t->host->log(t->dev, PLUGVM_LOG_GUEST_ERROR,
			     "unknown command %llu",
			     (unsigned long long)value);
	}
}

static const struct plugvm_io_ops testdev_ops = {
	.read = testdev_read,
	.write = testdev_write,
	.sizes = PLUGVM_ACCESS_1,
};

static int testdev_create(struct plugvm_device *dev,
			  const struct plugvm_host *host,
			  const struct plugvm_value *v, void **state)
{
	struct testdev *t;
	int ret;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->dev = dev;
	t->host = host;
	t->gpa = v[S_GPA].u64;
	t->status = v[S_STATUS].u64;
	ret = host->register_range(dev, PLUGVM_SPACE_PIO, v[S_PORT].u64, 4,
				   &testdev_ops, t);
	if (ret)
		goto out_free;
#ifdef TESTDEV_CREATE_FAILS
	host->log(dev, PLUGVM_LOG_ERROR, "refusing to start, as built to");
	ret = -ENODEV;
	goto out_free;
#endif
	if (v[S_LOAD].u64) {
		static const uint8_t hlt = 0xf4;

		ret = host->mem_write(dev, t->gpa, &hlt, 1);
		if (ret)
			goto out_free;
	}
	switch (v[S_FAIL].u64) {
	case FAIL_YES:
		ret = host->setting_error(dev, "fail", "refusing to start, as asked");
		goto out_free;
	case FAIL_STATUS:
		ret = host->setting_error(dev, "status", "%llu will not do",
					  (unsigned long long)t->status);
		goto out_free;
	case FAIL_NOKEY:
		ret = host->setting_error(dev, "nokey", "no such key");
		goto out_free;
	case FAIL_SILENT:
		ret = -EIO;
		goto out_free;
	case FAIL_POSITIVE:
		ret = 1;
		goto out_free;
	}
	*state = t;
	return 0;

out_free:
	free(t);
	return ret;
}

static void testdev_reset(void *state)
{
	struct testdev *t = state;

	t->data = 0x5a;
	t->last = 0;
}

static void testdev_destroy(void *state)
{
	free(state);
}

#ifdef TESTDEV_UNDEFINED
/* A symbol no library provides: dlopen(RTLD_NOW) must fail. */
extern int plugvm_no_such_function(void);
int testdev_uses_undefined(void);
int testdev_uses_undefined(void)
{
	return plugvm_no_such_function();
}
#endif

#ifndef TESTDEV_NAME
#define TESTDEV_NAME "testdev"
#endif
#ifndef TESTDEV_ABI
#define TESTDEV_ABI PLUGVM_ABI_VERSION
#endif
#ifndef TESTDEV_API
#define TESTDEV_API PLUGVM_API_VERSION
#endif

static const struct plugvm_plugin testdev_plugin = {
	.abi_version = TESTDEV_ABI,
	.min_api_version = TESTDEV_API,
	.name = TESTDEV_NAME,
	.description = "test device for the loader's unit tests",
	.settings = testdev_settings,
	.create = testdev_create,
	.reset = testdev_reset,
	.destroy = testdev_destroy,
};

#ifdef TESTDEV_NO_SYMBOL
/* Exports a differently named entry point, so the real one is missing. */
PLUGVM_EXPORT const struct plugvm_plugin *plugvm_plugin_describe_v0(void);
PLUGVM_EXPORT const struct plugvm_plugin *plugvm_plugin_describe_v0(void)
{
	return &testdev_plugin;
}
#else
PLUGVM_PLUGIN_DEFINE(testdev_plugin)
#endif
