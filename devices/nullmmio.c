// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nullmmio.c - an MMIO region that answers everything and keeps nothing.
 *
 * Reads return the `fill` byte repeated to the access size; writes are
 * dropped. Accesses are counted and the counts logged at info level (-v)
 * when the device is destroyed, which makes it a cheap target for measuring
 * the cost of an MMIO exit. The counters are plain: the host serializes the
 * callbacks when vCPUs run concurrently, and only then, so this costs
 * nothing on one vCPU (atomic counters would cost two locked instructions
 * on every access).
 */
#include "config.h"

#include <plugvm/plugin.h>

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

enum {
	NULLMMIO_SET_BASE,
	NULLMMIO_SET_SIZE,
	NULLMMIO_SET_FILL,
	NULLMMIO_SET_WIDTH,
};

static const char *const nullmmio_widths[] = { "any", "1", "2", "4", "8",
					       NULL };

static const struct plugvm_setting nullmmio_settings[] = {
	[NULLMMIO_SET_BASE] = {
		.name = "base",
		.type = PLUGVM_SETTING_U64,
		.def = "0xd0000000",
		.help = "guest-physical address of the region",
	},
	[NULLMMIO_SET_SIZE] = {
		.name = "size",
		.type = PLUGVM_SETTING_SIZE,
		.def = "4K",
		.help = "length of the region in bytes",
		.min = 1,
		.max = UINT64_MAX,
	},
	[NULLMMIO_SET_FILL] = {
		.name = "fill",
		.type = PLUGVM_SETTING_U64,
		.def = "0",
		.help = "byte every read returns, repeated to the access size",
		.min = 0,
		.max = 0xff,
	},
	[NULLMMIO_SET_WIDTH] = {
		.name = "width",
		.type = PLUGVM_SETTING_ENUM,
		.def = "any",
		.help = "the one access size in bytes the region takes (any: all); "
			"plugvm splits wider guest accesses into pieces of it",
		.choices = nullmmio_widths,
	},
	{ .name = NULL },
};

struct nullmmio {
	struct plugvm_device *dev;
	const struct plugvm_host *host;
	uint64_t fill; /* the fill byte in all eight bytes */
	struct plugvm_io_ops ops; /* with the sizes `width` allows */
	uint64_t reads, writes, read_bytes, written_bytes;
};

static uint64_t nullmmio_read(void *opaque, uint64_t offset, unsigned size)
{
	struct nullmmio *n = opaque;

	n->reads++;
	n->read_bytes += size;
	return n->fill; /* the host truncates it to @size bytes */
}

static void nullmmio_write(void *opaque, uint64_t offset, unsigned size,
			   uint64_t value)
{
	struct nullmmio *n = opaque;

	n->writes++;
	n->written_bytes += size;
}


static int nullmmio_create(struct plugvm_device *dev,
			   const struct plugvm_host *host,
			   const struct plugvm_value *values, void **state)
{
	uint64_t base = values[NULLMMIO_SET_BASE].u64;
	uint64_t size = values[NULLMMIO_SET_SIZE].u64;
	uint64_t fill = values[NULLMMIO_SET_FILL].u64;
	struct nullmmio *n;
	int ret;

	/* size >= 1 and fill <= 0xff: the settings table's ranges. That the
	 * region ends below 2^64 depends on both base and size. */
	if (base + (size - 1) < base)
		return host->setting_error(dev, "size",
					   "base 0x%" PRIx64 " with size 0x%" PRIx64
					   ": the region must end below 2^64",
					   base, size);
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->dev = dev;
	n->host = host;
	n->fill = fill * 0x0101010101010101ull;
	n->ops.read = nullmmio_read;
	n->ops.write = nullmmio_write;
	/* "1", "2", "4", "8": PLUGVM_ACCESS_n is n; "any" (index 0): all */
	n->ops.sizes = values[NULLMMIO_SET_WIDTH].u64
			       ? (uint32_t)strtoul(values[NULLMMIO_SET_WIDTH].str,
						   NULL, 10)
			       : PLUGVM_ACCESS_ANY;

	/* on failure the host has said why (an overlap names both owners) */
	ret = host->register_range(dev, PLUGVM_SPACE_MMIO, base, size,
				   &n->ops, n);
	if (ret)
		goto out_free_state;
	*state = n;
	return 0;

out_free_state:
	free(n);
	return ret;
}

static void nullmmio_destroy(void *state)
{
	struct nullmmio *n = state;

	n->host->log(n->dev, PLUGVM_LOG_INFO,
		     "%" PRIu64 " reads, %" PRIu64 " writes (%" PRIu64
		     " bytes read, %" PRIu64 " written)",
		     n->reads, n->writes, n->read_bytes, n->written_bytes);
	free(n);
}

static const struct plugvm_plugin nullmmio_plugin = {
	.abi_version = PLUGVM_ABI_VERSION,
	.min_api_version = PLUGVM_API_VERSION,
	.name = "nullmmio",
	.description = "MMIO region that reads a fill byte and drops writes",
	.settings = nullmmio_settings,
	.create = nullmmio_create,
	.destroy = nullmmio_destroy,
	/* no reset(): no registers; the counts span the whole run */
};

PLUGVM_PLUGIN_DEFINE(nullmmio_plugin)
