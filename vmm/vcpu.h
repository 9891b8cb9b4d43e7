/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vcpu.h - the shared exit loop (see accel.h for vmm_exit_handle()). */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include "vm.h"

/* Run @vcpu until it halts or the machine stops (threaded accelerators). */
void vmm_vcpu_loop(struct vmm_vcpu *vcpu);

/* Called once when @vcpu halted for good; stops the machine when it was
 * the last vCPU running. Defined in vm.c. */
void vmm_vcpu_halted(struct vmm_vcpu *vcpu);

/*
 * The slow ways of vmm_exit_pio() and vmm_exit_mmio(), out of line, with
 * their contracts: the dispatch table's search, a size or extent the range
 * refuses (MMIO: in pieces it takes), a device that needs its lock, misses
 * and their policy, statistics.
 */
enum vmm_exit_action vmm_exit_pio_slow(struct vmm_vcpu *vcpu, uint64_t port,
				       unsigned size, bool out,
				       uint64_t *value);
enum vmm_exit_action vmm_exit_mmio_slow(struct vmm_vcpu *vcpu, uint64_t addr,
					unsigned size, bool is_write,
					uint64_t *value);

/*
 * The common tail of both: straight to @r's device when @fast (the caller
 * checked that the access fits @r, its size is taken and no lock is needed)
 * and no statistics are collected, else the slow way.
 */
static inline __attribute__((always_inline)) enum vmm_exit_action
vmm_exit_io(struct vmm_vcpu *vcpu, const struct vmm_io_range *r, bool fast,
	    enum vmm_exit_action (*slow)(struct vmm_vcpu *, uint64_t, unsigned,
					 bool, uint64_t *),
	    uint64_t addr, unsigned size, bool is_write, uint64_t *value)
{
	if (__builtin_expect(!fast || vcpu->vm->collect_stats, 0)) {
		/* A copy, so that the caller's value need not live in
		 * memory on the fast path. */
		uint64_t v = *value;
		enum vmm_exit_action act = slow(vcpu, addr, size, is_write, &v);

		*value = v;
		return act;
	}
	if (is_write)
		r->write(r->opaque, addr - r->base, size, *value);
	else
		*value = r->read(r->opaque, addr - r->base, size) &
			 (size >= 8 ? ~0ull : (1ull << (size * 8)) - 1);
	return vmm_vm_stopping(vcpu->vm) ? VMM_EXIT_STOP : VMM_EXIT_CONTINUE;
}

/*
 * One element of a port I/O exit (declared in accel.h): @size is 1, 2 or 4
 * (what IN and OUT move), and an OUT's *@value holds @size bytes,
 * zero-extended. Inline, because under tcg, whose hooks call it once per IN
 * or OUT, it is most of what a PIO exit costs: the port's map entry says
 * whether the access can go straight to the device (it fits, the size is
 * taken, no lock is needed), then the call. Everything else, and every
 * access while statistics are collected, goes the slow way.
 */
static inline __attribute__((always_inline)) enum vmm_exit_action
vmm_exit_pio(struct vmm_vcpu *vcpu, uint16_t port, unsigned size, bool out,
	     uint64_t *value)
{
	const struct vmm_pio_port *p = &vcpu->pio_map[port];

	return vmm_exit_io(vcpu, p->range, (p->fast >> size) & 1,
			   vmm_exit_pio_slow, port, size, out, value);
}

/*
 * One MMIO access of @size (1 to 8) bytes at @addr; a write's *@value holds
 * @size bytes, zero-extended, and a read stores them there. Inline for the
 * same reason as vmm_exit_pio(). Guests hammer one device at a time, so the
 * range this vCPU used last is tried before the search: when the access
 * lies in it, its size is taken and no lock is needed, it goes straight to
 * the device.
 */
static inline __attribute__((always_inline)) enum vmm_exit_action
vmm_exit_mmio(struct vmm_vcpu *vcpu, uint64_t addr, unsigned size,
	      bool is_write, uint64_t *value)
{
	const struct vmm_io_range *r = vcpu->mmio_hint;
	bool fast = r && addr - r->base <= r->last - r->base &&
		    size - 1 <= r->last - addr && ((r->fast >> size) & 1);

	return vmm_exit_io(vcpu, r, fast, vmm_exit_mmio_slow, addr, size,
			   is_write, value);
}

#endif
