/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mptable.h - the Intel MultiProcessor Specification 1.4 tables a guest
 * kernel reads to find its CPUs and the IOAPIC, when there is no ACPI
 * (Linux: arch/x86/kernel/mpparse.c), as kvmtool and Firecracker build
 * them for `chipset = pc` on kvm:
 *   - a processor entry per vCPU, APIC ID = vCPU index (the CPUID APIC ID
 *     accel-kvm.c gives it), vCPU 0 the bootstrap processor;
 *   - one ISA bus (id 0);
 *   - the IOAPIC at 0xfec00000, APIC ID n_cpus (after the CPUs');
 *   - ISA IRQs 0-15 (but 2, the PICs' cascade) on IOAPIC pins 0-15, and
 *     16-23 on pins 16-23, identity: KVM's default GSI routing, so that
 *     a line a device drives through set_irq() is the pin the kernel
 *     expects; polarity and trigger "conform to the bus" (ISA: edge,
 *     active high);
 *   - the PICs' ExtINT on LINT0 of vCPU 0, NMI on LINT1 of every CPU.
 * The floating pointer comes first, the configuration table right after
 * it; the kernel finds the pointer by scanning 0xf0000-0xfffff (boot.h:
 * VMM_BOOT_MPTABLE), which the e820 map must reserve.
 *
 * Layer 5, with the loaders (README.md, "Layout"): guest memory only.
 */
#ifndef VMM_MPTABLE_H
#define VMM_MPTABLE_H

#include "guestmem.h"

#include <stddef.h>
#include <stdint.h>

/* The IOAPIC and LAPIC pages chipset pc has on kvm (chipset.c). */
#define VMM_MPTABLE_IOAPIC_BASE 0xfec00000u
#define VMM_MPTABLE_LAPIC_BASE 0xfee00000u
/* More CPUs need x2APIC and ACPI (an 8-bit APIC ID, and the IOAPIC's). */
#define VMM_MPTABLE_MAX_CPUS 254

/* Bytes the floating pointer and configuration table of @n_cpus take. */
size_t vmm_mptable_size(unsigned n_cpus);

/*
 * Write the MP floating pointer and its configuration table for @n_cpus
 * CPUs at guest-physical @addr (16-byte aligned; the kernel looks at
 * 0xf0000-0xfffff, the first KiB of the EBDA and the last KiB of base
 * memory). Returns 0, -EINVAL (@n_cpus 0 or above VMM_MPTABLE_MAX_CPUS,
 * @addr unaligned or the table would cross 1 MiB), -EFAULT (not wholly in
 * guest RAM), or -ENOMEM.
 */
int vmm_mptable_write(const struct vmm_guestmem *mem, uint64_t addr,
		      unsigned n_cpus);

#endif
