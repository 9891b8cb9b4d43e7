// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * accel-tcg-intr.c - what other threads ask of the software vCPU, and its
 * INTR input: set_intr(), ram_written(), HLT waiting for an interrupt.
 *
 * Unicorn 2.0.1 is not safe to touch from another thread while it runs: a
 * uc_emu_stop() from there can land just after an IN or OUT, before EIP
 * moved past it, and the guest does it again; uc_ctl_remove_cache() from
 * there walks the TLB and the translation tables under the running engine
 * (plugvm crashed or hung in 9 of 10 runs with a plugin's thread writing
 * guest code at 1 kHz). So another thread only records what it wants (INTR
 * high, a range of RAM written, the end of a time slice) and sets the
 * vCPU's attention flag; the block hook, which costs one load per block
 * while the flag is clear, acts at the next block start: it stops the
 * engine there, before the block's first instruction, and the rest happens
 * between runs on the thread running the vCPU (flushing blocks,
 * delivering).
 *
 * Interrupts. INTR is taken at a block start with IF = 1 and no interrupt
 * shadow, or when a HLT ended the run (the return address is then past the
 * HLT). Unicorn does not expose QEMU's HF_INHIBIT_IRQ, but like QEMU it
 * ends a block after STI, MOV SS and POP SS, and the next block holds the
 * shadowed instruction alone (checked on Debian's 2.0.1). A block that
 * follows the block before it in memory (the hook's slow path records
 * where each block it sees ends), and whose preceding bytes end such an
 * instruction (fb, 17, or 8e /2 with its ModRM, SIB and displacement), is
 * therefore let run before INTR is taken; when the block before went by
 * unseen, the bytes alone decide. Bytes that only look like it delay the
 * interrupt by one block, never lose it. `sti; hlt` with INTR already high thus takes
 * the interrupt after the HLT, as the CPU does. Unicorn reports a HLT as
 * the end of the run; with an interrupt controller (cfg->irqchip) the vCPU
 * then waits: round-robin skips it (vcpu_run() returns VMM_EXIT_YIELD at
 * once while another vCPU can run) and when none can, the thread blocks on
 * the VM's condition variable until set_intr(), a kick or a stop. An
 * INTR that a timer or watch callback raises then is taken by the event
 * thread itself, after its callbacks, rather than by waking that thread
 * (borrow() below).
 */
#include "config.h"

#include "accel-tcg.h"
#include "log.h"
#include "wake.h"

#include <inttypes.h>
#include <pthread.h>
#include <string.h>
#include <unicorn/unicorn.h>

static void set_attention(struct accel_vcpu *tv)
{
	__atomic_store_n(&tv->attention, true, __ATOMIC_RELEASE);
}

static bool intr_high(struct accel_vcpu *tv)
{
	return __atomic_load_n(&tv->intr, __ATOMIC_ACQUIRE);
}

void vmm_tcg_wake(struct accel_vm *vm)
{
	pthread_mutex_lock(&vm->wait_lock);
	vm->asleep = false; /* woken: no borrowing until it sleeps again */
	__atomic_add_fetch(&vm->wake_gen, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&vm->wait_lock);
	/* after the unlock: a woken waiter does not block on the lock */
	pthread_cond_broadcast(&vm->wake);
}

/* Could @tv take an interrupt if it ran? (vm->wait_lock held) */
static bool runnable(struct accel_vcpu *tv)
{
	return !tv->waiting ||
	       (tv->wait_if && tv->sink->inta && intr_high(tv));
}

unsigned vmm_tcg_runnable(struct accel_vm *vm)
{
	unsigned n = 0;

	pthread_mutex_lock(&vm->wait_lock);
	for (unsigned i = 0; i < vm->n_vcpus; i++)
		n += vm->vcpus[i] && runnable(vm->vcpus[i]);
	pthread_mutex_unlock(&vm->wait_lock);
	return n;
}

/*
 * Wake @arg's vCPU for its INTR, if it waits in HLT and could take it now
 * (vmm_wake(): perhaps only once the raiser let go of its locks).
 */
static void wake_for_intr(void *arg)
{
	struct accel_vcpu *tv = arg;
	struct accel_vm *vm = tv->vm;
	bool woken;

	pthread_mutex_lock(&vm->wait_lock);
	if (vm->borrowed == tv) {
		/* it runs on a borrower, which sees INTR at a block start or
		 * as it hands the vCPU back (borrow()) */
		pthread_mutex_unlock(&vm->wait_lock);
		return;
	}
	woken = tv->waiting && runnable(tv);
	vm->asleep = false;
	__atomic_add_fetch(&vm->wake_gen, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&vm->wait_lock);
	pthread_cond_broadcast(&vm->wake);
	/*
	 * It waited in HLT: the vCPU running on the round-robin thread, if
	 * any, makes way at its next block start, so that the interrupt
	 * does not wait for the end of a slice (which is longer while only
	 * one vCPU could run: see run.c).
	 */
	for (unsigned i = 0; woken && i < vm->n_vcpus; i++)
		if (vm->vcpus[i] && vm->vcpus[i] != tv)
			vmm_tcg_end_slice(vm->vcpus[i]);
}

/*
 * Borrowing, on the event thread, once its round of callbacks is over: the
 * vCPU it raised INTR for waits in HLT, and so does every other one, on a
 * thread asleep. Waking that thread would cost it a context switch (tens
 * of microseconds on some hosts, all of an idle guest's cost), for an
 * interrupt handler that mostly takes a few blocks; this thread, awake
 * anyway, runs them instead, and only a vCPU that has not halted again
 * after TCG_BORROW_BLOCKS blocks (or stopped for anything but HLT) goes
 * to its own thread, which goes on from there (tcg_vcpu_run()). That
 * thread, should it wake meanwhile, waits for the borrower.
 */
static void borrow(void *arg)
{
	struct accel_vcpu *tv = arg;
	struct accel_vm *vm = tv->vm;
	struct vmm_exit exit = { .reason = VMM_EXIT_NONE };
	bool halted = true, wake;

	pthread_mutex_lock(&vm->wait_lock);
	if (!vm->asleep || vm->borrowed || !tv->waiting || !runnable(tv) ||
	    __atomic_load_n(&tv->kicked, __ATOMIC_ACQUIRE) ||
	    vmm_exit_stopping(tv->sink)) {
		pthread_mutex_unlock(&vm->wait_lock);
		wake_for_intr(tv);
		return;
	}
	vm->borrowed = tv;
	tv->waiting = false;
	pthread_mutex_unlock(&vm->wait_lock);

	/* INTR may have fallen since: then it waits on */
	tv->faulted = false;
	if (vmm_tcg_take_intr(tv)) {
		if (tv->faulted) { /* the delivery: for its thread to say */
			exit = tv->fault;
			halted = false;
		} else {
			tv->sink->borrowed++;
			halted = vmm_tcg_run_borrowed(tv, &exit);
		}
	}

	pthread_mutex_lock(&vm->wait_lock);
	if (!halted) {
		tv->handoff = exit;
		__atomic_store_n(&tv->has_handoff, true, __ATOMIC_RELEASE);
	} else {
		tv->waiting = true;
	}
	vm->borrowed = NULL;
	wake = !halted || vm->borrow_waited;
	vm->borrow_waited = false;
	for (unsigned i = 0; i < vm->n_vcpus && !wake; i++)
		wake = vm->vcpus[i] && runnable(vm->vcpus[i]);
	pthread_mutex_unlock(&vm->wait_lock);
	if (wake)
		vmm_tcg_wake(vm);
}

/* vmm_wake()'s: borrow the vCPU on the event thread, or wake it. */
static void intr_wake(void *arg)
{
	struct accel_vcpu *tv = arg;

	if (tv->vm->no_borrow || !vmm_events_after_round(borrow, tv))
		wake_for_intr(tv);
}

void vmm_tcg_set_intr(struct accel_vcpu *tv, bool level)
{
	__atomic_store_n(&tv->intr, level, __ATOMIC_RELEASE);
	if (!level)
		return;
	set_attention(tv);
	/* after the store: a waiter checks @intr under the lock */
	vmm_wake(intr_wake, tv);
}

/* Add [@start, @end) to @tv's queue, merging with a range it touches. */
static void queue_flush(struct accel_vcpu *tv, uint64_t start, uint64_t end)
{
	pthread_mutex_lock(&tv->flush_lock);
	if (!tv->flush_all) {
		unsigned i;

		for (i = 0; i < tv->n_flush; i++)
			if (start <= tv->flush[i].end &&
			    tv->flush[i].start <= end)
				break;
		if (i < tv->n_flush) {
			if (start < tv->flush[i].start)
				tv->flush[i].start = start;
			if (end > tv->flush[i].end)
				tv->flush[i].end = end;
		} else if (tv->n_flush < TCG_FLUSH_RANGES) {
			tv->flush[tv->n_flush].start = start;
			tv->flush[tv->n_flush].end = end;
			tv->n_flush++;
		} else {
			tv->flush_all = true;
		}
	}
	if (tv->flush_all) { /* one range over them all */
		for (unsigned i = 0; i < tv->n_flush; i++) {
			if (tv->flush[i].start < start)
				start = tv->flush[i].start;
			if (tv->flush[i].end > end)
				end = tv->flush[i].end;
		}
		tv->flush[0].start = start;
		tv->flush[0].end = end;
		tv->n_flush = 1;
	}
	__atomic_store_n(&tv->flush_pending, true, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&tv->flush_lock);
	set_attention(tv);
}

void vmm_tcg_ram_written(struct accel_vm *vm, uint64_t gpa, uint64_t len)
{
	uint64_t end = gpa + len;

	if (!len)
		return;
	if (end < gpa) /* wrapped: up to the top */
		end = UINT64_MAX;
	for (unsigned i = 0; i < vm->n_vcpus; i++) {
		/* a device's thread may write while the vCPUs are made */
		struct accel_vcpu *tv =
			__atomic_load_n(&vm->vcpus[i], __ATOMIC_ACQUIRE);

		if (tv)
			queue_flush(tv, gpa, end);
	}
}

/*
 * Drop the translated blocks ram_written() asked for; on the vCPU's thread,
 * between runs. Never all of them: Unicorn 2.0.1's UC_CTL_TB_FLUSH clears
 * its whole 1 GiB translation buffer (120 ms and more, and 1 GiB of RSS
 * the first time). uc_ctl_remove_cache() takes linear addresses and
 * translates them through the guest's page tables outside the run loop,
 * as an instruction fetch, where a page fault would crash the process:
 * with paging on, it is called page by page, for the pages the guest maps
 * to themselves and may execute (as plugvm's tables do); a page it cannot
 * execute holds no code; blocks of a page the guest maps elsewhere are not
 * dropped (said once).
 */
static void apply_flush(struct accel_vcpu *tv)
{
	struct {
		uint64_t start, end;
	} r[TCG_FLUSH_RANGES];
	unsigned n;
	bool paging;

	if (!__atomic_load_n(&tv->flush_pending, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&tv->flush_lock);
	n = tv->n_flush;
	memcpy(r, tv->flush, n * sizeof(r[0]));
	tv->n_flush = 0;
	tv->flush_all = false;
	__atomic_store_n(&tv->flush_pending, false, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&tv->flush_lock);

	paging = vmm_tcg_paging(tv);
	for (unsigned i = 0; i < n; i++) {
		uint64_t top = vmm_guestmem_top(tv->mem);
		uint64_t end = r[i].end < top ? r[i].end : top;

		if (r[i].start >= end)
			continue;
		if (!paging) {
			uc_ctl_remove_cache(tv->uc, r[i].start, end);
			continue;
		}
		for (uint64_t p = r[i].start & ~0xfffull; p < end; p += 4096) {
			uint64_t a = p > r[i].start ? p : r[i].start;
			uint64_t b = p + 4096 < end ? p + 4096 : end;

			int code = vmm_tcg_code_page(tv, p);

			if (code > 0)
				uc_ctl_remove_cache(tv->uc, a, b);
			else if (code < 0 && !tv->warned_unmapped_write) {
				tv->warned_unmapped_write = true;
				vmm_warn("vCPU %u: tcg: a device wrote RAM at 0x%" PRIx64
					 " that the guest's page tables do not map to itself; code translated from it may stay stale",
					 tv->index, p);
			}
		}
	}
}

void vmm_tcg_before_run(struct accel_vcpu *tv)
{
	apply_flush(tv);
	tv->first_block = true;
	tv->prev_known = false;
	if (tv->budget || intr_high(tv) ||
	    __atomic_load_n(&tv->flush_pending, __ATOMIC_RELAXED))
		set_attention(tv);
}

/* Length of a ModRM operand (ModRM, SIB, displacement) at @b, 16- or
 * 32-bit addressing. */
static size_t modrm_len(const uint8_t *b, size_t n, bool addr32)
{
	unsigned mod = b[0] >> 6, rm = b[0] & 7;

	if (mod == 3)
		return 1;
	if (!addr32)
		return 1 + (mod == 1 ? 1 : mod == 2 || (mod == 0 && rm == 6) ? 2 : 0);
	if (rm == 4) { /* SIB */
		if (n < 2)
			return 0;
		return 2 + (mod == 1 ? 1
			    : mod == 2 || (mod == 0 && (b[1] & 7) == 5) ? 4
									: 0);
	}
	return 1 + (mod == 1 ? 1 : mod == 2 || (mod == 0 && rm == 5) ? 4 : 0);
}

/*
 * Does the instruction ending just before linear address @pc open an
 * interrupt shadow: STI, POP SS, MOV SS? (Linear as physical, as plugvm's
 * page tables map them; outside RAM: no.) Bytes that merely look like one
 * say yes, which only delays an interrupt by one block.
 */
static bool shadowed(struct accel_vcpu *tv, uint64_t pc)
{
	enum { MAX = 8 }; /* 8e, ModRM, SIB, disp32, and a little */
	uint8_t b[MAX];
	size_t n = pc < MAX ? (size_t)pc : MAX;
	const uint8_t *end = b + MAX;

	if (!n || vmm_guestmem_read(tv->mem, pc - n, b + MAX - n, n))
		return false;
	if (end[-1] == 0xfb || end[-1] == 0x17)
		return true;
	for (size_t k = 2; k <= n; k++) {
		const uint8_t *op = end - k;

		if (op[0] != 0x8e || ((op[1] >> 3) & 7) != 2)
			continue;
		if (k == 1 + modrm_len(op + 1, k - 1, false) ||
		    k == 1 + modrm_len(op + 1, k - 1, true))
			return true;
	}
	return false;
}

/* INTR is high but nobody can answer INTA: say so once, ignore it. */
static bool can_ack(struct accel_vcpu *tv)
{
	if (tv->sink->inta)
		return true;
	if (!tv->warned_no_inta) {
		tv->warned_no_inta = true;
		vmm_warn("vCPU %u: INTR raised on a machine without an interrupt controller; ignored",
			 tv->index);
	}
	return false;
}

void vmm_tcg_attention(struct accel_vcpu *tv, uint64_t pc, uint32_t size)
{
	bool stop = false, first = tv->first_block, again = false;
	/* where the block before this one ended, if this path saw it */
	bool prev_known = tv->prev_known;
	uint64_t prev_end = tv->prev_end;

	/* clear first: a cause set from now on sets it again */
	__atomic_store_n(&tv->attention, false, __ATOMIC_SEQ_CST);
	tv->first_block = false;
	if (__atomic_load_n(&tv->yield, __ATOMIC_ACQUIRE))
		stop = true;
	/* a borrowed run: every block start is counted, and the 128th (or
	 * the first after TCG_BORROW_NS) stops it before the block runs */
	if (tv->budget && (--tv->budget == 0 || vmm_now_ns() >= tv->budget_end)) {
		tv->budget = 0;
		stop = true;
	} else if (tv->budget) {
		again = true;
	}
	/*
	 * Blocks to drop: stop, and they are dropped before the next run.
	 * But the first time here in a run (at its first block when there
	 * was a flush pending as it began) go on and stop at the next
	 * block: a host writing faster than the vCPU gets through one block
	 * would otherwise keep it from running at all.
	 */
	if (__atomic_load_n(&tv->flush_pending, __ATOMIC_ACQUIRE)) {
		if (first)
			again = true;
		else
			stop = true;
	}
	if (!stop && intr_high(tv) && can_ack(tv)) {
		/*
		 * IF = 0 or a shadow: look again at the next block start
		 * (STI, POPF and IRET, which set IF, all end a block). The
		 * shadow needs the block before to have ended here: a loop
		 * whose first instruction follows an STI would otherwise
		 * look shadowed at every turn and never be interrupted.
		 * When the block before went by unseen, the bytes decide.
		 */
		if (!(vmm_tcg_rflags(tv) & X86_RFLAGS_IF) ||
		    ((!prev_known || prev_end == pc) && shadowed(tv, pc))) {
			again = true;
		} else {
			tv->take_intr = true;
			stop = true;
		}
	}
	if (stop) {
		tv->hook_stopped = true;
		uc_emu_stop(tv->uc);
	}
	/* Looking again at the next block: then this one will be known. */
	tv->prev_known = again && !stop;
	tv->prev_end = pc + size;
	if (again)
		set_attention(tv);
}

bool vmm_tcg_take_intr(struct accel_vcpu *tv)
{
	uint8_t vector;

	tv->take_intr = false;
	if (!intr_high(tv) || !can_ack(tv) ||
	    !(vmm_tcg_rflags(tv) & X86_RFLAGS_IF))
		return false;
	vector = tv->sink->inta(tv->sink);
	vmm_tcg_deliver_external(tv, vector);
	/* INTR may stay high (another request): look again soon */
	if (intr_high(tv))
		set_attention(tv);
	return true;
}

bool vmm_tcg_halt(struct accel_vcpu *tv)
{
	bool if1;

	if (vmm_tcg_take_intr(tv))
		return false;
	if1 = (vmm_tcg_rflags(tv) & X86_RFLAGS_IF) != 0;
	if (!if1 && !tv->warned_if0) {
		tv->warned_if0 = true;
		vmm_warn("vCPU %u halted with interrupts disabled; only --timeout, a signal or a device can end the machine now",
			 tv->index);
	}
	pthread_mutex_lock(&tv->vm->wait_lock);
	tv->waiting = true;
	tv->wait_if = if1;
	pthread_mutex_unlock(&tv->vm->wait_lock);
	return true;
}

/*
 * Halt polling, the vCPU's half (KVM's halt_poll_ns): before sleeping on
 * vm->wake, watch vm->wake_gen for up to tv->poll_ns, so that a wake-up
 * that comes within microseconds (an interrupt at a high rate) costs no
 * context switch. The window adapts to the waits: it starts and doubles
 * while waits end within TCG_HALT_POLL_MAX_NS without polling catching
 * them, and drops to 0 after a longer one, so a guest idling between
 * timer ticks never polls. vm->wait_lock held on entry and on return.
 */
static void poll_wake(struct accel_vcpu *tv)
{
	struct accel_vm *vm = tv->vm;
	unsigned gen = __atomic_load_n(&vm->wake_gen, __ATOMIC_ACQUIRE);
	uint64_t end = vmm_now_ns() + tv->poll_ns;

	pthread_mutex_unlock(&vm->wait_lock);
	while (__atomic_load_n(&vm->wake_gen, __ATOMIC_ACQUIRE) == gen &&
	       !__atomic_load_n(&tv->kicked, __ATOMIC_ACQUIRE) &&
	       vmm_now_ns() < end)
		__builtin_ia32_pause();
	pthread_mutex_lock(&vm->wait_lock);
}

/* Adapt tv->poll_ns to a wait that took @ns, @polled or not. */
static void adapt_poll(struct accel_vcpu *tv, uint64_t ns, bool caught)
{
	if (!tv->vm->can_poll || ns > TCG_HALT_POLL_MAX_NS)
		tv->poll_ns = 0;
	else if (!caught)
		tv->poll_ns = tv->poll_ns ? tv->poll_ns * 2 : 10000u;
	if (tv->poll_ns > TCG_HALT_POLL_MAX_NS)
		tv->poll_ns = TCG_HALT_POLL_MAX_NS;
}

enum vmm_exit_reason vmm_tcg_wait(struct accel_vcpu *tv)
{
	struct accel_vm *vm = tv->vm;
	enum vmm_exit_reason why;
	uint64_t t0 = vmm_now_ns();
	bool polled = false, slept = false;

	pthread_mutex_lock(&vm->wait_lock);
	for (;;) {
		bool other = false;

		/* another thread runs a vCPU (borrow()): wait for it */
		if (vm->borrowed) {
			vm->borrow_waited = true;
			pthread_cond_wait(&vm->wake, &vm->wait_lock);
			continue;
		}
		/* it ran this vCPU and handed it back: go on from there */
		if (__atomic_load_n(&tv->has_handoff, __ATOMIC_RELAXED)) {
			pthread_mutex_unlock(&vm->wait_lock);
			why = VMM_EXIT_NONE;
			break;
		}
		if (__atomic_load_n(&tv->kicked, __ATOMIC_ACQUIRE) ||
		    vmm_exit_stopping(tv->sink)) {
			pthread_mutex_unlock(&vm->wait_lock);
			why = VMM_EXIT_INTR;
			break;
		}
		if (runnable(tv)) {
			tv->waiting = false;
			pthread_mutex_unlock(&vm->wait_lock);
			/* INTR may have fallen since: then wait again */
			if (vmm_tcg_take_intr(tv)) {
				why = VMM_EXIT_NONE;
				break;
			}
			pthread_mutex_lock(&vm->wait_lock);
			tv->waiting = true;
			continue;
		}
		for (unsigned i = 0; i < vm->n_vcpus && !other; i++)
			other = vm->vcpus[i] && vm->vcpus[i] != tv &&
				runnable(vm->vcpus[i]);
		if (other) {
			pthread_mutex_unlock(&vm->wait_lock);
			return VMM_EXIT_YIELD; /* not a wait: no adapting */
		}
		if (tv->poll_ns && !polled) {
			polled = true;
			poll_wake(tv);
			continue;
		}
		slept = true;
		vm->asleep = true;
		pthread_cond_wait(&vm->wake, &vm->wait_lock);
		vm->asleep = false;
	}
	adapt_poll(tv, vmm_now_ns() - t0, polled && !slept);
	return why;
}
