// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_x86_intr.c - interrupt and exception delivery through the IVT and
 * IDT (x86-intr.c) on a plain byte array: the frame on the stack, the flags,
 * the handler, IST stacks, and every refusal, which must leave memory and
 * registers as they were. No Unicorn: this program links x86-intr.c alone.
 */
#include "config.h"

#include "x86-intr.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define RAM_SIZE 0x100000u /* 1 MiB: real mode reaches just past it */

/* Where the tests keep the guest's tables. */
#define GDT 0x1000
#define IDT 0x20000
#define TSS 0x30000

/* GDT selectors of the table setup() writes. */
#define SEL_CODE32 0x08
#define SEL_DATA 0x10
#define SEL_CODE64 0x18
#define SEL_CODE32_B 0x20 /* another ring-0 code segment */
#define SEL_CODE_RING3 0x28
#define SEL_CODE_ABSENT 0x30
#define SEL_DATA16 0x38 /* B = 0: a 16-bit stack */
#define SEL_DATA_BASE 0x40 /* flat data, base 0x10000 */
#define SEL_TSS 0x48
#define GDT_ENTRIES 10

#define GATE_INTR 0x8e /* present, ring 0, interrupt gate */
#define GATE_TRAP 0x8f

#define FL_CF (1u << 0)
#define FL_RSVD (1u << 1)
#define FL_TF (1u << 8)
#define FL_IF (1u << 9)
#define FL_NT (1u << 14)
#define FL_RF (1u << 16)
#define FL_VM (1u << 17)

static uint8_t *ram, *saved_ram;

/* What the fake CS load saw, and what it answers. */
static struct {
	unsigned loads;
	uint16_t selector;
	const char *refusal;
} cs;

static void *fake_memory(void *opaque, uint64_t addr, size_t len)
{
	ck_assert_ptr_eq(opaque, &cs);
	if (addr > RAM_SIZE || len > RAM_SIZE - addr)
		return NULL;
	return ram + addr;
}

static const char *fake_load_cs(void *opaque, uint16_t selector)
{
	ck_assert_ptr_eq(opaque, &cs);
	cs.loads++;
	cs.selector = selector;
	return cs.refusal;
}

static const struct vmm_x86_intr_ops ops = {
	.memory = fake_memory,
	.load_cs = fake_load_cs,
};

static void put16(uint64_t a, uint16_t v)
{
	memcpy(ram + a, &v, sizeof(v));
}

static void put64(uint64_t a, uint64_t v)
{
	memcpy(ram + a, &v, sizeof(v));
}

static uint16_t get16(uint64_t a)
{
	uint16_t v;

	memcpy(&v, ram + a, sizeof(v));
	return v;
}

static uint32_t get32(uint64_t a)
{
	uint32_t v;

	memcpy(&v, ram + a, sizeof(v));
	return v;
}

static uint64_t get64(uint64_t a)
{
	uint64_t v;

	memcpy(&v, ram + a, sizeof(v));
	return v;
}

/* A code or data segment descriptor: @access is the type byte (P, DPL, S,
 * type), @flags the nibble above the limit (G, D/B, L, AVL). */
static uint64_t segment(uint32_t base, uint8_t access, uint8_t flags)
{
	return 0xffffull | (uint64_t)(base & 0xffffff) << 16 |
	       (uint64_t)access << 40 | 0xfull << 48 |
	       (uint64_t)(flags & 0xf) << 52 | (uint64_t)(base >> 24) << 56;
}

static void gdt_set(uint16_t sel, uint64_t desc)
{
	put64(GDT + (sel & ~7u), desc);
}

/* A 32-bit protected-mode gate: @type is the whole type byte. */
static void gate32(unsigned vector, uint32_t handler, uint16_t sel,
		   uint8_t type)
{
	uint64_t g = (handler & 0xffff) | (uint64_t)sel << 16 |
		     (uint64_t)type << 40 | (uint64_t)(handler >> 16) << 48;

	put64(IDT + 8 * vector, g);
}

/* A 64-bit long-mode gate, with IST slot @ist (0: none). */
static void gate64(unsigned vector, uint64_t handler, uint16_t sel,
		   uint8_t type, unsigned ist)
{
	uint64_t g = (handler & 0xffff) | (uint64_t)sel << 16 |
		     (uint64_t)(ist & 7) << 32 | (uint64_t)type << 40 |
		     ((handler >> 16) & 0xffff) << 48;

	put64(IDT + 16 * vector, g);
	put64(IDT + 16 * vector + 8, handler >> 32);
}

static struct vmm_x86_intr_regs regs;

static const char *deliver(uint32_t vector, enum vmm_x86_intr_kind kind,
			   uint32_t error_code)
{
	const struct vmm_x86_intr intr = {
		.vector = vector,
		.kind = kind,
		.error_code = error_code,
	};

	return vmm_x86_intr_deliver(&ops, &cs, &regs, &intr);
}

