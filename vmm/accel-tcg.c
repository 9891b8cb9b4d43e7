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
 *    uc_emu_stop() and a timeout. The only stops we cause are kicks, each
 *    flagged, so an unflagged UC_ERR_OK is a HLT.
 *  - uc_emu_stop() from another thread only works while the engine runs,
 *    hence the running flag under a lock.
 *  - With several vCPUs they take turns on one thread: the control thread
 *    preempts the running one every VMM_TIME_SLICE_MS, which stops at the
 *    start of its next translation block (hook_block()). (Unicorn 2.0.1's
 *    atomics are not atomic across engines, so they never run at once.)
 *    A preemption that lands in the microseconds between a HLT and the
 *    engine's return is taken as the end of the slice, and the vCPU later
 *    resumes after its HLT; guests that halt in a loop (`1: hlt; jmp 1b`,
 *    as usual) halt again at once.
 *  - Exceptions and INT n never reach the guest's IVT/IDT by themselves;
 *    UC_HOOK_INTR sees them, EIP past an INT n and at the instruction for
 *    a fault (#UD comes to UC_HOOK_INSN_INVALID instead, and ends the run
 *    whatever the hook says). The hooks note the vector and stop the
 *    engine; between runs plugvm delivers it as the CPU would, through
 *    the IVT or the IDT: x86-intr.c does that, given the registers it
 *    needs, guest memory and a CS load (see x86-intr.h for what it
 *    leaves out); this file adapts Unicorn to it.
 *    Registers written from a hook would make Unicorn drop later stop
 *    requests. What cannot be delivered is a guest fault (the IDT plugvm
 *    starts with is empty, so under kvm that is a triple fault). Unicorn's
 *    stale fault state is covered in decode_fault().
 *  - An 8-byte MMIO access arrives as two 4-byte ones.
 *  - Long mode needs a UC_MODE_64 engine; paging is not translated.
 */
#include "config.h"

#include "accel.h"
#include "log.h"
#include "x86-intr.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unicorn/unicorn.h>

#define GIB4 0x100000000ull
#define PAGE_MASK 0xfffull
#define MSR_EFER 0xc0000080u

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
	bool stale_df; /* Unicorn has reported a #DF: see decode_fault() */
	struct vmm_exit fault;
	/* MMIO windows: [0] is the catch-all below 4 GiB, when RAM is smaller */
	struct tcg_window **windows;
	size_t n_windows;
};

static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"BOUND range exceeded", "invalid opcode", "device not available",
	"double fault", "coprocessor segment overrun", "invalid TSS",
	"segment not present", "stack-segment fault", "general protection",
	"page fault", "reserved", "x87 floating-point error",
	"alignment check", "machine check", "SIMD floating-point error",
	"virtualization exception", "control protection",
};

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
	free(vm->vcpus);
	free(vm);
}

