// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * chrin.c - a test-only plugin that takes character input through the
 * host (plugin.h, API 3: PLUGVM_CHARDEV_INPUT, host->chardev), as a UART
 * would, with a FIFO whose size the test chooses: what check_chardev and
 * the console tests (tests/console.sh) drive, in the kit and in plugvm.
 *
 * Settings: port (first of 4), input (stdin, none, auto or a path; auto:
 * stdin if no device holds it yet), room (the FIFO's size).
 * Ports, 1 byte each:
 *   +0 read   the oldest byte of the FIFO (0 when empty); tells the host
 *             input_ready() when that makes room
 *   +1 read   how many bytes the FIFO holds
 *   +2 read   bit 0: end of input seen; bits 1-7: breaks seen (mod 128)
 *   +3 read   whether receive() ever got more than can_receive() allowed
 *             (the host broke its flow control): 0 or 1
 *   +3 write  the byte, to output
 */
#include "config.h"

#include <plugvm/plugin.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CHRIN_MAX_ROOM 4096

enum { S_PORT, S_INPUT, S_OUTPUT, S_ROOM };

static const struct plugvm_setting chrin_settings[] = {
	[S_PORT] = { .name = "port", .type = PLUGVM_SETTING_U64,
		     .def = "0x200", .help = "first of 4 ports",
		     .max = 0xfffc },
	[S_INPUT] = { .name = "input", .type = PLUGVM_SETTING_STRING,
		      .def = "auto",
		      .help = "stdin, none, auto or a path" },
	[S_OUTPUT] = { .name = "output", .type = PLUGVM_SETTING_STRING,
		       .def = "stdout", .help = "stdout, none or a path" },
	[S_ROOM] = { .name = "room", .type = PLUGVM_SETTING_U64,
		     .def = "16", .help = "the FIFO's size", .min = 1,
		     .max = CHRIN_MAX_ROOM },
	{ .name = NULL },
};

struct chrin {
	struct plugvm_device *dev;
	const struct plugvm_host *host;
	struct plugvm_chardev *in, *out;
	uint8_t fifo[CHRIN_MAX_ROOM];
	size_t head, count, room;
	size_t offered; /* what can_receive() said last */
	bool eof, overrun;
	uint8_t breaks;
};

static size_t chrin_can_receive(void *opaque)
{
	struct chrin *c = opaque;

	c->offered = c->room - c->count;
	return c->offered;
}

static void chrin_receive(void *opaque, const uint8_t *buf, size_t len)
{
	struct chrin *c = opaque;

	if (len > c->offered || len == 0)
		c->overrun = true;
	for (size_t i = 0; i < len && c->count < c->room; i++)
		c->fifo[(c->head + c->count++) % c->room] = buf[i];
	c->offered = 0;
}

static void chrin_event(void *opaque, uint32_t event)
{
	struct chrin *c = opaque;

	if (event == PLUGVM_CHARDEV_EVENT_EOF)
		c->eof = true;
	else if (event == PLUGVM_CHARDEV_EVENT_BREAK)
		c->breaks++;
}

static const struct plugvm_chardev_input chrin_input = {
	.can_receive = chrin_can_receive,
	.receive = chrin_receive,
	.event = chrin_event,
};

static uint64_t chrin_read(void *opaque, uint64_t offset, unsigned size)
{
	struct chrin *c = opaque;
	uint8_t b;

	(void)size;
	switch (offset) {
	case 0:
		if (!c->count)
			return 0;
		b = c->fifo[c->head];
		c->head = (c->head + 1) % c->room;
		c->count--;
		c->host->chardev->input_ready(c->in);
		return b;
	case 1:
		return c->count > 255 ? 255 : c->count;
	case 2:
		return (c->eof ? 1u : 0u) | (uint8_t)(c->breaks << 1);
	default:
		return c->overrun;
	}
}

static void chrin_write(void *opaque, uint64_t offset, unsigned size,
			uint64_t value)
{
	struct chrin *c = opaque;
	uint8_t b = (uint8_t)value;

	(void)size;
	if (offset == 3)
		c->host->chardev_write(c->out, &b, 1);
}

static const struct plugvm_io_ops chrin_ops = {
	.read = chrin_read,
	.write = chrin_write,
	.sizes = PLUGVM_ACCESS_1,
};

static int chrin_create(struct plugvm_device *dev,
			const struct plugvm_host *host,
			const struct plugvm_value *values, void **state)
{
	const char *spec = values[S_INPUT].str;
	uint32_t flags = PLUGVM_CHARDEV_INPUT;
	struct chrin *c = calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return -ENOMEM;
	c->dev = dev;
	c->host = host;
	c->room = values[S_ROOM].u64;
	if (!strcmp(spec, "auto")) {
		spec = "stdin";
		flags |= PLUGVM_CHARDEV_STDIN_FIRST;
	}
	ret = host->chardev_open(dev, "input", spec, flags, &c->in);
	if (!ret && c->in)
		ret = host->chardev->set_input(c->in, &chrin_input, c);
	if (!ret)
		ret = host->chardev_open(dev, "output", values[S_OUTPUT].str,
					 PLUGVM_CHARDEV_OUTPUT, &c->out);
	if (!ret)
		ret = host->register_range(dev, PLUGVM_SPACE_PIO,
					   values[S_PORT].u64, 4, &chrin_ops, c);
	if (ret) {
		free(c);
		return ret;
	}
	*state = c;
	return 0;
}

static void chrin_destroy(void *state)
{
	free(state);
}

static const struct plugvm_plugin chrin_plugin = {
	.abi_version = PLUGVM_ABI_VERSION,
	.min_api_version = 3,
	.name = "chrin",
	.description = "test: character input through a FIFO of chosen size",
	.settings = chrin_settings,
	.create = chrin_create,
	.destroy = chrin_destroy,
};

PLUGVM_PLUGIN_DEFINE(chrin_plugin)
