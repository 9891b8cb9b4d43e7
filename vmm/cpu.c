// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cpu.c - the initial state of each CPU mode, shared by kvm and tcg.
 *
 * Protected and long mode need a GDT in guest memory (a guest that reloads a
 * segment register reads it), and long mode needs page tables. plugvm puts
 * them at the top of guest RAM below 4 GiB:
 *
 *   top - 4K * (1 + tables)   GDT page
 *   next page                 PML4 (CR3)
 *   next page                 PDPT
 *   next pages                one PD per GiB mapped, 2 MiB pages
 */
#include "config.h"

#include "cpu.h"

#include "guestmem.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#define PAGE_SIZE 4096ull
#define GIB (1ull << 30)

#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_PS (1ull << 7)

/* Bytes of address space the long-mode tables map: max(4 GiB, RAM). */
static uint64_t long_mapped(uint64_t ram_size)
{
	uint64_t gib = (ram_size + GIB - 1) / GIB;

	return (gib < 4 ? 4 : gib) * GIB;
}

int vmm_cpu_layout(enum vmm_cpu_mode mode, uint64_t ram_size,
		   struct vmm_boot_layout *l)
{
	uint64_t pages = 0, high = vmm_guestmem_high_part(ram_size);

	memset(l, 0, sizeof(*l));
	if (mode == VMM_CPU_REAL)
		return 0;
	pages = 1; /* GDT */
	if (mode == VMM_CPU_LONG) {
		/* RAM above the hole is at 4 GiB and up (guestmem.h) */
		l->mapped = long_mapped(high ? VMM_GUESTMEM_HIGH_BASE + high
					     : ram_size);
		pages += 2 + l->mapped / GIB; /* PML4, PDPT, PDs */
		if (l->mapped > 512 * GIB)
			return -ENOSPC; /* one PDPT maps 512 GiB */
	}
	l->size = pages * PAGE_SIZE;
	if (ram_size < l->size + PAGE_SIZE)
		return -ENOSPC; /* leave at least one page for the guest */
	/* At the top of low RAM: below 4 GiB, where a 32-bit GDTR can point
	 * (and CR3 in PAE mode). */
	ram_size -= high;
	l->base = (ram_size & ~(PAGE_SIZE - 1)) - l->size;
	l->gdt = l->base;
	if (mode == VMM_CPU_LONG)
		l->pml4 = l->base + PAGE_SIZE;
	return 0;
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v)); /* x86 hosts only: guest is little-endian */
}

/* An 8-byte code/data descriptor: base 0, limit 4 GiB, granularity 4K. */
static uint64_t gdt_entry(uint64_t access, uint64_t flags)
{
	return (0xffffull) | (access << 40) | (0xfull << 48) | (flags << 52);
}

void vmm_cpu_write_tables(enum vmm_cpu_mode mode, uint8_t *ram,
			  const struct vmm_boot_layout *l)
{
	uint8_t *gdt;

	if (mode == VMM_CPU_REAL || !l->size)
		return;
	memset(ram + l->base, 0, l->size);
	gdt = ram + l->gdt;
	put64(gdt + VMM_GDT_CODE32, gdt_entry(0x9b, 0xc)); /* P, S, code RX, accessed; G, D */
	put64(gdt + VMM_GDT_DATA, gdt_entry(0x93, 0xc)); /* P, S, data RW, accessed; G, B */
	put64(gdt + VMM_GDT_CODE64, gdt_entry(0x9b, 0xa)); /* G, L */
	/* TSS: 16-byte system descriptor, base 0, limit 0x67, busy 32/64-bit TSS */
	put64(gdt + VMM_GDT_TSS, 0x67ull | (0x8bull << 40));
	put64(gdt + VMM_GDT_TSS + 8, 0);

	if (mode == VMM_CPU_LONG) {
		uint64_t pdpt = l->pml4 + PAGE_SIZE;
		uint64_t pd = pdpt + PAGE_SIZE;
		uint64_t n_pd = l->mapped / GIB;

		put64(ram + l->pml4, pdpt | PTE_P | PTE_RW);
		for (uint64_t g = 0; g < n_pd; g++) {
			put64(ram + pdpt + 8 * g,
			      (pd + g * PAGE_SIZE) | PTE_P | PTE_RW);
			for (uint64_t i = 0; i < 512; i++)
				put64(ram + pd + g * PAGE_SIZE + 8 * i,
				      (g * GIB + (i << 21)) | PTE_P | PTE_RW |
					      PTE_PS);
		}
	}
}

static void flat_segment(struct vmm_segment *s, uint16_t sel, uint8_t type,
			 bool code64)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = code64;
	s->db = !code64;
}

static void real_segment(struct vmm_segment *s, uint16_t sel, uint8_t type)
{
	memset(s, 0, sizeof(*s));
	s->base = (uint64_t)sel << 4;
	s->limit = 0xffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->s = 1;
}

