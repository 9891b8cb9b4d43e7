// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * accel-tcg-x86.c - the software vCPU's x86 side: its registers as
 * Unicorn holds them, and interrupt and exception delivery, which Unicorn
 * 2.0.1 leaves undone. accel-tcg.c runs the engine (and says what else of
 * Unicorn 2.0.1 plugvm relies on); accel-tcg.h is what the two share.
 *
 * Exceptions and INT n never reach the guest's IVT/IDT by themselves;
 * UC_HOOK_INTR sees them, EIP past an INT n and at the instruction for a
 * fault (#UD comes to UC_HOOK_INSN_INVALID instead, and ends the run
 * whatever the hook says). The hooks note the vector and stop the engine;
 * between runs plugvm delivers it as the CPU would, through the IVT or the
 * IDT: x86-intr.c does that, given the registers it needs, guest memory
 * and a CS load (see x86-intr.h for what it leaves out); this file adapts
 * Unicorn to it. Registers written from a hook would make Unicorn drop
 * later stop requests. What cannot be delivered is a guest fault (the IDT
 * plugvm starts with is empty, so under kvm that is a triple fault).
 * Unicorn's stale fault state is covered in vmm_tcg_decode_fault().
 */
#include "config.h"

#include "accel-tcg.h"
#include "log.h"
#include "x86-intr.h"

#include <errno.h>
#include <string.h>
#include <unicorn/unicorn.h>

#define MSR_EFER 0xc0000080u

const char *const vmm_tcg_exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"BOUND range exceeded", "invalid opcode", "device not available",
	"double fault", "coprocessor segment overrun", "invalid TSS",
	"segment not present", "stack-segment fault", "general protection",
	"page fault", "reserved", "x87 floating-point error",
	"alignment check", "machine check", "SIMD floating-point error",
	"virtualization exception", "control protection",
};

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

	if (vmm_tcg_reg_read(tv->uc, UC_X86_REG_CR0) & X86_CR0_PG)
		return "tcg cannot switch CS with paging on";
	if (vmm_tcg_reg_write(tv->uc, UC_X86_REG_CS, sel))
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

	*cr0 = vmm_tcg_reg_read(tv->uc, UC_X86_REG_CR0);
	*efer = 0;
	if ((*cr0 & X86_CR0_PE) &&
	    uc_reg_read(tv->uc, UC_X86_REG_MSR, &msr) == UC_ERR_OK)
		*efer = msr.value;
}

/* The mode the vCPU is in now, which a guest may have changed. */
enum vmm_cpu_mode vmm_tcg_current_mode(struct accel_vcpu *tv)
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
	uint16_t cs = (uint16_t)vmm_tcg_reg_read(tv->uc, UC_X86_REG_CS);
	struct vmm_dtable gdt;
	uint64_t desc;

	switch (mode) {
	case VMM_CPU_REAL: /* EIP, not IP: past a HLT at 0xffff it is 0x10000 */
		return ((uint64_t)cs << 4) +
		       (vmm_tcg_reg_read(tv->uc, UC_X86_REG_EIP) & 0x1ffff);
	case VMM_CPU_PROTECTED:
		gdt = dtable(tv->uc, UC_X86_REG_GDTR);
		return (vmm_x86_gdt_descriptor(&intr_ops, tv, &gdt, cs, &desc)
				? 0
				: vmm_x86_descriptor_base(desc)) +
		       (vmm_tcg_reg_read(tv->uc, UC_X86_REG_EIP) & 0xffffffff);
	default:
		return vmm_tcg_reg_read(tv->uc, UC_X86_REG_RIP);
	}
}


