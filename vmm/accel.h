/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * accel.h - the accelerator interface: kvm (the kernel's vCPUs) and tcg
 * (Unicorn, a software vCPU).
 *
 * Layer 3 (README.md, "Layout"): an accelerator may call guest memory
 * (guestmem.h), the x86 register set-up (cpu.h), interrupt delivery
 * (x86-intr.h, tcg), the host's kind of KVM (kvm-host.h, kvm), the log and,
 * through the
 * inline paths and function pointers of exit.h, the exit sink a vCPU hands
 * it; the bus only through those inline paths. It never sees the machine
 * or the vCPU above the sink: what it needs of the VM comes in a struct
 * accel_vm_config, and it keeps its own state per VM (struct accel_vm) and
 * per vCPU (struct accel_vcpu), both private to it.
 */
#ifndef VMM_ACCEL_H
#define VMM_ACCEL_H

#include "cpu.h"
#include "exit.h"
#include "guestmem.h"

#include <stdbool.h>
#include <stdint.h>

/* Time slice of round-robin vCPUs on one thread. */
#define VMM_TIME_SLICE_MS 2

struct accel_vm; /* per VM, the accelerator's own */
struct accel_vcpu; /* per vCPU, the accelerator's own */

/* What an accelerator needs to know of the machine it runs. */
struct accel_vm_config {
	/* guest RAM at guest-physical 0: allocated, the images loaded and
	 * the boot tables written; it outlives the accel_vm */
	const struct vmm_guestmem *mem;
	unsigned n_vcpus;
	enum vmm_cpu_mode mode; /* the mode every vCPU starts in */
	/*
	 * `chipset = pc`. kvm: the kernel's interrupt controllers and PIT
	 * (KVM_CREATE_IRQCHIP, KVM_CREATE_PIT2), lines driven with
	 * irq_line(). tcg: vCPU 0 has an INTR input (set_intr()), taken at
	 * instruction boundaries through the sink's inta(), and HLT waits
	 * for it instead of ending the vCPU.
	 */
	bool irqchip;
	/*
	 * With irqchip on kvm: vCPUs other than 0 wait for INIT and SIPI
	 * from vCPU 0 (their start registers are then unused), as a kernel
	 * that brings up its own CPUs expects (Linux's SMP boot, from the
	 * MP table). Without it they run from their start state at once.
	 * tcg ignores it (it cannot run such kernels).
	 */
	bool aps_wait_sipi;
};

struct accel_ops {
	const char *name;
	/*
	 * One host thread per vCPU (kvm), or all vCPUs on the calling
	 * thread in time slices (tcg).
	 */
	bool threaded;
	/* Usable here? 0, or -errno and a reason in *why (static text). */
	int (*probe)(const char **why);
	/* Set up the VM: 0 and *@out, or -errno (logged). */
	int (*vm_create)(const struct accel_vm_config *cfg,
			 struct accel_vm **out);
	/* After every vCPU of it is destroyed. NULL is fine. */
	void (*vm_destroy)(struct accel_vm *vm);
	/*
	 * Create vCPU @index (below cfg->n_vcpus) of @vm with @regs as its
	 * state; it reports its exits to @sink, which outlives it. 0 and
	 * *@out, or -errno (logged).
	 */
	int (*vcpu_create)(struct accel_vm *vm, unsigned index,
			   struct vmm_exit_sink *sink,
			   const struct vmm_regs *regs,
			   struct accel_vcpu **out);
	void (*vcpu_destroy)(struct accel_vcpu *vcpu); /* NULL is fine */
	/*
	 * Run until the next exit the sink's caller must see and describe
	 * it in @exit. An accelerator may dispatch I/O exits itself through
	 * the sink (tcg does, from its hooks; kvm, without leaving
	 * vcpu_run()) and then returns only for the others. Returns 0, or
	 * -errno for a host failure (logged).
	 */
	int (*vcpu_run)(struct accel_vcpu *vcpu, struct vmm_exit *exit);
	/* Read the vCPU's registers (only while it is not running). */
	int (*get_regs)(struct accel_vcpu *vcpu, struct vmm_regs *regs);
	/* Make vcpu_run() return VMM_EXIT_INTR soon. Any thread. */
	void (*kick)(struct accel_vcpu *vcpu);
	/*
	 * Unthreaded accelerators with several vCPUs: end the running
	 * vCPU's time slice (vcpu_run() returns VMM_EXIT_YIELD). Called from
	 * the control thread every VMM_TIME_SLICE_MS. Returns false when
	 * slices do not matter now, as at most one vCPU can run (the others
	 * wait in HLT), and then the caller may call it less often. May be
	 * NULL.
	 */
	bool (*preempt)(struct accel_vm *vm);
	/*
	 * The host wrote guest RAM (DMA): drop translated code. Any thread,
	 * also while the vCPUs run. May be NULL.
	 */
	void (*ram_written)(struct accel_vm *vm, uint64_t gpa, uint64_t len);
	/*
	 * With cfg->irqchip, accelerators whose kernel has the interrupt
	 * controllers (kvm): drive line (GSI) @gsi to @level. Any thread.
	 * 0 or -errno. NULL: the chipset's plugins are the controllers.
	 */
	int (*irq_line)(struct accel_vm *vm, unsigned gsi, bool level);
	/*
	 * With cfg->irqchip, accelerators without one (tcg): the INTR input
	 * of @vcpu. While it is high and the guest's IF is 1 (and no
	 * interrupt shadow), the vCPU calls its sink's inta() at the next
	 * instruction boundary and delivers the vector; a vCPU waiting in
	 * HLT wakes up. Any thread. NULL: the kernel does it (kvm).
	 */
	void (*set_intr)(struct accel_vcpu *vcpu, bool level);
};

extern const struct accel_ops vmm_accel_kvm;
extern const struct accel_ops vmm_accel_tcg;

#endif
