/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * accel-kvm.h - what the kvm accelerator's two files share: the vCPUs and
 * the VM (accel-kvm.c), and the kernel's interrupt controllers and PIT
 * for `chipset = pc` (accel-kvm-irq.c). Private to them.
 *
 * Layer 3, with the accelerators (README.md, "Layout"): the log and
 * <linux/kvm.h>, nothing above.
 */
#ifndef VMM_ACCEL_KVM_H
#define VMM_ACCEL_KVM_H

#include <errno.h>
#include <stdbool.h>
#include <sys/ioctl.h>

/* Retry an ioctl that a signal interrupted before it did anything. */
static inline int vmm_kvm_ioctl(int fd, unsigned long req, unsigned long arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

struct kvm_cpuid2;

/*
 * The CPUID table vCPU @index gets (KVM_SET_CPUID2): what KVM supports
 * (@supported, from KVM_GET_SUPPORTED_CPUID), with
 * - its APIC ID in leaf 1 EBX[31:24], 0xb and 0x1f EDX, 0x8000001e EAX;
 * - the hypervisor bit (leaf 1 ECX bit 31), as kvmtool and QEMU set it;
 * - with @tsc_deadline, the LAPIC timer's TSC-deadline mode (leaf 1 ECX
 *   bit 24), which KVM does not list itself: QEMU and Firecracker set it
 *   when the LAPIC is KVM's and KVM_CAP_TSC_DEADLINE_TIMER is there;
 * - KVM's signature leaf 0x40000000 ("KVMKVMKVM", max leaf 0x40000001)
 *   and its features leaf 0x40000001 kept, or added (empty) where KVM did
 *   not list them, so that Linux finds KVM and uses kvm-clock;
 * - as kvmtool: no EPB (leaf 6 ECX bit 3), no PMU (leaf 0xa EAX 0).
 * Returns a malloc'd table the caller frees, or NULL (out of memory).
 */
struct kvm_cpuid2 *vmm_kvm_cpuid_for_vcpu(const struct kvm_cpuid2 *supported,
					  unsigned index, bool tsc_deadline);

/*
 * Give VM @vm_fd the kernel's PC chipset, before its first vCPU: the
 * PICs, IOAPIC and LAPICs (KVM_CREATE_IRQCHIP), the PIT with the port
 * 0x61 stub (KVM_CREATE_PIT2), ticks not reinjected, and both PICs
 * masked as at power-on (devices/i8259.h). @kvm_fd answers the
 * capability checks. 0, or -errno with the reason logged.
 */
int vmm_kvm_irqchip_create(int kvm_fd, int vm_fd);

/*
 * vCPU @index (@fd) of a VM with the kernel's chipset, before it first
 * runs: vCPU 0's LAPIC takes the PICs' INTR on LINT0 (ExtINT) and NMI
 * on LINT1. Every other vCPU runs from its start state at once, as
 * without the chipset, or with @wait_sipi waits in the kernel for INIT
 * and SIPI from vCPU 0, as an application processor does (a kernel that
 * starts its CPUs itself). 0, or -errno with the reason logged.
 */
int vmm_kvm_irqchip_vcpu_init(int fd, unsigned index, bool wait_sipi);

/* Drive GSI @gsi of VM @vm_fd to @level. Any thread. 0 or -errno. */
int vmm_kvm_irq_line(int vm_fd, unsigned gsi, bool level);

#endif