void vmm_cpu_initial_regs(const struct vmm_cpu_setup *cfg,
			  const struct vmm_boot_layout *l, unsigned index,
			  struct vmm_regs *r)
{
	uint64_t *gpr[VMM_NR_GPRS] = { &r->rax, &r->rbx, &r->rcx, &r->rdx,
				       &r->rsi, &r->rdi, &r->rsp, &r->rbp };

	memset(r, 0, sizeof(*r));
	r->rflags = X86_RFLAGS_RESERVED;
	r->rip = cfg->entry;
	for (int i = 0; i < VMM_NR_GPRS; i++)
		if (cfg->gprs_set & (1u << i))
			*gpr[i] = cfg->gprs[i];
	if (cfg->n_vcpus > 1)
		r->rdi = index;

	r->idt.base = 0;
	r->idt.limit = cfg->mode == VMM_CPU_REAL ? 0x3ff : 0;
	r->ldt.type = 2; /* LDT */
	r->ldt.present = 1;
	r->ldt.limit = 0xffff;
	r->tr.type = cfg->mode == VMM_CPU_REAL ? 3 : 11; /* busy TSS */
	r->tr.present = 1;
	r->tr.limit = cfg->mode == VMM_CPU_REAL ? 0xffff : 0x67;
	r->cr0 = X86_CR0_ET;

	switch (cfg->mode) {
	case VMM_CPU_REAL:
		real_segment(&r->cs, cfg->cs, 0xb); /* code RX, accessed */
		real_segment(&r->ds, 0, 3); /* data RW, accessed */
		r->es = r->fs = r->gs = r->ss = r->ds;
		break;
	case VMM_CPU_PROTECTED:
		flat_segment(&r->cs, VMM_GDT_CODE32, 0xb, false);
		flat_segment(&r->ds, VMM_GDT_DATA, 3, false);
		r->es = r->fs = r->gs = r->ss = r->ds;
		r->cr0 |= X86_CR0_PE | X86_CR0_MP;
		r->cr4 = X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
		break;
	case VMM_CPU_LONG:
		flat_segment(&r->cs, VMM_GDT_CODE64, 0xb, true);
		flat_segment(&r->ds, VMM_GDT_DATA, 3, false);
		r->es = r->fs = r->gs = r->ss = r->ds;
		r->cr0 |= X86_CR0_PE | X86_CR0_MP | X86_CR0_PG;
		r->cr3 = l->pml4;
		r->cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
		r->efer = X86_EFER_LME | X86_EFER_LMA;
		break;
	}
	if (cfg->mode != VMM_CPU_REAL && cfg->code_sel)
		r->cs.selector = cfg->code_sel;
	if (cfg->mode != VMM_CPU_REAL && cfg->data_sel) {
		r->ds.selector = cfg->data_sel;
		r->es = r->fs = r->gs = r->ss = r->ds;
	}
	if (cfg->mode != VMM_CPU_REAL) {
		r->gdt.base = l->gdt;
		r->gdt.limit = VMM_GDT_ENTRIES * 8 - 1;
		r->tr.selector = VMM_GDT_TSS;
	}
}

static void dump_segment(FILE *f, const char *name, const struct vmm_segment *s)
{
	fprintf(f, "  %-3s %04x base %016" PRIx64 " limit %08x type %x%s%s%s\n",
		name, s->selector, s->base, s->limit, s->type,
		s->present ? " P" : "", s->l ? " L" : "", s->db ? " D" : "");
}

void vmm_regs_dump(FILE *f, const struct vmm_regs *r)
{
	fprintf(f, "  rip %016" PRIx64 " rflags %016" PRIx64 "\n", r->rip,
		r->rflags);
	fprintf(f,
		"  rax %016" PRIx64 " rbx %016" PRIx64 " rcx %016" PRIx64
		" rdx %016" PRIx64 "\n",
		r->rax, r->rbx, r->rcx, r->rdx);
	fprintf(f,
		"  rsi %016" PRIx64 " rdi %016" PRIx64 " rsp %016" PRIx64
		" rbp %016" PRIx64 "\n",
		r->rsi, r->rdi, r->rsp, r->rbp);
	fprintf(f,
		"  r8  %016" PRIx64 " r9  %016" PRIx64 " r10 %016" PRIx64
		" r11 %016" PRIx64 "\n",
		r->r8, r->r9, r->r10, r->r11);
	fprintf(f,
		"  r12 %016" PRIx64 " r13 %016" PRIx64 " r14 %016" PRIx64
		" r15 %016" PRIx64 "\n",
		r->r12, r->r13, r->r14, r->r15);
	dump_segment(f, "cs", &r->cs);
	dump_segment(f, "ds", &r->ds);
	dump_segment(f, "ss", &r->ss);
	fprintf(f,
		"  cr0 %016" PRIx64 " cr2 %016" PRIx64 " cr3 %016" PRIx64
		" cr4 %016" PRIx64 "\n",
		r->cr0, r->cr2, r->cr3, r->cr4);
	fprintf(f, "  efer %" PRIx64 " gdt %" PRIx64 "/%x idt %" PRIx64 "/%x\n",
		r->efer, r->gdt.base, r->gdt.limit, r->idt.base, r->idt.limit);
}