/* Delivery of @vector is refused for @why, and nothing changed. */
static void refused(uint32_t vector, enum vmm_x86_intr_kind kind,
		    const char *why)
{
	struct vmm_x86_intr_regs before;
	const char *got;

	memcpy(&before, &regs, sizeof(before));
	memcpy(saved_ram, ram, RAM_SIZE);
	got = deliver(vector, kind, 0);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, why);
	ck_assert_mem_eq(&regs, &before, sizeof(regs));
	ck_assert(memcmp(ram, saved_ram, RAM_SIZE) == 0);
}

static void setup(void)
{
	ram = calloc(1, RAM_SIZE);
	saved_ram = malloc(RAM_SIZE);
	ck_assert_ptr_nonnull(ram);
	ck_assert_ptr_nonnull(saved_ram);
	memset(&cs, 0, sizeof(cs));
	memset(&regs, 0, sizeof(regs));

	gdt_set(SEL_CODE32, segment(0, 0x9a, 0xc));
	gdt_set(SEL_DATA, segment(0, 0x92, 0xc));
	gdt_set(SEL_CODE64, segment(0, 0x9a, 0xa));
	gdt_set(SEL_CODE32_B, segment(0, 0x9a, 0xc));
	gdt_set(SEL_CODE_RING3, segment(0, 0xfa, 0xc));
	gdt_set(SEL_CODE_ABSENT, segment(0, 0x1a, 0xc));
	gdt_set(SEL_DATA16, segment(0, 0x92, 0x0));
	gdt_set(SEL_DATA_BASE, segment(0x10000, 0x92, 0xc));
	gdt_set(SEL_TSS, segment(TSS, 0x89, 0x0));
}

static void teardown(void)
{
	free(ram);
	free(saved_ram);
}

/* Real mode: cs:ip = 0x100:0x1236, ss:sp = 0x3000:0x100, the IVT at 0. */
static void real_mode(void)
{
	regs.cs = 0x100;
	regs.rip = 0x1236;
	regs.ss = 0x3000;
	regs.rsp = 0x100;
	regs.rflags = FL_RSVD | FL_CF | FL_TF | FL_IF;
	regs.idt.base = 0;
	regs.idt.limit = 0x3ff;
	put16(4 * 0x40, 0x0010); /* IVT 0x40 -> 0x2000:0x0010 */
	put16(4 * 0x40 + 2, 0x2000);
}

/* Flat 32-bit protected mode, EIP 0x1236, ESP 0x8000, a 256-gate IDT. */
static void protected_mode(void)
{
	regs.cr0 = X86_CR0_PE;
	regs.cs = SEL_CODE32;
	regs.ss = SEL_DATA;
	regs.rip = 0x1236;
	regs.rsp = 0x8000;
	regs.rflags = FL_RSVD | FL_CF | FL_TF | FL_IF | FL_NT | FL_RF;
	regs.gdt.base = GDT;
	regs.gdt.limit = GDT_ENTRIES * 8 - 1;
	regs.idt.base = IDT;
	regs.idt.limit = 256 * 8 - 1;
}

/* Long mode, RIP 0x1236, RSP 8 bytes off a 16-byte boundary, TSS loaded. */
static void long_mode(void)
{
	regs.cr0 = X86_CR0_PE | X86_CR0_PG;
	regs.efer = X86_EFER_LME | X86_EFER_LMA;
	regs.cs = SEL_CODE64;
	regs.ss = SEL_DATA;
	regs.rip = 0x1236;
	regs.rsp = 0x8008;
	regs.rflags = FL_RSVD | FL_CF | FL_TF | FL_IF | FL_NT | FL_RF;
	regs.gdt.base = GDT;
	regs.gdt.limit = GDT_ENTRIES * 8 - 1;
	regs.idt.base = IDT;
	regs.idt.limit = 256 * 16 - 1;
	regs.tr.selector = SEL_TSS;
	regs.tr.base = TSS;
	regs.tr.limit = 0x67;
}

START_TEST(test_mode)
{
	ck_assert_int_eq(vmm_x86_mode(0, 0), VMM_CPU_REAL);
	ck_assert_int_eq(vmm_x86_mode(0, X86_EFER_LMA), VMM_CPU_REAL);
	ck_assert_int_eq(vmm_x86_mode(X86_CR0_PE, 0), VMM_CPU_PROTECTED);
	ck_assert_int_eq(vmm_x86_mode(X86_CR0_PE, X86_EFER_LME),
			 VMM_CPU_PROTECTED);
	ck_assert_int_eq(vmm_x86_mode(X86_CR0_PE | X86_CR0_PG,
				      X86_EFER_LME | X86_EFER_LMA),
			 VMM_CPU_LONG);
}
END_TEST

START_TEST(test_descriptor_base)
{
	ck_assert_uint_eq(
		vmm_x86_descriptor_base(segment(0x12345678, 0x92, 0xc)),
		0x12345678);
	ck_assert_uint_eq(vmm_x86_descriptor_base(segment(0, 0x9a, 0xc)), 0);
}
END_TEST

