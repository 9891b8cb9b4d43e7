/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * accel-tcg.h - what the three files of the tcg accelerator share: its
 * state per VM and per vCPU, and the calls between accel-tcg.c (the
 * engine: vCPUs, the I/O hooks, MMIO windows, the run loop),
 * accel-tcg-x86.c (the registers, and interrupt and exception delivery)
 * and accel-tcg-intr.c (what other threads ask: INTR, host writes to RAM;
 * HLT waits). Private to them: not installed, and nothing else includes
 * it.
 *
 * Layer 3, with accel.h (README.md, "Layout"): the tcg accelerator may call
 * Unicorn and what accel.h lets an accelerator call (guest memory, cpu.h,
 * x86-intr.h, the log, the exit sink through exit.h), nothing above.
 */
#ifndef VMM_ACCEL_TCG_H
#define VMM_ACCEL_TCG_H

#include "accel.h"
#include "cpu.h"
#include "events.h"
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

/* ram_written() ranges a vCPU keeps before it flushes every block. */
#define TCG_FLUSH_RANGES 8

/* The longest halt poll (vmm_tcg_wait()): the event thread's, for the
 * same reasons (events.h). */
#define TCG_HALT_POLL_MAX_NS VMM_EVENTS_POLL_NS

/* What the event thread runs of a vCPU it woke from HLT (borrow() in
 * accel-tcg-intr.c) before it hands the vCPU to its own thread: blocks
 * started, and time (meanwhile, every timer and watch waits). */
#define TCG_BORROW_BLOCKS 128
#define TCG_BORROW_NS 50000u

/* Nothing runs per VM: each vCPU is an engine. The VM keeps what they
 * share, and its vCPUs for preempt(), ram_written() and HLT waits. */
