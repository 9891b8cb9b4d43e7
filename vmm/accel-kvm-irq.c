// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * accel-kvm-irq.c - `chipset = pc` on kvm: the kernel's 8259A pair,
 * IOAPIC and LAPICs (KVM_CREATE_IRQCHIP) and its 8254 (KVM_CREATE_PIT2),
 * set up to look to the guest as the tcg chipset's plugins do (PLAN and
 * devices/i8259.h, i8254.h):
 * - both PICs masked at power-on (IMR 0xff; KVM's start with IMR 0);
 * - PIT ticks not reinjected: a tick the guest had no time to take is
 *   lost, as on tcg and on hardware, instead of being replayed;
 * - port 0x61 (channel 2's gate, OUT, the refresh toggle) in the kernel
 *   too, KVM_PIT_SPEAKER_DUMMY, so it never exits to user space;
 * - the PICs' INTR reaches vCPU 0 only: its LAPIC's LINT0 is ExtINT (and
 *   LINT1 NMI), as SeaBIOS and kvmtool program them; the other vCPUs keep
 *   LINT0 masked, as KVM resets them;
 * - every vCPU runs from its start state at once: with an in-kernel
 *   LAPIC, KVM would hold vCPUs other than 0 until INIT and SIPI; but
 *   a machine that boots a kernel (accel_vm_config.aps_wait_sipi) keeps
 *   them waiting there, as the kernel starts them itself.
 * Device lines are GSIs: KVM's default routing sends 0-15 to the PICs and
 * the IOAPIC (whose pins start masked), 16-23 to the IOAPIC only.
 *
 * With the LAPIC in the kernel, HLT no longer exits to user space: the
 * vCPU thread sleeps inside KVM_RUN until an interrupt or a signal; the
 * kick signal (accel-kvm.c) makes KVM_RUN return EINTR there as anywhere.
 */
#include "config.h"

#include "accel-kvm.h"
#include "log.h"

#include <linux/kvm.h>
#include <stdint.h>
#include <string.h>

/* LAPIC registers (offsets into struct kvm_lapic_state). */
#define APIC_LVT0 0x350
#define APIC_LVT1 0x360
#define APIC_DM_NMI 0x400u
#define APIC_DM_EXTINT 0x700u

/* GSIs of KVM's default routing: IOAPIC pins. */
#define KVM_GSI_COUNT KVM_IOAPIC_NUM_PINS
#define GSI_CASCADE 2 /* the master's IR2: the slave, not a device */

/* Power-on IMR of both 8259As (devices/i8259.h, i8259_reset()). */
#define PIC_POWER_ON_IMR 0xff

struct kvm_cap {
	int cap;
	const char *name;
	const char *what;
};

static const struct kvm_cap needed_caps[] = {
	{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP",
	  "the kernel's PICs, IOAPIC and LAPICs" },
	{ KVM_CAP_PIT2, "KVM_CAP_PIT2", "the kernel's 8254 PIT" },
	{ KVM_CAP_REINJECT_CONTROL, "KVM_CAP_REINJECT_CONTROL",
	  "PIT ticks without reinjection, as on tcg" },
	{ KVM_CAP_MP_STATE, "KVM_CAP_MP_STATE",
	  "starting every vCPU at once" },
};

/* Mask both PICs, as devices/i8259.h's power-on state does. */
static int pic_power_on(int vm_fd)
{
	for (unsigned id = KVM_IRQCHIP_PIC_MASTER; id <= KVM_IRQCHIP_PIC_SLAVE;
	     id++) {
		struct kvm_irqchip chip;
		int r;

		memset(&chip, 0, sizeof(chip));
		chip.chip_id = id;
		r = vmm_kvm_ioctl(vm_fd, KVM_GET_IRQCHIP, (unsigned long)&chip);
		if (r) {
			vmm_err("kvm: KVM_GET_IRQCHIP (PIC %u): %s", id,
				strerror(-r));
			return r;
		}
		chip.chip.pic.imr = PIC_POWER_ON_IMR;
		r = vmm_kvm_ioctl(vm_fd, KVM_SET_IRQCHIP, (unsigned long)&chip);
		if (r) {
			vmm_err("kvm: KVM_SET_IRQCHIP (PIC %u): %s", id,
				strerror(-r));
			return r;
		}
	}
	return 0;
}

int vmm_kvm_irqchip_create(int kvm_fd, int vm_fd)
{
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	struct kvm_reinject_control reinject = { .pit_reinject = 0 };
	int r;

	for (size_t i = 0; i < sizeof(needed_caps) / sizeof(needed_caps[0]);
	     i++) {
		const struct kvm_cap *c = &needed_caps[i];

		if (vmm_kvm_ioctl(kvm_fd, KVM_CHECK_EXTENSION,
				  (unsigned long)c->cap) <= 0) {
			vmm_err("kvm: chipset pc needs %s (%s), which this "
				"KVM lacks; use accel = tcg",
				c->name, c->what);
			return -ENOTSUP;
		}
	}
	r = vmm_kvm_ioctl(vm_fd, KVM_CREATE_IRQCHIP, 0);
	if (r) {
		vmm_err("kvm: KVM_CREATE_IRQCHIP: %s", strerror(-r));
		return r;
	}
	r = vmm_kvm_ioctl(vm_fd, KVM_CREATE_PIT2, (unsigned long)&pit);
	if (r) {
		vmm_err("kvm: KVM_CREATE_PIT2: %s", strerror(-r));
		return r;
	}
	r = vmm_kvm_ioctl(vm_fd, KVM_REINJECT_CONTROL,
			  (unsigned long)&reinject);
	if (r) {
		vmm_err("kvm: KVM_REINJECT_CONTROL (PIT reinjection off): %s",
			strerror(-r));
		return r;
	}
	return pic_power_on(vm_fd);
}

static void lapic_set(struct kvm_lapic_state *s, unsigned reg, uint32_t v)
{
	memcpy(&s->regs[reg], &v, sizeof(v));
}

int vmm_kvm_irqchip_vcpu_init(int fd, unsigned index, bool wait_sipi)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };
	struct kvm_lapic_state lapic;
	int r;

	if (index != 0) {
		/* KVM resets an AP to "uninitialized": it waits for SIPI */
		if (wait_sipi)
			return 0;
		r = vmm_kvm_ioctl(fd, KVM_SET_MP_STATE, (unsigned long)&mp);
		if (r)
			vmm_err("kvm: vCPU %u: KVM_SET_MP_STATE (runnable): %s",
				index, strerror(-r));
		return r;
	}
	r = vmm_kvm_ioctl(fd, KVM_GET_LAPIC, (unsigned long)&lapic);
	if (r) {
		vmm_err("kvm: vCPU 0: KVM_GET_LAPIC: %s", strerror(-r));
		return r;
	}
	/* Unmasked, edge: KVM's own reset value of the boot vCPU's LINT0. */
	lapic_set(&lapic, APIC_LVT0, APIC_DM_EXTINT);
	lapic_set(&lapic, APIC_LVT1, APIC_DM_NMI);
	r = vmm_kvm_ioctl(fd, KVM_SET_LAPIC, (unsigned long)&lapic);
	if (r)
		vmm_err("kvm: vCPU 0: KVM_SET_LAPIC (LINT0 ExtINT): %s",
			strerror(-r));
	return r;
}

int vmm_kvm_irq_line(int vm_fd, unsigned gsi, bool level)
{
	struct kvm_irq_level irq = { .irq = gsi, .level = level };

	if (gsi >= KVM_GSI_COUNT || gsi == GSI_CASCADE)
		return -EINVAL;
	return vmm_kvm_ioctl(vm_fd, KVM_IRQ_LINE, (unsigned long)&irq);
}
