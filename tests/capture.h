/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capture.h - run a statement with stderr going to a buffer, for tests
 * that assert what plugvm told the user. */
#ifndef TESTS_CAPTURE_H
#define TESTS_CAPTURE_H

#include <stdio.h>
#include <unistd.h>

static char captured[8192];

#define CAPTURE_STDERR(stmt)                                               \
	do {                                                               \
		FILE *tmp_ = tmpfile();                                    \
		int save_ = dup(2);                                        \
		size_t n_;                                                 \
		fflush(stderr);                                            \
		dup2(fileno(tmp_), 2);                                     \
		stmt;                                                      \
		fflush(stderr);                                            \
		dup2(save_, 2);                                            \
		close(save_);                                              \
		rewind(tmp_);                                              \
		n_ = fread(captured, 1, sizeof(captured) - 1, tmp_);       \
		captured[n_] = '\0';                                       \
		fclose(tmp_);                                              \
	} while (0)

#endif
