/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guestmem.h - guest memory: guest-physical address to host pointer.
 *
 * Layer 2 (README.md, "Layout"): calls nothing of plugvm's. This is the
 * one place that checks whether a guest-physical range lies in guest RAM;
 * the host API (device.c), the image loader and the accelerators ask here
 * instead of doing their own arithmetic.
 *
 * Guest RAM is one host buffer. Its first size - high bytes are at
 * guest-physical 0; the last `high` bytes, if any, at 4 GiB: a PC keeps
 * the 32-bit hole below 4 GiB for MMIO (the PCI hole, the IOAPIC, the
 * LAPIC), so a machine with more than VMM_GUESTMEM_LOW_MAX bytes of RAM
 * has the rest above it, as kvmtool and QEMU place it. Anything else is
 * not RAM (MMIO, or nothing).
 */
#ifndef VMM_GUESTMEM_H
#define VMM_GUESTMEM_H

#include <stddef.h>
#include <stdint.h>

/* Low RAM ends at the PCI hole at most; high RAM starts at 4 GiB. */
#define VMM_GUESTMEM_LOW_MAX 0xc0000000ULL /* 3 GiB */
#define VMM_GUESTMEM_HIGH_BASE 0x100000000ULL /* 4 GiB */

struct vmm_guestmem {
	uint8_t *host; /* guest-physical 0; NULL when there is no RAM */
	uint64_t size; /* bytes, low and high together */
	uint64_t high; /* of them, the bytes at VMM_GUESTMEM_HIGH_BASE;
			* 0: all RAM is at 0 */
};

/* Bytes of RAM at guest-physical 0. */
static inline uint64_t vmm_guestmem_low(const struct vmm_guestmem *mem)
{
	return mem->size - mem->high;
}

/* The first guest-physical address above all RAM. */
static inline uint64_t vmm_guestmem_top(const struct vmm_guestmem *mem)
{
	return mem->high ? VMM_GUESTMEM_HIGH_BASE + mem->high : mem->size;
}

/*
 * Split @size bytes of RAM around the hole: how many go to 4 GiB and up.
 * Returns 0 for machines of VMM_GUESTMEM_LOW_MAX bytes or less.
 */
static inline uint64_t vmm_guestmem_high_part(uint64_t size)
{
	return size > VMM_GUESTMEM_LOW_MAX ? size - VMM_GUESTMEM_LOW_MAX : 0;
}

/*
 * The host address of guest-physical [@gpa, @gpa + @len), or NULL when any
 * byte of it lies outside guest RAM (or there is no RAM); a range across
 * the hole is not RAM either. @len 0 is a range too: it is inside RAM when
 * @gpa is at most the end of the low or the high part.
 */
static inline void *vmm_guestmem_ptr(const struct vmm_guestmem *mem,
				     uint64_t gpa, uint64_t len)
{
	uint64_t low = mem->size - mem->high;

	if (!mem->host)
		return NULL;
	if (gpa <= low && len <= low - gpa)
		return mem->host + gpa;
	if (!mem->high || gpa < VMM_GUESTMEM_HIGH_BASE)
		return NULL;
	gpa -= VMM_GUESTMEM_HIGH_BASE;
	if (gpa > mem->high || len > mem->high - gpa)
		return NULL;
	return mem->host + low + gpa;
}

/*
 * Copy @len bytes from guest-physical @gpa into @buf, or from @buf to
 * @gpa. Returns 0, or -EFAULT (nothing copied) when the range is not
 * wholly in guest RAM.
 */
int vmm_guestmem_read(const struct vmm_guestmem *mem, uint64_t gpa, void *buf,
		      size_t len);
int vmm_guestmem_write(const struct vmm_guestmem *mem, uint64_t gpa,
		       const void *buf, size_t len);

#endif
