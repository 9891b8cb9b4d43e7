/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * inifile.h - read an INI file line by line, each key with its line.
 *
 * The reader knows the syntax and nothing of what the sections mean: it
 * hands each section header and each key = value to the schema's callbacks
 * (machine.c), and reports lines that are neither.
 *
 * The syntax:
 *  - Lines end at '\n' ("\r\n" too) and may be of any length. A UTF-8 byte
 *    order mark may start the file. Leading and trailing whitespace is
 *    ignored: an indented line is an ordinary line, never the continuation
 *    of the one above.
 *  - Blank lines and lines that start with ';' or '#' are comments.
 *  - "[TEXT]" starts a section. After the ']' only whitespace or a comment
 *    (';' or '#') may follow. TEXT, trimmed, is "WORD" or "WORD ARG".
 *  - "KEY = VALUE" or "KEY: VALUE" (the first '=' or ':' separates). In the
 *    value, a ';' that follows whitespace starts a comment. Key and value
 *    are trimmed; the value may be empty, the key may not.
 * Errors, as "FILE:LINE: message":
 *   syntax error: NUL or control character: not a text file
 *     (reading stops there: the first such line is the only message)
 *   syntax error: missing ']' in section header
 *   syntax error: unexpected text after section header
 *   syntax error: missing key before '='
 *   syntax error: expected 'key = value' or '[section]'
 *
 * Layer 1, base (README.md, "Layout"): calls only inih, parse.h (origins and
 * their messages) and the log.
 */
#ifndef VMM_INIFILE_H
#define VMM_INIFILE_H

#include "parse.h"

/* A section header, split. */
struct vmm_ini_header {
	const char *text; /* between the brackets, trimmed */
	const char *word; /* its first word: up to a blank or '"' */
	const char *arg; /* the rest, trimmed; "" when there is none */
	const char *name; /* ARG without its quotes when it is "...", or NULL */
};

/*
 * What the reader calls. Each returns 0, or a negative errno that stops
 * the reading (-ENOMEM, said already). Errors they print, they count in the
 * reader's struct vmm_errors; reading stops when it gives up.
 */
struct vmm_ini_ops {
	/*
	 * A section header at @o (file, line, and section = @h->text), or
	 * with @h NULL one in error (said): its keys belong to no section.
	 */
	int (*section)(void *ctx, const struct vmm_ini_header *h,
		       const struct vmm_origin *o);
	/* KEY = VALUE at @line; @key is not empty. */
	int (*key)(void *ctx, const char *key, const char *value,
		   unsigned line);
};

/*
 * Read the @len bytes of @text, named @file in messages, counting errors in
 * @errs. Returns 0 (look at @errs for errors), or a callback's error, or
 * -ENOMEM after saying so.
 */
/*
 * Read all of @path (at most @max bytes) into a new buffer, *@text (not
 * NUL-terminated; free() it) of *@len bytes. Returns 0, or -errno after
 * saying why as "FILE: message": cannot open, cannot read, file too large
 * (-EFBIG), out of memory.
 */
int vmm_ini_read_file(const char *path, size_t max, char **text,
		      size_t *len);

int vmm_ini_read(const char *file, const char *text, size_t len,
		 const struct vmm_ini_ops *ops, void *ctx,
		 struct vmm_errors *errs);

#endif
