/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.h - plugvm's own diagnostics, through one sink.
 *
 * Every message of the core goes through vmm_log_emit(): vmm_log() and its
 * shorthands, vmm_origin_error() (a place in a machine file), device
 * messages (prefixed with the device id) and multi-line blocks (register
 * dumps, statistics). The sink decides where they go. The default one
 * writes "plugvm: ..." lines to stderr, each message in one piece, so that
 * lines of different threads never mix; the device test kit installs its
 * own and keeps the messages as records. Layer 1, base (README.md,
 * "Layout"): includes nothing of the core.
 */
#ifndef VMM_LOG_H
#define VMM_LOG_H

#include <plugvm/plugin.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

/* One message as the sink receives it; valid only during the call. */
struct vmm_log_msg {
	enum plugvm_log_level level;
	/* who speaks: a device id, or NULL for the core itself */
	const char *prefix;
	/* an error about a place in a machine file: "FILE[:LINE]: [SECTION]
	 * KEY", "" when unknown; NULL for other messages */
	const char *origin;
	/* the text, without a trailing newline; a block's has several lines */
	const char *text;
	/* a block: a header line and indented lines, shown as they are */
	bool block;
};

/* Where messages go. */
struct vmm_log_sink {
	/* Take one message; called from any thread, must be thread-safe. */
	void (*emit)(void *ctx, const struct vmm_log_msg *m);
	void *ctx;
	/* The most verbose level the sink wants (PLUGVM_LOG_*). */
	enum plugvm_log_level level;
};

/*
 * Use @sink (copied) for every later message; NULL restores the default,
 * stderr at PLUGVM_LOG_WARN. Set it before any thread that logs starts (the
 * sink is read without a lock). Returns the sink that was in use, so a
 * caller can put it back.
 */
struct vmm_log_sink vmm_log_set_sink(const struct vmm_log_sink *sink);

/*
 * The default sink, on stderr, at the level @verbosity -v options ask for:
 * 0 shows errors and warnings, 1 adds guest errors and info, 2 adds debug.
 */
void vmm_log_to_stderr(int verbosity);

/* The most verbose level the current sink takes. */
enum plugvm_log_level vmm_log_level(void);

/* Whether a message at @level reaches the sink. */
static inline bool vmm_log_enabled(enum plugvm_log_level level)
{
	return level <= vmm_log_level();
}

/*
 * Write @m to @f as the default sink does, in one piece: "plugvm: [PREFIX:
 * ][LEVEL: ]TEXT" (no level name for info), "ORIGIN: TEXT" (or just TEXT) for a
 * place in a machine file, and "plugvm: LINE" for every line of a block.
 */
void vmm_log_write(FILE *f, const struct vmm_log_msg *m);

/* Hand @m to the sink, if its level is enabled. */
void vmm_log_emit(const struct vmm_log_msg *m);

/* Format and emit one message with optional @prefix (a device id). */
void vmm_logv(enum plugvm_log_level level, const char *prefix,
	      const char *fmt, va_list ap) PLUGVM_PRINTF(3, 0);
void vmm_log(enum plugvm_log_level level, const char *fmt, ...)
	PLUGVM_PRINTF(2, 3);

#define vmm_err(...) vmm_log(PLUGVM_LOG_ERROR, __VA_ARGS__)
#define vmm_warn(...) vmm_log(PLUGVM_LOG_WARN, __VA_ARGS__)
#define vmm_info(...) vmm_log(PLUGVM_LOG_INFO, __VA_ARGS__)
#define vmm_debug(...) vmm_log(PLUGVM_LOG_DEBUG, __VA_ARGS__)

/*
 * A multi-line block, emitted as one message. Write lines into the FILE
 * vmm_log_block_begin() returns (each ending in '\n'), then call
 * vmm_log_block_end(). begin() returns NULL, and end() then does nothing,
 * when @level is not enabled or memory ran out.
 */
struct vmm_log_block {
	FILE *f;
	char *buf;
	size_t len;
	enum plugvm_log_level level;
};

FILE *vmm_log_block_begin(struct vmm_log_block *b, enum plugvm_log_level level);
void vmm_log_block_end(struct vmm_log_block *b);

#endif
