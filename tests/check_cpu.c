// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_cpu.c - the initial CPU state of each mode: the segments, control
 * registers, GDT and long-mode page tables both accelerators start from.
 * Runs without /dev/kvm.
 */
#include "config.h"

#include "cpu.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static struct vmm_cpu_setup cfg;
static uint64_t memory;

static void setup(void)
{
	memset(&cfg, 0, sizeof(cfg));
	memory = 1 << 20;
	cfg.n_vcpus = 1;
}

START_TEST(test_real_mode)
{
	struct vmm_boot_layout l;
	struct vmm_regs r;

	cfg.mode = VMM_CPU_REAL;
	cfg.cs = 0x1000;
	cfg.entry = 0x20;
	cfg.gprs[VMM_RAX] = 2;
	cfg.gprs[VMM_RBX] = 3;
	cfg.gprs_set = (1u << VMM_RAX) | (1u << VMM_RBX);
	ck_assert_int_eq(vmm_cpu_layout(cfg.mode, memory, &l), 0);
	ck_assert_uint_eq(l.size, 0); /* nothing reserved */
	vmm_cpu_initial_regs(&cfg, &l, 0, &r);
	ck_assert_uint_eq(r.cs.selector, 0x1000);
	ck_assert_uint_eq(r.cs.base, 0x10000);
	ck_assert_uint_eq(r.cs.limit, 0xffff);
	ck_assert_uint_eq(r.ds.base, 0);
	ck_assert_uint_eq(r.rip, 0x20);
	ck_assert_uint_eq(r.rax, 2);
	ck_assert_uint_eq(r.rbx, 3);
	ck_assert_uint_eq(r.rcx, 0);
	ck_assert_uint_eq(r.rflags, 0x2); /* interrupts off */
	ck_assert_uint_eq(r.cr0 & X86_CR0_PE, 0);
	ck_assert_uint_eq(r.efer, 0);
	ck_assert_uint_eq(r.idt.limit, 0x3ff); /* the real-mode IVT */
}
END_TEST

