// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse.c - value parsing and error reporting shared by the machine file and
 * device settings.
 *
 * Nothing here knows about inih: the device test kit links this file to
 * convert settings that come from a plain list of key/value pairs.
 */
#include "config.h"

#include "parse.h"

#include "log.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Longest word vmm_did_you_mean() compares; longer ones get no suggestion. */
#define DYM_MAX_LEN 64

/* Digits in @base from @s into *@out; the number must use all of @s. */
static int parse_digits(const char *s, size_t len, unsigned base, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!len)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned d;

		if (isdigit(c))
			d = c - '0';
		else if (base == 16 && isxdigit(c))
			d = (unsigned)(tolower(c) - 'a') + 10;
		else
			return -EINVAL;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

/* The power of 1024 a size suffix stands for, or -1 when it is none. */
static int size_suffix_shift(const char *sfx)
{
	static const char units[] = "kmg";
	const char *u;

	if (!*sfx)
		return 0;
	u = strchr(units, tolower((unsigned char)sfx[0]));
	if (!u)
		return -1;
	sfx++;
	if (*sfx && strcasecmp(sfx, "b") && strcasecmp(sfx, "ib"))
		return -1;
	return 10 * (int)(u - units + 1);
}

int vmm_parse_u64(const char *s, bool size, uint64_t *out)
{
	const char *digits = s;
	unsigned base = 10;
	size_t len;
	uint64_t v;
	int shift = 0;
	int ret;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		digits = s + 2;
		base = 16;
	}
	len = strspn(digits,
		     base == 16 ? "0123456789abcdefABCDEF" : "0123456789");
	if (digits[len]) {
		if (!size)
			return -EINVAL;
		shift = size_suffix_shift(digits + len);
		if (shift < 0)
			return -EINVAL;
	}
	ret = parse_digits(digits, len, base, &v);
	if (ret)
		return ret;
	if (shift && v > UINT64_MAX >> shift)
		return -ERANGE;
	*out = v << shift;
	return 0;
}

int vmm_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* Levenshtein distance ignoring case; both lengths at most DYM_MAX_LEN. */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t row[DYM_MAX_LEN + 1];
	size_t i, j;

	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best =
				diag + (tolower((unsigned char)a[i - 1]) !=
					tolower((unsigned char)b[j - 1]));

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *vmm_did_you_mean(const char *word, const char *const *candidates)
{
	size_t lw = strlen(word);
	size_t limit = lw / 3 > 2 ? lw / 3 : 2;
	const char *best = NULL;
	size_t best_d = limit + 1;

	if (lw > DYM_MAX_LEN)
		return NULL;
	for (; *candidates; candidates++) {
		size_t lc = strlen(*candidates);
		size_t d;

		if (lc > DYM_MAX_LEN)
			continue;
		d = edit_distance(word, lw, *candidates, lc);
		/* Replacing every letter is no near miss ("x" vs "cs"). */
		if (d >= (lw > lc ? lw : lc))
			continue;
		if (d < best_d) {
			best = *candidates;
			best_d = d;
		}
	}
	return best;
}

void vmm_origin_verror(const struct vmm_origin *o, const char *fmt, va_list ap)
{
	struct vmm_log_msg m = { .level = PLUGVM_LOG_ERROR };
	char where[512], text[1024];
	size_t n = 0;

	where[0] = '\0';
	if (o && o->file && o->line)
		n += snprintf(where, sizeof(where), "%s:%u", o->file, o->line);
	else if (o && o->file)
		n += snprintf(where, sizeof(where), "%s", o->file);
	if (o && o->section && n < sizeof(where))
		n += snprintf(where + n, sizeof(where) - n, "%s[%s]",
			      n ? ": " : "", o->section);
	if (o && o->key && n < sizeof(where))
		snprintf(where + n, sizeof(where) - n, "%s%s",
			 n ? (o->section ? " " : ": ") : "", o->key);
	vsnprintf(text, sizeof(text), fmt, ap);
	m.origin = where;
	m.text = text;
	vmm_log_emit(&m);
}

