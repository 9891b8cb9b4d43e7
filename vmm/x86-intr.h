/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86-intr.h - interrupt and exception delivery through the guest's IVT
 * (real mode) or IDT (protected and long mode), as the CPU does it, for an
 * accelerator whose engine does not: tcg.
 *
 * Layer 2, "x86" (README.md, "Layout"): it may call cpu.h and the C
 * library, nothing else. It reads and writes the few registers it needs in
 * a struct the caller fills and writes back, and reaches guest memory and
 * the CS load through the callbacks of struct vmm_x86_intr_ops, so a unit
 * test drives it with a byte array and no engine.
 *
 * What it does: an interrupt taken at ring 0 by a ring-0 handler through
 * an interrupt or trap gate (32-bit in protected mode, 64-bit in long
 * mode, IST stacks included), or through the IVT in real mode. What it
 * refuses, with a reason (the caller then ends the run in a guest fault,
 * where the CPU would deliver or triple-fault): task gates, 16-bit gates
 * and stacks, privilege changes, virtual-8086 mode, and anything the
 * guest's tables do not describe.
 */
#ifndef VMM_X86_INTR_H
#define VMM_X86_INTR_H

#include "cpu.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How the vector arose: that decides whether an error code is pushed. */
enum vmm_x86_intr_kind {
	/*
	 * A hardware interrupt (a PIC's), taken at an instruction boundary
	 * with IF = 1: no error code; rip is the instruction to return to.
	 */
	VMM_X86_INTR_EXTERNAL,
	/* INT n, INT3, INTO: no error code; rip is past the instruction. */
	VMM_X86_INTR_SOFTWARE,
	/*
	 * An exception: pushes @error_code when its vector has one (8,
	 * 10-14, 17, 21, 29, 30; never in real mode); rip is the faulting
	 * instruction for a fault, past it for a trap.
	 */
	VMM_X86_INTR_EXCEPTION,
	/*
	 * An INT n or an exception, the caller cannot tell which, nor the
	 * error code (Unicorn's interrupt hook): a vector that may carry an
	 * error code is refused outside real mode.
	 */
	VMM_X86_INTR_INT_OR_EXCEPTION,
};

struct vmm_x86_intr {
	uint32_t vector; /* 0-255; anything else is refused */
	enum vmm_x86_intr_kind kind;
	uint32_t error_code; /* VMM_X86_INTR_EXCEPTION only */
};

/*
 * The registers delivery reads (all of them) and writes (rip, rsp,
 * rflags, cs). Values are as wide as the mode makes them: IP, SP and FLAGS
 * in real mode, EIP, ESP and EFLAGS in protected mode.
 */
struct vmm_x86_intr_regs {
	uint64_t rip, rsp, rflags;
	uint16_t cs, ss; /* selectors */
	uint64_t cr0, efer; /* the mode: CR0.PE and EFER.LMA */
	struct vmm_dtable gdt, idt; /* real mode: IDTR locates the IVT */
	struct {
		uint16_t selector; /* 0: no TSS loaded */
		uint64_t base;
		uint32_t limit;
	} tr; /* long mode, for the IST */
};

struct vmm_x86_intr_ops {
	/*
	 * Host memory that holds the @len bytes at guest-linear address
	 * @addr, for reading and writing, or NULL when any of them is not
	 * RAM. The IVT, IDT, GDT, TSS and the interrupt stack are all
	 * reached through it. (tcg treats linear addresses as physical, as
	 * plugvm's own page tables map them.)
	 */
	void *(*memory)(void *opaque, uint64_t addr, size_t len);
	/*
	 * Protected and long mode: load CS with @selector (RPL 0) for the
	 * handler. Called only when the gate names another code segment,
	 * after every check and before anything is written. Returns NULL, or
	 * why it cannot (static text), and then delivery stops there with
	 * memory and registers untouched.
	 */
	const char *(*load_cs)(void *opaque, uint16_t selector);
};

/* The mode @cr0 and @efer put the CPU in. */
enum vmm_cpu_mode vmm_x86_mode(uint64_t cr0, uint64_t efer);

/*
 * Deliver @intr through the guest's IVT or IDT, by the mode @regs are in,
 * as the CPU does: push the frame on the stack (with the error code, for an
 * exception that has one), clear IF (real mode, or an interrupt gate), TF,
 * NT and RF, and point @regs at the handler; CS through ops->load_cs
 * outside real mode. The caller then writes rip, rsp, rflags (and cs in
 * real mode) back to its vCPU.
 *
 * Returns NULL, or why delivery was refused (static text); then nothing
 * was written, neither guest memory nor @regs.
 */
const char *vmm_x86_intr_deliver(const struct vmm_x86_intr_ops *ops,
				 void *opaque, struct vmm_x86_intr_regs *regs,
				 const struct vmm_x86_intr *intr);

/*
 * The 8-byte descriptor that GDT selector @sel names, in *@desc. Returns
 * NULL, or why not: "a null or LDT selector", "a selector outside the
 * GDT" (past its limit, or not in RAM).
 */
const char *vmm_x86_gdt_descriptor(const struct vmm_x86_intr_ops *ops,
				   void *opaque, const struct vmm_dtable *gdt,
				   uint16_t sel, uint64_t *desc);

/* The base address a segment descriptor holds. */
uint64_t vmm_x86_descriptor_base(uint64_t desc);

#endif
