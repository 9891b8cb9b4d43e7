/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * machine-priv.h - what machine.c (the schema) and machine-file.c (files,
 * strings, the config's end) share. Private to the two.
 *
 * Layer 3, as machine.h.
 */
#ifndef VMM_MACHINE_PRIV_H
#define VMM_MACHINE_PRIV_H

#include "machine.h"

#include <stddef.h>

/*
 * Parse @len bytes of @text, named @path, with relative image paths
 * resolved against @dir, into a new config: as vmm_config_load().
 */
int vmm_config_parse(const char *path, const char *dir, const char *text,
		     size_t len, struct vmm_config **out);

#endif
