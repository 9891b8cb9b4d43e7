// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * debugport.c - a write-only debug port: print what the guest writes, or
 * stop the machine with it.
 *
 * mode = print (the default): every write prints one line
 *	out port: PORT, data: VALUE
 * with both numbers in decimal, as the seed VMM did. `limit = N` stops the
 * machine with status 0 after the Nth write (which is still printed), so a
 * guest that loops forever can be cut short.
 *
 * mode = exit: every write stops the machine. The status is the value's low
 * byte (exit-encoding = plain), or (value << 1) | 1 truncated to a byte
 * (exit-encoding = qemu, like QEMU's isa-debug-exit, so a guest can never
 * exit with 0 by accident). Nothing is printed; the request is logged at
 * info level (-v).
 *
 * Reads return 0, as isa-debug-exit's do, and are logged as guest errors.
 * Writes are counted from creation; a machine reset does not restart the
 * count toward `limit`.
 */
#include "config.h"

#include <plugvm/plugin.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEBUGPORT_SIZES (PLUGVM_ACCESS_1 | PLUGVM_ACCESS_2 | PLUGVM_ACCESS_4)

enum {
	DEBUGPORT_SET_PORT,
	DEBUGPORT_SET_SIZE,
	DEBUGPORT_SET_OUTPUT,
	DEBUGPORT_SET_LIMIT,
	DEBUGPORT_SET_MODE,
	DEBUGPORT_SET_ENCODING,
};

enum debugport_mode {
	DEBUGPORT_PRINT,
	DEBUGPORT_EXIT,
};

enum debugport_encoding {
	DEBUGPORT_PLAIN,
	DEBUGPORT_QEMU,
};

static const char *const debugport_modes[] = { "print", "exit", NULL };
static const char *const debugport_encodings[] = { "plain", "qemu", NULL };

static const struct plugvm_setting debugport_settings[] = {
	[DEBUGPORT_SET_PORT] = {
		.name = "port",
		.type = PLUGVM_SETTING_U64,
		.def = "0x10",
		.help = "first I/O port of the range",
		.min = 0,
		.max = 0xffff,
	},
	[DEBUGPORT_SET_SIZE] = {
		.name = "size",
		.type = PLUGVM_SETTING_U64,
		.def = "4",
		.help = "number of ports claimed from `port` on; 4 lets byte, "
			"word and dword writes at `port` through",
		.min = 1,
		.max = 0x10000,
	},
	[DEBUGPORT_SET_OUTPUT] = {
		.name = "output",
		.type = PLUGVM_SETTING_STRING,
		.def = "stdout",
		.help = "where lines go: stdout, none (only count), or a file "
			"path (created or truncated)",
	},
	[DEBUGPORT_SET_LIMIT] = {
		.name = "limit",
		.type = PLUGVM_SETTING_U64,
		.def = "0",
		.help = "stop the machine with status 0 after this many writes "
			"(0: never)",
	},
	[DEBUGPORT_SET_MODE] = {
		.name = "mode",
		.type = PLUGVM_SETTING_ENUM,
		.def = "print",
		.help = "print: print each write; exit: a write stops the "
			"machine with the value as exit status",
		.choices = debugport_modes,
	},
	[DEBUGPORT_SET_ENCODING] = {
		.name = "exit-encoding",
		.type = PLUGVM_SETTING_ENUM,
		.def = "plain",
		.help = "exit mode status: plain = value & 0xff, "
			"qemu = ((value << 1) | 1) & 0xff as isa-debug-exit",
		.choices = debugport_encodings,
	},
	{ .name = NULL },
};

struct debugport {
	struct plugvm_device *dev;
	const struct plugvm_host *host;
	uint16_t port;
	struct plugvm_chardev *out; /* the host's; NULL for "none" */
	enum debugport_mode mode;
	enum debugport_encoding encoding;
	uint64_t limit;
	uint64_t writes;
};

static uint64_t debugport_read(void *opaque, uint64_t offset, unsigned size)
{
	struct debugport *d = opaque;

	d->host->log(d->dev, PLUGVM_LOG_GUEST_ERROR,
		     "%u-byte read from write-only port 0x%x returns 0", size,
		     (unsigned int)(d->port + offset));
	return 0;
}

static int debugport_exit_status(const struct debugport *d, uint64_t value)
{
	if (d->encoding == DEBUGPORT_QEMU)
		return ((value << 1) | 1) & 0xff;
	return value & 0xff;
}