void vmm_origin_error(const struct vmm_origin *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmm_origin_verror(o, fmt, ap);
	va_end(ap);
}

void vmm_file_error(const char *file, const char *fmt, ...)
{
	const struct vmm_origin o = { .file = file };
	va_list ap;

	va_start(ap, fmt);
	vmm_origin_verror(&o, fmt, ap);
	va_end(ap);
}

int vmm_origin_parse_u64(const struct vmm_origin *o, const char *value,
			 bool size, uint64_t *out)
{
	int ret;

	if (!*value) {
		vmm_origin_error(o, "empty value (expected %s)",
				 size ? "a size" : "a number");
		return -EINVAL;
	}
	ret = vmm_parse_u64(value, size, out);
	if (ret == -ERANGE)
		vmm_origin_error(o, "%s '%s' is too large",
				 size ? "size" : "number", value);
	else if (ret && size)
		vmm_origin_error(
			o,
			"invalid size '%s' (expected a number with an optional K, M or G suffix)",
			value);
	else if (ret)
		vmm_origin_error(
			o, "invalid number '%s' (expected decimal or 0x hex)",
			value);
	return ret ? -EINVAL : 0;
}

int vmm_origin_parse_bool(const struct vmm_origin *o, const char *value,
			  bool *out)
{
	if (!*value) {
		vmm_origin_error(o, "empty value (expected true or false)");
		return -EINVAL;
	}
	if (vmm_parse_bool(value, out)) {
		vmm_origin_error(
			o,
			"invalid boolean '%s' (expected true/false, yes/no, on/off or 1/0)",
			value);
		return -EINVAL;
	}
	return 0;
}

void vmm_join_words(char *buf, size_t size, const char *const *choices)
{
	size_t n = 0;

	buf[0] = '\0';
	for (; *choices; choices++) {
		int w = snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
				 *choices);

		if (w < 0 || (size_t)w >= size - n) {
			snprintf(buf + (size > 4 ? size - 4 : 0),
				 size > 4 ? 4 : size, "...");
			return;
		}
		n += (size_t)w;
	}
}

int vmm_origin_parse_enum(const struct vmm_origin *o, const char *value,
			  const char *const *choices, unsigned *index)
{
	char list[256];
	unsigned i;

	for (i = 0; choices[i]; i++) {
		if (!strcmp(value, choices[i])) {
			*index = i;
			return 0;
		}
	}
	vmm_join_words(list, sizeof(list), choices);
	if (!*value)
		vmm_origin_error(o, "empty value (must be one of: %s)", list);
	else
		vmm_origin_error(o, "invalid value '%s' (must be one of: %s)",
				 value, list);
	return -EINVAL;
}

void vmm_origin_unknown_key(const struct vmm_origin *o, const char *key,
			    const char *const *known, bool list)
{
	const char *hint = vmm_did_you_mean(key, known);
	char words[256];

	if (hint && strcmp(hint, key)) {
		vmm_origin_error(o, "unknown key '%s' (did you mean '%s'?)",
				 key, hint);
	} else if (list && known[0]) {
		vmm_join_words(words, sizeof(words), known);
		vmm_origin_error(o, "unknown key '%s' (expected one of: %s)",
				 key, words);
	} else if (list) {
		vmm_origin_error(o,
				 "unknown key '%s' (this device takes no settings)",
				 key);
	} else {
		vmm_origin_error(o, "unknown key '%s'", key);
	}
}

bool vmm_errors_count(struct vmm_errors *e)
{
	if (!e)
		return true;
	if (++e->n >= VMM_MAX_ERRORS && !e->gave_up) {
		vmm_file_error(e->file ? e->file : "plugvm",
			       "too many errors, giving up");
		e->gave_up = true;
	}
	return !e->gave_up;
}
