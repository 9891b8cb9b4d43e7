// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * guestmem.c - copies in and out of guest RAM, bounds checked.
 */
#include "config.h"

#include "guestmem.h"

#include <errno.h>
#include <string.h>

int vmm_guestmem_read(const struct vmm_guestmem *mem, uint64_t gpa, void *buf,
		      size_t len)
{
	const void *p = vmm_guestmem_ptr(mem, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(buf, p, len);
	return 0;
}

int vmm_guestmem_write(const struct vmm_guestmem *mem, uint64_t gpa,
		       const void *buf, size_t len)
{
	void *p = vmm_guestmem_ptr(mem, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(p, buf, len);
	return 0;
}