/* ---- real mode ---- */

START_TEST(test_real_frame)
{
	real_mode();
	ck_assert_ptr_null(deliver(0x40, VMM_X86_INTR_SOFTWARE, 0));
	/* FLAGS, CS, IP pushed in that order: IP lowest */
	ck_assert_uint_eq(regs.rsp, 0x100 - 6);
	ck_assert_uint_eq(get16(0x30000 + 0xfa), 0x1236);
	ck_assert_uint_eq(get16(0x30000 + 0xfc), 0x100);
	ck_assert_uint_eq(get16(0x30000 + 0xfe),
			  FL_RSVD | FL_CF | FL_TF | FL_IF);
	ck_assert_uint_eq(get16(0x30000 + 0xf8), 0); /* nothing more */
	/* IF and TF cleared, the rest kept; CS:IP from the IVT */
	ck_assert_uint_eq(regs.rflags, FL_RSVD | FL_CF);
	ck_assert_uint_eq(regs.cs, 0x2000);
	ck_assert_uint_eq(regs.rip, 0x10);
	ck_assert_uint_eq(regs.ss, 0x3000);
	ck_assert_uint_eq(cs.loads, 0); /* real mode loads CS itself */
}
END_TEST

START_TEST(test_real_moved_ivt)
{
	real_mode();
	regs.idt.base = 0x2000;
	put16(0x2000 + 4 * 0x40, 0x0020);
	put16(0x2000 + 4 * 0x40 + 2, 0x3000);
	ck_assert_ptr_null(deliver(0x40, VMM_X86_INTR_SOFTWARE, 0));
	ck_assert_uint_eq(regs.cs, 0x3000);
	ck_assert_uint_eq(regs.rip, 0x20);
}
END_TEST

/* SP wraps inside the stack segment: the frame is split across its end. */
START_TEST(test_real_sp_wraps)
{
	real_mode();
	regs.rsp = 2;
	ck_assert_ptr_null(deliver(0x40, VMM_X86_INTR_SOFTWARE, 0));
	ck_assert_uint_eq(regs.rsp, 0xfffc);
	ck_assert_uint_eq(get16(0x30000 + 0), FL_RSVD | FL_CF | FL_TF | FL_IF);
	ck_assert_uint_eq(get16(0x30000 + 0xfffe), 0x100);
	ck_assert_uint_eq(get16(0x30000 + 0xfffc), 0x1236);
}
END_TEST

/*
 * No error code in real mode, whatever the kind: IRQ 0 on vector 8 as a
 * BIOS maps it, and an exception with an error-code vector, each push three
 * words.
 */
START_TEST(test_real_no_error_code)
{
	static const enum vmm_x86_intr_kind kinds[] = {
		VMM_X86_INTR_EXTERNAL,
		VMM_X86_INTR_EXCEPTION,
		VMM_X86_INTR_INT_OR_EXCEPTION,
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		real_mode();
		put16(4 * 8, 0x0030);
		put16(4 * 8 + 2, 0x0040);
		ck_assert_ptr_null(deliver(8, kinds[i], 0xdead));
		ck_assert_uint_eq(regs.rsp, 0x100 - 6);
		ck_assert_uint_eq(get16(0x30000 + 0xfa), 0x1236);
		ck_assert_uint_eq(regs.cs, 0x40);
		ck_assert_uint_eq(regs.rip, 0x30);
	}
}
END_TEST

START_TEST(test_real_past_ivt_limit)
{
	real_mode();
	regs.idt.limit = 4 * 0x40 + 2; /* ends one byte short of entry 0x40 */
	refused(0x40, VMM_X86_INTR_SOFTWARE, "the vector is outside the IVT");
	regs.idt.limit = 4 * 0x40 + 3;
	ck_assert_ptr_null(deliver(0x40, VMM_X86_INTR_SOFTWARE, 0));
}
END_TEST

START_TEST(test_real_ivt_outside_ram)
{
	real_mode();
	regs.idt.base = RAM_SIZE - 4 * 0x40 - 2; /* entry 0x40 straddles */
	refused(0x40, VMM_X86_INTR_SOFTWARE, "the vector is outside the IVT");
}
END_TEST

START_TEST(test_real_stack_outside_ram)
{
	real_mode();
	regs.ss = 0xffff;
	regs.rsp = 0x20; /* 0xffff0 + 0x1e is past the end of RAM */
	refused(0x40, VMM_X86_INTR_SOFTWARE,
		"the interrupt stack is outside RAM");
	/* the first word fits, the next two (SP wrapped) do not */
	regs.ss = 0xf100;
	regs.rsp = 2;
	refused(0x40, VMM_X86_INTR_SOFTWARE,
		"the interrupt stack is outside RAM");
}
END_TEST

START_TEST(test_not_a_vector)
{
	real_mode();
	refused(256, VMM_X86_INTR_INT_OR_EXCEPTION, "not a vector");
	protected_mode();
	refused(256, VMM_X86_INTR_INT_OR_EXCEPTION, "not a vector");
}
END_TEST

