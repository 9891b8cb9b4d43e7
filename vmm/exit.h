/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exit.h - guest exits, and the sink an accelerator reports them to.
 *
 * Layer 3, with the accelerators (README.md, "Layout"): it may call the
 * bus (iobus.h) and nothing above. An accelerator describes why the guest
 * stopped in a struct vmm_exit, shaped like struct kvm_run's, and hands it
 * to the vCPU's struct vmm_exit_sink, which the vCPU (vcpu.c) gave it at
 * creation. Port I/O and MMIO accesses that go straight to a device take
 * the inline paths below, without a call into the vCPU; everything else
 * goes through the sink's function pointers, so the accelerator never
 * calls upward by name and never sees the vCPU or the machine.
 */
#ifndef VMM_EXIT_H
#define VMM_EXIT_H

#include "iobus.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Why the guest stopped running (a guest exit). */
enum vmm_exit_reason {
	VMM_EXIT_NONE = 0,
	VMM_EXIT_IO, /* port I/O: io */
	VMM_EXIT_MMIO, /* access outside RAM: mmio */
	VMM_EXIT_HLT, /* HLT */
	VMM_EXIT_SHUTDOWN, /* triple fault */
	VMM_EXIT_EXCEPTION, /* an exception the guest cannot take: exception */
	VMM_EXIT_FAIL_ENTRY, /* the hardware refused to enter: fail_entry */
	VMM_EXIT_INTERNAL_ERROR, /* the accelerator gave up: internal */
	VMM_EXIT_INTR, /* stopped by a kick */
	VMM_EXIT_YIELD, /* time slice over (round-robin tcg SMP) */
	VMM_EXIT_UNKNOWN, /* anything else: unknown.code */
};

/*
 * Vectors of VMM_EXIT_EXCEPTION beyond the CPU's 0-31: faults of the
 * software vCPU that are no x86 exception.
 */
#define VMM_EXC_FETCH_OUTSIDE_RAM 256 /* code fetched from outside RAM */
#define VMM_EXC_ENGINE_ERROR 257 /* the emulator failed (tcg) */

#define VMM_IO_IN 0
#define VMM_IO_OUT 1

struct vmm_exit {
	enum vmm_exit_reason reason;
	union {
		struct {
			uint8_t direction; /* VMM_IO_IN or VMM_IO_OUT */
			uint8_t size; /* 1, 2 or 4 */
			uint16_t port;
			uint32_t count; /* > 1 for rep ins/outs */
			uint8_t *data; /* count * size bytes */
		} io;
		struct {
			uint64_t phys_addr;
			uint8_t data[8];
			uint32_t len; /* 1 to 8 */
			uint8_t is_write;
		} mmio;
		struct {
			uint64_t hardware_entry_failure_reason;
		} fail_entry;
		struct {
			uint32_t suberror;
		} internal;
		struct {
			uint32_t vector; /* 0-31, or VMM_EXC_* */
			const char *what; /* e.g. "invalid opcode" */
			uint64_t address; /* the faulting address, if any */
		} exception;
		struct {
			uint32_t code;
		} unknown;
	};
};

/* What the sink tells the accelerator to do next. */
enum vmm_exit_action {
	VMM_ACTION_CONTINUE = 0, /* resume the guest */
	VMM_ACTION_STOP, /* leave the run loop: the vCPU halted or the
			  * machine is stopping */
};

/*
 * What a vCPU hands its accelerator. The first four fields are for the
 * inline paths; @handle and @io_slow do everything else. @run_ns is the
 * accelerator's to add to.
 */
