// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iobus.c - the dispatch table.
 *
 * Each address space keeps its ranges in one array sorted by base. Port I/O
 * also has a direct index: pio_index[port] is 1 + the position of the range
 * that holds the port, 0 for none, so a port lookup is one load. MMIO
 * lookups binary-search the array. The table only grows until it is frozen.
 */
#include "config.h"

#include "iobus.h"

#include "device.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PIO_SPACE_SIZE 0x10000u

struct io_space {
	struct vmm_io_range *ranges;
	size_t n, cap;
};

struct vmm_iobus {
	struct io_space space[2];
	uint32_t *pio_index; /* PIO_SPACE_SIZE entries, built at freeze */
	bool frozen;
};

static const char *const space_names[] = { "port", "MMIO" };

struct vmm_iobus *vmm_iobus_new(void)
{
	return calloc(1, sizeof(struct vmm_iobus));
}

void vmm_iobus_free(struct vmm_iobus *bus)
{
	if (!bus)
		return;
	free(bus->space[PLUGVM_SPACE_PIO].ranges);
	free(bus->space[PLUGVM_SPACE_MMIO].ranges);
	free(bus->pio_index);
	free(bus);
}

static const char *owner_name(const struct vmm_device *dev)
{
	return dev && dev->id ? dev->id : "(host)";
}

/* Position of the first range whose last byte is >= @addr. */
static size_t lower_bound(const struct io_space *s, uint64_t addr)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->ranges[mid].last < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int vmm_iobus_register(struct vmm_iobus *bus, enum plugvm_space space,
		       uint64_t base, uint64_t len,
		       const struct plugvm_io_ops *ops, void *opaque,
		       struct vmm_device *dev)
{
	struct io_space *s;
	struct vmm_io_range *r;
	uint64_t last;
	size_t pos;

	if (space != PLUGVM_SPACE_PIO && space != PLUGVM_SPACE_MMIO)
		return -EINVAL;
	if (!ops || (!ops->read && !ops->write) || len == 0)
		return -EINVAL;
	if (ops->sizes & ~PLUGVM_ACCESS_ANY)
		return -EINVAL;
	last = base + (len - 1);
	if (last < base)
		return -EINVAL; /* wraps past 2^64 */
	if (space == PLUGVM_SPACE_PIO && last >= PIO_SPACE_SIZE)
		return -EINVAL;
	if (bus->frozen)
		return -EPERM;

	s = &bus->space[space];
	pos = lower_bound(s, base);
	if (pos < s->n && s->ranges[pos].base <= last) {
		const struct vmm_io_range *o = &s->ranges[pos];

		vmm_err("%s range 0x%llx-0x%llx of '%s' overlaps 0x%llx-0x%llx of '%s'",
			space_names[space], (unsigned long long)base,
			(unsigned long long)last, owner_name(dev),
			(unsigned long long)o->base,
			(unsigned long long)o->last, owner_name(o->dev));
		return -EBUSY;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		void *p = realloc(s->ranges, cap * sizeof(*s->ranges));

		if (!p)
			return -ENOMEM;
		s->ranges = p;
		s->cap = cap;
	}
	memmove(&s->ranges[pos + 1], &s->ranges[pos],
		(s->n - pos) * sizeof(*s->ranges));
	r = &s->ranges[pos];
	r->base = base;
	r->last = last;
	r->ops = ops;
	r->opaque = opaque;
	r->dev = dev;
	r->sizes = ops->sizes ? ops->sizes : PLUGVM_ACCESS_ANY;
	s->n++;
	return 0;
}

void vmm_iobus_unregister_device(struct vmm_iobus *bus,
				 const struct vmm_device *dev)
{
	for (int sp = 0; sp < 2; sp++) {
		struct io_space *s = &bus->space[sp];
		size_t j = 0;

		for (size_t i = 0; i < s->n; i++)
			if (s->ranges[i].dev != dev)
				s->ranges[j++] = s->ranges[i];
		s->n = j;
	}
}

void vmm_iobus_freeze(struct vmm_iobus *bus)
{
	const struct io_space *s = &bus->space[PLUGVM_SPACE_PIO];

	if (bus->frozen)
		return;
	bus->frozen = true;
	/* A failed allocation only costs the fast path: lookups fall back
	 * to the binary search. */
	bus->pio_index = calloc(PIO_SPACE_SIZE, sizeof(*bus->pio_index));
	if (!bus->pio_index)
		return;
	for (size_t i = 0; i < s->n; i++)
		for (uint64_t p = s->ranges[i].base; p <= s->ranges[i].last; p++)
			bus->pio_index[p] = (uint32_t)(i + 1);
}

/* The lookup itself, inlined into the access path. */
static inline const struct vmm_io_range *
lookup(const struct vmm_iobus *bus, enum plugvm_space space, uint64_t addr)
{
	const struct io_space *s = &bus->space[space];
	size_t pos;

	if (space == PLUGVM_SPACE_PIO) {
		if (addr >= PIO_SPACE_SIZE)
			return NULL;
		if (bus->pio_index) {
			uint32_t i = bus->pio_index[addr];

			return i ? &s->ranges[i - 1] : NULL;
		}
	}
	pos = lower_bound(s, addr);
	if (pos < s->n && s->ranges[pos].base <= addr)
		return &s->ranges[pos];
	return NULL;
}

const struct vmm_io_range *vmm_iobus_lookup(const struct vmm_iobus *bus,
					    enum plugvm_space space,
					    uint64_t addr)
{
	return lookup(bus, space, addr);
}

const struct vmm_io_range *vmm_iobus_ranges(const struct vmm_iobus *bus,
					    enum plugvm_space space, size_t *n)
{
	*n = bus->space[space].n;
	return bus->space[space].ranges;
}

/* Value masks by access size (1, 2, 4 and 8 bytes). */
static const uint64_t size_masks[9] = {
	[1] = 0xff, [2] = 0xffff, [4] = 0xffffffff, [8] = ~0ull,
};

/*
 * This is the path every I/O exit takes, millions of times a second under
 * tcg: one lookup, two range checks, the call. PLUGVM_ACCESS_n is n for
 * n = 1, 2, 4 and 8, so the size check is a single AND once @size is known
 * to be one of those.
 */
enum vmm_io_result vmm_iobus_access(const struct vmm_iobus *bus,
				    enum plugvm_space space, uint64_t addr,
				    unsigned size, bool is_write,
				    uint64_t *value,
				    const struct vmm_io_range **range)
{
	const struct vmm_io_range *r = lookup(bus, space, addr);
	struct vmm_device *dev;
	uint64_t offset, mask;

	*range = r;
	if (!r)
		return VMM_IO_UNMAPPED;
	if (size - 1 > r->last - addr)
		return VMM_IO_STRADDLE;
	if (size > 8 || (size & (size - 1)) || !(r->sizes & size))
		return VMM_IO_BAD_SIZE;

	offset = addr - r->base;
	mask = size_masks[size];
	dev = r->dev;
	if (dev && dev->serialize)
		pthread_mutex_lock(&dev->lock);
	if (is_write) {
		if (r->ops->write)
			r->ops->write(r->opaque, offset, size, *value & mask);
	} else {
		*value = r->ops->read ? r->ops->read(r->opaque, offset, size) & mask
				      : mask;
	}
	if (dev && dev->serialize)
		pthread_mutex_unlock(&dev->lock);
	return VMM_IO_OK;
}
