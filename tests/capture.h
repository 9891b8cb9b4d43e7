/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capture.h - run code with stderr going to a buffer, for tests that assert
 * what plugvm told the user. */
#ifndef TESTS_CAPTURE_H
#define TESTS_CAPTURE_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct capture {
	FILE *file;
	int saved_fd;
};

/* Send stderr to a temporary file until capture_end(). */
static inline void capture_begin(struct capture *c)
{
	fflush(stderr);
	c->file = tmpfile();
	ck_assert_ptr_nonnull(c->file);
	c->saved_fd = dup(STDERR_FILENO);
	ck_assert_int_ge(c->saved_fd, 0);
	ck_assert_int_ge(dup2(fileno(c->file), STDERR_FILENO), 0);
}

/* Restore stderr; what was written to it, to free(). */
static inline char *capture_end(struct capture *c)
{
	char *buf;
	long size;

	fflush(stderr);
	ck_assert_int_ge(dup2(c->saved_fd, STDERR_FILENO), 0);
	close(c->saved_fd);
	ck_assert_int_eq(fseek(c->file, 0, SEEK_END), 0);
	size = ftell(c->file);
	ck_assert_int_ge(size, 0);
	rewind(c->file);
	buf = malloc((size_t)size + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)size, c->file), (size_t)size);
	buf[size] = '\0';
	fclose(c->file);
	return buf;
}

/* Run @stmt with stderr captured into the (static) buffer `captured`. */
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