static void fault_stop(struct accel_vcpu *tv, uint32_t vector, const char *what,
		       uint64_t address)
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
 * Several vCPUs: the end of a time slice. preempt() cannot uc_emu_stop() the
 * engine from the control thread: a stop that lands just after an IN or
 * OUT, before Unicorn has moved EIP past it, restarts the translation block
 * the I/O was in, and the guest does it twice (smp.ini printed "vvCPU 0
 * ran" about once in a hundred runs). A stop from here, before the block's
 * first instruction, leaves nothing half done.
 */
static void hook_block(uc_engine *uc, uint64_t address, uint32_t size,
		       void *user)
{
	struct accel_vcpu *tv = user;

	if (__atomic_load_n(&tv->yield, __ATOMIC_RELAXED))
		uc_emu_stop(uc);
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
	uint64_t ram_end = tv->mem->size;
	uint64_t base = address & ~(gib - 1), end = base + gib;

	if (type == UC_MEM_FETCH_UNMAPPED) {
		fault_stop(tv, VMM_EXC_FETCH_OUTSIDE_RAM,
			   "instruction fetch from outside RAM", address);
		return false;
	}
	if (base < ram_end)
		base = ram_end;
	/* An access crossing into the next gigabyte maps that one on retry;
	 * end is 0 for the last gigabyte of the 64-bit space. */
	return map_window(tv, base, end - base) == 0;
}

static int reg_write(uc_engine *uc, int reg, uint64_t v);
static uint64_t reg_read(uc_engine *uc, int reg);

/*
 * Guest-linear memory for x86-intr.c: the IVT, IDT, GDT, TSS and interrupt
 * stack are read at their linear addresses as physical ones, as plugvm's
 * page tables map them 1:1 to RAM.
 */
static void *linear(void *opaque, uint64_t a, size_t n)
{
	return vmm_guestmem_ptr(((struct accel_vcpu *)opaque)->mem, a, n);
}

/*
 * The handler's CS, for x86-intr.c. Unicorn reads a new one's descriptor
 * through the MMU, outside its run loop, where a page fault would crash the
 * process: with paging on, switching CS is refused.
 */
static const char *load_cs(void *opaque, uint16_t sel)
{
	struct accel_vcpu *tv = opaque;

	if (reg_read(tv->uc, UC_X86_REG_CR0) & X86_CR0_PG)
		return "tcg cannot switch CS with paging on";
	if (reg_write(tv->uc, UC_X86_REG_CS, sel))
		return "Unicorn refused the handler's code segment";
	return NULL;
}

static const struct vmm_x86_intr_ops intr_ops = {
	.memory = linear,
	.load_cs = load_cs,
};

/* CR0 and EFER, which say the mode; EFER is read only with CR0.PE set. */
static void mode_regs(struct accel_vcpu *tv, uint64_t *cr0, uint64_t *efer)
{
	uc_x86_msr msr = { .rid = MSR_EFER };

	*cr0 = reg_read(tv->uc, UC_X86_REG_CR0);
	*efer = 0;
	if ((*cr0 & X86_CR0_PE) &&
	    uc_reg_read(tv->uc, UC_X86_REG_MSR, &msr) == UC_ERR_OK)
		*efer = msr.value;
}

/* The mode the vCPU is in now, which a guest may have changed. */
static enum vmm_cpu_mode current_mode(struct accel_vcpu *tv)
{
	uint64_t cr0, efer;

	mode_regs(tv, &cr0, &efer);
	return vmm_x86_mode(cr0, efer);
}

static struct vmm_dtable dtable(uc_engine *uc, int reg)
{
	uc_x86_mmr mmr = { 0 };

	uc_reg_read(uc, reg, &mmr);
	return (struct vmm_dtable){ .base = mmr.base,
				    .limit = (uint16_t)mmr.limit };
}

/* The linear address of CS:EIP (flat when CS cannot be read). */
static uint64_t code_address(struct accel_vcpu *tv, enum vmm_cpu_mode mode)
{
	uint16_t cs = (uint16_t)reg_read(tv->uc, UC_X86_REG_CS);
	struct vmm_dtable gdt;
	uint64_t desc;

	switch (mode) {
	case VMM_CPU_REAL: /* EIP, not IP: past a HLT at 0xffff it is 0x10000 */
		return ((uint64_t)cs << 4) +
		       (reg_read(tv->uc, UC_X86_REG_EIP) & 0x1ffff);
	case VMM_CPU_PROTECTED:
		gdt = dtable(tv->uc, UC_X86_REG_GDTR);
		return (vmm_x86_gdt_descriptor(&intr_ops, tv, &gdt, cs, &desc)
				? 0
				: vmm_x86_descriptor_base(desc)) +
		       (reg_read(tv->uc, UC_X86_REG_EIP) & 0xffffffff);
	default:
		return reg_read(tv->uc, UC_X86_REG_RIP);
	}
}


/* Up to 15 guest bytes at @addr, as many as are in RAM. */
static size_t code_bytes(struct accel_vcpu *tv, uint64_t addr, uint8_t b[15])
{
	const struct vmm_guestmem *mem = tv->mem;
	size_t n;

	if (addr >= mem->size)
		return 0;
	n = mem->size - addr < 15 ? mem->size - addr : 15;
	return vmm_guestmem_read(mem, addr, b, n) ? 0 : n;
}

/* How many of the @n bytes at @b are instruction prefixes. */
static size_t prefixes(const uint8_t *b, size_t n, enum vmm_cpu_mode mode)
{
	size_t i = 0;

	while (i < n && (b[i] == 0x26 || b[i] == 0x2e || b[i] == 0x36 ||
			 b[i] == 0x3e || b[i] == 0x64 || b[i] == 0x65 ||
			 b[i] == 0x66 || b[i] == 0x67 || b[i] == 0xf0 ||
			 b[i] == 0xf2 || b[i] == 0xf3 ||
			 (mode == VMM_CPU_LONG && (b[i] & 0xf0) == 0x40)))
		i++;
	return i;
}

/*
 * The exception the instruction at CS:EIP raises, when that is certain from
 * its bytes: #DE for DIV, IDIV and (outside long mode) AAM 0, #UD for UD0,
 * UD1 and UD2; -1 otherwise.
 *
 * This covers for Unicorn 2.0.1, which remembers the last contributory
 * fault "in flight" and never forgets it once a hook took the exception:
 * it turns the guest's second #DE into a double fault (a #DF can reach the
 * hook no other way but INT 8, as tcg's own delivery never faults), and
 * from then on ends the run at every exception as a "triple fault",
 * silently, as if at a HLT.
 */
static int decode_fault(struct accel_vcpu *tv, enum vmm_cpu_mode mode)
{
	uint8_t b[15];
	size_t n = code_bytes(tv, code_address(tv, mode), b);
	size_t i = prefixes(b, n, mode);

	if (i + 1 >= n)
		return -1;
	if (b[i] == 0xd4 && b[i + 1] == 0 && mode != VMM_CPU_LONG)
		return 0;
	if ((b[i] == 0xf6 || b[i] == 0xf7) && ((b[i + 1] >> 3) & 7) >= 6)
		return 0;
	if (b[i] == 0x0f &&
	    (b[i + 1] == 0x0b || b[i + 1] == 0xb9 || b[i + 1] == 0xff))
		return 6;
	return -1;
}

/* Did an INT 8 just run? It leaves EIP past its cd 08. */
static bool after_int8(struct accel_vcpu *tv, enum vmm_cpu_mode mode)
{
	uint64_t a = code_address(tv, mode);
	uint8_t b[15];

	return a >= 2 && code_bytes(tv, a - 2, b) >= 2 && b[0] == 0xcd &&
	       b[1] == 8;
}

/*
 * The registers x86-intr.c reads, as wide as the mode the vCPU is in now
 * makes them (IP, EIP or RIP...); returns that mode.
 */
static enum vmm_cpu_mode read_intr_regs(struct accel_vcpu *tv,
					struct vmm_x86_intr_regs *r)
{
	static const int ip[] = { [VMM_CPU_REAL] = UC_X86_REG_IP,
				  [VMM_CPU_PROTECTED] = UC_X86_REG_EIP,
				  [VMM_CPU_LONG] = UC_X86_REG_RIP };
	static const int sp[] = { [VMM_CPU_REAL] = UC_X86_REG_SP,
				  [VMM_CPU_PROTECTED] = UC_X86_REG_ESP,
				  [VMM_CPU_LONG] = UC_X86_REG_RSP };
	static const int flags[] = { [VMM_CPU_REAL] = UC_X86_REG_FLAGS,
				     [VMM_CPU_PROTECTED] = UC_X86_REG_EFLAGS,
				     [VMM_CPU_LONG] = UC_X86_REG_EFLAGS };
	uc_engine *uc = tv->uc;
	uc_x86_mmr tr = { 0 };
	enum vmm_cpu_mode mode;

	memset(r, 0, sizeof(*r));
	mode_regs(tv, &r->cr0, &r->efer);
	mode = vmm_x86_mode(r->cr0, r->efer);
	r->rip = reg_read(uc, ip[mode]);
	r->rsp = reg_read(uc, sp[mode]);
	r->rflags = reg_read(uc, flags[mode]);
	r->cs = (uint16_t)reg_read(uc, UC_X86_REG_CS);
	r->ss = (uint16_t)reg_read(uc, UC_X86_REG_SS);
	r->idt = dtable(uc, UC_X86_REG_IDTR);
	r->gdt = dtable(uc, UC_X86_REG_GDTR);
	uc_reg_read(uc, UC_X86_REG_TR, &tr);
	r->tr.selector = tr.selector;
	r->tr.base = tr.base;
	r->tr.limit = tr.limit;
	return mode;
}

/*
 * The handler's registers, from x86-intr.c to Unicorn; CS is loaded already
 * outside real mode (load_cs()). NULL, or why not.
 */
static const char *write_intr_regs(struct accel_vcpu *tv, enum vmm_cpu_mode mode,
				   const struct vmm_x86_intr_regs *r)
{
	uc_engine *uc = tv->uc;
	int ret;

	if (mode == VMM_CPU_REAL) {
		ret = reg_write(uc, UC_X86_REG_SP, r->rsp);
		ret |= reg_write(uc, UC_X86_REG_FLAGS, r->rflags);
		ret |= reg_write(uc, UC_X86_REG_CS, r->cs);
		ret |= reg_write(uc, UC_X86_REG_IP, r->rip);
	} else {
		bool is_long = mode == VMM_CPU_LONG;

		ret = reg_write(uc, is_long ? UC_X86_REG_RSP : UC_X86_REG_ESP,
				r->rsp);
		ret |= reg_write(uc, UC_X86_REG_EFLAGS, r->rflags);
		ret |= reg_write(uc, is_long ? UC_X86_REG_RIP : UC_X86_REG_EIP,
				 r->rip);
	}
	return ret ? "Unicorn refused the handler's registers" : NULL;
}

/*
 * Deliver interrupt or exception @intno through the guest's IVT or IDT, by
 * the mode the vCPU is in now, as the CPU would (x86-intr.c); when that
 * cannot be done, say why (-v) and end the run in a guest fault. Unicorn
 * leaves EIP past an INT n and at the faulting instruction for an
 * exception, which is what the CPU pushes, but does not say which of the
 * two it saw, nor an exception's error code. Called between runs of the
 * engine, never from a hook.
 */
static void deliver(struct accel_vcpu *tv, uint32_t intno)
{
	struct vmm_x86_intr intr = {
		.kind = VMM_X86_INTR_INT_OR_EXCEPTION,
	};
	struct vmm_x86_intr_regs r;
	enum vmm_cpu_mode mode = read_intr_regs(tv, &r);
	const char *what, *why;

	if (intno == 8 && !after_int8(tv, mode)) {
		tv->stale_df = true;
		if (decode_fault(tv, mode) == 0)
			intno = 0;
	}
	what = intno < 32 && exception_names[intno]
		       ? exception_names[intno]
		       : "software interrupt (INT n) with no handler";
	intr.vector = intno;
	why = vmm_x86_intr_deliver(&intr_ops, tv, &r, &intr);
	if (!why)
		why = write_intr_regs(tv, mode, &r);
	if (why) {
		vmm_info("vCPU %u: tcg: vector %u not delivered: %s",
			 tv->index, intno, why);
		fault_stop(tv, intno, what, 0);
	}
}

/*
 * A run that ended with nothing to say ended at a HLT, which leaves EIP
 * past its f4 byte; or, once Unicorn has reported a double fault (which its
 * stale fault state makes of a guest's second #DE, see decode_fault()), at
 * an exception it swallowed, with EIP at the instruction. Only asked then.
 */
static bool after_hlt(struct accel_vcpu *tv)
{
	uint64_t a = code_address(tv, current_mode(tv));
	const uint8_t *b = a > 0 ? linear(tv, a - 1, 1) : NULL;

	return b && *b == 0xf4;
}


/* Note what to deliver, and stop the engine to do it. */
static void defer(struct accel_vcpu *tv, uint32_t intno, unsigned skip)
{
	tv->pending = true;
	tv->pending_vector = intno;
	tv->pending_skip = skip;
	uc_emu_stop(tv->uc);
}

/* Unicorn has moved EIP past an INT n, and left it at a fault. */
static void hook_intr(uc_engine *uc, uint32_t intno, void *user)
{
	(void)uc;
	defer(user, intno, 0);
}

/*
 * An undefined opcode: Unicorn raises no #UD but calls this hook, with EIP
 * at the instruction, and ends the run whatever it returns. So does a
 * software INT 6, which must return past itself and its prefixes.
 */
static bool hook_invalid(uc_engine *uc, void *user)
{
	struct accel_vcpu *tv = user;
	enum vmm_cpu_mode mode = current_mode(tv);
	uint8_t b[15];
	size_t n = code_bytes(tv, code_address(tv, mode), b);
	size_t i = prefixes(b, n, mode);

	(void)uc;
	defer(tv, 6, i + 1 < n && b[i] == 0xcd && b[i + 1] == 6 ? i + 2 : 0);
	return true;
}

static int reg_write(uc_engine *uc, int reg, uint64_t v)
{
	return uc_reg_write(uc, reg, &v) == UC_ERR_OK ? 0 : -EINVAL;
}

static uint64_t reg_read(uc_engine *uc, int reg)
{
	uint64_t v = 0;

	uc_reg_read(uc, reg, &v);
	return v;
}

static int set_regs(struct accel_vcpu *tv, const struct vmm_regs *r)
{
	uc_engine *uc = tv->uc;
	static const int gpr_ids[] = {
		UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX,
		UC_X86_REG_RSI, UC_X86_REG_RDI, UC_X86_REG_RSP, UC_X86_REG_RBP,
		UC_X86_REG_R8, UC_X86_REG_R9, UC_X86_REG_R10, UC_X86_REG_R11,
		UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
	};
	static const int gpr32_ids[] = {
		UC_X86_REG_EAX, UC_X86_REG_EBX, UC_X86_REG_ECX, UC_X86_REG_EDX,
		UC_X86_REG_ESI, UC_X86_REG_EDI, UC_X86_REG_ESP, UC_X86_REG_EBP,
	};
	const uint64_t gprs[] = { r->rax, r->rbx, r->rcx, r->rdx, r->rsi,
				  r->rdi, r->rsp, r->rbp, r->r8,  r->r9,
				  r->r10, r->r11, r->r12, r->r13, r->r14,
				  r->r15 };
	uc_x86_mmr idt = { .base = r->idt.base, .limit = r->idt.limit };
	int ret = 0;

	if (tv->mode == VMM_CPU_LONG) {
		for (size_t i = 0; i < 16; i++)
			ret |= reg_write(uc, gpr_ids[i], gprs[i]);
	} else {
		for (size_t i = 0; i < 8; i++)
			ret |= reg_write(uc, gpr32_ids[i], (uint32_t)gprs[i]);
	}
	ret |= reg_write(uc, UC_X86_REG_EFLAGS, r->rflags);

	/* IDTR in every mode: real mode finds its IVT through it too. */
	ret |= uc_reg_write(uc, UC_X86_REG_IDTR, &idt) ? -EINVAL : 0;
	if (tv->mode != VMM_CPU_REAL) {
		uc_x86_mmr gdt = { .base = r->gdt.base, .limit = r->gdt.limit };
		uc_x86_msr efer = { .rid = MSR_EFER, .value = r->efer };

		ret |= uc_reg_write(uc, UC_X86_REG_GDTR, &gdt) ? -EINVAL : 0;
		ret |= reg_write(uc, UC_X86_REG_CR4, r->cr4);
		if (tv->mode == VMM_CPU_LONG)
			ret |= uc_reg_write(uc, UC_X86_REG_MSR, &efer) ? -EINVAL
								     : 0;
		ret |= reg_write(uc, UC_X86_REG_CR3, r->cr3);
		ret |= reg_write(uc, UC_X86_REG_CR0, r->cr0);
	}
	ret |= reg_write(uc, UC_X86_REG_CS, r->cs.selector);
	ret |= reg_write(uc, UC_X86_REG_DS, r->ds.selector);
	ret |= reg_write(uc, UC_X86_REG_ES, r->es.selector);
	ret |= reg_write(uc, UC_X86_REG_FS, r->fs.selector);
	ret |= reg_write(uc, UC_X86_REG_GS, r->gs.selector);
	ret |= reg_write(uc, UC_X86_REG_SS, r->ss.selector);
	if (tv->mode == VMM_CPU_LONG)
		ret |= reg_write(uc, UC_X86_REG_RIP, r->rip);
	else
		ret |= reg_write(uc, UC_X86_REG_EIP, (uint32_t)r->rip);
	return ret;
}

/* The linear address execution resumes at, as uc_emu_start() wants it. */
static uint64_t resume_address(struct accel_vcpu *tv)
{
	if (tv->mode == VMM_CPU_LONG)
		return reg_read(tv->uc, UC_X86_REG_RIP);
	if (tv->mode == VMM_CPU_REAL)
		return (reg_read(tv->uc, UC_X86_REG_CS) << 4) +
		       (reg_read(tv->uc, UC_X86_REG_EIP) & 0xffff);
	return reg_read(tv->uc, UC_X86_REG_EIP) & 0xffffffff;
}

static void tcg_vcpu_destroy(struct accel_vcpu *tv)
{
	if (!tv)
		return;
	if (tv->index < tv->vm->n_vcpus && tv->vm->vcpus[tv->index] == tv)
		tv->vm->vcpus[tv->index] = NULL;
	if (tv->uc)
		uc_close(tv->uc);
	for (size_t i = 0; i < tv->n_windows; i++)
		free(tv->windows[i]);
	free(tv->windows);
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
	err = uc_mem_map_ptr(tv->uc, 0, mem->size, UC_PROT_ALL, mem->host);
	if (err) {
		vmm_err("tcg: cannot map %" PRIu64 " bytes of guest RAM: %s",
			mem->size, uc_strerror(err));
		goto out_destroy;
	}
	if (mem->size < GIB4) {
		ret = map_window(tv, mem->size, GIB4 - mem->size);
		if (ret)
			goto out_destroy;
	}
	if (uc_hook_add(tv->uc, &h, UC_HOOK_INSN, hook_out, sink, 1, 0,
			UC_X86_INS_OUT) ||
	    uc_hook_add(tv->uc, &h, UC_HOOK_INSN, hook_in, sink, 1, 0,
			UC_X86_INS_IN) ||
	    uc_hook_add(tv->uc, &h, UC_HOOK_INTR, hook_intr, tv, 1, 0) ||
	    uc_hook_add(tv->uc, &h, UC_HOOK_INSN_INVALID, hook_invalid, tv, 1,
			0) ||
	    uc_hook_add(tv->uc, &h, UC_HOOK_MEM_UNMAPPED, hook_unmapped, tv, 1,
			0) ||
	    /* only where there are slices to end: it costs a call a block */
	    (vm->n_vcpus > 1 &&
	     uc_hook_add(tv->uc, &h, UC_HOOK_BLOCK, hook_block, tv, 1, 0))) {
		vmm_err("tcg: cannot install the vCPU's hooks");
		ret = -ENOMEM;
		goto out_destroy;
	}
	ret = set_regs(tv, regs);
	if (ret) {
		vmm_err("tcg: cannot set the vCPU's initial registers");
		goto out_destroy;
	}
	if (index < vm->n_vcpus)
		vm->vcpus[index] = tv;
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
			enum vmm_cpu_mode mode = current_mode(tv);
			int ip = mode == VMM_CPU_LONG ? UC_X86_REG_RIP
						      : UC_X86_REG_EIP;
			uint64_t next = reg_read(tv->uc, ip) + tv->pending_skip;

			reg_write(tv->uc, ip,
				  mode == VMM_CPU_REAL ? next & 0xffff : next);
		}
		deliver(tv, tv->pending_vector);
	}

	if (tv->faulted) {
		*exit = tv->fault;
	} else if (tv->pending) {
		exit->reason = VMM_EXIT_NONE; /* delivered: go on */
	} else if (err == UC_ERR_INSN_INVALID) {
		exit->reason = VMM_EXIT_EXCEPTION;
		exit->exception.vector = 6;
		exit->exception.what = exception_names[6];
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
	} else if (preempted) {
		exit->reason = VMM_EXIT_YIELD;
	} else if (tv->stale_df && !after_hlt(tv)) {
		/* an exception Unicorn swallowed (see decode_fault()) */
		int vector = decode_fault(tv, current_mode(tv));

		if (vector >= 0)
			deliver(tv, (uint32_t)vector);
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
	} else {
		exit->reason = VMM_EXIT_HLT;
	}
}

