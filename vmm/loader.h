/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * loader.h - boot: what goes into guest RAM before the first instruction.
 *
 * Layer 5 (README.md, "Layout"): calls guest memory, the config's
 * image list and the log; the machine (vm.c) calls it.
 */
#ifndef VMM_LOADER_H
#define VMM_LOADER_H

#include "cpu.h"
#include "guestmem.h"
#include "machine.h"

/*
 * Copy each [image] of @cfg into @mem at its address, refusing (with the
 * image's file, line and key) one that cannot be read, is not a regular
 * file, does not fit in RAM, overlaps the boot tables in @reserved (size 0:
 * none) or overlaps another image. Images of 0 bytes overlap nothing.
 * Overlaps are found by sorting the images' extents, so n images cost
 * O(n log n), and each file is opened once. Returns 0 or -errno.
 */
int vmm_load_images(const struct vmm_config *cfg,
		    const struct vmm_guestmem *mem,
		    const struct vmm_boot_layout *reserved);

#endif
