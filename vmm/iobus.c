// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iobus.c - the dispatch table.
 *
 * Each address space keeps its ranges in one array sorted by base. Port I/O
 * also has a direct map, built at freeze: pio_map[port] points at the range
 * that holds the port (NULL for none) and says which access sizes need no
 * check there, so a port lookup is one load. MMIO
 * lookups binary-search the array. The table only grows until it is frozen.
 * The inline access path is in iobus.h.
 */
#include "config.h"

#include "iobus.h"

#include "log.h"
#include "wake.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>


struct vmm_io_space {
	struct vmm_io_range *ranges; /* sorted by base */
	size_t n, cap;
};

struct vmm_iobus {
	struct vmm_io_space space[2];
	bool frozen;
	/* Untouched pages of it cost no memory. */
	struct vmm_pio_port pio_map[VMM_PIO_PORTS];
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
	free(bus);
}

/* What a range without a read or write callback does. */
static uint64_t read_none(void *opaque, uint64_t offset, unsigned size)
{
	(void)opaque;
	(void)offset;
	(void)size;
	return ~0ull;
}

static void write_none(void *opaque, uint64_t offset, unsigned size,
		       uint64_t value)
{
	(void)opaque;
	(void)offset;
	(void)size;
	(void)value;
}

static const char *owner_name(const struct vmm_io_owner *owner)
{
	return owner && owner->name ? owner->name : "(host)";
}

