// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86-intr.c - interrupt and exception delivery through the IVT and IDT.
 *
 * Calls only the two callbacks it is handed (guest memory, the CS load) and
 * the C library. Every check comes before the first write, so a refused
 * delivery leaves guest memory and the caller's registers as they were.
 */
#include "config.h"

#include "x86-intr.h"

#include <string.h>

#define EFLAGS_TF (1u << 8)
#define EFLAGS_IF (1u << 9)
#define EFLAGS_NT (1u << 14)
#define EFLAGS_RF (1u << 16)
#define EFLAGS_VM (1u << 17)
#define GATE_INTERRUPT 0xe /* 32-bit or 64-bit interrupt gate: clears IF */
#define GATE_TRAP 0xf

enum vmm_cpu_mode vmm_x86_mode(uint64_t cr0, uint64_t efer)
{
	if (!(cr0 & X86_CR0_PE))
		return VMM_CPU_REAL;
	if (efer & X86_EFER_LMA)
		return VMM_CPU_LONG;
	return VMM_CPU_PROTECTED;
}

/* Copy @n guest bytes at linear @addr to @p; false when not all are RAM. */
static bool lin_read(const struct vmm_x86_intr_ops *ops, void *opaque,
		     uint64_t addr, void *p, size_t n)
{
	const void *src = ops->memory(opaque, addr, n);

	if (!src)
		return false;
	memcpy(p, src, n);
	return true;
}

/*
 * Real mode: deliver @vector through the guest's IVT as the CPU does (push
 * FLAGS, CS, IP; clear IF and TF; load CS:IP from IDTR.base + 4 * n). No
 * error code in real mode. A vector past IDTR.limit is a triple fault on
 * the CPU.
 */
static const char *deliver_real_mode(const struct vmm_x86_intr_ops *ops,
				     void *opaque, struct vmm_x86_intr_regs *r,
				     uint32_t vector)
{
	uint16_t ip = (uint16_t)r->rip, cs = r->cs;
	uint16_t flags = (uint16_t)r->rflags, sp = (uint16_t)r->rsp;
	const uint16_t frame[3] = { ip, cs, flags };
	uint16_t vec[2];
	void *slot[3];

	/* The IVT is where IDTR says: 0-0x3ff unless the guest moved it. */
	if (4 * vector + 3 > r->idt.limit ||
	    !lin_read(ops, opaque, r->idt.base + 4 * vector, vec, sizeof(vec)))
		return "the vector is outside the IVT";
	/* SP wraps within the segment, so each word has its own address. */
	for (int i = 0; i < 3; i++) {
		sp -= 2;
		slot[i] = ops->memory(opaque, ((uint64_t)r->ss << 4) + sp, 2);
		if (!slot[i])
			return "the interrupt stack is outside RAM";
	}
	for (int i = 0; i < 3; i++)
		memcpy(slot[i], &frame[2 - i], 2);
	r->rsp = sp;
	r->rflags = flags & (uint16_t)~(EFLAGS_IF | EFLAGS_TF);
	r->cs = vec[1];
	r->rip = vec[0];
	return NULL;
}

const char *vmm_x86_gdt_descriptor(const struct vmm_x86_intr_ops *ops,
				   void *opaque, const struct vmm_dtable *gdt,
				   uint16_t sel, uint64_t *desc)
{
	if ((sel & ~3u) == 0 || (sel & 4))
		return "a null or LDT selector";
	if ((uint32_t)(sel | 7) > gdt->limit ||
	    !lin_read(ops, opaque, gdt->base + (sel & ~7u), desc, 8))
		return "a selector outside the GDT";
	return NULL;
}

uint64_t vmm_x86_descriptor_base(uint64_t d)
{
	return ((d >> 16) & 0xffffff) | (((d >> 56) & 0xff) << 24);
}

/* Exceptions that push an error code. */
static bool has_error_code(uint32_t vector)
{
	return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 ||
	       vector == 21 || vector == 29 || vector == 30;
}

/*
 * Protected and long mode: deliver @intr through the guest's IDT as the CPU
 * does for an interrupt taken at ring 0 by a ring-0 handler: find the gate,
 * push the frame on the current stack (long mode: aligned to 16 bytes, with
 * SS:RSP, or on the gate's IST stack from the TSS), clear TF, NT, RF (and
 * IF through an interrupt gate), jump to the handler. Not done: task
 * gates, 16-bit gates and stacks, privilege changes and virtual-8086 mode.
 */
