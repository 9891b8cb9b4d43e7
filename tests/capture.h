/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capture.h - run code with the core's log going to a buffer instead of
 * stderr, for tests that assert what plugvm told the user. The text is
 * what the default sink would have written, at the level in force. */
#ifndef TESTS_CAPTURE_H
#define TESTS_CAPTURE_H

#include "log.h"

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

struct capture {
	char *buf;
	size_t len;
};

/*
 * The capture in force, outside any test's stack frame: in no-fork mode
 * (CK_FORK=no, as under valgrind) a failed assertion leaves the test by
 * longjmp() between capture_begin() and capture_end(), and a sink or a
 * memstream pointing into that dead frame would crash a later test. The
 * next capture_begin() ends such a stale capture first.
 */
static struct {
	bool active;
	FILE *file;
	char *buf;
	size_t len;
	struct vmm_log_sink saved;
} capture_live __attribute__((unused));

static inline void capture_emit(void *ctx, const struct vmm_log_msg *m)
{
	(void)ctx;
	vmm_log_write(capture_live.file, m);
}

/* Send the log to a buffer until capture_end(). */
static inline void capture_begin(struct capture *c)
{
	struct vmm_log_sink sink = { .emit = capture_emit };

	if (capture_live.active) { /* a test failed inside its capture */
		vmm_log_set_sink(&capture_live.saved);
		fclose(capture_live.file);
		free(capture_live.buf);
		capture_live.active = false;
	}
	c->buf = NULL;
	c->len = 0;
	capture_live.buf = NULL;
	capture_live.len = 0;
	capture_live.file = open_memstream(&capture_live.buf, &capture_live.len);
	ck_assert_ptr_nonnull(capture_live.file);
	sink.level = vmm_log_level();
	capture_live.saved = vmm_log_set_sink(&sink);
	capture_live.active = true;
}

/* Restore the sink; what was logged, to free(). */
static inline char *capture_end(struct capture *c)
{
	vmm_log_set_sink(&capture_live.saved);
	capture_live.active = false;
	ck_assert_int_eq(fclose(capture_live.file), 0);
	c->buf = capture_live.buf;
	c->len = capture_live.len;
	capture_live.buf = NULL;
	ck_assert_ptr_nonnull(c->buf);
	return c->buf;
}

/* Run @stmt with the log captured into the (static) buffer `captured`. */
static char captured[8192] __attribute__((unused));

#define CAPTURE_STDERR(stmt)                                               \
	do {                                                               \
		struct capture cap_;                                       \
		char *out_;                                                \
		capture_begin(&cap_);                                      \
		stmt;                                                      \
		out_ = capture_end(&cap_);                                 \
		snprintf(captured, sizeof(captured), "%s", out_);          \
		free(out_);                                                \
	} while (0)

#endif