START_TEST(test_protected_mode)
{
	uint8_t *ram = calloc(1, memory);
	struct vmm_boot_layout l;
	struct vmm_regs r;
	const uint8_t *gdt;

	cfg.mode = VMM_CPU_PROTECTED;
	cfg.entry = 0x1000;
	ck_assert_int_eq(vmm_cpu_layout(cfg.mode, memory, &l), 0);
	ck_assert_uint_eq(l.size, 4096);
	ck_assert_uint_eq(l.base, memory - 4096); /* top of RAM */
	vmm_cpu_write_tables(cfg.mode, ram, &l);
	vmm_cpu_initial_regs(&cfg, &l, 0, &r);

	ck_assert_uint_eq(r.cr0 & (X86_CR0_PE | X86_CR0_PG), X86_CR0_PE);
	/* SSE usable: MP set, EM clear, OSFXSR and OSXMMEXCPT set */
	ck_assert_uint_eq(r.cr0 & (X86_CR0_MP | (1u << 2)), X86_CR0_MP);
	ck_assert_uint_eq(r.cr4, X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
	ck_assert_uint_eq(r.cs.selector, VMM_GDT_CODE32);
	ck_assert_uint_eq(r.cs.base, 0);
	ck_assert_uint_eq(r.cs.limit, 0xffffffff);
	ck_assert_uint_eq(r.cs.db, 1);
	ck_assert_uint_eq(r.cs.l, 0);
	ck_assert_uint_eq(r.cs.g, 1);
	ck_assert_uint_eq(r.cs.type, 0xb);
	ck_assert_uint_eq(r.ds.selector, VMM_GDT_DATA);
	ck_assert_uint_eq(r.ss.selector, VMM_GDT_DATA);
	ck_assert_uint_eq(r.ds.type, 3);
	ck_assert_uint_eq(r.gdt.base, l.gdt);
	ck_assert_uint_eq(r.gdt.limit, VMM_GDT_ENTRIES * 8 - 1);
	ck_assert_uint_eq(r.rip, 0x1000);

	/* the GDT in RAM says the same as the cached segments */
	gdt = ram + l.gdt;
	ck_assert_uint_eq(get64(gdt), 0);
	ck_assert_uint_eq(get64(gdt + VMM_GDT_CODE32), 0x00cf9b000000ffffull);
	ck_assert_uint_eq(get64(gdt + VMM_GDT_DATA), 0x00cf93000000ffffull);
	ck_assert_uint_eq(get64(gdt + VMM_GDT_CODE64), 0x00af9b000000ffffull);
	free(ram);
}
END_TEST

START_TEST(test_long_mode)
{
	uint8_t *ram = calloc(1, memory);
	struct vmm_boot_layout l;
	struct vmm_regs r;
	uint64_t pml4e, pdpte, pde;

	cfg.mode = VMM_CPU_LONG;
	ck_assert_int_eq(vmm_cpu_layout(cfg.mode, memory, &l), 0);
	/* GDT, PML4, PDPT and four PDs: 4 GiB in 2 MiB pages */
	ck_assert_uint_eq(l.mapped, 4ull << 30);
	ck_assert_uint_eq(l.size, 7 * 4096);
	ck_assert_uint_eq(l.base + l.size, memory);
	vmm_cpu_write_tables(cfg.mode, ram, &l);
	vmm_cpu_initial_regs(&cfg, &l, 0, &r);

	ck_assert_uint_eq(r.cr0 & (X86_CR0_PE | X86_CR0_PG),
			  X86_CR0_PE | X86_CR0_PG);
	ck_assert_uint_eq(r.cr4, X86_CR4_PAE | X86_CR4_OSFXSR |
					  X86_CR4_OSXMMEXCPT);
	ck_assert_uint_eq(r.cr0 & X86_CR0_MP, X86_CR0_MP);
	ck_assert_uint_eq(r.efer, X86_EFER_LME | X86_EFER_LMA);
	ck_assert_uint_eq(r.cr3, l.pml4);
	ck_assert_uint_eq(r.cs.selector, VMM_GDT_CODE64);
	ck_assert_uint_eq(r.cs.l, 1);
	ck_assert_uint_eq(r.cs.db, 0);

	/* walk the tables for a few addresses: identity, present, writable */
	for (uint64_t va = 0; va < (4ull << 30); va += 0x3f654321ull) {
		pml4e = get64(ram + l.pml4 + 8 * ((va >> 39) & 511));
		ck_assert_uint_eq(pml4e & 3, 3);
		pdpte = get64(ram + (pml4e & ~0xfffull) + 8 * ((va >> 30) & 511));
		ck_assert_uint_eq(pdpte & 3, 3);
		pde = get64(ram + (pdpte & ~0xfffull) + 8 * ((va >> 21) & 511));
		ck_assert_uint_eq(pde & 0x83, 0x83); /* P, RW, PS */
		ck_assert_uint_eq((pde & ~0x1fffffull) | (va & 0x1fffff), va);
	}
	/* the MMIO hole below 4 GiB is mapped too, and nothing above */
	pdpte = get64(ram + (get64(ram + l.pml4) & ~0xfffull) + 8 * 4);
	ck_assert_uint_eq(pdpte, 0);
	free(ram);
}
END_TEST

START_TEST(test_long_mode_big_ram)
{
	struct vmm_boot_layout l;

	/* 6 GiB: 3 below the PCI hole, 3 at 4-7 GiB, all mapped */
	ck_assert_int_eq(vmm_cpu_layout(VMM_CPU_LONG, 6ull << 30, &l), 0);
	ck_assert_uint_eq(l.mapped, 7ull << 30);
	ck_assert_uint_eq(l.size, (3 + 7) * 4096);
}
END_TEST

START_TEST(test_tables_below_4g)
{
	struct vmm_boot_layout l;

	/* a 32-bit GDTR cannot point above 4 GiB, whatever the RAM size:
	 * the tables end where low RAM does, at the PCI hole (3 GiB) */
	ck_assert_int_eq(vmm_cpu_layout(VMM_CPU_PROTECTED, 8ull << 30, &l), 0);
	ck_assert_uint_eq(l.base + l.size, 3ull << 30);
	ck_assert_int_eq(vmm_cpu_layout(VMM_CPU_LONG, 8ull << 30, &l), 0);
	ck_assert_uint_eq(l.base + l.size, 3ull << 30);
	ck_assert_uint_eq(l.mapped, 9ull << 30);
	/* 3 GiB exactly: no split */
	ck_assert_int_eq(vmm_cpu_layout(VMM_CPU_LONG, 3ull << 30, &l), 0);
	ck_assert_uint_eq(l.base + l.size, 3ull << 30);
	ck_assert_uint_eq(l.mapped, 4ull << 30);
}
END_TEST

START_TEST(test_too_small)
{
	struct vmm_boot_layout l;

	ck_assert_int_eq(vmm_cpu_layout(VMM_CPU_LONG, 7 * 4096, &l), -ENOSPC);
	ck_assert_int_eq(vmm_cpu_layout(VMM_CPU_PROTECTED, 4096, &l), -ENOSPC);
	ck_assert_int_eq(vmm_cpu_layout(VMM_CPU_PROTECTED, 8192, &l), 0);
	ck_assert_int_eq(vmm_cpu_layout(VMM_CPU_LONG, 8 * 4096, &l), 0);
}
END_TEST

START_TEST(test_vcpu_index)
{
	struct vmm_boot_layout l;
	struct vmm_regs r;

	cfg.n_vcpus = 4;
	cfg.gprs[VMM_RDI] = 99;
	cfg.gprs_set = 1u << VMM_RDI;
	vmm_cpu_layout(cfg.mode, memory, &l);
	vmm_cpu_initial_regs(&cfg, &l, 3, &r);
	ck_assert_uint_eq(r.rdi, 3); /* the index wins on SMP machines */
	cfg.n_vcpus = 1;
	vmm_cpu_initial_regs(&cfg, &l, 0, &r);
	ck_assert_uint_eq(r.rdi, 99);
}
END_TEST

static Suite *cpu_suite(void)
{
	Suite *s = suite_create("cpu");
	TCase *core = tcase_create("core");
	TCase *limits = tcase_create("limits");

	tcase_add_checked_fixture(core, setup, NULL);
	tcase_add_test(core, test_real_mode);
	tcase_add_test(core, test_protected_mode);
	tcase_add_test(core, test_long_mode);
	tcase_add_test(core, test_vcpu_index);
	suite_add_tcase(s, core);
	tcase_add_checked_fixture(limits, setup, NULL);
	tcase_add_test(limits, test_long_mode_big_ram);
	tcase_add_test(limits, test_too_small);
	tcase_add_test(limits, test_tables_below_4g);
	suite_add_tcase(s, limits);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cpu_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
