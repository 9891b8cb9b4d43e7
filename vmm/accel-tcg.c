// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * accel-tcg.c - the software vCPU, on Unicorn 2.
 *
 * Each vCPU is one Unicorn engine mapping the machine's one guest RAM buffer
 * (uc_mem_map_ptr), so devices and the other vCPUs see the same memory.
 * Everything that is not RAM is MMIO, as under KVM: below 4 GiB one catch-all
 * uc_mmio_map region covers it, above 4 GiB 1 GiB windows are mapped the
 * first time the guest touches them. Port I/O arrives through IN/OUT
 * instruction hooks. Both go to the vCPU's exit sink (exit.h) right there,
 * inside the hook, because
 * leaving and re-entering the engine for every access would cost far more
 * than the access.
 *
 * Unicorn 2.0.1 facts this relies on (checked on Debian's 2.0.1):
 *  - HLT ends uc_emu_start() with UC_ERR_OK and EIP past the f4 byte; so do
 *    uc_emu_stop() and a timeout. The only stops we cause are flagged
 *    (kicks, faults, and the block hook's), so an unflagged UC_ERR_OK is a
 *    HLT.
 *  - uc_emu_stop() from another thread only works while the engine runs,
 *    hence the running flag under a lock. Only kicks, which stop the
 *    machine, do that: everything else another thread wants (the end of a
 *    time slice, INTR, blocks to drop after a host write to RAM) waits for
 *    the block hook, installed on every vCPU (accel-tcg-intr.c).
 *  - uc_emu_stop() from the block hook stops before the block's first
 *    instruction: EIP is the block's address, nothing of it has run.
 *  - With several vCPUs they take turns on one thread: the control thread
 *    preempts the running one every VMM_TIME_SLICE_MS, which stops at the
 *    start of its next translation block (hook_block()). (Unicorn 2.0.1's
 *    atomics are not atomic across engines, so they never run at once:
 *    the event thread runs a vCPU, borrow() in accel-tcg-intr.c, only
 *    while that thread sleeps, and that thread waits for it.)
 *  - Exceptions and INT n never reach the guest's IVT/IDT by themselves:
 *    hooks note them and stop the engine, and plugvm delivers them between
 *    runs (accel-tcg-x86.c, with what Unicorn does wrong there).
 *  - An 8-byte MMIO access arrives as two 4-byte ones.
 *  - Long mode needs a UC_MODE_64 engine; paging is not translated.
 *
 * The x86 side, the registers and interrupt and exception delivery, is in
 * accel-tcg-x86.c; the state both files share is in accel-tcg.h.
 */
#include "config.h"

#include "accel-tcg.h"
#include "log.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <unicorn/unicorn.h>

#define GIB4 0x100000000ull
#define PAGE_MASK 0xfffull

static int tcg_probe(const char **why)
{
	unsigned int major, minor;

	uc_version(&major, &minor);
	if (major < 2) {
		*why = "Unicorn 2 is needed";
		return -ENOTSUP;
	}
	return 0;
}

static int tcg_vm_create(const struct accel_vm_config *cfg,
			 struct accel_vm **out)
{
	struct accel_vm *vm = calloc(1, sizeof(*vm));
	const char *no_borrow;

	if (!vm)
		return -ENOMEM;
	vm->vcpus = calloc(cfg->n_vcpus ? cfg->n_vcpus : 1, sizeof(*vm->vcpus));
	if (!vm->vcpus) {
		free(vm);
		return -ENOMEM;
	}
	vm->mem = cfg->mem;
	vm->mode = cfg->mode;
	vm->n_vcpus = cfg->n_vcpus;
	vm->irqchip = cfg->irqchip;
	pthread_mutex_init(&vm->wait_lock, NULL);
	pthread_cond_init(&vm->wake, NULL);
	vm->can_poll = sysconf(_SC_NPROCESSORS_ONLN) > 1;
	no_borrow = getenv("PLUGVM_TCG_NO_BORROW");
	vm->no_borrow = no_borrow && *no_borrow && strcmp(no_borrow, "0");
	/*
	 * Unicorn 2.0.1 reserves a 1 GiB translation buffer and asks for huge
	 * pages on it: the first translated block then costs a whole 2 MiB
	 * page of RSS and its zeroing. Small pages are as fast here.
	 */
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	*out = vm;
	return 0;
}

static void tcg_vm_destroy(struct accel_vm *vm)
{
	if (!vm)
		return;
	pthread_cond_destroy(&vm->wake);
	pthread_mutex_destroy(&vm->wait_lock);
	free(vm->vcpus);
	free(vm);
}

void vmm_tcg_fault_stop(struct accel_vcpu *tv, uint32_t vector,
			const char *what, uint64_t address)
{
	tv->faulted = true;
	tv->fault.reason = VMM_EXIT_EXCEPTION;
	tv->fault.exception.vector = vector;
	tv->fault.exception.what = what;
	tv->fault.exception.address = address;
	uc_emu_stop(tv->uc);
}

/*
 * The I/O hooks. Each hands the access to vmm_exit_pio() or vmm_exit_mmio(),
 * whose fast paths are inlined here: the IN/OUT hooks' user data is the
 * vCPU's exit sink itself, so they are as few loads away as they can be.
 *
 * uc_emu_stop() takes effect only at the end of the translation block, so
 * the guest may reach more I/O after the machine began to stop. Those
 * accesses are dropped (reads see all-ones), as if the vCPU had stopped at
 * once, which is what kvm does.
 */
static void hook_out(uc_engine *uc, uint32_t port, int size, uint32_t value,
		     void *user)
{
	struct vmm_exit_sink *sink = user;
	uint64_t v = value;

	if (vmm_exit_stopping(sink) ||
	    vmm_exit_pio(sink, (uint16_t)port, (unsigned)size, true, &v) ==
		    VMM_ACTION_STOP)
		uc_emu_stop(uc);
}

/*
 * Every block start: what other threads asked for (accel-tcg-intr.c). No
 * other thread may uc_emu_stop() the engine, e.g. at the end of a time
 * slice: a stop that lands just after an IN or OUT, before Unicorn has
 * moved EIP past it, restarts the translation block the I/O was in, and
 * the guest does it twice (smp.ini printed "vvCPU 0 ran" about once in a
 * hundred runs). A stop from here, before the block's first instruction,
 * leaves nothing half done. One load per block while nobody asks.
 */
static void hook_block(uc_engine *uc, uint64_t address, uint32_t size,
		       void *user)
{
	struct accel_vcpu *tv = user;

	(void)uc;
	if (__builtin_expect(__atomic_load_n(&tv->attention, __ATOMIC_RELAXED),
			     0))
		vmm_tcg_attention(tv, address, size);
}

static uint32_t hook_in(uc_engine *uc, uint32_t port, int size, void *user)
{
	struct vmm_exit_sink *sink = user;
	uint64_t v = ~0ull;

	if (vmm_exit_stopping(sink) ||
	    vmm_exit_pio(sink, (uint16_t)port, (unsigned)size, false, &v) ==
		    VMM_ACTION_STOP)
		uc_emu_stop(uc);
	return (uint32_t)v;
}

static uint64_t mmio_read(uc_engine *uc, uint64_t offset, unsigned size,
			  void *user)
{
	struct tcg_window *w = user;
	struct vmm_exit_sink *sink = w->tv->sink;
	uint64_t v = ~0ull;

	if (vmm_exit_stopping(sink) ||
	    vmm_exit_mmio(sink, w->base + offset, size, false, &v) ==
		    VMM_ACTION_STOP)
		uc_emu_stop(uc);
	return v;
}

static void mmio_write(uc_engine *uc, uint64_t offset, unsigned size,
		       uint64_t value, void *user)
{
	struct tcg_window *w = user;
	struct vmm_exit_sink *sink = w->tv->sink;

	if (vmm_exit_stopping(sink) ||
	    vmm_exit_mmio(sink, w->base + offset, size, true, &value) ==
		    VMM_ACTION_STOP)
		uc_emu_stop(uc);
}

static int map_window(struct accel_vcpu *tv, uint64_t base, uint64_t size)
{
	struct tcg_window *w, **list;
	uc_err err;

	/* Unicorn keeps @w as the callbacks' user data: it must not move. */
	list = realloc(tv->windows, (tv->n_windows + 1) * sizeof(*list));
	if (!list)
		return -ENOMEM;
	tv->windows = list;
	w = malloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->tv = tv;
	w->base = base;
	err = uc_mmio_map(tv->uc, base, size, mmio_read, w, mmio_write, w);
	if (err) {
		free(w);
		vmm_err("tcg: cannot map MMIO at 0x%" PRIx64 "+0x%" PRIx64
			": %s",
			base, size, uc_strerror(err));
		return -ENOMEM;
	}
	list[tv->n_windows++] = w;
	return 0;
}

/*
 * First touch of an address above the catch-all (RAM or 4 GiB): map the
 * 1 GiB-aligned stretch around it as one MMIO window and let the access go
 * through the dispatch table like any other. Whole gigabytes keep the
 * number of windows a guest can make small. A fetch from a non-RAM
 * address is a guest fault.
 */
static bool hook_unmapped(uc_engine *uc, uc_mem_type type, uint64_t address,
			  int size, int64_t value, void *user)
{
	const uint64_t gib = 1ull << 30;
	struct accel_vcpu *tv = user;
	uint64_t ram_end = vmm_guestmem_top(tv->mem);
	uint64_t base = address & ~(gib - 1), end = base + gib;

	if (type == UC_MEM_FETCH_UNMAPPED) {
		vmm_tcg_fault_stop(tv, VMM_EXC_FETCH_OUTSIDE_RAM,
				   "instruction fetch from outside RAM",
				   address);
		return false;
	}
	if (base < ram_end)
		base = ram_end;
	/* An access crossing into the next gigabyte maps that one on retry;
	 * end is 0 for the last gigabyte of the 64-bit space. */
	return map_window(tv, base, end - base) == 0;
}

/* The linear address execution resumes at, as uc_emu_start() wants it. */
static uint64_t resume_address(struct accel_vcpu *tv)
{
	if (tv->mode == VMM_CPU_LONG)
		return vmm_tcg_reg_read(tv->uc, UC_X86_REG_RIP);
	if (tv->mode == VMM_CPU_REAL)
		return (vmm_tcg_reg_read(tv->uc, UC_X86_REG_CS) << 4) +
		       (vmm_tcg_reg_read(tv->uc, UC_X86_REG_EIP) & 0xffff);
	return vmm_tcg_reg_read(tv->uc, UC_X86_REG_EIP) & 0xffffffff;
}

static void tcg_vcpu_destroy(struct accel_vcpu *tv)
{
	if (!tv)
		return;
	if (tv->index < tv->vm->n_vcpus && tv->vm->vcpus[tv->index] == tv)
		__atomic_store_n(&tv->vm->vcpus[tv->index], NULL,
				 __ATOMIC_RELEASE);
	if (tv->uc)
		uc_close(tv->uc);
	for (size_t i = 0; i < tv->n_windows; i++)
		free(tv->windows[i]);
	free(tv->windows);
	pthread_mutex_destroy(&tv->flush_lock);
	pthread_mutex_destroy(&tv->lock);
	free(tv);
}

static int tcg_vcpu_create(struct accel_vm *vm, unsigned index,
			   struct vmm_exit_sink *sink,
			   const struct vmm_regs *regs, struct accel_vcpu **out)
{
	const struct vmm_guestmem *mem = vm->mem;
	static const uc_mode modes[] = {
		[VMM_CPU_REAL] = UC_MODE_16,
		[VMM_CPU_PROTECTED] = UC_MODE_32,
		[VMM_CPU_LONG] = UC_MODE_64,
	};
	struct accel_vcpu *tv;
	uc_hook h;
	uc_err err;
	int ret = -ENOMEM;

	tv = calloc(1, sizeof(*tv));
	if (!tv)
		return -ENOMEM;
	pthread_mutex_init(&tv->lock, NULL);
	pthread_mutex_init(&tv->flush_lock, NULL);
	tv->vm = vm;
	tv->index = index;
	tv->sink = sink;
	tv->mem = mem;
	tv->mode = vm->mode;

	err = uc_open(UC_ARCH_X86, modes[tv->mode], &tv->uc);
	if (err) {
		vmm_err("tcg: cannot create a vCPU: %s", uc_strerror(err));
		tv->uc = NULL;
		ret = -ENOMEM;
		goto out_destroy;
	}
	/*
	 * No "until" address: with it, every uc_emu_start() after the first
	 * looks up the page of the old one (2^64 - 1 here), and in long
	 * mode that page fault, though ignored, leaves Unicorn believing a
	 * #PF is in flight, so the guest's next #DE becomes a double fault.
	 */
	uc_ctl_exits_enable(tv->uc);
	err = uc_mem_map_ptr(tv->uc, 0, vmm_guestmem_low(mem), UC_PROT_ALL,
			     mem->host);
	if (!err && mem->high)
		err = uc_mem_map_ptr(tv->uc, VMM_GUESTMEM_HIGH_BASE, mem->high,
				     UC_PROT_ALL,
				     mem->host + vmm_guestmem_low(mem));
	if (err) {
		vmm_err("tcg: cannot map %" PRIu64 " bytes of guest RAM: %s",
			mem->size, uc_strerror(err));
		goto out_destroy;
	}
	if (vmm_guestmem_low(mem) < GIB4) {
		ret = map_window(tv, vmm_guestmem_low(mem),
				 GIB4 - vmm_guestmem_low(mem));
		if (ret)
			goto out_destroy;
	}
	if (uc_hook_add(tv->uc, &h, UC_HOOK_INSN, hook_out, sink, 1, 0,
			UC_X86_INS_OUT) ||
	    uc_hook_add(tv->uc, &h, UC_HOOK_INSN, hook_in, sink, 1, 0,
			UC_X86_INS_IN) ||
	    uc_hook_add(tv->uc, &h, UC_HOOK_INTR, vmm_tcg_hook_intr, tv, 1,
			0) ||
	    uc_hook_add(tv->uc, &h, UC_HOOK_INSN_INVALID, vmm_tcg_hook_invalid,
			tv, 1, 0) ||
	    uc_hook_add(tv->uc, &h, UC_HOOK_MEM_UNMAPPED, hook_unmapped, tv, 1,
			0) ||
	    uc_hook_add(tv->uc, &h, UC_HOOK_BLOCK, hook_block, tv, 1, 0)) {
		vmm_err("tcg: cannot install the vCPU's hooks");
		ret = -ENOMEM;
		goto out_destroy;
	}
	ret = vmm_tcg_set_regs(tv, regs);
	if (ret) {
		vmm_err("tcg: cannot set the vCPU's initial registers");
		goto out_destroy;
	}
	if (index < vm->n_vcpus)
		__atomic_store_n(&vm->vcpus[index], tv, __ATOMIC_RELEASE);
	*out = tv;
	return 0;

out_destroy:
	tcg_vcpu_destroy(tv);
	return ret;
}

/* One uc_emu_start(): what ended it, in @exit; *@kicked, *@preempted. */
static void run_once(struct accel_vcpu *tv, struct vmm_exit *exit,
		     bool *kicked_out, bool *preempted_out)
{
	bool kicked, preempted = false;
	uc_err err;

	pthread_mutex_lock(&tv->lock);
	kicked = tv->kicked;
	tv->running = !kicked;
	pthread_mutex_unlock(&tv->lock);
	*kicked_out = kicked;
	*preempted_out = false;
	if (kicked) {
		exit->reason = VMM_EXIT_INTR;
		return;
	}

	tv->faulted = false;
	tv->pending = false;
	tv->hook_stopped = false;
	tv->take_intr = false;
	vmm_tcg_before_run(tv);
	if (tv->sink->collect_stats) {
		uint64_t t0 = vmm_now_ns();

		err = uc_emu_start(tv->uc, resume_address(tv), UINT64_MAX, 0, 0);
		tv->sink->run_ns += vmm_now_ns() - t0; /* exits handled inside */
	} else {
		err = uc_emu_start(tv->uc, resume_address(tv), UINT64_MAX, 0, 0);
	}

	pthread_mutex_lock(&tv->lock);
	tv->running = false;
	kicked = tv->kicked;
	preempted = tv->preempted;
	tv->preempted = false;
	__atomic_store_n(&tv->yield, false, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&tv->lock);
	*kicked_out = kicked;
	*preempted_out = preempted;

	if (tv->pending && !tv->faulted) {
		if (tv->pending_skip) {
			enum vmm_cpu_mode mode = vmm_tcg_current_mode(tv);
			int ip = mode == VMM_CPU_LONG ? UC_X86_REG_RIP
						      : UC_X86_REG_EIP;
			uint64_t next =
				vmm_tcg_reg_read(tv->uc, ip) + tv->pending_skip;

			vmm_tcg_reg_write(tv->uc, ip,
					  mode == VMM_CPU_REAL ? next & 0xffff
							       : next);
		}
		vmm_tcg_deliver(tv, tv->pending_vector);
	}
	if (tv->take_intr && !tv->faulted && !tv->pending)
		vmm_tcg_take_intr(tv);

	if (tv->faulted) {
		*exit = tv->fault;
	} else if (tv->pending) {
		exit->reason = VMM_EXIT_NONE; /* delivered: go on */
	} else if (err == UC_ERR_INSN_INVALID) {
		exit->reason = VMM_EXIT_EXCEPTION;
		exit->exception.vector = 6;
		exit->exception.what = vmm_tcg_exception_names[6];
	} else if (err == UC_ERR_FETCH_UNMAPPED || err == UC_ERR_FETCH_PROT) {
		exit->reason = VMM_EXIT_EXCEPTION;
		exit->exception.vector = VMM_EXC_FETCH_OUTSIDE_RAM;
		exit->exception.what = "instruction fetch from outside RAM";
		exit->exception.address = resume_address(tv);
	} else if (err != UC_ERR_OK) {
		exit->reason = VMM_EXIT_EXCEPTION;
		exit->exception.vector = VMM_EXC_ENGINE_ERROR;
		exit->exception.what = uc_strerror(err);
		exit->exception.address = resume_address(tv);
	} else if (kicked || vmm_exit_stopping(tv->sink)) {
		exit->reason = VMM_EXIT_INTR;
	} else if (tv->hook_stopped) {
		/* the block hook's doing: a slice's end, or what it did is
		 * done (an interrupt delivered, blocks dropped) */
		exit->reason = preempted ? VMM_EXIT_YIELD : VMM_EXIT_NONE;
	} else if (tv->stale_df && !vmm_tcg_after_hlt(tv)) {
		/* an exception Unicorn swallowed (vmm_tcg_decode_fault()) */
		int vector = vmm_tcg_decode_fault(tv, vmm_tcg_current_mode(tv));

		if (vector >= 0)
			vmm_tcg_deliver(tv, (uint32_t)vector);
		if (vector >= 0 && !tv->faulted) {
			exit->reason = VMM_EXIT_NONE;
		} else if (tv->faulted) {
			*exit = tv->fault;
		} else {
			exit->reason = VMM_EXIT_EXCEPTION;
			exit->exception.vector = VMM_EXC_ENGINE_ERROR;
			exit->exception.what =
				"an exception Unicorn did not report (after a double fault it reports none)";
			exit->exception.address = resume_address(tv);
		}
	} else if (tv->vm->irqchip && !vmm_tcg_halt(tv)) {
		/* HLT with INTR to take: delivered, back past the HLT */
		exit->reason = tv->faulted ? tv->fault.reason : VMM_EXIT_NONE;
		if (tv->faulted)
			*exit = tv->fault;
	} else {
		/* chipset none: the vCPU halted; else it waits (vcpu_run()) */
		exit->reason = VMM_EXIT_HLT;
	}
}

bool vmm_tcg_run_borrowed(struct accel_vcpu *tv, struct vmm_exit *exit)
{
	bool kicked = false, preempted = false;

	memset(exit, 0, sizeof(*exit));
	/* the block hook's slow path counts the blocks down and watches the
	 * clock (every run's vmm_tcg_before_run() sends it there) */
	tv->budget = TCG_BORROW_BLOCKS;
	tv->budget_end = vmm_now_ns() + TCG_BORROW_NS;
	do
		run_once(tv, exit, &kicked, &preempted);
	while (exit->reason == VMM_EXIT_NONE && !kicked && !preempted &&
	       tv->budget && !vmm_exit_stopping(tv->sink));
	tv->budget = 0;
	if (exit->reason != VMM_EXIT_HLT || !tv->waiting)
		return false;
	/* counted as the vCPU's own HLT exits are: the same --stats */
	vmm_exit_handle(tv->sink, exit);
	return true;
}

/*
 * Run until something the exit loop must see. An interrupt delivered
 * between runs is not such a thing: the vCPU goes on in its time slice.
 */
static int tcg_vcpu_run(struct accel_vcpu *tv, struct vmm_exit *exit)
{
	bool kicked, preempted;

	if (tv->waiting) {
		tv->faulted = false;
		exit->reason = vmm_tcg_wait(tv);
		/* a borrowed run's fault is in its handoff, not here */
		if (tv->faulted && !__atomic_load_n(&tv->has_handoff,
						    __ATOMIC_ACQUIRE))
			*exit = tv->fault;
		if (exit->reason != VMM_EXIT_NONE)
			return 0;
	}
	/* a borrowed run that did not halt again: go on from its end */
	if (__atomic_load_n(&tv->has_handoff, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&tv->vm->wait_lock);
		*exit = tv->handoff;
		__atomic_store_n(&tv->has_handoff, false, __ATOMIC_RELAXED);
		pthread_mutex_unlock(&tv->vm->wait_lock);
		if (exit->reason != VMM_EXIT_NONE)
			return 0;
	}
	do
		run_once(tv, exit, &kicked, &preempted);
	while (exit->reason == VMM_EXIT_NONE && !kicked && !preempted &&
	       !vmm_exit_stopping(tv->sink));
	return 0;
}

static void tcg_kick(struct accel_vcpu *tv)
{

	pthread_mutex_lock(&tv->lock);
	__atomic_store_n(&tv->kicked, true, __ATOMIC_RELEASE);
	if (tv->running)
		uc_emu_stop(tv->uc);
	pthread_mutex_unlock(&tv->lock);
	vmm_tcg_wake(tv->vm); /* a vCPU waiting in HLT */
}

void vmm_tcg_end_slice(struct accel_vcpu *tv)
{
	pthread_mutex_lock(&tv->lock);
	if (tv->running) {
		tv->preempted = true;
		__atomic_store_n(&tv->yield, true, __ATOMIC_RELEASE);
		__atomic_store_n(&tv->attention, true, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&tv->lock);
}

/* Slices matter while two vCPUs or more can run. */
static bool tcg_preempt(struct accel_vm *vm)
{
	if (vmm_tcg_runnable(vm) < 2)
		return false;
	for (unsigned i = 0; i < vm->n_vcpus; i++)
		if (vm->vcpus[i])
			vmm_tcg_end_slice(vm->vcpus[i]);
	return true;
}


const struct accel_ops vmm_accel_tcg = {
	.name = "tcg",
	.threaded = false,
	.probe = tcg_probe,
	.vm_create = tcg_vm_create,
	.vm_destroy = tcg_vm_destroy,
	.vcpu_create = tcg_vcpu_create,
	.vcpu_destroy = tcg_vcpu_destroy,
	.vcpu_run = tcg_vcpu_run,
	.get_regs = vmm_tcg_get_regs,
	.kick = tcg_kick,
	.preempt = tcg_preempt,
	.ram_written = vmm_tcg_ram_written,
	.set_intr = vmm_tcg_set_intr,
};
