// SPDX-License-Identifier: GPL-2.0-or-later
/* log.c - plugvm's own diagnostics. */
#include "config.h"

#include "log.h"

#include <stdio.h>

int vmm_verbosity;

static const char *const level_names[] = {
	[PLUGVM_LOG_ERROR] = "error",
	[PLUGVM_LOG_WARN] = "warning",
	[PLUGVM_LOG_GUEST_ERROR] = "guest error",
	[PLUGVM_LOG_INFO] = NULL,
	[PLUGVM_LOG_DEBUG] = "debug",
};

void vmm_logv(enum plugvm_log_level level, const char *prefix,
	      const char *fmt, va_list ap)
{
	const char *name;
	char msg[1024];

	if (!vmm_log_enabled(level))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	name = level <= PLUGVM_LOG_DEBUG ? level_names[level] : NULL;
	/* One fprintf per line so that lines from vCPU threads never mix. */
	fprintf(stderr, "plugvm: %s%s%s%s%s\n", prefix ? prefix : "",
		prefix ? ": " : "", name ? name : "", name ? ": " : "", msg);
}

void vmm_log(enum plugvm_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmm_logv(level, NULL, fmt, ap);
	va_end(ap);
}
