/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * accel.h - the accelerator interface: kvm (the kernel's vCPUs) and tcg
 * (Unicorn, a software vCPU). Both report guest exits as the same records,
 * shaped like struct kvm_run's, which the shared exit handler dispatches
 * through the iobus. See vcpu.c for the loop above them.
 */
#ifndef VMM_ACCEL_H
#define VMM_ACCEL_H

#include "cpu.h"

#include <stdbool.h>
#include <stdint.h>

struct vmm_vm;
struct vmm_vcpu;

enum vmm_exit_reason {
	VMM_EXIT_NONE = 0,
	VMM_EXIT_IO, /* port I/O: io */
	VMM_EXIT_MMIO, /* access outside RAM: mmio */
	VMM_EXIT_HLT, /* HLT */
	VMM_EXIT_SHUTDOWN, /* triple fault */
	VMM_EXIT_EXCEPTION, /* an exception the guest cannot take: exception */
	VMM_EXIT_FAIL_ENTRY, /* the hardware refused to enter: fail_entry */
	VMM_EXIT_INTERNAL_ERROR, /* the accelerator gave up: internal */
	VMM_EXIT_INTR, /* stopped by vmm_vcpu_kick() */
	VMM_EXIT_YIELD, /* time slice over (round-robin tcg SMP) */
	VMM_EXIT_UNKNOWN, /* anything else: unknown.code */
};

/* Time slice of round-robin vCPUs on one thread. */
#define VMM_TIME_SLICE_MS 2

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
			uint32_t vector; /* 0-31, or 256+ for a fetch fault */
			const char *what; /* e.g. "invalid opcode" */
			uint64_t address; /* the faulting address, if any */
		} exception;
		struct {
			uint32_t code;
		} unknown;
	};
};

/* What the shared handler tells the accelerator to do next. */
enum vmm_exit_action {
	VMM_EXIT_CONTINUE = 0, /* resume the guest */
	VMM_EXIT_STOP, /* leave the run loop: the machine is stopping */
};

struct vmm_accel_ops {
	const char *name;
	/*
	 * One host thread per vCPU (kvm), or all vCPUs on the calling
	 * thread in time slices (tcg).
	 */
	bool threaded;
	/* Usable here? 0, or -errno and a reason in *why (static text). */
	int (*probe)(const char **why);
	/*
	 * Set up the VM: vm->ram/ram_size are allocated, the iobus is frozen
	 * and the boot tables are written. Returns 0 or -errno (logged).
	 */
	int (*vm_init)(struct vmm_vm *vm);
	void (*vm_destroy)(struct vmm_vm *vm);
	/* Create vCPU @vcpu->index with @regs as its state. 0 or -errno. */
	int (*vcpu_init)(struct vmm_vcpu *vcpu, const struct vmm_regs *regs);
	void (*vcpu_destroy)(struct vmm_vcpu *vcpu);
	/*
	 * Run until the next exit the shared loop must see and describe it
	 * in @exit. An accelerator may dispatch I/O exits itself through
	 * vmm_exit_handle() (tcg does, from its hooks) and then stops only
	 * for the others. Returns 0, or -errno for a host failure (logged).
	 */
	int (*vcpu_run)(struct vmm_vcpu *vcpu, struct vmm_exit *exit);
	/* Read the vCPU's registers (only while it is not running). */
	int (*get_regs)(struct vmm_vcpu *vcpu, struct vmm_regs *regs);
	/* Make vcpu_run() return VMM_EXIT_INTR soon. Any thread. */
	void (*kick)(struct vmm_vcpu *vcpu);
	/*
	 * Unthreaded accelerators with several vCPUs: end the running
	 * vCPU's time slice (vcpu_run() returns VMM_EXIT_YIELD). Called from
	 * the control thread every VMM_TIME_SLICE_MS. May be NULL.
	 */
	void (*preempt)(struct vmm_vm *vm);
	/* The host wrote guest RAM (DMA): drop translated code. May be NULL. */
	void (*ram_written)(struct vmm_vm *vm, uint64_t gpa, uint64_t len);
};

extern const struct vmm_accel_ops vmm_accel_kvm;
extern const struct vmm_accel_ops vmm_accel_tcg;

/*
 * The shared exit handler: dispatches IO and MMIO exits through the iobus
 * (every element of a rep ins/outs; IN/MMIO-read data written back into
 * @exit), applies the unmapped-access policy, and decides what every other
 * exit means for the machine (halt, guest fault with a register dump, ...).
 */
enum vmm_exit_action vmm_exit_handle(struct vmm_vcpu *vcpu,
				     struct vmm_exit *exit);

/*
 * One element of a port I/O exit: what vmm_exit_handle() does for each
 * element of a VMM_EXIT_IO record, callable directly by an accelerator that
 * sees one IN or OUT at a time (tcg's hooks), without building the record.
 * An IN stores its value, cut to @size bytes, in *@value.
 * It is defined inline in vcpu.h:
 *
 * enum vmm_exit_action vmm_exit_pio(struct vmm_vcpu *vcpu, uint16_t port,
 *				     unsigned size, bool out, uint64_t *value);
 */

#endif
