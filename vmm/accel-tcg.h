/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * accel-tcg.h - what the two files of the tcg accelerator share: its state
 * per VM and per vCPU, and the calls between accel-tcg.c (the engine:
 * vCPUs, the I/O hooks, MMIO windows, the run loop) and accel-tcg-x86.c
 * (the registers, and interrupt and exception delivery). Private to them:
 * not installed, and nothing else includes it.
 *
 * Layer 3, with accel.h (README.md, "Layout"): the tcg accelerator may call
 * Unicorn and what accel.h lets an accelerator call (guest memory, cpu.h,
 * x86-intr.h, the log, the exit sink through exit.h), nothing above.
 */
#ifndef VMM_ACCEL_TCG_H
#define VMM_ACCEL_TCG_H

#include "accel.h"
#include "cpu.h"
#include "exit.h"
#include "guestmem.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unicorn/unicorn.h>

struct tcg_window {
	struct accel_vcpu *tv;
	uint64_t base;
};

/* Nothing runs per VM: each vCPU is an engine. The VM keeps what they
 * share, and its vCPUs for preempt() and ram_written(). */
struct accel_vm {
	const struct vmm_guestmem *mem;
	enum vmm_cpu_mode mode;
	unsigned n_vcpus;
	struct accel_vcpu **vcpus; /* [index], NULL until created */
};

struct accel_vcpu {
	uc_engine *uc;
	struct accel_vm *vm;
	unsigned index;
	struct vmm_exit_sink *sink;
	const struct vmm_guestmem *mem; /* the VM's */
	enum vmm_cpu_mode mode;
	pthread_mutex_t lock;
	bool running; /* inside uc_emu_start(); under @lock */
	bool kicked; /* kick() happened; under @lock */
	bool preempted; /* preempt() ended this run's slice; under @lock */
	bool yield; /* preempt() asked hook_block() to stop at a block start */
	/* what ended the last run, recorded by a hook */
	bool faulted;
	/* An interrupt or exception a hook saw: delivered once the engine
	 * stopped (a register write from the hook would make Unicorn drop
	 * every later uc_emu_stop() of the run, kicks included). */
	bool pending;
	uint32_t pending_vector;
	unsigned pending_skip; /* bytes to step over first: INT 6 */
	/* Unicorn has reported a #DF: see vmm_tcg_decode_fault() */
	bool stale_df;
	struct vmm_exit fault;
	/* MMIO windows: [0] is the catch-all below 4 GiB, when RAM is smaller */
	struct tcg_window **windows;
	size_t n_windows;
};

/* accel-tcg.c, for accel-tcg-x86.c */

/* End the run in guest fault @vector (struct vmm_exit's exception). */
void vmm_tcg_fault_stop(struct accel_vcpu *tv, uint32_t vector,
			const char *what, uint64_t address);

/* accel-tcg-x86.c, for accel-tcg.c */

/* The names of exceptions 0-31; NULL from 22 on. */
extern const char *const vmm_tcg_exception_names[32];

/* One register, through a 64-bit value: 0 or -EINVAL; the value or 0. */
int vmm_tcg_reg_write(uc_engine *uc, int reg, uint64_t v);
uint64_t vmm_tcg_reg_read(uc_engine *uc, int reg);

/* The vCPU's registers in its start mode: from @r, 0 or -EINVAL; to @r. */
int vmm_tcg_set_regs(struct accel_vcpu *tv, const struct vmm_regs *r);
int vmm_tcg_get_regs(struct accel_vcpu *tv, struct vmm_regs *r);

/* The mode the vCPU is in now, which a guest may have changed. */
enum vmm_cpu_mode vmm_tcg_current_mode(struct accel_vcpu *tv);

/* UC_HOOK_INTR and UC_HOOK_INSN_INVALID; user data: the vCPU. */
void vmm_tcg_hook_intr(uc_engine *uc, uint32_t intno, void *user);
bool vmm_tcg_hook_invalid(uc_engine *uc, void *user);

/* Deliver @intno through the IVT or IDT, between runs; or a guest fault. */
void vmm_tcg_deliver(struct accel_vcpu *tv, uint32_t intno);

/* Unicorn 2.0.1's stale fault state: the exception the instruction at
 * CS:EIP raises, or -1; did a run with nothing to say end at a HLT? */
int vmm_tcg_decode_fault(struct accel_vcpu *tv, enum vmm_cpu_mode mode);
bool vmm_tcg_after_hlt(struct accel_vcpu *tv);

#endif
