// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_kvm_cpuid.c - the CPUID table each kvm vCPU gets
 * (vmm_kvm_cpuid_for_vcpu() in vmm/accel-kvm.c), from made-up tables of
 * what a KVM supports: no /dev/kvm needed. What a guest kernel then sees
 * under real KVM is checked inside check-kvm's nested VM (the Linux boot
 * test reads /proc/cpuinfo and the clocksource).
 */
#include "config.h"

#include "accel-kvm.h"

#include <check.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENT 16

static struct kvm_cpuid2 *supported;

static struct kvm_cpuid_entry2 *add(uint32_t function, uint32_t index,
				    uint32_t eax, uint32_t ebx, uint32_t ecx,
				    uint32_t edx)
{
	struct kvm_cpuid_entry2 *e = &supported->entries[supported->nent++];

	ck_assert_uint_le(supported->nent, MAX_ENT);
	*e = (struct kvm_cpuid_entry2){ .function = function,
					.index = index,
					.eax = eax,
					.ebx = ebx,
					.ecx = ecx,
					.edx = edx };
	return e;
}

/* A KVM's table: vendor, features, EPB, PMU, topology, KVM's leaves. */
static void setup(void)
{
	supported = calloc(1, sizeof(*supported) +
				      MAX_ENT * sizeof(supported->entries[0]));
	ck_assert_ptr_nonnull(supported);
	add(0, 0, 0x1f, 0x68747541, 0x444d4163, 0x69746e65);
	add(1, 0, 0x00a50f00, 0x07020800, 0x7ed8320b, 0x178bfbff);
	add(6, 0, 0x4, 0, 0x9, 0);
	add(0xa, 0, 0x07300403, 0, 0, 0x603);
	add(0xb, 0, 1, 2, 0x100, 7);
	add(0xb, 1, 4, 16, 0x201, 7);
	add(0x40000000, 0, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d);
	add(0x40000001, 0, 0x01007afb, 0, 0, 0);
	add(0x8000001e, 0, 7, 0x100, 0, 0);
}

static void teardown(void)
{
	free(supported);
}

static const struct kvm_cpuid_entry2 *find(const struct kvm_cpuid2 *c,
					   uint32_t function, uint32_t index)
{
	for (unsigned i = 0; i < c->nent; i++)
		if (c->entries[i].function == function &&
		    c->entries[i].index == index)
			return &c->entries[i];
	return NULL;
}

START_TEST(test_fixups)
{
	struct kvm_cpuid2 *c = vmm_kvm_cpuid_for_vcpu(supported, 3, false);
	const struct kvm_cpuid_entry2 *e;

	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->nent, supported->nent);
	/* leaf 1: APIC ID 3, the hypervisor bit, the rest kept */
	e = find(c, 1, 0);
	ck_assert_uint_eq(e->ebx, 0x03020800);
	ck_assert_uint_eq(e->ecx, 0x7ed8320bu | 1u << 31);
	ck_assert_uint_eq(e->edx, 0x178bfbff);
	ck_assert_uint_eq(e->eax, 0x00a50f00);
	/* no EPB, no PMU */
	ck_assert_uint_eq(find(c, 6, 0)->ecx, 0x1);
	ck_assert_uint_eq(find(c, 6, 0)->eax, 0x4);
	ck_assert_uint_eq(find(c, 0xa, 0)->eax, 0);
	/* x2APIC IDs of every topology subleaf, and AMD's */
	ck_assert_uint_eq(find(c, 0xb, 0)->edx, 3);
	ck_assert_uint_eq(find(c, 0xb, 1)->edx, 3);
	ck_assert_uint_eq(find(c, 0xb, 1)->ebx, 16);
	ck_assert_uint_eq(find(c, 0x8000001e, 0)->eax, 3);
	/* KVM's leaves as KVM gave them */
	e = find(c, 0x40000000, 0);
	ck_assert_uint_eq(e->eax, 0x40000001);
	ck_assert_uint_eq(e->ebx, 0x4b4d564b);
	ck_assert_uint_eq(find(c, 0x40000001, 0)->eax, 0x01007afb);
	/* the input is left alone */
	ck_assert_uint_eq(find(supported, 1, 0)->ecx, 0x7ed8320b);
	free(c);
}
END_TEST

/* With KVM's LAPIC and its TSC-deadline capability, the bit is set; the
 * rest of leaf 1 stays as without. */
START_TEST(test_tsc_deadline)
{
	struct kvm_cpuid2 *c = vmm_kvm_cpuid_for_vcpu(supported, 1, true);
	struct kvm_cpuid2 *d = vmm_kvm_cpuid_for_vcpu(supported, 1, false);

	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(find(c, 1, 0)->ecx,
			  0x7ed8320bu | 1u << 31 | 1u << 24);
	ck_assert_uint_eq(find(d, 1, 0)->ecx & 1u << 24, 0);
	ck_assert_uint_eq(find(c, 1, 0)->ebx, find(d, 1, 0)->ebx);
	free(c);
	free(d);
}
END_TEST

/* vCPU 0 gets APIC ID 0 even where KVM says otherwise. */
START_TEST(test_vcpu0)
{
	struct kvm_cpuid2 *c = vmm_kvm_cpuid_for_vcpu(supported, 0, false);

	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(find(c, 1, 0)->ebx >> 24, 0);
	ck_assert_uint_eq(find(c, 0xb, 0)->edx, 0);
	free(c);
}
END_TEST

/* A KVM that lists no leaves of its own: the signature is added, with an
 * empty features leaf, so "KVMKVMKVM" is what the guest reads. */
START_TEST(test_signature_added)
{
	struct kvm_cpuid2 *c;
	const struct kvm_cpuid_entry2 *e;
	char sig[13];

	supported->nent -= 3; /* drop 0x40000000, 0x40000001, 0x8000001e */
	c = vmm_kvm_cpuid_for_vcpu(supported, 1, false);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->nent, supported->nent + 2);
	e = find(c, 0x40000000, 0);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->eax, 0x40000001);
	memcpy(sig, &e->ebx, 4);
	memcpy(sig + 4, &e->ecx, 4);
	memcpy(sig + 8, &e->edx, 4);
	sig[12] = '\0';
	ck_assert_str_eq(sig, "KVMKVMKVM");
	e = find(c, 0x40000001, 0);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->eax | e->ebx | e->ecx | e->edx, 0);
	free(c);
}
END_TEST

/* A signature leaf that names no features leaf gets one. */
START_TEST(test_signature_max_leaf)
{
	struct kvm_cpuid2 *c;

	supported->entries[6].eax = 0;
	c = vmm_kvm_cpuid_for_vcpu(supported, 0, false);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(find(c, 0x40000000, 0)->eax, 0x40000001);
	ck_assert_uint_eq(c->nent, supported->nent);
	free(c);
}
END_TEST

static Suite *cpuid_suite(void)
{
	Suite *s = suite_create("kvm_cpuid");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fixups);
	tcase_add_test(tc, test_vcpu0);
	tcase_add_test(tc, test_tsc_deadline);
	tcase_add_test(tc, test_signature_added);
	tcase_add_test(tc, test_signature_max_leaf);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cpuid_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