/* ---- protected mode ---- */

START_TEST(test_pm_interrupt_gate)
{
	protected_mode();
	gate32(0x40, 0x12345678, SEL_CODE32, GATE_INTR);
	ck_assert_ptr_null(deliver(0x40, VMM_X86_INTR_SOFTWARE, 0));
	/* EFLAGS, CS, EIP pushed: EIP lowest; 32 bits each */
	ck_assert_uint_eq(regs.rsp, 0x8000 - 12);
	ck_assert_uint_eq(get32(0x8000 - 12), 0x1236);
	ck_assert_uint_eq(get32(0x8000 - 8), SEL_CODE32);
	ck_assert_uint_eq(get32(0x8000 - 4),
			  FL_RSVD | FL_CF | FL_TF | FL_IF | FL_NT | FL_RF);
	ck_assert_uint_eq(get32(0x8000 - 16), 0);
	/* an interrupt gate clears IF, TF, NT and RF */
	ck_assert_uint_eq(regs.rflags, FL_RSVD | FL_CF);
	ck_assert_uint_eq(regs.rip, 0x12345678);
	ck_assert_uint_eq(regs.cs, SEL_CODE32);
	ck_assert_uint_eq(regs.ss, SEL_DATA);
	ck_assert_uint_eq(cs.loads, 0); /* the same code segment */
}
END_TEST

START_TEST(test_pm_trap_gate)
{
	protected_mode();
	gate32(3, 0x2000, SEL_CODE32, GATE_TRAP);
	ck_assert_ptr_null(deliver(3, VMM_X86_INTR_INT_OR_EXCEPTION, 0));
	ck_assert_uint_eq(regs.rflags, FL_RSVD | FL_CF | FL_IF); /* IF kept */
	ck_assert_uint_eq(regs.rip, 0x2000);
	ck_assert_uint_eq(regs.rsp, 0x8000 - 12);
}
END_TEST

/* RPL bits of the gate's selector: ignored, CS loaded with RPL 0. */
START_TEST(test_pm_gate_selector_rpl)
{
	protected_mode();
	gate32(0x41, 0x2000, SEL_CODE32 | 3, GATE_INTR);
	ck_assert_ptr_null(deliver(0x41, VMM_X86_INTR_SOFTWARE, 0));
	ck_assert_uint_eq(cs.loads, 0); /* still the same segment */
	ck_assert_uint_eq(regs.cs, SEL_CODE32);
	ck_assert_uint_eq(get32(0x8000 - 8), SEL_CODE32);

	protected_mode();
	gate32(0x42, 0x3000, SEL_CODE32_B | 3, GATE_INTR);
	ck_assert_ptr_null(deliver(0x42, VMM_X86_INTR_SOFTWARE, 0));
	ck_assert_uint_eq(cs.loads, 1);
	ck_assert_uint_eq(cs.selector, SEL_CODE32_B);
	ck_assert_uint_eq(regs.cs, SEL_CODE32_B);
	ck_assert_uint_eq(regs.rip, 0x3000);
}
END_TEST

/* The frame goes to SS.base + ESP, not to ESP. */
START_TEST(test_pm_stack_segment_base)
{
	protected_mode();
	regs.ss = SEL_DATA_BASE;
	gate32(0x40, 0x2000, SEL_CODE32, GATE_INTR);
	ck_assert_ptr_null(deliver(0x40, VMM_X86_INTR_SOFTWARE, 0));
	ck_assert_uint_eq(regs.rsp, 0x8000 - 12);
	ck_assert_uint_eq(get32(0x10000 + 0x8000 - 12), 0x1236);
	ck_assert_uint_eq(get32(0x8000 - 12), 0);
}
END_TEST

/* An exception that has an error code pushes it below EIP. */
START_TEST(test_pm_error_code)
{
	protected_mode();
	gate32(13, 0x2000, SEL_CODE32, GATE_INTR);
	ck_assert_ptr_null(deliver(13, VMM_X86_INTR_EXCEPTION, 0x1234));
	ck_assert_uint_eq(regs.rsp, 0x8000 - 16);
	ck_assert_uint_eq(get32(0x8000 - 16), 0x1234);
	ck_assert_uint_eq(get32(0x8000 - 12), 0x1236);
	ck_assert_uint_eq(get32(0x8000 - 8), SEL_CODE32);
	ck_assert_uint_eq(get32(0x8000 - 4),
			  FL_RSVD | FL_CF | FL_TF | FL_IF | FL_NT | FL_RF);
	ck_assert_uint_eq(regs.rip, 0x2000);
}
END_TEST

/*
 * The same vector 13 without an error code: an external interrupt (a PIC
 * programmed over the exception vectors) or an INT 13; and an exception
 * whose vector has none.
 */
