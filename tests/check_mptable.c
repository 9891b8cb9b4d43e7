// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_mptable.c - the MP tables (vmm/mptable.c), read back the way
 * Linux's mpparse.c reads them: the floating pointer found by a scan of
 * 0xf0000-0xfffff, checksums, entry count, then each entry.
 */
#include "config.h"

#include "mptable.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define RAM (2u << 20)

static uint8_t *ram;
static struct vmm_guestmem mem;

static void setup(void)
{
	ram = calloc(1, RAM);
	ck_assert_ptr_nonnull(ram);
	mem = (struct vmm_guestmem){ .host = ram, .size = RAM };
}

static void teardown(void)
{
	free(ram);
}

static unsigned get16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* smp_scan_config(): "_MP_" on a 16-byte boundary, length 1, sum 0. */
static const uint8_t *scan(uint64_t base, uint64_t len)
{
	for (uint64_t a = base; a < base + len; a += 16) {
		const uint8_t *p = ram + a;

		if (!memcmp(p, "_MP_", 4) && p[8] == 1 && !sum(p, 16) &&
		    (p[9] == 1 || p[9] == 4))
			return p;
	}
	return NULL;
}

/* What the table says, as the kernel would record it. */
struct parsed {
	unsigned cpus, bsp, bsp_count, enabled;
	unsigned apic_ids[300];
	unsigned buses, ioapics, ioapic_id;
	uint32_t ioapic_addr, lapic_addr;
	int pin_of_irq[32]; /* -1: no entry */
	unsigned extint_lint0, nmi_lint1;
	size_t len;
};

static void parse(struct parsed *r)
{
	const uint8_t *mpf = scan(0xf0000, 0x10000), *mpc, *p, *end;
	unsigned entries;

	memset(r, 0, sizeof(*r));
	for (int i = 0; i < 32; i++)
		r->pin_of_irq[i] = -1;
	ck_assert_ptr_nonnull(mpf);
	ck_assert_uint_eq(mpf[11], 0); /* not a default configuration */
	mpc = ram + get32(mpf + 4);
	ck_assert_mem_eq(mpc, "PCMP", 4);
	r->len = get16(mpc + 4);
	ck_assert_uint_eq(mpc[6], 4);
	ck_assert_uint_eq(sum(mpc, r->len), 0);
	r->lapic_addr = get32(mpc + 36);
	entries = get16(mpc + 34);
	p = mpc + 44;
	end = mpc + r->len;
	for (unsigned i = 0; i < entries; i++) {
		ck_assert(p < end);
		switch (p[0]) {
		case 0:
			ck_assert_uint_lt(r->cpus, 300);
			r->apic_ids[r->cpus++] = p[1];
			if (p[3] & 1)
				r->enabled++;
			if (p[3] & 2) {
				r->bsp = p[1];
				r->bsp_count++;
			}
			p += 20;
			break;
		case 1:
			ck_assert_mem_eq(p + 2, "ISA   ", 6);
			ck_assert_uint_eq(p[1], 0);
			r->buses++;
			p += 8;
			break;
		case 2:
			r->ioapics++;
			r->ioapic_id = p[1];
			ck_assert_uint_eq(p[3] & 1, 1);
			r->ioapic_addr = get32(p + 4);
			p += 8;
			break;
		case 3:
			ck_assert_uint_eq(p[1], 0);	    /* mp_INT */
			ck_assert_uint_eq(get16(p + 2), 0); /* conforms */
			ck_assert_uint_eq(p[4], 0);	    /* the ISA bus */
			ck_assert_uint_lt(p[5], 32);
			ck_assert_int_eq(r->pin_of_irq[p[5]], -1); /* once */
			r->pin_of_irq[p[5]] = p[7];
			p += 8;
			break;
		case 4:
			if (p[1] == 3 && p[6] == 0 && p[7] == 0)
				r->extint_lint0++;
			if (p[1] == 1 && p[6] == 0xff && p[7] == 1)
				r->nmi_lint1++;
			p += 8;
			break;
		default:
			ck_abort_msg("entry type %u", p[0]);
		}
	}
	ck_assert_ptr_eq(p, end);
}

