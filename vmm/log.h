/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.h - plugvm's own diagnostics, always on stderr. */
#ifndef VMM_LOG_H
#define VMM_LOG_H

#include <plugvm/plugin.h>
#include <stdarg.h>

/*
 * Verbosity: 0 shows errors and warnings, 1 (-v) adds guest errors and info,
 * 2 (-vv) adds debug. Set once by main before any thread starts.
 */
extern int vmm_verbosity;

/* Whether a message at @level is shown at the current verbosity. */
static inline bool vmm_log_enabled(enum plugvm_log_level level)
{
	switch (level) {
	case PLUGVM_LOG_ERROR:
	case PLUGVM_LOG_WARN:
		return true;
	case PLUGVM_LOG_GUEST_ERROR:
	case PLUGVM_LOG_INFO:
		return vmm_verbosity >= 1;
	default:
		return vmm_verbosity >= 2;
	}
}

/* "plugvm: <prefix>: message\n" on stderr, atomically per line. */
void vmm_logv(enum plugvm_log_level level, const char *prefix,
	      const char *fmt, va_list ap) PLUGVM_PRINTF(3, 0);
void vmm_log(enum plugvm_log_level level, const char *fmt, ...)
	PLUGVM_PRINTF(2, 3);

#define vmm_err(...) vmm_log(PLUGVM_LOG_ERROR, __VA_ARGS__)
#define vmm_warn(...) vmm_log(PLUGVM_LOG_WARN, __VA_ARGS__)
#define vmm_info(...) vmm_log(PLUGVM_LOG_INFO, __VA_ARGS__)
#define vmm_debug(...) vmm_log(PLUGVM_LOG_DEBUG, __VA_ARGS__)

#endif