/* Position of the first range whose last byte is >= @addr. */
static size_t lower_bound(const struct vmm_io_space *s, uint64_t addr)
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
		       const struct vmm_io_owner *owner)
{
	struct vmm_io_space *s;
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
	if (space == PLUGVM_SPACE_PIO && last >= VMM_PIO_PORTS)
		return -EINVAL;
	if (bus->frozen)
		return -EPERM;

	s = &bus->space[space];
	pos = lower_bound(s, base);
	if (pos < s->n && s->ranges[pos].base <= last) {
		const struct vmm_io_range *o = &s->ranges[pos];

		vmm_err("%s range 0x%llx-0x%llx of '%s' overlaps 0x%llx-0x%llx of '%s'",
			space_names[space], (unsigned long long)base,
			(unsigned long long)last, owner_name(owner),
			(unsigned long long)o->base,
			(unsigned long long)o->last, owner_name(o->owner));
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
	r->read = ops->read ? ops->read : read_none;
	r->write = ops->write ? ops->write : write_none;
	r->opaque = opaque;
	/* Serialized from the start (the device test kit never freezes its
	 * bus); freeze looks again, once the machine settled it. */
	r->lock = owner ? owner->lock : NULL;
	r->sizes = ops->sizes ? ops->sizes : PLUGVM_ACCESS_ANY;
	r->stat_slot = 0;
	r->fast_sizes = 0;
	r->owner = owner;
	s->n++;
	return 0;
}

void vmm_iobus_unregister_owner(struct vmm_iobus *bus,
				const struct vmm_io_owner *owner)
{
	for (int sp = 0; sp < 2; sp++) {
		struct vmm_io_space *s = &bus->space[sp];
		size_t j = 0;

		for (size_t i = 0; i < s->n; i++)
			if (s->ranges[i].owner != owner)
				s->ranges[j++] = s->ranges[i];
		s->n = j;
	}
}

/*
 * Can @r take @size bytes at @addr? PLUGVM_ACCESS_n is n for n = 1, 2, 4
 * and 8, so the size check is a single AND once @size is a power of two.
 */
static enum vmm_io_result range_check(const struct vmm_io_range *r,
				      uint64_t addr, unsigned size)
{
	if (!r)
		return VMM_IO_UNMAPPED;
	if (size - 1 > r->last - addr)
		return VMM_IO_STRADDLE;
	if (size > 8 || (size & (size - 1)) || !(r->sizes & size))
		return VMM_IO_BAD_SIZE;
	return VMM_IO_OK;
}

void vmm_iobus_freeze(struct vmm_iobus *bus)
{
	const struct vmm_io_space *pio = &bus->space[PLUGVM_SPACE_PIO];

	if (bus->frozen)
		return;
	bus->frozen = true;
	/* What the owners are is settled now: cache it in each range. */
	for (int sp = 0; sp < 2; sp++) {
		struct vmm_io_space *s = &bus->space[sp];

		for (size_t i = 0; i < s->n; i++) {
			struct vmm_io_range *r = &s->ranges[i];

			r->lock = r->owner ? r->owner->lock : NULL;
			r->stat_slot = r->owner ? r->owner->stat_slot : 0;
			r->fast_sizes = 0;
			for (unsigned size = 1; size <= 8 && !r->lock;
			     size *= 2)
				if (r->sizes & size)
					r->fast_sizes |= 1u << size;
		}
	}
	for (size_t i = 0; i < pio->n; i++) {
		const struct vmm_io_range *r = &pio->ranges[i];

		for (uint64_t p = r->base; p <= r->last; p++) {
			struct vmm_pio_port *port = &bus->pio_map[p];

			port->range = r;
			port->fast_sizes = 0;
			for (unsigned size = 1; size <= 8 && !r->lock; size *= 2)
				if (range_check(r, p, size) == VMM_IO_OK)
					port->fast_sizes |= 1u << size;
		}
	}
}

/* The range of @space holding @addr, by binary search. */
static const struct vmm_io_range *search(const struct vmm_iobus *bus,
					 enum plugvm_space space,
					 uint64_t addr)
{
	const struct vmm_io_space *s = &bus->space[space];
	size_t pos = lower_bound(s, addr);

	if (pos < s->n && s->ranges[pos].base <= addr)
		return &s->ranges[pos];
	return NULL;
}

static inline const struct vmm_io_range *
lookup(const struct vmm_iobus *bus, enum plugvm_space space, uint64_t addr)
{
	if (space == PLUGVM_SPACE_PIO) {
		if (addr >= VMM_PIO_PORTS)
			return NULL;
		if (bus->frozen)
			return bus->pio_map[addr].range;
	}
	return search(bus, space, addr);
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

const struct vmm_pio_port *vmm_iobus_pio_map(const struct vmm_iobus *bus)
{
	return bus->pio_map;
}

/*
 * The naturally aligned pieces, of sizes @r takes, that make up @len bytes
 * at @addr, largest first where alignment allows, lowest address first (as
 * QEMU splits). Their sizes go to @piece; returns their number, or 0 when
 * some byte cannot be reached (the range takes no single bytes).
 */
static unsigned split_plan(const struct vmm_io_range *r, uint64_t addr,
			   unsigned len, uint8_t piece[8])
{
	unsigned n = 0;

	for (unsigned done = 0; done < len; done += piece[n++]) {
		uint64_t a = addr + done;
		unsigned p = 8;

		while (p > 1 &&
		       (p > len - done || (a & (p - 1)) || !(r->sizes & p)))
			p >>= 1;
		if (!(r->sizes & p))
			return 0;
		piece[n] = (uint8_t)p;
	}
	return n;
}

/* An MMIO access of a size @r does not take, as pieces it does, under one
 * hold of the lock so that no other vCPU's access comes in between. */
static enum vmm_io_result split_access(const struct vmm_io_range *r,
				       uint64_t addr, unsigned len,
				       bool is_write, uint64_t *value)
{
	uint8_t piece[8];
	unsigned n = split_plan(r, addr, len, piece);
	uint64_t result = 0;
	unsigned done = 0;

	struct vmm_guard_frame g;

	if (!n)
		return VMM_IO_BAD_SIZE;
	g = vmm_guard_enter(vmm_io_range_who(r), is_write ? "write()" : "read()");
	vmm_wake_lock(r->lock); /* a vCPU it wakes: once r->lock is free */
	for (unsigned i = 0; i < n; done += piece[i++]) {
		uint64_t off = addr + done - r->base;
		uint64_t mask = vmm_io_mask(piece[i]);

		if (is_write)
			r->write(r->opaque, off, piece[i],
				 (*value >> (done * 8)) & mask);
		else
			result |= (r->read(r->opaque, off, piece[i]) & mask)
				  << (done * 8);
	}
	vmm_wake_unlock(r->lock);
	vmm_guard_leave(g);
	if (!is_write)
		*value = result;
	return VMM_IO_OK;
}

enum vmm_io_result vmm_iobus_access(const struct vmm_iobus *bus,
				    enum plugvm_space space, uint64_t addr,
				    unsigned size, bool is_write,
				    uint64_t *value,
				    const struct vmm_io_range **range)
{
	const struct vmm_io_range *r = lookup(bus, space, addr);
	enum vmm_io_result res = range_check(r, addr, size);
	uint64_t mask = vmm_io_mask(size);
	struct vmm_guard_frame g;

	*range = r;
	if (res == VMM_IO_BAD_SIZE && space == PLUGVM_SPACE_MMIO && size >= 1 &&
	    size <= 8)
		return split_access(r, addr, size, is_write, value);
	if (res != VMM_IO_OK)
		return res;
	g = vmm_guard_enter(vmm_io_range_who(r), is_write ? "write()" : "read()");
	vmm_wake_lock(r->lock); /* a vCPU it wakes: once r->lock is free */
	if (is_write)
		r->write(r->opaque, addr - r->base, size, *value & mask);
	else
		*value = r->read(r->opaque, addr - r->base, size) & mask;
	vmm_wake_unlock(r->lock);
	vmm_guard_leave(g);
	return VMM_IO_OK;
}
