// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_kvm_host.c - telling a hardware KVM from one that only emulates
 * (kvm_pvm and the like), from the CPU flags in /proc/cpuinfo.
 */
#include "config.h"

#include "kvm-host.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What an Intel host with VT-x prints (abridged, with the 5.x+ "vmx flags"
 * line), an AMD host with SVM, and this project's cloud VMs (no vmx/svm). */
static const char intel[] =
	"processor\t: 0\n"
	"vendor_id\t: GenuineIntel\n"
	"flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep vmx sse sse2 ht\n"
	"vmx flags\t: vnmi preemption_timer invvpid ept_x_only\n"
	"bugs\t\t: spectre_v1\n\n";
static const char amd[] =
	"processor\t: 0\n"
	"vendor_id\t: AuthenticAMD\n"
	"flags\t\t: fpu vme de pse tsc msr pae svm extapic cr8_legacy abm\n";
static const char sandbox[] =
	"processor\t: 0\n"
	"vendor_id\t: AuthenticAMD\n"
	"flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep sse sse2 hypervisor\n"
	"processor\t: 1\n"
	"flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep sse sse2 hypervisor\n";

static char why[512];

START_TEST(test_intel_vmx)
{
	ck_assert_int_eq(vmm_kvm_host_classify(intel, false, why, sizeof(why)),
			 VMM_KVM_HOST_HARDWARE);
	ck_assert_str_eq(why, "the CPU has hardware virtualization (vmx)");
}
END_TEST

START_TEST(test_amd_svm)
{
	ck_assert_int_eq(vmm_kvm_host_classify(amd, false, why, sizeof(why)),
			 VMM_KVM_HOST_HARDWARE);
	ck_assert_str_eq(why, "the CPU has hardware virtualization (svm)");
}
END_TEST

START_TEST(test_no_virtualization)
{
	ck_assert_int_eq(vmm_kvm_host_classify(sandbox, false, why, sizeof(why)),
			 VMM_KVM_HOST_EMULATED);
	ck_assert_ptr_nonnull(strstr(why, "no vmx or svm flag)"));
	ck_assert_ptr_nonnull(strstr(why, "emulate every guest instruction"));
	ck_assert_int_eq(vmm_kvm_host_classify(sandbox, true, why, sizeof(why)),
			 VMM_KVM_HOST_EMULATED);
	ck_assert_ptr_nonnull(strstr(why, "the kvm_pvm module is loaded"));
}
END_TEST

/* A flag only counts as a whole word on the flags line itself. */
START_TEST(test_words_not_substrings)
{
	static const char tricky[] =
		"model name\t: svm vmx marketing name\n"
		"vmx flags\t: vmx\n"
		"flags\t\t: fpu vmxe xsvm svm_lock\n";

	ck_assert_int_eq(vmm_kvm_host_classify(tricky, false, why, sizeof(why)),
			 VMM_KVM_HOST_EMULATED);
	/* The last word of the line, with no newline after it. */
	ck_assert_int_eq(vmm_kvm_host_classify("flags : fpu svm", false, why,
					       sizeof(why)),
			 VMM_KVM_HOST_HARDWARE);
}
END_TEST

START_TEST(test_unreadable)
{
	ck_assert_int_eq(vmm_kvm_host_classify("", false, why, sizeof(why)),
			 VMM_KVM_HOST_UNKNOWN);
	ck_assert_int_eq(vmm_kvm_host_classify("processor : 0\n", false, why,
					       sizeof(why)),
			 VMM_KVM_HOST_UNKNOWN);
	ck_assert_str_eq(why, "the CPU flags could not be read");
	/* A tiny buffer is still terminated. */
	ck_assert_int_eq(vmm_kvm_host_classify(amd, false, why, 4),
			 VMM_KVM_HOST_HARDWARE);
	ck_assert_str_eq(why, "the");
}
END_TEST

/* detect() reads $PLUGVM_CPUINFO, once per process. */
START_TEST(test_detect_from_file)
{
	char path[] = "/tmp/check_kvm_host.XXXXXX";
	int fd = mkstemp(path);
	const char *reason = NULL;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, sandbox, strlen(sandbox)),
			 (ssize_t)strlen(sandbox));
	close(fd);
	setenv("PLUGVM_CPUINFO", path, 1);
	ck_assert_int_eq(vmm_kvm_host_detect(&reason), VMM_KVM_HOST_EMULATED);
	ck_assert_ptr_nonnull(strstr(reason, "no hardware virtualization"));
	unlink(path);
	/* The answer is kept: the file is gone but nothing changes. */
	ck_assert_int_eq(vmm_kvm_host_detect(NULL), VMM_KVM_HOST_EMULATED);
}
END_TEST

static Suite *kvm_host_suite(void)
{
	Suite *s = suite_create("kvm_host");
	TCase *core = tcase_create("core");
	TCase *limits = tcase_create("limits");

	tcase_add_test(core, test_intel_vmx);
	tcase_add_test(core, test_amd_svm);
	tcase_add_test(core, test_no_virtualization);
	tcase_add_test(core, test_detect_from_file);
	suite_add_tcase(s, core);
	tcase_add_test(limits, test_words_not_substrings);
	tcase_add_test(limits, test_unreadable);
	suite_add_tcase(s, limits);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(kvm_host_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