/* Up to 15 guest bytes at @addr, as many as are in RAM. */
static size_t code_bytes(struct accel_vcpu *tv, uint64_t addr, uint8_t b[15])
{
	size_t n = 15;

	/* as many as are in the same stretch of RAM */
	while (n && vmm_guestmem_read(tv->mem, addr, b, n))
		n--;
	return n;
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
int vmm_tcg_decode_fault(struct accel_vcpu *tv, enum vmm_cpu_mode mode)
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
	r->rip = vmm_tcg_reg_read(uc, ip[mode]);
	r->rsp = vmm_tcg_reg_read(uc, sp[mode]);
	r->rflags = vmm_tcg_reg_read(uc, flags[mode]);
	r->cs = (uint16_t)vmm_tcg_reg_read(uc, UC_X86_REG_CS);
	r->ss = (uint16_t)vmm_tcg_reg_read(uc, UC_X86_REG_SS);
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
		ret = vmm_tcg_reg_write(uc, UC_X86_REG_SP, r->rsp);
		ret |= vmm_tcg_reg_write(uc, UC_X86_REG_FLAGS, r->rflags);
		ret |= vmm_tcg_reg_write(uc, UC_X86_REG_CS, r->cs);
		ret |= vmm_tcg_reg_write(uc, UC_X86_REG_IP, r->rip);
	} else {
		bool is_long = mode == VMM_CPU_LONG;

		ret = vmm_tcg_reg_write(
			uc, is_long ? UC_X86_REG_RSP : UC_X86_REG_ESP, r->rsp);
		ret |= vmm_tcg_reg_write(uc, UC_X86_REG_EFLAGS, r->rflags);
		ret |= vmm_tcg_reg_write(
			uc, is_long ? UC_X86_REG_RIP : UC_X86_REG_EIP, r->rip);
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
void vmm_tcg_deliver(struct accel_vcpu *tv, uint32_t intno)
{
	struct vmm_x86_intr intr = {
		.kind = VMM_X86_INTR_INT_OR_EXCEPTION,
	};
	struct vmm_x86_intr_regs r;
	enum vmm_cpu_mode mode = read_intr_regs(tv, &r);
	const char *what, *why;

	if (intno == 8 && !after_int8(tv, mode)) {
		tv->stale_df = true;
		if (vmm_tcg_decode_fault(tv, mode) == 0)
			intno = 0;
	}
	what = intno < 32 && vmm_tcg_exception_names[intno]
		       ? vmm_tcg_exception_names[intno]
		       : "software interrupt (INT n) with no handler";
	intr.vector = intno;
	why = vmm_x86_intr_deliver(&intr_ops, tv, &r, &intr);
	if (!why)
		why = write_intr_regs(tv, mode, &r);
	if (why) {
		vmm_info("vCPU %u: tcg: vector %u not delivered: %s",
			 tv->index, intno, why);
		vmm_tcg_fault_stop(tv, intno, what, 0);
	}
}

/*
 * Deliver hardware interrupt @vector (the controller's answer to INTA)
 * through the IVT or IDT, returning to the instruction at CS:EIP, which
 * has not run yet (or follows a HLT). What cannot be delivered is a guest
 * fault, as for exceptions. Between runs, never from a hook.
 */
void vmm_tcg_deliver_external(struct accel_vcpu *tv, uint8_t vector)
{
	struct vmm_x86_intr intr = {
		.kind = VMM_X86_INTR_EXTERNAL,
		.vector = vector,
	};
	struct vmm_x86_intr_regs r;
	enum vmm_cpu_mode mode = read_intr_regs(tv, &r);
	const char *why;

	why = vmm_x86_intr_deliver(&intr_ops, tv, &r, &intr);
	if (!why)
		why = write_intr_regs(tv, mode, &r);
	if (why) {
		vmm_info("vCPU %u: tcg: interrupt vector %u not delivered: %s",
			 tv->index, vector, why);
		vmm_tcg_fault_stop(tv, vector,
				   "hardware interrupt with no usable handler",
				   0);
	}
}

/* Entry @i of the @size-byte page-table entries at guest-physical @table
 * (0 when not in RAM: not present). */
static uint64_t pt_entry(struct accel_vcpu *tv, uint64_t table, uint64_t i,
			 unsigned size)
{
	uint64_t e = 0;

	if (vmm_guestmem_read(tv->mem, table + i * size, &e, size))
		return 0;
	return e;
}

/*
 * May uc_ctl_remove_cache() look up linear @addr's page, which it does as
 * an instruction fetch? 1: paging is off, or the guest's tables (2-level,
 * PAE, 4-level, large pages) map the page to itself, executable at ring 0
 * (no NX or reserved bit 63 on the way, not a user page under SMEP); 0:
 * not present or not executable (no code can come from it: nothing to
 * drop); -1: mapped to another physical page.
 */
int vmm_tcg_code_page(struct accel_vcpu *tv, uint64_t addr)
{
	const uint64_t pa_mask = 0x000ffffffffff000ull;
	uint64_t cr0, efer, cr4, cr3, e, pa, page = addr & pa_mask;
	bool nx = false, user = true;
	unsigned level;

	mode_regs(tv, &cr0, &efer);
	if (!(cr0 & X86_CR0_PG))
		return 1;
	cr3 = vmm_tcg_reg_read(tv->uc, UC_X86_REG_CR3);
	cr4 = vmm_tcg_reg_read(tv->uc, UC_X86_REG_CR4);
	if (!(cr4 & X86_CR4_PAE)) { /* 2-level, 4-byte entries */
		e = pt_entry(tv, cr3 & 0xfffff000u, (addr >> 22) & 0x3ff, 4);
		user = e & 4;
		if (!(e & 1))
			return 0;
		if ((e & 0x80) && (cr4 & (1u << 4))) { /* PSE: 4 MiB */
			pa = (e & 0xffc00000u) | (addr & 0x3ff000);
		} else {
			e = pt_entry(tv, e & 0xfffff000u, (addr >> 12) & 0x3ff,
				     4);
			user = user && (e & 4);
			if (!(e & 1))
				return 0;
			pa = e & 0xfffff000u;
		}
		page &= 0xfffff000u;
	} else {
		if (efer & X86_EFER_LMA) {
			e = pt_entry(tv, cr3 & pa_mask, (addr >> 39) & 0x1ff,
				     8);
			nx |= e >> 63;
			user = user && (e & 4);
			if (!(e & 1))
				return 0;
			e = pt_entry(tv, e & pa_mask, (addr >> 30) & 0x1ff, 8);
		} else {
			e = pt_entry(tv, cr3 & 0xffffffe0u, (addr >> 30) & 3,
				     8);
		}
		/* the PDPTE, then the PDE and PTE: 1 GiB, 2 MiB, 4 KiB */
		for (level = 30;; level -= 9) {
			nx |= e >> 63;
			if (level != 30 || (efer & X86_EFER_LMA))
				user = user && (e & 4);
			if (!(e & 1))
				return 0;
			if (level == 12 || (e & 0x80))
				break;
			e = pt_entry(tv, e & pa_mask,
				     (addr >> (level - 9)) & 0x1ff, 8);
		}
		pa = (e & pa_mask & ~((1ull << level) - 1)) |
		     (addr & ((1ull << level) - 1) & ~0xfffull);
	}
	if (nx || (user && (cr4 & (1u << 20)))) /* NX; SMEP */
		return 0;
	return pa == page ? 1 : -1;
}

uint64_t vmm_tcg_rflags(struct accel_vcpu *tv)
{
	return vmm_tcg_reg_read(tv->uc, UC_X86_REG_EFLAGS);
}

bool vmm_tcg_paging(struct accel_vcpu *tv)
{
	return (vmm_tcg_reg_read(tv->uc, UC_X86_REG_CR0) & X86_CR0_PG) != 0;
}

/*
 * A run that ended with nothing to say ended at a HLT, which leaves EIP
 * past its f4 byte; or, once Unicorn has reported a double fault (which its
 * stale fault state makes of a guest's second #DE, see
 * vmm_tcg_decode_fault()), at an exception it swallowed, with EIP at the
 * instruction. Only asked then.
 */
bool vmm_tcg_after_hlt(struct accel_vcpu *tv)
{
	uint64_t a = code_address(tv, vmm_tcg_current_mode(tv));
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
void vmm_tcg_hook_intr(uc_engine *uc, uint32_t intno, void *user)
{
	(void)uc;
	defer(user, intno, 0);
}

/*
 * An undefined opcode: Unicorn raises no #UD but calls this hook, with EIP
 * at the instruction, and ends the run whatever it returns. So does a
 * software INT 6, which must return past itself and its prefixes.
 */
bool vmm_tcg_hook_invalid(uc_engine *uc, void *user)
{
	struct accel_vcpu *tv = user;
	enum vmm_cpu_mode mode = vmm_tcg_current_mode(tv);
	uint8_t b[15];
	size_t n = code_bytes(tv, code_address(tv, mode), b);
	size_t i = prefixes(b, n, mode);

	(void)uc;
	defer(tv, 6, i + 1 < n && b[i] == 0xcd && b[i + 1] == 6 ? i + 2 : 0);
	return true;
}

int vmm_tcg_reg_write(uc_engine *uc, int reg, uint64_t v)
{
	return uc_reg_write(uc, reg, &v) == UC_ERR_OK ? 0 : -EINVAL;
}

uint64_t vmm_tcg_reg_read(uc_engine *uc, int reg)
{
	uint64_t v = 0;

	uc_reg_read(uc, reg, &v);
	return v;
}

int vmm_tcg_set_regs(struct accel_vcpu *tv, const struct vmm_regs *r)
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
			ret |= vmm_tcg_reg_write(uc, gpr_ids[i], gprs[i]);
	} else {
		for (size_t i = 0; i < 8; i++)
			ret |= vmm_tcg_reg_write(uc, gpr32_ids[i],
						 (uint32_t)gprs[i]);
	}
	ret |= vmm_tcg_reg_write(uc, UC_X86_REG_EFLAGS, r->rflags);

	/* IDTR in every mode: real mode finds its IVT through it too. */
	ret |= uc_reg_write(uc, UC_X86_REG_IDTR, &idt) ? -EINVAL : 0;
	if (tv->mode != VMM_CPU_REAL) {
		uc_x86_mmr gdt = { .base = r->gdt.base, .limit = r->gdt.limit };
		uc_x86_msr efer = { .rid = MSR_EFER, .value = r->efer };

		ret |= uc_reg_write(uc, UC_X86_REG_GDTR, &gdt) ? -EINVAL : 0;
		ret |= vmm_tcg_reg_write(uc, UC_X86_REG_CR4, r->cr4);
		if (tv->mode == VMM_CPU_LONG)
			ret |= uc_reg_write(uc, UC_X86_REG_MSR, &efer) ? -EINVAL
								     : 0;
		ret |= vmm_tcg_reg_write(uc, UC_X86_REG_CR3, r->cr3);
		ret |= vmm_tcg_reg_write(uc, UC_X86_REG_CR0, r->cr0);
	}
	ret |= vmm_tcg_reg_write(uc, UC_X86_REG_CS, r->cs.selector);
	ret |= vmm_tcg_reg_write(uc, UC_X86_REG_DS, r->ds.selector);
	ret |= vmm_tcg_reg_write(uc, UC_X86_REG_ES, r->es.selector);
	ret |= vmm_tcg_reg_write(uc, UC_X86_REG_FS, r->fs.selector);
	ret |= vmm_tcg_reg_write(uc, UC_X86_REG_GS, r->gs.selector);
	ret |= vmm_tcg_reg_write(uc, UC_X86_REG_SS, r->ss.selector);
	if (tv->mode == VMM_CPU_LONG)
		ret |= vmm_tcg_reg_write(uc, UC_X86_REG_RIP, r->rip);
	else
		ret |= vmm_tcg_reg_write(uc, UC_X86_REG_EIP, (uint32_t)r->rip);
	return ret;
}