struct vmm_exit_sink {
	/* the bus's port map (VMM_PIO_PORTS entries), one load nearer */
	const struct vmm_pio_port *pio_map;
	/* the MMIO range this vCPU used last, or NULL */
	const struct vmm_io_range *mmio_hint;
	/* the machine's stop flag: nonzero once the machine is stopping */
	const _Atomic int *stop_flag;
	/* count and time exits (then every access takes @io_slow) */
	bool collect_stats;
	/*
	 * Every exit but the accesses the inline paths make: dispatches IO
	 * and MMIO records through the bus (every element of a rep ins/outs;
	 * IN and MMIO-read data written back into @exit), applies the
	 * unmapped-access policy, and decides what every other exit means
	 * for the machine (halt, guest fault with a register dump, ...).
	 */
	enum vmm_exit_action (*handle)(struct vmm_exit_sink *sink,
				       struct vmm_exit *exit);
	/*
	 * One access the inline paths do not make themselves: the bus's
	 * search, a size or extent the range refuses (MMIO: in pieces it
	 * takes), a device that needs its lock, misses and their policy,
	 * statistics. Contract as vmm_exit_pio() / vmm_exit_mmio().
	 */
	enum vmm_exit_action (*io_slow)(struct vmm_exit_sink *sink,
					enum plugvm_space space, uint64_t addr,
					unsigned size, bool is_write,
					uint64_t *value);
	/*
	 * The interrupt acknowledge cycle (accelerators with set_intr(),
	 * tcg): the vector the machine's interrupt controller answers, on
	 * the vCPU's thread at an instruction boundary with IF = 1 and INTR
	 * seen high. NULL on machines without a controller.
	 */
	uint8_t (*inta)(struct vmm_exit_sink *sink);
	/* nanoseconds inside KVM_RUN / uc_emu_start, when collecting */
	uint64_t run_ns;
	/* interrupts taken from HLT on the event thread (tcg's borrowing) */
	uint64_t borrowed;
};

/* CLOCK_MONOTONIC in nanoseconds, for the statistics. */
static inline uint64_t vmm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Hand @exit to @sink (see struct vmm_exit_sink's @handle). */
static inline enum vmm_exit_action vmm_exit_handle(struct vmm_exit_sink *sink,
						   struct vmm_exit *exit)
{
	return sink->handle(sink, exit);
}

/* True once the machine is stopping. */
static inline bool vmm_exit_stopping(const struct vmm_exit_sink *sink)
{
	return atomic_load_explicit(sink->stop_flag, memory_order_relaxed) != 0;
}

/*
 * The common tail of both inline paths: straight to @r's device when
 * @fast (the caller checked that the access fits @r, its size is taken and
 * no lock is needed) and no statistics are collected, else the slow way.
 */
static inline __attribute__((always_inline)) enum vmm_exit_action
vmm_exit_io(struct vmm_exit_sink *sink, const struct vmm_io_range *r,
	    bool fast, enum plugvm_space space, uint64_t addr, unsigned size,
	    bool is_write, uint64_t *value)
{
	if (__builtin_expect(!fast || sink->collect_stats, 0)) {
		/* A copy, so that the caller's value need not live in
		 * memory on the fast path. */
		uint64_t v = *value;
		enum vmm_exit_action act =
			sink->io_slow(sink, space, addr, size, is_write, &v);

		*value = v;
		return act;
	}
	struct vmm_guard_frame g =
		vmm_guard_enter(vmm_io_range_who(r), is_write ? "write()" : "read()");

	if (is_write)
		r->write(r->opaque, addr - r->base, size, *value);
	else
		*value = r->read(r->opaque, addr - r->base, size) &
			 vmm_io_mask(size);
	vmm_guard_leave(g);
	return vmm_exit_stopping(sink) ? VMM_ACTION_STOP : VMM_ACTION_CONTINUE;
}

/*
 * One element of a port I/O exit: @size is 1, 2 or 4 (what IN and OUT
 * move), and an OUT's *@value holds @size bytes, zero-extended; an IN
 * stores its value, cut to @size bytes, in *@value. Inline, because under
 * tcg, whose hooks call it once per IN or OUT, it is most of what a PIO
 * exit costs: the port's map entry says whether the access can go straight
 * to the device (it fits, the size is taken, no lock is needed), then the
 * call. Everything else, and every access while statistics are collected,
 * goes the slow way.
 */
static inline __attribute__((always_inline)) enum vmm_exit_action
vmm_exit_pio(struct vmm_exit_sink *sink, uint16_t port, unsigned size,
	     bool out, uint64_t *value)
{
	const struct vmm_pio_port *p = &sink->pio_map[port];

	return vmm_exit_io(sink, p->range, (p->fast_sizes >> size) & 1,
			   PLUGVM_SPACE_PIO, port, size, out, value);
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
vmm_exit_mmio(struct vmm_exit_sink *sink, uint64_t addr, unsigned size,
	      bool is_write, uint64_t *value)
{
	const struct vmm_io_range *r = sink->mmio_hint;
	bool fast = r && addr - r->base <= r->last - r->base &&
		    size - 1 <= r->last - addr &&
		    ((r->fast_sizes >> size) & 1);

	return vmm_exit_io(sink, r, fast, PLUGVM_SPACE_MMIO, addr, size,
			   is_write, value);
}

#endif
