/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpu.h - x86 register state, and the initial state of each CPU mode.
 *
 * Both accelerators start a vCPU from the same struct vmm_regs that
 * vmm_cpu_initial_regs() computes, so a machine starts identically on kvm
 * and tcg. The shapes follow struct kvm_regs / kvm_sregs.
 *
 * Layer 2 (README.md, "Layout"): calls nothing of plugvm's but guestmem.h's
 * rule for where RAM lies around the PCI hole. It knows no
 * machine file: how the vCPUs start comes in a struct vmm_cpu_setup, which
 * whoever reads the config fills in.
 */
#ifndef VMM_CPU_H
#define VMM_CPU_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum vmm_cpu_mode {
	VMM_CPU_REAL = 0, /* 16-bit, cs:ip */
	VMM_CPU_PROTECTED, /* flat 32-bit segments, paging off */
	VMM_CPU_LONG, /* 64-bit, identity-mapped guest RAM */
};

/* General registers the [cpu] section may preset, in this order. */
enum vmm_gpr {
	VMM_RAX, VMM_RBX, VMM_RCX, VMM_RDX, VMM_RSI, VMM_RDI, VMM_RSP, VMM_RBP,
	VMM_NR_GPRS
};

/* How the vCPUs of a machine start (the [cpu] section). */
struct vmm_cpu_setup {
	enum vmm_cpu_mode mode;
	uint64_t entry; /* initial IP/RIP */
	uint16_t cs; /* real mode only */
	uint64_t gprs[VMM_NR_GPRS]; /* preset registers */
	uint32_t gprs_set; /* bit i set when gprs[i] is preset */
	unsigned n_vcpus; /* several: each starts with its index in RDI */
	/* Protected and long mode: the selectors CS and the data segments
	 * start with (a boot protocol's, with its own GDT at the layout's
	 * gdt); 0: plugvm's, VMM_GDT_CODE32 or _CODE64 and VMM_GDT_DATA. */
	uint16_t code_sel, data_sel;
};

struct vmm_segment {
	uint64_t base;
	uint32_t limit; /* in bytes, already scaled by the granularity bit */
	uint16_t selector;
	uint8_t type, present, dpl, db, s, l, g, avl;
};

struct vmm_dtable {
	uint64_t base;
	uint16_t limit;
};

struct vmm_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
	struct vmm_segment cs, ds, es, fs, gs, ss, tr, ldt;
	struct vmm_dtable gdt, idt;
	uint64_t cr0, cr2, cr3, cr4, efer;
};

#define X86_CR0_PE (1ull << 0)
#define X86_CR0_MP (1ull << 1)
#define X86_CR0_ET (1ull << 4)
#define X86_CR0_PG (1ull << 31)
#define X86_CR4_PAE (1ull << 5)
#define X86_CR4_OSFXSR (1ull << 9) /* SSE usable */
#define X86_CR4_OSXMMEXCPT (1ull << 10) /* SSE exceptions as #XM */
#define X86_EFER_LME (1ull << 8)
#define X86_EFER_LMA (1ull << 10)
#define X86_RFLAGS_RESERVED (1ull << 1)
#define X86_RFLAGS_IF (1ull << 9)

/* GDT selectors plugvm sets up for protected and long mode. */
#define VMM_GDT_CODE32 0x08
#define VMM_GDT_DATA 0x10
#define VMM_GDT_CODE64 0x18
#define VMM_GDT_TSS 0x20
#define VMM_GDT_ENTRIES 6 /* null, code32, data, code64, tss (2 slots) */

/*
 * Guest RAM plugvm keeps for itself: the GDT (protected and long mode) and
 * the identity page tables (long mode). It sits at the top of RAM below the
 * PCI hole (guestmem.h), page aligned; size 0 in real mode. A kernel
 * loader (boot.h) puts them in low memory instead.
 */
struct vmm_boot_layout {
	uint64_t base; /* lowest reserved address */
	uint64_t size; /* bytes reserved, 0 when none */
	uint64_t gdt; /* guest-physical address of the GDT */
	uint64_t pml4; /* of the PML4 (long mode), also CR3 */
	uint64_t mapped; /* bytes identity-mapped (long mode) */
};

/*
 * How much RAM the boot structures of @mode need for @ram_size bytes of RAM,
 * and where they go: fills @layout without touching RAM. Returns 0, or
 * -ENOSPC when RAM is too small to hold them.
 */
int vmm_cpu_layout(enum vmm_cpu_mode mode, uint64_t ram_size,
		   struct vmm_boot_layout *layout);

/*
 * Write the boot structures of @layout into @ram: for protected and long
 * mode a GDT with flat code/data segments; for long mode 4-level identity
 * page tables with 2 MiB pages covering the lowest max(4 GiB, RAM) so that
 * MMIO below 4 GiB is reachable too.
 */
void vmm_cpu_write_tables(enum vmm_cpu_mode mode, uint8_t *ram,
			  const struct vmm_boot_layout *layout);

/*
 * The state vCPU @index starts in: mode-specific segments and control
 * registers (protected and long mode with SSE enabled, as compiled code
 * expects), RIP = entry, RFLAGS = 0x2 (interrupts off), the preset
 * registers, and the vCPU index in RDI when the machine has several vCPUs.
 */
void vmm_cpu_initial_regs(const struct vmm_cpu_setup *cfg,
			  const struct vmm_boot_layout *layout,
			  unsigned index, struct vmm_regs *regs);

/* Print a register dump, one register group per line, to @f. */
void vmm_regs_dump(FILE *f, const struct vmm_regs *regs);

#endif