/*
 * Run until something the exit loop must see. An interrupt delivered
 * between runs is not such a thing: the vCPU goes on in its time slice.
 */
static int tcg_vcpu_run(struct accel_vcpu *tv, struct vmm_exit *exit)
{
	bool kicked, preempted;

	do
		run_once(tv, exit, &kicked, &preempted);
	while (exit->reason == VMM_EXIT_NONE && !kicked && !preempted &&
	       !vmm_exit_stopping(tv->sink));
	return 0;
}

static int tcg_get_regs(struct accel_vcpu *tv, struct vmm_regs *r)
{
	uc_engine *uc = tv->uc;
	uc_x86_mmr gdt = { 0 }, idt = { 0 };
	uc_x86_msr efer = { .rid = MSR_EFER };
	bool wide = tv->mode == VMM_CPU_LONG;

	memset(r, 0, sizeof(*r));
	r->rax = reg_read(uc, wide ? UC_X86_REG_RAX : UC_X86_REG_EAX);
	r->rbx = reg_read(uc, wide ? UC_X86_REG_RBX : UC_X86_REG_EBX);
	r->rcx = reg_read(uc, wide ? UC_X86_REG_RCX : UC_X86_REG_ECX);
	r->rdx = reg_read(uc, wide ? UC_X86_REG_RDX : UC_X86_REG_EDX);
	r->rsi = reg_read(uc, wide ? UC_X86_REG_RSI : UC_X86_REG_ESI);
	r->rdi = reg_read(uc, wide ? UC_X86_REG_RDI : UC_X86_REG_EDI);
	r->rsp = reg_read(uc, wide ? UC_X86_REG_RSP : UC_X86_REG_ESP);
	r->rbp = reg_read(uc, wide ? UC_X86_REG_RBP : UC_X86_REG_EBP);
	if (wide) {
		r->r8 = reg_read(uc, UC_X86_REG_R8);
		r->r9 = reg_read(uc, UC_X86_REG_R9);
		r->r10 = reg_read(uc, UC_X86_REG_R10);
		r->r11 = reg_read(uc, UC_X86_REG_R11);
		r->r12 = reg_read(uc, UC_X86_REG_R12);
		r->r13 = reg_read(uc, UC_X86_REG_R13);
		r->r14 = reg_read(uc, UC_X86_REG_R14);
		r->r15 = reg_read(uc, UC_X86_REG_R15);
		r->rip = reg_read(uc, UC_X86_REG_RIP);
	} else {
		r->rip = reg_read(uc, UC_X86_REG_EIP) & 0xffffffff;
	}
	r->rflags = reg_read(uc, UC_X86_REG_EFLAGS) & 0xffffffff;
	r->cs.selector = (uint16_t)reg_read(uc, UC_X86_REG_CS);
	r->ds.selector = (uint16_t)reg_read(uc, UC_X86_REG_DS);
	r->es.selector = (uint16_t)reg_read(uc, UC_X86_REG_ES);
	r->fs.selector = (uint16_t)reg_read(uc, UC_X86_REG_FS);
	r->gs.selector = (uint16_t)reg_read(uc, UC_X86_REG_GS);
	r->ss.selector = (uint16_t)reg_read(uc, UC_X86_REG_SS);
	if (tv->mode == VMM_CPU_REAL) {
		r->cs.base = (uint64_t)r->cs.selector << 4;
		r->ds.base = (uint64_t)r->ds.selector << 4;
		r->ss.base = (uint64_t)r->ss.selector << 4;
	}
	r->cr0 = reg_read(uc, UC_X86_REG_CR0);
	r->cr2 = reg_read(uc, UC_X86_REG_CR2);
	r->cr3 = reg_read(uc, UC_X86_REG_CR3);
	r->cr4 = reg_read(uc, UC_X86_REG_CR4);
	if (uc_reg_read(uc, UC_X86_REG_MSR, &efer) == UC_ERR_OK)
		r->efer = efer.value;
	if (uc_reg_read(uc, UC_X86_REG_GDTR, &gdt) == UC_ERR_OK) {
		r->gdt.base = gdt.base;
		r->gdt.limit = (uint16_t)gdt.limit;
	}
	if (uc_reg_read(uc, UC_X86_REG_IDTR, &idt) == UC_ERR_OK) {
		r->idt.base = idt.base;
		r->idt.limit = (uint16_t)idt.limit;
	}
	return 0;
}

static void tcg_kick(struct accel_vcpu *tv)
{

	pthread_mutex_lock(&tv->lock);
	tv->kicked = true;
	if (tv->running)
		uc_emu_stop(tv->uc);
	pthread_mutex_unlock(&tv->lock);
}

static void tcg_preempt(struct accel_vm *vm)
{
	for (unsigned i = 0; i < vm->n_vcpus; i++) {
		struct accel_vcpu *tv = vm->vcpus[i];

		if (!tv)
			continue;
		pthread_mutex_lock(&tv->lock);
		if (tv->running) {
			tv->preempted = true;
			__atomic_store_n(&tv->yield, true, __ATOMIC_RELAXED);
		}
		pthread_mutex_unlock(&tv->lock);
	}
}

static void tcg_ram_written(struct accel_vm *vm, uint64_t gpa, uint64_t len)
{
	for (unsigned i = 0; i < vm->n_vcpus; i++) {
		struct accel_vcpu *tv = vm->vcpus[i];

		if (tv)
			uc_ctl_remove_cache(tv->uc, gpa, gpa + len);
	}
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
	.get_regs = tcg_get_regs,
	.kick = tcg_kick,
	.preempt = tcg_preempt,
	.ram_written = tcg_ram_written,
};
