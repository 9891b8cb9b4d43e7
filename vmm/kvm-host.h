/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvm-host.h - what kind of KVM this host has.
 *
 * A /dev/kvm that opens, answers KVM_GET_API_VERSION and creates VMs is not
 * always hardware virtualization. Some cloud sandboxes load a KVM (the
 * kvm_pvm module, for one) on CPUs that expose no VMX or SVM: it runs an
 * ordinary guest through the kernel's instruction emulator, about a
 * thousand times slower than a software vCPU, and fails outright on
 * instructions the emulator lacks (SSE moves, some INT n). kvmtool tells
 * the two apart by the CPU flags in /proc/cpuinfo; so does plugvm.
 *
 * Layer 1 (base): reads files, includes nothing of plugvm's.
 */
#ifndef VMM_KVM_HOST_H
#define VMM_KVM_HOST_H

#include <stdbool.h>
#include <stddef.h>

enum vmm_kvm_host {
	/* The CPU flags name VMX or SVM: KVM runs guests in hardware. */
	VMM_KVM_HOST_HARDWARE,
	/* No VMX or SVM flag: a KVM here can only emulate. */
	VMM_KVM_HOST_EMULATED,
	/* The flags could not be read: assume hardware, as before. */
	VMM_KVM_HOST_UNKNOWN,
};

/*
 * Classify from the text of a /proc/cpuinfo (@cpuinfo, NUL-terminated) and
 * whether the kvm_pvm module is loaded. Writes one sentence of reason to
 * @why (@size bytes, always terminated when @size > 0) for -v and error
 * messages. Pure: no file is read.
 */
enum vmm_kvm_host vmm_kvm_host_classify(const char *cpuinfo, bool pvm_module,
					char *why, size_t size);

/*
 * Classify this host: reads $PLUGVM_CPUINFO (tests point it at a fake) or
 * /proc/cpuinfo, and looks for /sys/module/kvm_pvm. Computed once per
 * process; thread-safe. *@why (if not NULL) gets the reason, a string that
 * lives as long as the process.
 */
enum vmm_kvm_host vmm_kvm_host_detect(const char **why);

#endif