static const char *deliver_protected(const struct vmm_x86_intr_ops *ops,
				     void *opaque, struct vmm_x86_intr_regs *r,
				     const struct vmm_x86_intr *intr,
				     bool is_long)
{
	uint32_t vector = intr->vector;
	unsigned gate_size = is_long ? 16 : 8;
	uint64_t gate[2] = { 0, 0 }, cs_desc, ss_desc, handler, sp, flags;
	union {
		uint64_t q[6];
		uint32_t d[4];
	} frame;
	unsigned n = 0; /* words in the frame */
	bool error_code = has_error_code(vector);
	uint64_t frame_addr;
	size_t frame_size;
	unsigned type, ist;
	uint16_t sel;
	const char *why;
	void *stack;

	flags = r->rflags & 0xffffffff;
	if (flags & EFLAGS_VM)
		return "tcg cannot deliver interrupts in virtual-8086 mode";
	if (error_code && intr->kind == VMM_X86_INTR_INT_OR_EXCEPTION)
		return "tcg cannot deliver exceptions with an error code";
	error_code = error_code && intr->kind == VMM_X86_INTR_EXCEPTION;
	if (r->cs & 3)
		return "tcg cannot deliver interrupts taken outside ring 0";
	if ((uint64_t)vector * gate_size + gate_size - 1 > r->idt.limit ||
	    !lin_read(ops, opaque, r->idt.base + (uint64_t)vector * gate_size,
		      gate, gate_size))
		return "the vector is outside the IDT";
	type = (gate[0] >> 40) & 0x1f; /* with the S bit, which must be 0 */
	if (!((gate[0] >> 47) & 1))
		return "the IDT gate is not present";
	if (type != GATE_INTERRUPT && type != GATE_TRAP)
		return "tcg delivers through interrupt and trap gates only";
	sel = (uint16_t)(gate[0] >> 16);
	why = vmm_x86_gdt_descriptor(ops, opaque, &r->gdt, sel, &cs_desc);
	if (why)
		return why;
	/* present (P), code or data (S), code (type bit 3); 64-bit (L) */
	if ((cs_desc & (1ull << 47 | 1ull << 44 | 1ull << 43)) !=
	    (1ull << 47 | 1ull << 44 | 1ull << 43))
		return "the gate's selector is not a present code segment";
	if (is_long && !((cs_desc >> 53) & 1))
		return "the gate's code segment is not 64-bit";
	if (((cs_desc >> 45) & 3) != 0)
		return "tcg cannot deliver to a handler outside ring 0";
	handler = (gate[0] & 0xffff) | ((gate[0] >> 32) & 0xffff0000);
	ist = (unsigned)(gate[0] >> 32) & 7;

	if (is_long) {
		handler |= gate[1] << 32;
		sp = r->rsp;
		if (error_code)
			frame.q[n++] = intr->error_code;
		frame.q[n++] = r->rip;
		frame.q[n++] = r->cs;
		frame.q[n++] = flags;
		frame.q[n++] = sp;
		frame.q[n++] = r->ss;
		frame_size = n * 8;
		if (ist) {
			/* IST n is the 8 bytes at 0x24 + 8 (n - 1) */
			if ((r->tr.selector & ~7u) == 0 ||
			    0x24 + 8 * ist - 1 > r->tr.limit)
				return "the IST slot is outside the TSS";
			if (!lin_read(ops, opaque,
				      r->tr.base + 0x24 + 8 * (ist - 1), &sp,
				      8))
				return "the IST slot is outside RAM";
		}
		/* aligned before the push, so the frame's top 40 bytes are */
		sp = (sp & ~0xfull) - frame_size;
		frame_addr = sp;
	} else {
		why = vmm_x86_gdt_descriptor(ops, opaque, &r->gdt, r->ss,
					     &ss_desc);
		if (why)
			return why;
		if (!((ss_desc >> 54) & 1)) /* B */
			return "tcg cannot deliver on a 16-bit stack";
		sp = r->rsp & 0xffffffff;
		if (error_code)
			frame.d[n++] = intr->error_code;
		frame.d[n++] = (uint32_t)r->rip;
		frame.d[n++] = r->cs;
		frame.d[n++] = (uint32_t)flags;
		frame_size = n * 4;
		sp = (sp - frame_size) & 0xffffffff;
		frame_addr = vmm_x86_descriptor_base(ss_desc) + sp;
	}
	stack = ops->memory(opaque, frame_addr, frame_size);
	if (!stack)
		return "the interrupt stack is outside RAM";

	/*
	 * CS first, the one step the caller may refuse, before anything
	 * changed. The CPU loads it with RPL 0; the same code segment needs
	 * no load.
	 */
	if ((sel & ~3u) != (r->cs & ~3u)) {
		why = ops->load_cs(opaque, sel & ~3u);
		if (why)
			return why;
		r->cs = sel & ~3u;
	}
	memcpy(stack, &frame, frame_size);
	flags &= ~(uint64_t)(EFLAGS_TF | EFLAGS_NT | EFLAGS_RF);
	if (type == GATE_INTERRUPT)
		flags &= ~(uint64_t)EFLAGS_IF;
	r->rsp = sp;
	r->rflags = flags;
	r->rip = handler;
	return NULL;
}

const char *vmm_x86_intr_deliver(const struct vmm_x86_intr_ops *ops,
				 void *opaque, struct vmm_x86_intr_regs *regs,
				 const struct vmm_x86_intr *intr)
{
	enum vmm_cpu_mode mode = vmm_x86_mode(regs->cr0, regs->efer);

	if (intr->vector >= 256)
		return "not a vector";
	if (mode == VMM_CPU_REAL)
		return deliver_real_mode(ops, opaque, regs, intr->vector);
	return deliver_protected(ops, opaque, regs, intr, mode == VMM_CPU_LONG);
}
