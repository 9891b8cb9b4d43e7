// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inifile.c - the INI reader: lines, section headers, keys and values.
 *
 * Written here rather than taken from inih: the machine file needs every
 * key's line number, every bad line reported (not the first only), section
 * headers it can check itself, and lines of any length, and inih offers
 * none of these without a wrapper larger than this file.
 */
#include "config.h"

#include "inifile.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct reader {
	const char *file;
	unsigned line;
	struct vmm_errors *errs;
	const struct vmm_ini_ops *ops;
	void *ctx;
	char *buf; /* the current line, as a string we may cut up */
	size_t cap;
};

/* An error about the current line as a whole: "FILE:LINE: message". */
__attribute__((format(printf, 2, 3))) static void
line_error(struct reader *r, const char *fmt, ...)
{
	struct vmm_origin o = { .file = r->file, .line = r->line };
	va_list ap;

	va_start(ap, fmt);
	vmm_origin_verror(&o, fmt, ap);
	va_end(ap);
	vmm_errors_count(r->errs);
}

static bool is_comment_start(char c)
{
	return c == ';' || c == '#';
}

static char *trim_end(char *s, char *end)
{
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

static char *skip_space(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/*
 * The first of @stops in @s, or the ';' of an inline comment (one that
 * follows whitespace), or the end of @s.
 */
static char *find_stop(char *s, const char *stops)
{
	bool was_space = false;

	for (; *s; s++) {
		if ((stops && strchr(stops, *s)) || (was_space && *s == ';'))
			break;
		was_space = isspace((unsigned char)*s);
	}
	return s;
}

/* "[TEXT]" (@line trimmed, starting with '['). */
static int section_line(struct reader *r, char *line)
{
	struct vmm_origin o = { .file = r->file, .line = r->line };
	struct vmm_ini_header h;
	char *close = strchr(line, ']');
	char *text, *after, *word_end, *arg;
	size_t wlen, alen;
	char *word;
	int ret;

	/* A header in error still ends the section before it. */
	if (!close) {
		line_error(r, "syntax error: missing ']' in section header");
		return r->ops->section(r->ctx, NULL, &o);
	}
	after = skip_space(close + 1);
	if (*after && !is_comment_start(*after)) {
		line_error(r,
			   "syntax error: unexpected text after section header");
		return r->ops->section(r->ctx, NULL, &o);
	}
	text = trim_end(skip_space(line + 1), close);

	/* WORD and ARG go after TEXT in the buffer, which has room. */
	wlen = strcspn(text, " \t\"");
	word_end = text + wlen;
	arg = skip_space(word_end);
	alen = strlen(arg);
	word = text + strlen(text) + 1;
	memcpy(word, text, wlen);
	word[wlen] = '\0';
	h.text = text;
	h.word = word;
	h.arg = arg;
	h.name = NULL;
	if (alen >= 2 && arg[0] == '"' && arg[alen - 1] == '"') {
		char *name = word + wlen + 1;

		memcpy(name, arg + 1, alen - 2);
		name[alen - 2] = '\0';
		h.name = name;
	}
	o.section = text;
	ret = r->ops->section(r->ctx, &h, &o);
	return ret;
}

/* "KEY = VALUE" or "KEY: VALUE" (@line trimmed, not a comment). */
static int key_line(struct reader *r, char *line)
{
	char *sep = find_stop(line, "=:");
	char *value;

	if (*sep != '=' && *sep != ':') {
		line_error(r,
			   "syntax error: expected 'key = value' or '[section]'");
		return 0;
	}
	value = skip_space(sep + 1);
	trim_end(value, find_stop(value, NULL));
	trim_end(line, sep);
	if (!*line) {
		line_error(r, "syntax error: missing key before '='");
		return 0;
	}
	return r->ops->key(r->ctx, line, value, r->line);
}

/* Make room for a line of @n characters and what section_line() adds. */
static int reserve(struct reader *r, size_t n)
{
	size_t need = 2 * n + 3;
	char *b;

	if (need <= r->cap)
		return 0;
	b = realloc(r->buf, need);
	if (!b)
		return -ENOMEM;
	r->buf = b;
	r->cap = need;
	return 0;
}

int vmm_ini_read(const char *file, const char *text, size_t len,
		 const struct vmm_ini_ops *ops, void *ctx,
		 struct vmm_errors *errs)
{
	struct reader r = { .file = file, .errs = errs, .ops = ops, .ctx = ctx };
	size_t pos = 0;
	int ret = 0;

	while (!ret && pos < len && !errs->gave_up) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		pos += n + (nl != NULL);
		r.line++;
		if (r.line == 1 && n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) {
			s += 3;
			n -= 3;
		}
		while (n && isspace((unsigned char)*s)) {
			s++;
			n--;
		}
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
		if (!n || is_comment_start(*s))
			continue;
		if (memchr(s, '\0', n)) {
			line_error(&r, "syntax error: NUL character in line");
			continue;
		}
		ret = reserve(&r, n);
		if (ret) {
			line_error(&r, "out of memory");
			break;
		}
		memcpy(r.buf, s, n);
		r.buf[n] = '\0';
		if (r.buf[0] == '[')
			ret = section_line(&r, r.buf);
		else
			ret = key_line(&r, r.buf);
	}
	free(r.buf);
	return ret;
}