START_TEST(test_two_cpus)
{
	struct parsed r;

	ck_assert_int_eq(vmm_mptable_write(&mem, 0xf0000, 2), 0);
	parse(&r);
	ck_assert_uint_eq(r.cpus, 2);
	ck_assert_uint_eq(r.enabled, 2);
	ck_assert_uint_eq(r.apic_ids[0], 0);
	ck_assert_uint_eq(r.apic_ids[1], 1);
	ck_assert_uint_eq(r.bsp_count, 1);
	ck_assert_uint_eq(r.bsp, 0);
	ck_assert_uint_eq(r.buses, 1);
	ck_assert_uint_eq(r.ioapics, 1);
	ck_assert_uint_eq(r.ioapic_id, 2);
	ck_assert_uint_eq(r.ioapic_addr, 0xfec00000);
	ck_assert_uint_eq(r.lapic_addr, 0xfee00000);
	ck_assert_uint_eq(r.extint_lint0, 1);
	ck_assert_uint_eq(r.nmi_lint1, 1);
	/* KVM's default routing: GSI n is IOAPIC pin n; no cascade */
	for (int irq = 0; irq < 24; irq++)
		ck_assert_int_eq(r.pin_of_irq[irq], irq == 2 ? -1 : irq);
	ck_assert_int_eq(r.pin_of_irq[24], -1);
	ck_assert_uint_eq(r.len + 16, vmm_mptable_size(2));
}
END_TEST

START_TEST(test_one_and_many)
{
	struct parsed r;

	ck_assert_int_eq(vmm_mptable_write(&mem, 0xf0000, 1), 0);
	parse(&r);
	ck_assert_uint_eq(r.cpus, 1);
	ck_assert_uint_eq(r.ioapic_id, 1);
	memset(ram, 0, RAM);
	ck_assert_int_eq(vmm_mptable_write(&mem, 0xf0000, VMM_MPTABLE_MAX_CPUS),
			 0);
	parse(&r);
	ck_assert_uint_eq(r.cpus, VMM_MPTABLE_MAX_CPUS);
	ck_assert_uint_eq(r.apic_ids[VMM_MPTABLE_MAX_CPUS - 1],
			  VMM_MPTABLE_MAX_CPUS - 1);
	ck_assert_uint_eq(r.ioapic_id, VMM_MPTABLE_MAX_CPUS);
	ck_assert_uint_eq(r.bsp_count, 1);
}
END_TEST

/* Nothing is written outside the table's bytes. */
START_TEST(test_bounds)
{
	size_t n = vmm_mptable_size(2);

	memset(ram, 0xa5, RAM);
	ck_assert_int_eq(vmm_mptable_write(&mem, 0xf0000, 2), 0);
	ck_assert_uint_eq(ram[0xf0000 - 1], 0xa5);
	ck_assert_uint_eq(ram[0xf0000 + n], 0xa5);
	ck_assert_uint_ne(ram[0xf0000 + n - 1], 0xa5);
}
END_TEST

START_TEST(test_errors)
{
	struct vmm_guestmem small = { .host = ram, .size = 0xf0000 };

	ck_assert_int_eq(vmm_mptable_write(&mem, 0xf0000, 0), -EINVAL);
	ck_assert_int_eq(
		vmm_mptable_write(&mem, 0xf0000, VMM_MPTABLE_MAX_CPUS + 1),
		-EINVAL);
	ck_assert_int_eq(vmm_mptable_write(&mem, 0xf0008, 2), -EINVAL);
	ck_assert_int_eq(vmm_mptable_write(&mem, 0xfffe0, 2), -EINVAL);
	ck_assert_int_eq(vmm_mptable_write(&mem, 0x100000, 2), -EINVAL);
	ck_assert_int_eq(vmm_mptable_write(&small, 0xf0000, 2), -EFAULT);
	/* nothing written by any of them */
	for (size_t i = 0; i < RAM; i++)
		if (ram[i])
			ck_abort_msg("byte 0x%zx written", i);
}
END_TEST

static Suite *mptable_suite(void)
{
	Suite *s = suite_create("mptable");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_two_cpus);
	tcase_add_test(tc, test_one_and_many);
	tcase_add_test(tc, test_bounds);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mptable_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
