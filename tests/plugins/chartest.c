// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * chartest.c - a test-only plugin for the host's character sinks
 * (chardev_open(), chardev_write()), used well and badly.
 *
 * create() opens the sink of `output` as `misuse` says:
 *   no      properly;
 *   nokey   for a key it does not have;
 *   flags   with flags that are no combination chardev_open() knows (0x3);
 *   null    with a NULL result pointer;
 *   twice   twice for `output`;
 *   ignore  properly, but goes on when that fails, and writes "lost\n"
 *           to the sink it did not get;
 *   fail    properly, writes "early\n", then fails with -EIO.
 * It owns ports [port, port + 4); every write's outcome is read back at
 * +0 (4 bytes, the last host call's return value):
 *   +0 write: the byte, to the sink
 *   +1 write 1: chardev_open() now, outside create()
 *   +2 write N: N KiB of 'x' in one chardev_write()
 * destroy() writes "bye\n": the host closes the sink after it.
 */
#include "config.h"

#include <plugvm/plugin.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct chartest {
	struct plugvm_device *dev;
	const struct plugvm_host *host;
	struct plugvm_chardev *out;
	int64_t last;
};

enum { S_PORT, S_OUTPUT, S_MISUSE };
enum { M_NO, M_NOKEY, M_FLAGS, M_NULL, M_TWICE, M_IGNORE, M_FAIL };

static const char *const misuse_words[] = { "no",    "nokey",  "flags",
					    "null",  "twice",  "ignore",
					    "fail",  NULL };

static const struct plugvm_setting chartest_settings[] = {
	[S_PORT] = { .name = "port", .type = PLUGVM_SETTING_U64,
		     .def = "0x200", .help = "first of 4 ports",
		     .max = 0xfffc },
	[S_OUTPUT] = { .name = "output", .type = PLUGVM_SETTING_STRING,
		       .def = "stdout", .help = "stdout, none or a path" },
	[S_MISUSE] = { .name = "misuse", .type = PLUGVM_SETTING_ENUM,
		       .def = "no", .help = "how create() misuses the sink",
		       .choices = misuse_words },
	{ .name = NULL },
};

static uint64_t chartest_read(void *opaque, uint64_t offset, unsigned size)
{
	struct chartest *c = opaque;

	(void)offset;
	(void)size;
	return (uint64_t)c->last;
}

static void chartest_write(void *opaque, uint64_t offset, unsigned size,
			   uint64_t value)
{
	struct chartest *c = opaque;
	struct plugvm_chardev *again;
	uint8_t byte = (uint8_t)value;
	size_t len;
	char *buf;

	(void)size;
	switch (offset) {
	case 0:
		c->last = (int64_t)c->host->chardev_write(c->out, &byte, 1);
		break;
	case 1:
		c->last = c->host->chardev_open(c->dev, "output", "none",
						PLUGVM_CHARDEV_OUTPUT, &again);
		break;
	case 2:
		len = (size_t)value * 1024;
		buf = malloc(len ? len : 1);
		if (!buf)
			return;
		memset(buf, 'x', len);
		c->last = (int64_t)c->host->chardev_write(c->out, buf, len);
		free(buf);
		break;
	}
}

static const struct plugvm_io_ops chartest_ops = {
	.read = chartest_read,
	.write = chartest_write,
	.sizes = PLUGVM_ACCESS_1 | PLUGVM_ACCESS_4,
};

/* Open the sink of @spec as @misuse says. */
static int chartest_open(struct chartest *c, const char *spec, uint64_t misuse)
{
	struct plugvm_chardev *second;
	int ret;

	switch (misuse) {
	case M_NOKEY:
		return c->host->chardev_open(c->dev, "nokey", spec,
					     PLUGVM_CHARDEV_OUTPUT, &c->out);
	case M_FLAGS:
		return c->host->chardev_open(c->dev, "output", spec, 0x3,
					     &c->out);
	case M_NULL:
		return c->host->chardev_open(c->dev, "output", spec,
					     PLUGVM_CHARDEV_OUTPUT, NULL);
	}
	ret = c->host->chardev_open(c->dev, "output", spec,
				    PLUGVM_CHARDEV_OUTPUT, &c->out);
	switch (misuse) {
	case M_TWICE:
		if (!ret)
			ret = c->host->chardev_open(c->dev, "output", spec,
						    PLUGVM_CHARDEV_OUTPUT,
						    &second);
		return ret;
	case M_IGNORE:
		c->last = (int64_t)c->host->chardev_write(c->out, "lost\n", 5);
		return 0;
	case M_FAIL:
		if (ret)
			return ret;
		c->host->chardev_write(c->out, "early\n", 6);
		c->host->log(c->dev, PLUGVM_LOG_ERROR, "failing after the open");
		return -EIO;
	}
	return ret;
}

static int chartest_create(struct plugvm_device *dev,
			   const struct plugvm_host *host,
			   const struct plugvm_value *v, void **state)
{
	struct chartest *c;
	int ret;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->dev = dev;
	c->host = host;
	ret = chartest_open(c, v[S_OUTPUT].str, v[S_MISUSE].u64);
	if (ret)
		goto out_free;
	ret = host->register_range(dev, PLUGVM_SPACE_PIO, v[S_PORT].u64, 4,
				   &chartest_ops, c);
	if (ret)
		goto out_free;
	*state = c;
	return 0;

out_free:
	free(c);
	return ret;
}

static void chartest_destroy(void *state)
{
	struct chartest *c = state;

	c->host->chardev_write(c->out, "bye\n", 4);
	free(c);
}

static const struct plugvm_plugin chartest_plugin = {
	.abi_version = PLUGVM_ABI_VERSION,
	.min_api_version = PLUGVM_API_VERSION,
	.name = "chartest",
	.description = "test device for the host's character sinks",
	.settings = chartest_settings,
	.create = chartest_create,
	.destroy = chartest_destroy,
};

PLUGVM_PLUGIN_DEFINE(chartest_plugin)
