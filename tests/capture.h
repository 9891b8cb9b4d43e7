/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capture.h - run code with the core's log going to a buffer instead of
 * stderr, for tests that assert what plugvm told the user. The text is
 * what the default sink would have written, at the level in force. */
#ifndef TESTS_CAPTURE_H
#define TESTS_CAPTURE_H

#include "log.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

struct capture {
	FILE *file;
	char *buf;
	size_t len;
	struct vmm_log_sink saved;
};

static inline void capture_emit(void *ctx, const struct vmm_log_msg *m)
{
	vmm_log_write(((struct capture *)ctx)->file, m);
}

/* Send the log to a buffer until capture_end(). */
static inline void capture_begin(struct capture *c)
{
	struct vmm_log_sink sink = { .emit = capture_emit, .ctx = c };

	c->buf = NULL;
	c->len = 0;
	c->file = open_memstream(&c->buf, &c->len);
	ck_assert_ptr_nonnull(c->file);
	sink.level = vmm_log_level();
	c->saved = vmm_log_set_sink(&sink);
}

/* Restore the sink; what was logged, to free(). */
static inline char *capture_end(struct capture *c)
{
	vmm_log_set_sink(&c->saved);
	ck_assert_int_eq(fclose(c->file), 0);
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
