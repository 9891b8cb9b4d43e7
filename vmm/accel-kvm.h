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
 * on LINT1; every other vCPU runs from its start state at once, as
 * without the chipset, instead of waiting for INIT and SIPI. 0, or
 * -errno with the reason logged.
 */
int vmm_kvm_irqchip_vcpu_init(int fd, unsigned index);

/* Drive GSI @gsi of VM @vm_fd to @level. Any thread. 0 or -errno. */
int vmm_kvm_irq_line(int vm_fd, unsigned gsi, bool level);

#endif
