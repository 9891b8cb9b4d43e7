/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * chipset.h - the machine's chipset (`[machine] chipset`), as vm.c builds
 * it (chipset.c).
 *
 * `pc` on tcg: plugvm creates device "pic" (i8259.so, the interrupt
 * controller) and "pit" (i8254.so) from the plugin path before the file's
 * devices; on kvm and tcg, device "i8042" (i8042.so, the keyboard
 * controller: ports 0x60 and 0x64, the reset line a guest reboots with). On kvm the kernel has them (the accelerator makes them from
 * accel_vm_config.irqchip), and plugvm reserves their ports on the bus for
 * a device of its own, "chipset pc", so that a device of the file that
 * claims them fails as it does on tcg. On both, that device also reserves
 * the IOAPIC and LAPIC pages (0xfec00000, 0xfee00000): on kvm the kernel
 * answers there, on tcg nothing does (a warning says so once).
 *
 * Layer 6, with vm.c (README.md, "Layout").
 */
#ifndef VMM_CHIPSET_H
#define VMM_CHIPSET_H

#include "vm.h"

/* What messages call the pc chipset's devices and ranges. */
#define VMM_CHIPSET_PC_NAME "chipset pc"

/* Devices a chipset adds to the machine, at most. */
#define VMM_CHIPSET_MAX_DEVICES 4

/* Whether plugin @type is one only a chipset creates (i8259, i8254,
 * i8042): a machine file cannot name it in a [device] section. */
bool vmm_chipset_owns_type(const char *type);

/*
 * Checks of the config that only concern the chipset, said at the key at
 * fault: RAM below the IOAPIC with pc, no [device] of the chipset's types
 * (i8259, i8254, i8042) or ids (pic, pit, i8042) with pc. 0 or -EINVAL.
 */
int vmm_chipset_check(const struct vmm_config *cfg,
		      const struct accel_ops *accel);

/*
 * Make the machine's interrupt routing (vm->irq, vm->env.irq) and the
 * chipset's devices, the first in vm->devices (vm->n_chipset_devices of
 * them). Nothing for chipset none. 0 or -errno, said.
 */
int vmm_chipset_create(struct vmm_vm *vm, const struct vmm_plugin_path *pp);

/*
 * After the accelerator's VM exists: hand it what the devices drove while
 * they were created (kvm). 0 or -errno, said.
 */
int vmm_chipset_accel_ready(struct vmm_vm *vm);

/* After the vCPUs exist: INTR reaches them from now on. */
void vmm_chipset_vcpus_ready(struct vmm_vm *vm);

#endif