/*
 * The write path is short enough to matter under tcg, where a guest can
 * make tens of millions of writes a second: with output = none and no
 * limit it is count, test and return, and everything else is out of line.
 */
#define DEBUGPORT_COLD __attribute__((cold, noinline))

/*
 * A write in print mode: the seed VMM's line, in one write so that other
 * devices' output never splits it (the host reports a failing output
 * once), then the limit.
 */
static __attribute__((noinline)) void
debugport_print(struct debugport *d, unsigned int port, uint64_t value)
{
	char line[64]; /* "out port: 65535, data: " and 20 digits */
	int n;

	if (d->out) {
		n = snprintf(line, sizeof(line),
			     "out port: %u, data: %" PRIu64 "\n", port, value);
		d->host->chardev_write(d->out, line, (size_t)n);
	}
	if (d->limit && d->writes == d->limit) {
		d->host->log(d->dev, PLUGVM_LOG_INFO,
			     "limit of %" PRIu64 " writes reached: exit status 0",
			     d->limit);
		d->host->request_exit(d->dev, 0);
	}
}

static DEBUGPORT_COLD void debugport_exit(struct debugport *d,
					  unsigned int port, uint64_t value)
{
	int status = debugport_exit_status(d, value);

	d->host->log(d->dev, PLUGVM_LOG_INFO,
		     "write of %" PRIu64 " to port 0x%x: exit status %d", value,
		     port, status);
	d->host->request_exit(d->dev, status);
}

static void debugport_write(void *opaque, uint64_t offset, unsigned size,
			    uint64_t value)
{
	struct debugport *d = opaque;
	unsigned int port = d->port + (unsigned int)offset;

	(void)size;
	d->writes++;
	if (d->mode == DEBUGPORT_EXIT)
		debugport_exit(d, port, value);
	else if (d->out || d->limit)
		debugport_print(d, port, value);
}

static const struct plugvm_io_ops debugport_ops = {
	.read = debugport_read,
	.write = debugport_write,
	.sizes = DEBUGPORT_SIZES,
};

static int debugport_create(struct plugvm_device *dev,
			    const struct plugvm_host *host,
			    const struct plugvm_value *values, void **state)
{
	uint64_t port = values[DEBUGPORT_SET_PORT].u64;
	uint64_t size = values[DEBUGPORT_SET_SIZE].u64;
	struct debugport *d;
	int ret;

	/* port <= 0xffff and size >= 1: the settings table's ranges. That
	 * the range ends within the port space depends on both. */
	if (size > 0x10000 - port)
		return host->setting_error(
			dev, "size",
			"port 0x%" PRIx64 " with size %" PRIu64
			": the range must lie within ports 0-0xffff",
			port, size);
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->dev = dev;
	d->host = host;
	d->port = port;
	d->limit = values[DEBUGPORT_SET_LIMIT].u64;
	d->mode = values[DEBUGPORT_SET_MODE].u64;
	d->encoding = values[DEBUGPORT_SET_ENCODING].u64;

	/* on failure the host has said why (an overlap names both owners);
	 * it closes the output, now or after destroy() */
	ret = host->chardev_open(dev, "output",
				 values[DEBUGPORT_SET_OUTPUT].str,
				 PLUGVM_CHARDEV_OUTPUT, &d->out);
	if (ret)
		goto out_free_state;
	ret = host->register_range(dev, PLUGVM_SPACE_PIO, port, size,
				   &debugport_ops, d);
	if (ret)
		goto out_free_state;
	*state = d;
	return 0;

out_free_state:
	free(d);
	return ret;
}

static void debugport_destroy(void *state)
{
	struct debugport *d = state;

	d->host->log(d->dev, PLUGVM_LOG_INFO, "%" PRIu64 " writes", d->writes);
	free(d); /* the host flushes and closes the output */
}

static const struct plugvm_plugin debugport_plugin = {
	.abi_version = PLUGVM_ABI_VERSION,
	.min_api_version = PLUGVM_API_VERSION,
	.name = "debugport",
	.description = "debug port: prints each write, or exits with it",
	.settings = debugport_settings,
	.create = debugport_create,
	.destroy = debugport_destroy,
	/* no reset(): the port has no registers, only a write count */
};

PLUGVM_PLUGIN_DEFINE(debugport_plugin)
