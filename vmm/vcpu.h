/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vcpu.h - a vCPU: its accelerator state, its exit handler and statistics.
 *
 * Layer 4 (README.md, "Layout"): a vCPU calls its accelerator
 * (accel.h), the bus (iobus.h) and the log, and nothing above. It reports
 * upward only through the struct vmm_vcpu_events handed to it at
 * creation: that it halted for good, and that the machine must stop (a
 * guest fault, a host failure, a strict-mode miss). Whether the machine is
 * stopping it reads from the stop flag it was given.
 */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include "accel.h"
#include "exit.h"
#include "iobus.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* Why the machine stopped; main turns this into the exit status. */
enum vmm_stop_reason {
	VMM_STOP_NONE = 0,
	VMM_STOP_HALT, /* every vCPU halted with no interrupt possible: 0 */
	VMM_STOP_DEVICE_EXIT, /* a device asked: its status */
	VMM_STOP_FAULT, /* guest fault (incl. a strict-mode miss): 3 */
	VMM_STOP_ERROR, /* host failure: 1 */
	VMM_STOP_TIMEOUT, /* --timeout: 124 */
	VMM_STOP_SIGNAL, /* SIGINT, SIGTERM, SIGHUP, SIGQUIT: 130 */
	VMM_STOP_REBOOT, /* the guest rebooted (a triple fault of a kernel
			  * machine, see shutdown_is_reboot): 0 */
};

/* I/O exits by kind, for the statistics. */
enum vmm_io_kind {
	VMM_IO_PIO_IN,
	VMM_IO_PIO_OUT,
	VMM_IO_MMIO_READ,
	VMM_IO_MMIO_WRITE,
	VMM_NR_IO_KINDS
};

/* Exits of one kind to one owner: how many, and the host time they took
 * (collected only when sink.collect_stats is set). */
struct vmm_io_stat {
	uint64_t count[VMM_NR_IO_KINDS];
	uint64_t ns[VMM_NR_IO_KINDS];
};

/* Other exits of one vCPU. */
enum vmm_stat {
	VMM_STAT_UNMAPPED, /* I/O nobody took (incl. refused accesses) */
	VMM_STAT_HLT,
	VMM_STAT_OTHER, /* faults and failures */
	VMM_STAT_IRQ, /* interrupts acknowledged (sink->inta: tcg) */
	VMM_NR_STATS
};

struct vmm_vcpu;

/* How a vCPU reports upward. Called on the thread running the vCPU. */
struct vmm_vcpu_events {
	/* @vcpu halted for good: nothing can wake it. */
	void (*halted)(void *ctx, struct vmm_vcpu *vcpu);
	/* The machine must stop for @reason (VMM_STOP_FAULT,
	 * VMM_STOP_ERROR or VMM_STOP_REBOOT; the vCPU has said why on the
	 * log). */
	void (*stop)(void *ctx, enum vmm_stop_reason reason);
};

/* What a vCPU is made from; everything it points to outlives the vCPU. */
struct vmm_vcpu_config {
	unsigned index;
	const struct vmm_iobus *bus; /* frozen */
	const struct accel_ops *accel;
	struct accel_vm *accel_vm;
	const struct vmm_regs *regs; /* the state it starts in */
	const _Atomic int *stop_flag; /* nonzero: the machine is stopping */
	/* strict: an access nobody takes is a guest fault */
	bool strict;
	/* rate limit of the -v unmapped-access warning, shared by the
	 * machine's vCPUs */
	atomic_uint *unmapped_warnings;
	/* statistics slots of the bus's owners: 1 + the highest
	 * vmm_io_owner.stat_slot */
	size_t n_stat_slots;
	const struct vmm_vcpu_events *events;
	void *ctx; /* for @events */
	/*
	 * The machine has an interrupt controller (`chipset = pc`, the
	 * accel_vm_config's irqchip): HLT no longer ends the vCPU, the
	 * accelerator waits for an interrupt.
	 */
	bool irqchip;
	/*
	 * A triple fault (VMM_EXIT_SHUTDOWN) is the guest's reboot, which
	 * stops the machine with VMM_STOP_REBOOT (status 0), not a guest
	 * fault (3): a machine that boots a kernel ([linux]), for which a
	 * triple fault is how Linux reboots when nothing else works.
	 */
	bool shutdown_is_reboot;
	/*
	 * The interrupt acknowledge cycle, for accelerators with set_intr()
	 * (tcg): the vector the machine's controller answers (its ack()),
	 * called on the vCPU's thread with @inta_ctx and the vCPU's index.
	 * NULL: no controller
	 * (INTR is then ignored, with a warning).
	 */
	uint8_t (*inta)(void *inta_ctx, unsigned index);
	void *inta_ctx;
};

struct vmm_vcpu {
	/* What the accelerator sees (exit.h); first, for the inline paths. */
	struct vmm_exit_sink sink;
	unsigned index;
	const struct vmm_iobus *bus;
	const struct accel_ops *accel;
	struct accel_vcpu *accel_vcpu; /* the accelerator's per-vCPU state */
	bool strict;
	atomic_uint *unmapped_warnings;
	const struct vmm_vcpu_events *events;
	void *ctx;
	bool irqchip;
	bool shutdown_is_reboot;
	uint8_t (*inta)(void *inta_ctx, unsigned index);
	void *inta_ctx;
	bool halted;
	/* Statistics, written only by the thread running this vCPU. */
	uint64_t stats[VMM_NR_STATS];
	struct vmm_io_stat *io_stats; /* [stat_slot]; [0]: nobody */
	size_t n_stat_slots;
	uint64_t exit_ns; /* handling I/O exits */
};

/*
 * Make @vcpu from @cfg: its statistics and its accelerator's vCPU. Returns
 * 0, or -errno (logged by the accelerator, or -ENOMEM); vmm_vcpu_destroy()
 * cleans up either way.
 */
int vmm_vcpu_init(struct vmm_vcpu *vcpu, const struct vmm_vcpu_config *cfg);
/* Destroy the accelerator's vCPU and free the statistics. */
void vmm_vcpu_destroy(struct vmm_vcpu *vcpu);

/*
 * The exit handler (the sink's @handle): dispatches IO and MMIO exits
 * through the bus, applies the unmapped-access policy, and decides what
 * every other exit means (HLT: halted, reported, unless the machine has an
 * interrupt controller and the accelerator waits; faults and host failures:
 * logged with a register dump, reported as a stop).
 */
enum vmm_exit_action vmm_vcpu_handle_exit(struct vmm_vcpu *vcpu,
					  struct vmm_exit *exit);

/*
 * Run @vcpu once (until its accelerator returns) and handle the exit.
 * A host failure of the accelerator is reported as a stop. Returns what
 * the handler said.
 */
enum vmm_exit_action vmm_vcpu_run_once(struct vmm_vcpu *vcpu);

/* Run @vcpu until it halts or the machine stops (threaded accelerators). */
void vmm_vcpu_loop(struct vmm_vcpu *vcpu);

/* Make a running vmm_vcpu_run_once() return soon. Any thread. */
void vmm_vcpu_kick(struct vmm_vcpu *vcpu);

#endif