START_TEST(test_pm_no_error_code)
{
	static const struct {
		uint32_t vector;
		enum vmm_x86_intr_kind kind;
	} c[] = {
		{ 13, VMM_X86_INTR_EXTERNAL },
		{ 13, VMM_X86_INTR_SOFTWARE },
		{ 0, VMM_X86_INTR_EXCEPTION },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		protected_mode();
		memset(ram + 0x7f00, 0, 0x100);
		gate32(c[i].vector, 0x2000, SEL_CODE32, GATE_INTR);
		ck_assert_ptr_null(deliver(c[i].vector, c[i].kind, 0x1234));
		ck_assert_uint_eq(regs.rsp, 0x8000 - 12);
		ck_assert_uint_eq(get32(0x8000 - 12), 0x1236);
		ck_assert_uint_eq(get32(0x8000 - 16), 0);
	}
}
END_TEST

/*
 * Unicorn cannot tell an exception from an INT n: exactly the vectors that
 * may carry an error code are refused then.
 */
START_TEST(test_pm_unknown_error_code)
{
	static const uint32_t with_code[] = { 8,  10, 11, 12, 13,
					      14, 17, 21, 29, 30 };
	const char *why = "tcg cannot deliver exceptions with an error code";
	size_t k = 0;

	for (uint32_t v = 0; v < 40; v++) {
		protected_mode();
		gate32(v, 0x2000, SEL_CODE32, GATE_TRAP);
		if (k < sizeof(with_code) / sizeof(with_code[0]) &&
		    with_code[k] == v) {
			k++;
			refused(v, VMM_X86_INTR_INT_OR_EXCEPTION, why);
		} else {
			ck_assert_ptr_null(
				deliver(v, VMM_X86_INTR_INT_OR_EXCEPTION, 0));
			ck_assert_uint_eq(regs.rsp, 0x8000 - 12);
		}
	}
	ck_assert_uint_eq(k, 10);
}
END_TEST

START_TEST(test_pm_vm86)
{
	protected_mode();
	regs.rflags |= FL_VM;
	gate32(0x40, 0x2000, SEL_CODE32, GATE_INTR);
	refused(0x40, VMM_X86_INTR_SOFTWARE,
		"tcg cannot deliver interrupts in virtual-8086 mode");
}
END_TEST

START_TEST(test_pm_outside_ring0)
{
	protected_mode();
	gate32(0x40, 0x2000, SEL_CODE32, GATE_INTR);
	for (uint16_t rpl = 1; rpl <= 3; rpl++) {
		regs.cs = SEL_CODE_RING3 | rpl;
		refused(0x40, VMM_X86_INTR_SOFTWARE,
			"tcg cannot deliver interrupts taken outside ring 0");
	}
}
END_TEST

START_TEST(test_pm_past_idt_limit)
{
	protected_mode();
	gate32(0x40, 0x2000, SEL_CODE32, GATE_INTR);
	regs.idt.limit = 0x40 * 8 + 6; /* one byte short of gate 0x40 */
	refused(0x40, VMM_X86_INTR_SOFTWARE, "the vector is outside the IDT");
	regs.idt.limit = 0x40 * 8 + 7;
	ck_assert_ptr_null(deliver(0x40, VMM_X86_INTR_SOFTWARE, 0));
}
END_TEST

START_TEST(test_pm_idt_outside_ram)
{
	protected_mode();
	regs.idt.base = RAM_SIZE - 0x40 * 8 - 4; /* gate 0x40 straddles */
	refused(0x40, VMM_X86_INTR_SOFTWARE, "the vector is outside the IDT");
}
END_TEST

START_TEST(test_pm_not_present)
{
	protected_mode();
	gate32(0x40, 0x2000, SEL_CODE32, GATE_INTR & 0x7f);
	refused(0x40, VMM_X86_INTR_SOFTWARE, "the IDT gate is not present");
}
END_TEST

/* Task gates, 16-bit gates, call gates and anything with S set. */
START_TEST(test_pm_gate_types)
{
	static const uint8_t types[] = {
		0x85, /* task gate */
		0x86, /* 16-bit interrupt gate */
		0x87, /* 16-bit trap gate */
		0x8c, /* 32-bit call gate */
		0x9e, /* S set: a code/data descriptor, not a gate */
	};

	protected_mode();
	for (size_t i = 0; i < sizeof(types); i++) {
		gate32(0x40, 0x2000, SEL_CODE32, types[i]);
		refused(0x40, VMM_X86_INTR_SOFTWARE,
			"tcg delivers through interrupt and trap gates only");
	}
}
END_TEST

START_TEST(test_pm_gate_null_or_ldt)
{
	static const uint16_t sels[] = { 0, 3, SEL_CODE32 | 4 };

	protected_mode();
	for (size_t i = 0; i < sizeof(sels) / sizeof(sels[0]); i++) {
		gate32(0x40, 0x2000, sels[i], GATE_INTR);
		refused(0x40, VMM_X86_INTR_SOFTWARE, "a null or LDT selector");
	}
}
END_TEST

