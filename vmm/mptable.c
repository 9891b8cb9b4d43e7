// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mptable.c - the MP tables of a `chipset = pc` machine that boots a
 * kernel (see mptable.h; layouts from the MultiProcessor Specification
 * 1.4, chapter 4). Written byte by byte, little-endian, rather than
 * through packed structs.
 */
#include "config.h"

#include "mptable.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MPF_SIZE 16	   /* the floating pointer */
#define MPC_HEADER_SIZE 44 /* the configuration table's header */
#define MPC_CPU_SIZE 20
#define MPC_ENTRY_SIZE 8 /* bus, IOAPIC, interrupt entries */

enum {
	MPC_CPU = 0,
	MPC_BUS = 1,
	MPC_IOAPIC = 2,
	MPC_INTSRC = 3,
	MPC_LINTSRC = 4,
};

#define MP_SPEC_REV 4 /* 1.4 */
#define MP_INT 0
#define MP_NMI 1
#define MP_EXTINT 3
#define MP_IRQ_CONFORMS 0 /* polarity and trigger as the bus says */
#define MP_CPU_ENABLED 0x01
#define MP_CPU_BSP 0x02
#define MP_IOAPIC_USABLE 0x01
/* LAPIC and IOAPIC versions KVM's in-kernel ones report. */
#define MP_LAPIC_VERSION 0x14
#define MP_IOAPIC_VERSION 0x11
/* As kvmtool: family 6, and the FPU and APIC feature bits. */
#define MP_CPU_SIGNATURE 0x600
#define MP_CPU_FEATURES 0x201

#define ISA_BUS_ID 0
#define IOAPIC_PINS 24
#define ISA_CASCADE_IRQ 2
#define LINT_ALL_CPUS 0xff

#define MP_TOP 0x100000ull /* the tables live below 1 MiB */

/* I/O interrupt entries: every pin but the cascade. */
#define N_INTSRC (IOAPIC_PINS - 1)
#define N_LINTSRC 2

size_t vmm_mptable_size(unsigned n_cpus)
{
	return MPF_SIZE + MPC_HEADER_SIZE + (size_t)n_cpus * MPC_CPU_SIZE +
	       (1 /* bus */ + 1 /* IOAPIC */ + N_INTSRC + N_LINTSRC) *
		       MPC_ENTRY_SIZE;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

/* The byte that makes @len bytes at @p sum to 0. */
static uint8_t checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum = (uint8_t)(sum + *p++);
	return (uint8_t)-sum;
}

/* An 8-byte interrupt entry at @p: @type MPC_INTSRC or MPC_LINTSRC. */
static uint8_t *put_irq(uint8_t *p, uint8_t type, uint8_t irqtype,
			uint8_t srcbusirq, uint8_t dst, uint8_t dstpin)
{
	p[0] = type;
	p[1] = irqtype;
	put16(p + 2, MP_IRQ_CONFORMS);
	p[4] = ISA_BUS_ID;
	p[5] = srcbusirq;
	p[6] = dst;
	p[7] = dstpin;
	return p + MPC_ENTRY_SIZE;
}

/* The configuration table at @mpc (zeroed), its entries counted. */
static size_t build_mpc(uint8_t *mpc, unsigned n_cpus)
{
	uint8_t ioapic_id = (uint8_t)n_cpus;
	uint8_t *p = mpc + MPC_HEADER_SIZE;
	unsigned entries = 0;
	size_t len;

	for (unsigned i = 0; i < n_cpus; i++, entries++) {
		p[0] = MPC_CPU;
		p[1] = (uint8_t)i; /* APIC ID */
		p[2] = MP_LAPIC_VERSION;
		p[3] = MP_CPU_ENABLED | (i == 0 ? MP_CPU_BSP : 0);
		put32(p + 4, MP_CPU_SIGNATURE);
		put32(p + 8, MP_CPU_FEATURES);
		p += MPC_CPU_SIZE;
	}
	p[0] = MPC_BUS;
	p[1] = ISA_BUS_ID;
	memcpy(p + 2, "ISA   ", 6);
	p += MPC_ENTRY_SIZE;
	entries++;
	p[0] = MPC_IOAPIC;
	p[1] = ioapic_id;
	p[2] = MP_IOAPIC_VERSION;
	p[3] = MP_IOAPIC_USABLE;
	put32(p + 4, VMM_MPTABLE_IOAPIC_BASE);
	p += MPC_ENTRY_SIZE;
	entries++;
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		if (pin == ISA_CASCADE_IRQ)
			continue;
		p = put_irq(p, MPC_INTSRC, MP_INT, (uint8_t)pin, ioapic_id,
			    (uint8_t)pin);
		entries++;
	}
	p = put_irq(p, MPC_LINTSRC, MP_EXTINT, 0, 0, 0);
	p = put_irq(p, MPC_LINTSRC, MP_NMI, 0, LINT_ALL_CPUS, 1);
	entries += N_LINTSRC;

	len = (size_t)(p - mpc);
	memcpy(mpc, "PCMP", 4);
	put16(mpc + 4, (uint16_t)len);
	mpc[6] = MP_SPEC_REV;
	memcpy(mpc + 8, "PLUGVM  ", 8);	      /* OEM ID */
	memcpy(mpc + 16, "PC          ", 12); /* product ID */
	put16(mpc + 34, (uint16_t)entries);
	put32(mpc + 36, VMM_MPTABLE_LAPIC_BASE);
	mpc[7] = checksum(mpc, len);
	return len;
}

int vmm_mptable_write(const struct vmm_guestmem *mem, uint64_t addr,
		      unsigned n_cpus)
{
	size_t size = vmm_mptable_size(n_cpus);
	uint8_t *buf, *mpf;
	int ret;

	if (n_cpus == 0 || n_cpus > VMM_MPTABLE_MAX_CPUS || addr % 16 ||
	    addr >= MP_TOP || size > MP_TOP - addr)
		return -EINVAL;
	buf = calloc(1, size);
	if (!buf)
		return -ENOMEM;
	mpf = buf;
	build_mpc(buf + MPF_SIZE, n_cpus);
	memcpy(mpf, "_MP_", 4);
	put32(mpf + 4, (uint32_t)(addr + MPF_SIZE)); /* the table */
	mpf[8] = 1; /* length in 16-byte units */
	mpf[9] = MP_SPEC_REV;
	/* feature bytes 0: the configuration table is there, no default */
	mpf[10] = checksum(mpf, MPF_SIZE);
	ret = vmm_guestmem_write(mem, addr, buf, size);
	free(buf);
	return ret;
}
