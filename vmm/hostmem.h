/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostmem.h - guest RAM against the host's: the warning when a machine
 * asks for more than the host has, and the --max-memory limit.
 *
 * Layer 5, with the loaders (README.md, "Layout"): it reads the config
 * and calls the log.
 */
#ifndef VMM_HOSTMEM_H
#define VMM_HOSTMEM_H

#include "machine.h"

#include <stdint.h>

/* The host's physical RAM in bytes, 0 when it cannot be told. */
uint64_t vmm_host_ram(void);

/*
 * Check @cfg's `memory` before any is allocated: above @max (0: no limit)
 * it is refused at its file and line, naming both sizes (-E2BIG); above
 * the host's RAM it is allowed (guest RAM is only reserved, and a guest
 * touches what it uses), with a warning naming both sizes. Returns 0 or
 * -E2BIG.
 */
int vmm_hostmem_check(const struct vmm_config *cfg, uint64_t max);

/* @bytes as the machine file would write it ("64G", "1536M", "4K", or a
 * number of bytes), in @buf; returns @buf. */
const char *vmm_size_text(uint64_t bytes, char *buf, size_t len);

#endif