START_TEST(test_pm_gate_outside_gdt)
{
	protected_mode();
	gate32(0x40, 0x2000, GDT_ENTRIES * 8, GATE_INTR); /* past the limit */
	refused(0x40, VMM_X86_INTR_SOFTWARE, "a selector outside the GDT");
	/* the limit is in bytes: the whole descriptor must be inside it */
	gate32(0x40, 0x2000, SEL_CODE32_B, GATE_INTR);
	regs.gdt.limit = SEL_CODE32_B + 6;
	refused(0x40, VMM_X86_INTR_SOFTWARE, "a selector outside the GDT");
	regs.gdt.limit = SEL_CODE32_B + 7;
	ck_assert_ptr_null(deliver(0x40, VMM_X86_INTR_SOFTWARE, 0));
	protected_mode();
	gate32(0x40, 0x2000, SEL_CODE32, GATE_INTR);
	regs.gdt.base = RAM_SIZE - 12; /* descriptor 1 straddles the end */
	refused(0x40, VMM_X86_INTR_SOFTWARE, "a selector outside the GDT");
}
END_TEST

START_TEST(test_pm_gate_not_code)
{
	static const uint16_t sels[] = { SEL_DATA, SEL_CODE_ABSENT, SEL_TSS };

	protected_mode();
	for (size_t i = 0; i < sizeof(sels) / sizeof(sels[0]); i++) {
		gate32(0x40, 0x2000, sels[i], GATE_INTR);
		refused(0x40, VMM_X86_INTR_SOFTWARE,
			"the gate's selector is not a present code segment");
	}
}
END_TEST

START_TEST(test_pm_handler_outside_ring0)
{
	static const uint8_t access[] = { 0xba, 0xda, 0xfa }; /* DPL 1-3 */

	protected_mode();
	gate32(0x40, 0x2000, SEL_CODE_RING3, GATE_INTR);
	for (size_t i = 0; i < sizeof(access); i++) {
		gdt_set(SEL_CODE_RING3, segment(0, access[i], 0xc));
		refused(0x40, VMM_X86_INTR_SOFTWARE,
			"tcg cannot deliver to a handler outside ring 0");
	}
}
END_TEST

START_TEST(test_pm_bad_stack_segment)
{
	protected_mode();
	gate32(0x40, 0x2000, SEL_CODE32, GATE_INTR);
	regs.ss = 0;
	refused(0x40, VMM_X86_INTR_SOFTWARE, "a null or LDT selector");
	regs.ss = GDT_ENTRIES * 8;
	refused(0x40, VMM_X86_INTR_SOFTWARE, "a selector outside the GDT");
}
END_TEST

START_TEST(test_pm_16bit_stack)
{
	protected_mode();
	gate32(0x40, 0x2000, SEL_CODE32, GATE_INTR);
	regs.ss = SEL_DATA16;
	refused(0x40, VMM_X86_INTR_SOFTWARE,
		"tcg cannot deliver on a 16-bit stack");
}
END_TEST

START_TEST(test_pm_stack_outside_ram)
{
	protected_mode();
	gate32(0x40, 0x2000, SEL_CODE32, GATE_INTR);
	regs.rsp = 8; /* ESP wraps to 0xfffffffc */
	refused(0x40, VMM_X86_INTR_SOFTWARE,
		"the interrupt stack is outside RAM");
	regs.rsp = RAM_SIZE + 4; /* the top word would be past the end */
	refused(0x40, VMM_X86_INTR_SOFTWARE,
		"the interrupt stack is outside RAM");
}
END_TEST

/* The caller may refuse the CS load: then nothing else happens. */
START_TEST(test_pm_cs_load_refused)
{
	protected_mode();
	gate32(0x40, 0x2000, SEL_CODE32_B, GATE_INTR);
	cs.refusal = "tcg cannot switch CS with paging on";
	refused(0x40, VMM_X86_INTR_SOFTWARE,
		"tcg cannot switch CS with paging on");
	ck_assert_uint_eq(cs.loads, 1);
	ck_assert_uint_eq(cs.selector, SEL_CODE32_B);
}
END_TEST

/* ---- long mode ---- */

START_TEST(test_lm_frame)
{
	long_mode();
	gate64(0x40, 0x123456789abcull, SEL_CODE64, GATE_INTR, 0);
	ck_assert_ptr_null(deliver(0x40, VMM_X86_INTR_SOFTWARE, 0));
	/* RSP aligned to 16 first, then SS, RSP, RFLAGS, CS, RIP pushed */
	ck_assert_uint_eq(regs.rsp, 0x8000 - 40);
	ck_assert_uint_eq(get64(0x8000 - 40), 0x1236);
	ck_assert_uint_eq(get64(0x8000 - 32), SEL_CODE64);
	ck_assert_uint_eq(get64(0x8000 - 24),
			  FL_RSVD | FL_CF | FL_TF | FL_IF | FL_NT | FL_RF);
	ck_assert_uint_eq(get64(0x8000 - 16), 0x8008);
	ck_assert_uint_eq(get64(0x8000 - 8), SEL_DATA);
	ck_assert_uint_eq(get64(0x8000 - 48), 0);
	ck_assert_uint_eq(regs.rflags, FL_RSVD | FL_CF);
	ck_assert_uint_eq(regs.rip, 0x123456789abcull);
	ck_assert_uint_eq(regs.cs, SEL_CODE64);
	ck_assert_uint_eq(regs.ss, SEL_DATA); /* no privilege change */
	ck_assert_uint_eq(cs.loads, 0);
}
END_TEST

