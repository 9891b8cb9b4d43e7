/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iobus.h - the dispatch table: which device owns which address.
 *
 * Two address spaces, port I/O (16-bit) and MMIO (64-bit). Ranges never
 * overlap. Port lookups go through a direct 64 K map (O(1)); MMIO lookups
 * binary-search a sorted array (O(log n)). The table is built while devices
 * are created and frozen before the first vCPU runs; after that it is only
 * read, so lookups take no lock.
 *
 * The access contract (plugin.h's "Accesses" says the same to plugins):
 *   - An access must lie wholly inside one range. One that straddles the
 *     end of a range (or two adjacent ranges) is refused, not split: it is
 *     reported as VMM_IO_STRADDLE and treated like an access to unmapped
 *     space, because splitting would hand a device a partial access it
 *     never asked for.
 *   - A size the range takes reaches the device as it is, aligned or not
 *     (Unicorn, under tcg, makes misaligned MMIO aligned before it gets
 *     here; kvm does not).
 *   - Port I/O of a size the range does not take is refused
 *     (VMM_IO_BAD_SIZE): a port's width is part of its register file.
 *   - MMIO of a size the range does not take (1 to 8 bytes; kvm makes 3,
 *     5, 6 and 7 of a page-crossing access) is split into naturally
 *     aligned pieces of sizes it takes, largest first, lowest address
 *     first, under one hold of the device's lock, as QEMU splits for a
 *     region's `impl` sizes. VMM_IO_BAD_SIZE, with nothing called, only
 *     when some byte cannot be reached that way.
 * vmm_iobus_access() is that contract: plugvm's exit path and the device
 * test kit both go through it.
 *
 * Layer 2 (README.md, "Layout"): calls only the owners' callbacks, the
 * log and wake.h (a locked access is a span of deferred wake-ups). It
 * knows no device: what it needs of an owner (a name for
 * messages, a lock, a statistics slot) is handed to it at registration.
 */
#ifndef VMM_IOBUS_H
#define VMM_IOBUS_H

#include "guard.h"

#include <plugvm/plugin.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * What the bus needs of the owner of a range. The owner keeps it alive as
 * long as its ranges are registered; the bus reads @lock and @stat_slot
 * again when it is frozen, so an owner may settle them until then.
 */
struct vmm_io_owner {
	const char *name; /* in messages, e.g. a device id */
	/* taken around every call when the owner's calls must be
	 * serialized, else NULL */
	pthread_mutex_t *lock;
	/* where the owner's exits are counted: 1 and up, 0 for "nobody" */
	unsigned stat_slot;
	/* whose code the callbacks are, for the crash report (guard.h) */
	struct vmm_guard_who who;
};

/* The low @size bytes (1 to 8) of a 64-bit value: the one access mask. */
static inline __attribute__((always_inline)) uint64_t vmm_io_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

struct vmm_io_range {
	uint64_t base;
	uint64_t last; /* inclusive: base + len - 1, so 2^64-1 is expressible */
	/*
	 * What an access needs, in one cache line: the callbacks copied from
	 * the ops (a missing one replaced by a stub that reads all-ones or
	 * drops the write), so a call takes no further load.
	 */
	uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
	void (*write)(void *opaque, uint64_t offset, unsigned size,
		      uint64_t value);
	void *opaque;
	pthread_mutex_t *lock; /* the owner's lock when its calls must be
				* serialized, else NULL (again at freeze) */
	uint32_t sizes; /* accepted access sizes, PLUGVM_ACCESS_* (never 0) */
	/* the owner's statistics slot (struct vmm_io_owner), copied at
	 * freeze; 0 before and for an owner-less range */
	uint32_t stat_slot;
	/*
	 * Access sizes the inline paths (exit.h) may hand straight to the
	 * callbacks: bit n set for each size n in @sizes, set at freeze;
	 * 0 when @lock is needed (every access then takes the slow path).
	 */
	uint32_t fast_sizes;
	const struct vmm_io_owner *owner; /* NULL: the host itself */
};

/* Whose callbacks @r's are, for vmm_guard_enter(); NULL: the host's. */
static inline __attribute__((always_inline)) const struct vmm_guard_who *
vmm_io_range_who(const struct vmm_io_range *r)
{
	return r->owner ? &r->owner->who : NULL;
}

#define VMM_PIO_PORTS 0x10000u

/* One port of the direct port map. */
struct vmm_pio_port {
	const struct vmm_io_range *range; /* the owner's range, or NULL */
	/* Bit n set: an n-byte access at this port fits the range, is a
	 * size it takes, and needs no lock; such an access can be made
	 * without any further check. */
	uint32_t fast_sizes;
};

struct vmm_iobus;

enum vmm_io_result {
	VMM_IO_OK = 0,
	VMM_IO_UNMAPPED, /* nobody owns the address */
	VMM_IO_STRADDLE, /* the access runs past the end of its range */
	VMM_IO_BAD_SIZE, /* the range does not accept this access size */
};

struct vmm_iobus *vmm_iobus_new(void);
void vmm_iobus_free(struct vmm_iobus *bus);

/*
 * Claim [base, base + len) in @space for @owner (NULL: the host; it is
 * serialized by nobody and counted as nobody). Returns 0; -EINVAL for len
 * 0, a range that wraps past 2^64 or a port range past 0xffff, or NULL
 * ops; -EBUSY when it overlaps an existing range (logged with both owners
 * and both ranges); -EPERM once the bus is frozen; -ENOMEM.
 */
int vmm_iobus_register(struct vmm_iobus *bus, enum plugvm_space space,
		       uint64_t base, uint64_t len,
		       const struct plugvm_io_ops *ops, void *opaque,
		       const struct vmm_io_owner *owner) PLUGVM_MUST_CHECK;

/* Drop every range @owner owns (a create() that failed half-way). */
void vmm_iobus_unregister_owner(struct vmm_iobus *bus,
				const struct vmm_io_owner *owner);

/* No more registrations; lookups from now on need no lock. */
void vmm_iobus_freeze(struct vmm_iobus *bus);

/* The range that holds @addr, or NULL. */
const struct vmm_io_range *vmm_iobus_lookup(const struct vmm_iobus *bus,
					    enum plugvm_space space,
					    uint64_t addr);

/* The ranges of @space in ascending order; *@n gets their count. */
const struct vmm_io_range *vmm_iobus_ranges(const struct vmm_iobus *bus,
					    enum plugvm_space space, size_t *n);

/*
 * One access of @size bytes at @addr (PIO: 1, 2, 4 or 8; MMIO: 1 to 8), by
 * the contract above: find the owner and call it (under the owner's lock,
 * if it has one), split into pieces where MMIO needs
 * it. A read stores the value, truncated to @size, in *@value; a write
 * takes the low @size bytes of *@value. On any result but VMM_IO_OK
 * nothing is called and a read leaves *@value untouched; *@range gets the
 * range found, if any.
 */
enum vmm_io_result vmm_iobus_access(const struct vmm_iobus *bus,
				    enum plugvm_space space, uint64_t addr,
				    unsigned size, bool is_write,
				    uint64_t *value,
				    const struct vmm_io_range **range);

/*
 * The port map, VMM_PIO_PORTS entries, for the exit paths in exit.h to
 * index directly: filled in at freeze, all zero (nobody, nothing fast)
 * before. It stays where it is for the bus's lifetime.
 */
const struct vmm_pio_port *vmm_iobus_pio_map(const struct vmm_iobus *bus);

#endif
