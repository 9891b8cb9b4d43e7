// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hostmem.c - guest RAM against the host's (hostmem.h).
 */
#include "config.h"

#include "hostmem.h"

#include "log.h"
#include "parse.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

uint64_t vmm_host_ram(void)
{
	long pages = sysconf(_SC_PHYS_PAGES);
	long page = sysconf(_SC_PAGESIZE);

	if (pages <= 0 || page <= 0)
		return 0;
	return (uint64_t)pages * (uint64_t)page;
}

const char *vmm_size_text(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "GMK";

	for (int i = 0; i < 3; i++) {
		unsigned shift = 30 - 10 * (unsigned)i;

		if (bytes && !(bytes & ((1ull << shift) - 1))) {
			snprintf(buf, len, "%" PRIu64 "%c", bytes >> shift,
				 units[i]);
			return buf;
		}
	}
	snprintf(buf, len, "%" PRIu64 " bytes", bytes);
	return buf;
}

int vmm_hostmem_check(const struct vmm_config *cfg, uint64_t max)
{
	uint64_t host = vmm_host_ram();
	char want[32], limit[32];

	vmm_size_text(cfg->memory, want, sizeof(want));
	if (max && cfg->memory > max) {
		vmm_origin_error(&cfg->at.memory,
				 "%s of guest RAM is more than --max-memory=%s allows",
				 want, vmm_size_text(max, limit, sizeof(limit)));
		return -E2BIG;
	}
	if (host && cfg->memory > host) {
		const struct vmm_origin *o = &cfg->at.memory;
		char where[512];

		if (o->line)
			snprintf(where, sizeof(where), "%s:%u: [machine] memory",
				 o->file, o->line);
		else
			snprintf(where, sizeof(where), "%s", cfg->path);
		/* the host's RAM is seldom a round number: in tenths of G */
		vmm_warn("%s: %s of guest RAM is more than this host's RAM (%.1fG, %" PRIu64
			 " bytes): plugvm reserves it, but the host may kill the guest if it uses that much",
			 where, want, (double)host / (1 << 30), host);
	}
	return 0;
}