int vmm_tcg_get_regs(struct accel_vcpu *tv, struct vmm_regs *r)
{
	uc_engine *uc = tv->uc;
	uc_x86_mmr gdt = { 0 }, idt = { 0 };
	uc_x86_msr efer = { .rid = MSR_EFER };
	bool wide = tv->mode == VMM_CPU_LONG;

	memset(r, 0, sizeof(*r));
	r->rax = vmm_tcg_reg_read(uc, wide ? UC_X86_REG_RAX : UC_X86_REG_EAX);
	r->rbx = vmm_tcg_reg_read(uc, wide ? UC_X86_REG_RBX : UC_X86_REG_EBX);
	r->rcx = vmm_tcg_reg_read(uc, wide ? UC_X86_REG_RCX : UC_X86_REG_ECX);
	r->rdx = vmm_tcg_reg_read(uc, wide ? UC_X86_REG_RDX : UC_X86_REG_EDX);
	r->rsi = vmm_tcg_reg_read(uc, wide ? UC_X86_REG_RSI : UC_X86_REG_ESI);
	r->rdi = vmm_tcg_reg_read(uc, wide ? UC_X86_REG_RDI : UC_X86_REG_EDI);
	r->rsp = vmm_tcg_reg_read(uc, wide ? UC_X86_REG_RSP : UC_X86_REG_ESP);
	r->rbp = vmm_tcg_reg_read(uc, wide ? UC_X86_REG_RBP : UC_X86_REG_EBP);
	if (wide) {
		r->r8 = vmm_tcg_reg_read(uc, UC_X86_REG_R8);
		r->r9 = vmm_tcg_reg_read(uc, UC_X86_REG_R9);
		r->r10 = vmm_tcg_reg_read(uc, UC_X86_REG_R10);
		r->r11 = vmm_tcg_reg_read(uc, UC_X86_REG_R11);
		r->r12 = vmm_tcg_reg_read(uc, UC_X86_REG_R12);
		r->r13 = vmm_tcg_reg_read(uc, UC_X86_REG_R13);
		r->r14 = vmm_tcg_reg_read(uc, UC_X86_REG_R14);
		r->r15 = vmm_tcg_reg_read(uc, UC_X86_REG_R15);
		r->rip = vmm_tcg_reg_read(uc, UC_X86_REG_RIP);
	} else {
		r->rip = vmm_tcg_reg_read(uc, UC_X86_REG_EIP) & 0xffffffff;
	}
	r->rflags = vmm_tcg_reg_read(uc, UC_X86_REG_EFLAGS) & 0xffffffff;
	r->cs.selector = (uint16_t)vmm_tcg_reg_read(uc, UC_X86_REG_CS);
	r->ds.selector = (uint16_t)vmm_tcg_reg_read(uc, UC_X86_REG_DS);
	r->es.selector = (uint16_t)vmm_tcg_reg_read(uc, UC_X86_REG_ES);
	r->fs.selector = (uint16_t)vmm_tcg_reg_read(uc, UC_X86_REG_FS);
	r->gs.selector = (uint16_t)vmm_tcg_reg_read(uc, UC_X86_REG_GS);
	r->ss.selector = (uint16_t)vmm_tcg_reg_read(uc, UC_X86_REG_SS);
	if (tv->mode == VMM_CPU_REAL) {
		r->cs.base = (uint64_t)r->cs.selector << 4;
		r->ds.base = (uint64_t)r->ds.selector << 4;
		r->ss.base = (uint64_t)r->ss.selector << 4;
	}
	r->cr0 = vmm_tcg_reg_read(uc, UC_X86_REG_CR0);
	r->cr2 = vmm_tcg_reg_read(uc, UC_X86_REG_CR2);
	r->cr3 = vmm_tcg_reg_read(uc, UC_X86_REG_CR3);
	r->cr4 = vmm_tcg_reg_read(uc, UC_X86_REG_CR4);
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
