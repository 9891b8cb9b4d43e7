/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guestmem.h - guest memory: guest-physical address to host pointer.
 *
 * Layer 2 (README.md, "Layout"): calls nothing of plugvm's. This is the
 * one place that checks whether a guest-physical range lies in guest RAM;
 * the host API (device.c), the image loader and the accelerators ask here
 * instead of doing their own arithmetic.
 *
 * Guest RAM is one host buffer at guest-physical 0, as both accelerators
 * map it. Anything above it is not RAM (MMIO, or nothing).
 */
#ifndef VMM_GUESTMEM_H
#define VMM_GUESTMEM_H

#include <stddef.h>
#include <stdint.h>

struct vmm_guestmem {
	uint8_t *host; /* guest-physical 0; NULL when there is no RAM */
	uint64_t size; /* bytes */
};

/*
 * The host address of guest-physical [@gpa, @gpa + @len), or NULL when any
 * byte of it lies outside guest RAM (or there is no RAM). @len 0 is a
 * range too: it is inside RAM when @gpa <= size.
 */
static inline void *vmm_guestmem_ptr(const struct vmm_guestmem *mem,
				     uint64_t gpa, uint64_t len)
{
	if (!mem->host || gpa > mem->size || len > mem->size - gpa)
		return NULL;
	return mem->host + gpa;
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
