// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inifile.c - the INI reader: lines, section headers, keys and values.
 *
 * inih splits each "key = value" line: the key and value, their trimming
 * and inline comments are its rules. Around it, this file keeps what the
 * machine file needs and inih does not give: every key's line number,
 * every bad line reported (not the first only), section headers the schema
 * checks itself ([device "ID"]), and lines of any length. inih is handed one
 * line at a time, with its line buffer on the heap and allowed to grow to
 * that line's length (Debian's inih makes those options run-time
 * variables; configure checks for them).
 */
#include "config.h"

#include "inifile.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
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

/* What inih's handler reports back for one line. */
struct key_call {
	struct reader *r;
	bool seen; /* the handler ran: the line was a key line */
	int ret; /* what ops->key() returned */
};

/* inih's handler: nonzero is success, and we always succeed. */
static int key_handler(void *user, const char *section, const char *name,
		       const char *value)
{
	struct key_call *c = user;
	struct reader *r = c->r;

	(void)section; /* ours: inih sees one line, never a header */
	if (c->seen || !name || !value)
		return 1;
	c->seen = true;
	if (!*name)
		line_error(r, "syntax error: missing key before '='");
	else
		c->ret = r->ops->key(r->ctx, name, value, r->line);
	return 1;
}

/* "KEY = VALUE" or "KEY: VALUE" (@line trimmed, not a comment): inih. */
static int key_line(struct reader *r, const char *line, size_t n)
{
	struct key_call c = { .r = r };

	/* Room for the line and the "\r\n\0" inih counts in. */
	ini_max_line = n < (size_t)INT_MAX - 3 ? (int)n + 3 : INT_MAX;
	if (ini_parse_string(line, key_handler, &c) < 0) {
		line_error(r, "out of memory");
		return -ENOMEM;
	}
	if (!c.seen)
		line_error(r,
			   "syntax error: expected 'key = value' or '[section]'");
	return c.ret;
}

/* Whether line @s (@n bytes) holds a NUL or a control character other
 * than tab and carriage return: binary data, not a machine file. */
static bool binary(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
			return true;
	}
	return false;
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

	/* inih's line buffer on the heap, grown to each line (key_line()). */
	ini_use_stack = false;
	ini_allow_realloc = true;
	ini_allow_multiline = false;

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
		if (binary(s, n)) {
			/* the rest is binary too: one message, not fifty */
			line_error(&r, "syntax error: NUL or control character: "
				       "not a text file");
			errs->gave_up = true;
			break;
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
			ret = key_line(&r, r.buf, n);
	}
	free(r.buf);
	return ret;
}

int vmm_ini_read_file(const char *path, size_t max, char **text, size_t *len)
{
	FILE *f = fopen(path, "re");
	size_t n = 0, cap = 4096;
	char *buf = NULL;
	int ret;

	if (!f) {
		ret = -errno;
		vmm_file_error(path, "cannot open: %s", strerror(errno));
		return ret;
	}
	for (;;) {
		char *b;

		if (n == cap)
			cap *= 2;
		b = realloc(buf, cap);
		if (!b) {
			vmm_file_error(path, "out of memory");
			ret = -ENOMEM;
			goto out_free_buf;
		}
		buf = b;
		n += fread(buf + n, 1, cap - n, f);
		if (ferror(f)) {
			ret = errno ? -errno : -EIO;
			vmm_file_error(path, "cannot read: %s", strerror(-ret));
			goto out_free_buf;
		}
		if (n > max) {
			vmm_file_error(path, "file too large (over %zu bytes)",
				       max);
			ret = -EFBIG;
			goto out_free_buf;
		}
		if (feof(f))
			break;
	}
	fclose(f);
	*text = buf;
	*len = n;
	return 0;

out_free_buf:
	free(buf);
	fclose(f);
	return ret;
}