struct accel_vm {
	const struct vmm_guestmem *mem;
	enum vmm_cpu_mode mode;
	unsigned n_vcpus;
	struct accel_vcpu **vcpus; /* [index], NULL until created */
	/* cfg->irqchip: INTR inputs, and HLT waits for an interrupt */
	bool irqchip;
	/*
	 * The vCPUs' waits in HLT (accel-tcg-intr.c): the thread running
	 * them blocks on @wake while none can run; set_intr(), kick() and
	 * so a stop broadcast it. @wait_lock also guards each vCPU's
	 * waiting and wait_if.
	 */
	pthread_mutex_t wait_lock;
	pthread_cond_t wake;
	/* bumped (atomically) at each broadcast of @wake: what a polling
	 * waiter watches instead of sleeping on @wake */
	unsigned wake_gen;
	bool can_poll; /* the host has CPUs to spare for halt polling */
	/*
	 * Borrowing (accel-tcg-intr.c): the vCPUs' thread sleeps on @wake
	 * (@asleep), so every vCPU waits in HLT; the event thread that
	 * raised an INTR runs that vCPU itself (@borrowed) while the
	 * vCPUs' thread keeps sleeping, or waits for it if it wakes
	 * (@borrow_waited). All under @wait_lock.
	 */
	bool asleep;
	struct accel_vcpu *borrowed;
	bool borrow_waited;
	bool no_borrow; /* PLUGVM_TCG_NO_BORROW set: always wake */
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
	/*
	 * Other threads never stop or change the engine while it runs: they
	 * set a cause (yield, intr, flush_pending) and then @attention, and
	 * hook_block() acts at the next block start (vmm_tcg_attention()).
	 * All three and @attention are accessed with __atomic builtins.
	 */
	bool attention;
	bool intr; /* the INTR input's level (set_intr()) */
	/* halt polling: how long this vCPU's next wait polls first
	 * (vmm_tcg_wait(), adapted to the waits before it); 0: it sleeps */
	uint64_t poll_ns;
	/*
	 * How a borrowed run ended when it did not halt again, for the
	 * vCPUs' thread (tcg_vcpu_run()) to go on from: set under
	 * vm->wait_lock, @has_handoff with __atomic builtins.
	 */
	bool has_handoff;
	struct vmm_exit handoff;
	/* the thread running the vCPU's own (its thread's, or a borrower's): */
	unsigned budget; /* blocks a borrowed run has left; 0: not borrowed */
	uint64_t budget_end; /* ... and when it ends (vmm_now_ns()) */
	bool hook_stopped; /* hook_block() stopped this run */
	bool take_intr; /* ... to take INTR (IF = 1, no shadow) */
	bool first_block; /* the slow path has not run yet in this run */
	/* the slow path will see the next block too, which follows the one
	 * ending at @prev_end (the STI shadow needs it) */
	bool prev_known;
	uint64_t prev_end;
	bool warned_if0; /* said that it halted with IF = 0 */
	bool warned_no_inta; /* said that INTR has no acknowledge */
	bool warned_unmapped_write; /* said ram_written() could not drop */
	/* in HLT, waiting for INTR (with IF = @wait_if); vm->wait_lock */
	bool waiting;
	bool wait_if;
	/* ram_written() ranges not yet flushed: under @flush_lock */
	pthread_mutex_t flush_lock;
	bool flush_pending; /* __atomic too, for the block hook */
	bool flush_all; /* more than TCG_FLUSH_RANGES: merged into one */
	unsigned n_flush;
	struct {
		uint64_t start, end;
	} flush[TCG_FLUSH_RANGES];
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

/* accel-tcg.c, for the other two */

/* If @tv runs, end its time slice at its next block start. Any thread. */
void vmm_tcg_end_slice(struct accel_vcpu *tv);

/* End the run in guest fault @vector (struct vmm_exit's exception). */
void vmm_tcg_fault_stop(struct accel_vcpu *tv, uint32_t vector,
			const char *what, uint64_t address);

/*
 * Run @tv, which waited in HLT and took its interrupt, on the calling
 * thread for at most TCG_BORROW_BLOCKS blocks. Returns true when it
 * halted again (and waits); otherwise the run's end is in @exit.
 */
bool vmm_tcg_run_borrowed(struct accel_vcpu *tv, struct vmm_exit *exit);

/* accel-tcg-intr.c: INTR, HLT waits, ram_written(); for accel-tcg.c */

/* set_intr(), ram_written() and what kick() adds (any thread). */
void vmm_tcg_set_intr(struct accel_vcpu *tv, bool level);
void vmm_tcg_ram_written(struct accel_vm *vm, uint64_t gpa, uint64_t len);
void vmm_tcg_wake(struct accel_vm *vm);

/* How many of @vm's vCPUs can run: not waiting in HLT, or woken. */
unsigned vmm_tcg_runnable(struct accel_vm *vm);

/* The slow path of hook_block(), @attention set: decide whether to stop
 * at the block at linear address @pc, of @size bytes. */
void vmm_tcg_attention(struct accel_vcpu *tv, uint64_t pc, uint32_t size);

/* Between runs: flush what ram_written() queued; ask the block hook to
 * look at INTR when it is high, and at every block of a borrowed run. */
void vmm_tcg_before_run(struct accel_vcpu *tv);

/* Between runs, at an instruction boundary: take INTR if it is high, IF
 * is 1 and there is an acknowledge (sink->inta), as VMM_X86_INTR_EXTERNAL
 * with the current CS:EIP as return address. True if an interrupt was
 * delivered (or its delivery faulted: tv->faulted). */
bool vmm_tcg_take_intr(struct accel_vcpu *tv);

/* A run ended in HLT (cfg->irqchip): take INTR now, or begin to wait
 * (true) for it, logging a HLT with IF = 0 once. */
bool vmm_tcg_halt(struct accel_vcpu *tv);

/* The vCPU waits in HLT: block while no vCPU of its VM can run. Returns
 * VMM_EXIT_NONE when it may go on (its interrupt delivered),
 * VMM_EXIT_INTR when kicked or stopping, VMM_EXIT_YIELD when another vCPU
 * can run. */
enum vmm_exit_reason vmm_tcg_wait(struct accel_vcpu *tv);

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
/* The same for a hardware interrupt (VMM_X86_INTR_EXTERNAL): it returns
 * to the current CS:EIP. */
void vmm_tcg_deliver_external(struct accel_vcpu *tv, uint8_t vector);
/* The guest's RFLAGS now; whether CR0.PG is set. */
uint64_t vmm_tcg_rflags(struct accel_vcpu *tv);
bool vmm_tcg_paging(struct accel_vcpu *tv);
/* May uc_ctl_remove_cache() look up @addr's page: 1 yes (paging off, or
 * mapped to itself, executable); 0 no code there; -1 mapped elsewhere. */
int vmm_tcg_code_page(struct accel_vcpu *tv, uint64_t addr);

/* Unicorn 2.0.1's stale fault state: the exception the instruction at
 * CS:EIP raises, or -1; did a run with nothing to say end at a HLT? */
int vmm_tcg_decode_fault(struct accel_vcpu *tv, enum vmm_cpu_mode mode);
bool vmm_tcg_after_hlt(struct accel_vcpu *tv);

#endif
