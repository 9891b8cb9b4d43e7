/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parse.h - values as people write them, and errors that say where.
 *
 * The base of the machine file and of device settings: number, boolean and
 * enum parsing, "did you mean", and the origin of a key ("FILE:LINE:
 * [SECTION] KEY") that every message about it starts with. No inih, no
 * config model: the device test kit links this too. *
 * Layer 1, base (README.md, "Layout"): calls only the log.
 */
#ifndef VMM_PARSE_H
#define VMM_PARSE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reading a file or converting settings stops after this many errors. */
#define VMM_MAX_ERRORS 50

/*
 * Where a key came from: "FILE:LINE: [SECTION] KEY". Any part may be missing:
 * file NULL, line 0 (a default, or no file behind it), section NULL (outside
 * any section) or key NULL (the section as a whole) leave that part out.
 */
struct vmm_origin {
	const char *file; /* the machine file's path; owned by the config */
	unsigned line;
	const char *section; /* e.g. device "uart0", without the brackets */
	const char *key;
};

/*
 * The errors of one reading or conversion, counted against VMM_MAX_ERRORS.
 * @file names the source in the giving-up message.
 */
struct vmm_errors {
	const char *file;
	unsigned n;
	bool gave_up; /* the cap was reached: stop */
};

/*
 * Count one error that was printed already. At the VMM_MAX_ERRORS-th, print
 * "FILE: too many errors, giving up" once and set gave_up. Returns
 * !gave_up: whether to go on. NULL @e counts nothing and goes on.
 */
bool vmm_errors_count(struct vmm_errors *e);

/*
 * Number parsing shared with device settings. Accepts decimal and 0x hex;
 * with @size also a K, M or G suffix (x1024^n, case-insensitive, optional
 * "iB"/"B"). Rejects empty strings, trailing junk, negative numbers and
 * overflow. Returns 0 or -EINVAL / -ERANGE.
 */
int vmm_parse_u64(const char *s, bool size, uint64_t *out);
/* true/false, yes/no, on/off, 1/0 (case-insensitive). 0 or -EINVAL. */
int vmm_parse_bool(const char *s, bool *out);

/*
 * The closest of @candidates (NULL-terminated) to @word by edit distance,
 * or NULL when none is within 2 edits (or a third of the word's length).
 * Case is ignored; the first of equally close candidates wins; a candidate
 * that shares no letter with @word in place ("x" and "cs") is never
 * suggested; words over 64 characters get no suggestion.
 */
const char *vmm_did_you_mean(const char *word, const char *const *candidates);

/*
 * Print "FILE:LINE: [SECTION] KEY: message" to stderr as one line, leaving
 * out the parts @o does not have (see struct vmm_origin). @o may be NULL.
 */
void vmm_origin_error(const struct vmm_origin *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vmm_origin_verror(const struct vmm_origin *o, const char *fmt,
		       va_list ap) __attribute__((format(printf, 2, 0)));
/* "FILE: message", about @file (a path, or what stands for one) as a whole. */
void vmm_file_error(const char *file, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Parse @value as vmm_parse_u64() / vmm_parse_bool() do, or as one of the
 * NULL-terminated @choices (exact match; *@index is its position), and on
 * failure print why at @o and return -EINVAL. The messages:
 *   empty value (expected a number|a size|true or false)
 *   empty value (must be one of: a, b, c)
 *   invalid number 'X' (expected decimal or 0x hex)
 *   invalid size 'X' (expected a number with an optional K, M or G suffix)
 *   number|size 'X' is too large
 *   invalid boolean 'X' (expected true/false, yes/no, on/off or 1/0)
 *   invalid value 'X' (must be one of: a, b, c)
 */
int vmm_origin_parse_u64(const struct vmm_origin *o, const char *value,
			 bool size, uint64_t *out);
int vmm_origin_parse_bool(const struct vmm_origin *o, const char *value,
			  bool *out);
int vmm_origin_parse_enum(const struct vmm_origin *o, const char *value,
			  const char *const *choices, unsigned *index);

/*
 * Print "unknown key '@key' (did you mean 'X'?)" at @o, X the closest of
 * the NULL-terminated @known (never @key itself). Without a near miss: with
 * @list, "unknown key '@key' (expected one of: a, b, c)", or "(this device
 * takes no settings)" when @known is empty; without, "unknown key '@key'".
 */
void vmm_origin_unknown_key(const struct vmm_origin *o, const char *key,
			    const char *const *known, bool list);

/* "a, b, c" into @buf of @size bytes, cut short with "..." if it must be. */
void vmm_join_words(char *buf, size_t size, const char *const *words);

#endif