START_TEST(test_lm_trap_gate)
{
	long_mode();
	regs.rsp = 0x8000; /* aligned already: no gap */
	gate64(0, 0x2000, SEL_CODE64, GATE_TRAP, 0);
	ck_assert_ptr_null(deliver(0, VMM_X86_INTR_INT_OR_EXCEPTION, 0));
	ck_assert_uint_eq(regs.rsp, 0x8000 - 40);
	ck_assert_uint_eq(get64(0x8000 - 16), 0x8000);
	ck_assert_uint_eq(regs.rflags, FL_RSVD | FL_CF | FL_IF);
}
END_TEST

START_TEST(test_lm_error_code)
{
	long_mode();
	gate64(14, 0x2000, SEL_CODE64, GATE_INTR, 0);
	ck_assert_ptr_null(deliver(14, VMM_X86_INTR_EXCEPTION, 2));
	ck_assert_uint_eq(regs.rsp, 0x8000 - 48);
	ck_assert_uint_eq(get64(0x8000 - 48), 2);
	ck_assert_uint_eq(get64(0x8000 - 40), 0x1236);
	ck_assert_uint_eq(get64(0x8000 - 16), 0x8008);
}
END_TEST

/* IST n: the stack from the TSS's slot n, aligned, whatever RSP was. */
START_TEST(test_lm_ist)
{
	for (unsigned ist = 1; ist <= 7; ist++) {
		uint64_t top = 0x40000 + 0x1000 * ist;

		long_mode();
		put64(TSS + 0x24 + 8 * (ist - 1), top + 8); /* misaligned */
		gate64(0x41, 0x2000, SEL_CODE64, GATE_INTR, ist);
		ck_assert_ptr_null(deliver(0x41, VMM_X86_INTR_SOFTWARE, 0));
		ck_assert_uint_eq(regs.rsp, top - 40);
		ck_assert_uint_eq(get64(top - 40), 0x1236);
		ck_assert_uint_eq(get64(top - 16), 0x8008); /* old RSP */
		ck_assert_uint_eq(get64(top - 8), SEL_DATA);
	}
}
END_TEST

/* Another 64-bit code segment is loaded with RPL 0. */
START_TEST(test_lm_cs_load)
{
	long_mode();
	gdt_set(SEL_CODE32_B, segment(0, 0x9a, 0xa));
	gate64(0x40, 0x2000, SEL_CODE32_B | 3, GATE_INTR, 0);
	ck_assert_ptr_null(deliver(0x40, VMM_X86_INTR_SOFTWARE, 0));
	ck_assert_uint_eq(cs.loads, 1);
	ck_assert_uint_eq(cs.selector, SEL_CODE32_B);
	ck_assert_uint_eq(regs.cs, SEL_CODE32_B);
	ck_assert_uint_eq(get64(0x8000 - 32), SEL_CODE64); /* the old CS */
}
END_TEST

START_TEST(test_lm_ist_outside_tss)
{
	long_mode();
	gate64(0x41, 0x2000, SEL_CODE64, GATE_INTR, 2);
	regs.tr.selector = 0; /* no TSS */
	refused(0x41, VMM_X86_INTR_SOFTWARE, "the IST slot is outside the TSS");
	long_mode();
	regs.tr.limit = 0x24 + 8 * 2 - 2; /* IST2 ends one byte past it */
	refused(0x41, VMM_X86_INTR_SOFTWARE, "the IST slot is outside the TSS");
	regs.tr.limit = 0x24 + 8 * 2 - 1;
	put64(TSS + 0x24 + 8, 0x9000);
	ck_assert_ptr_null(deliver(0x41, VMM_X86_INTR_SOFTWARE, 0));
	ck_assert_uint_eq(regs.rsp, 0x9000 - 40);
}
END_TEST

START_TEST(test_lm_ist_outside_ram)
{
	long_mode();
	gate64(0x41, 0x2000, SEL_CODE64, GATE_INTR, 1);
	regs.tr.base = RAM_SIZE - 0x24 - 4; /* IST1 straddles the end */
	refused(0x41, VMM_X86_INTR_SOFTWARE, "the IST slot is outside RAM");
}
END_TEST

START_TEST(test_lm_32bit_code_segment)
{
	long_mode();
	gate64(0x40, 0x2000, SEL_CODE32, GATE_INTR, 0);
	refused(0x40, VMM_X86_INTR_SOFTWARE,
		"the gate's code segment is not 64-bit");
}
END_TEST

/* Gates are 16 bytes: a limit that holds gate 0x80 at 8 bytes does not. */
START_TEST(test_lm_past_idt_limit)
{
	long_mode();
	gate64(0x80, 0x2000, SEL_CODE64, GATE_INTR, 0);
	regs.idt.limit = 256 * 8 - 1;
	refused(0x80, VMM_X86_INTR_SOFTWARE, "the vector is outside the IDT");
}
END_TEST

START_TEST(test_lm_stack_outside_ram)
{
	long_mode();
	gate64(0x40, 0x2000, SEL_CODE64, GATE_INTR, 0);
	regs.rsp = 0x20; /* the frame would wrap below 0 */
	refused(0x40, VMM_X86_INTR_SOFTWARE,
		"the interrupt stack is outside RAM");
	/* and a stack from the IST slot, past the end of RAM */
	gate64(0x41, 0x2000, SEL_CODE64, GATE_INTR, 1);
	regs.rsp = 0x8000;
	put64(TSS + 0x24, RAM_SIZE + 0x10);
	refused(0x41, VMM_X86_INTR_SOFTWARE,
		"the interrupt stack is outside RAM");
}
END_TEST

START_TEST(test_lm_cs_load_refused)
{
	long_mode();
	gdt_set(SEL_CODE32_B, segment(0, 0x9a, 0xa));
	gate64(0x40, 0x2000, SEL_CODE32_B, GATE_INTR, 0);
	cs.refusal = "Unicorn refused the handler's code segment";
	refused(0x40, VMM_X86_INTR_SOFTWARE,
		"Unicorn refused the handler's code segment");
	ck_assert_uint_eq(cs.loads, 1);
}
END_TEST

static Suite *x86_intr_suite(void)
{
	Suite *s = suite_create("x86_intr");
	TCase *core = tcase_create("core");
	TCase *real = tcase_create("real");
	TCase *pm = tcase_create("protected");
	TCase *lm = tcase_create("long");
	TCase *errors = tcase_create("errors");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_test(core, test_mode);
	tcase_add_test(core, test_descriptor_base);
	suite_add_tcase(s, core);

	tcase_add_checked_fixture(real, setup, teardown);
	tcase_add_test(real, test_real_frame);
	tcase_add_test(real, test_real_moved_ivt);
	tcase_add_test(real, test_real_sp_wraps);
	tcase_add_test(real, test_real_no_error_code);
	suite_add_tcase(s, real);

	tcase_add_checked_fixture(pm, setup, teardown);
	tcase_add_test(pm, test_pm_interrupt_gate);
	tcase_add_test(pm, test_pm_trap_gate);
	tcase_add_test(pm, test_pm_gate_selector_rpl);
	tcase_add_test(pm, test_pm_stack_segment_base);
	tcase_add_test(pm, test_pm_error_code);
	tcase_add_test(pm, test_pm_no_error_code);
	suite_add_tcase(s, pm);

	tcase_add_checked_fixture(lm, setup, teardown);
	tcase_add_test(lm, test_lm_frame);
	tcase_add_test(lm, test_lm_trap_gate);
	tcase_add_test(lm, test_lm_error_code);
	tcase_add_test(lm, test_lm_ist);
	tcase_add_test(lm, test_lm_cs_load);
	suite_add_tcase(s, lm);

	/* every refusal: its reason, and nothing written */
	tcase_add_checked_fixture(errors, setup, teardown);
	tcase_add_test(errors, test_not_a_vector);
	tcase_add_test(errors, test_real_past_ivt_limit);
	tcase_add_test(errors, test_real_ivt_outside_ram);
	tcase_add_test(errors, test_real_stack_outside_ram);
	tcase_add_test(errors, test_pm_unknown_error_code);
	tcase_add_test(errors, test_pm_vm86);
	tcase_add_test(errors, test_pm_outside_ring0);
	tcase_add_test(errors, test_pm_past_idt_limit);
	tcase_add_test(errors, test_pm_idt_outside_ram);
	tcase_add_test(errors, test_pm_not_present);
	tcase_add_test(errors, test_pm_gate_types);
	tcase_add_test(errors, test_pm_gate_null_or_ldt);
	tcase_add_test(errors, test_pm_gate_outside_gdt);
	tcase_add_test(errors, test_pm_gate_not_code);
	tcase_add_test(errors, test_pm_handler_outside_ring0);
	tcase_add_test(errors, test_pm_bad_stack_segment);
	tcase_add_test(errors, test_pm_16bit_stack);
	tcase_add_test(errors, test_pm_stack_outside_ram);
	tcase_add_test(errors, test_pm_cs_load_refused);
	tcase_add_test(errors, test_lm_ist_outside_tss);
	tcase_add_test(errors, test_lm_ist_outside_ram);
	tcase_add_test(errors, test_lm_32bit_code_segment);
	tcase_add_test(errors, test_lm_past_idt_limit);
	tcase_add_test(errors, test_lm_stack_outside_ram);
	tcase_add_test(errors, test_lm_cs_load_refused);
	suite_add_tcase(s, errors);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(x86_intr_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
