// SPDX-License-Identifier: GPL-2.0-or-later
/* log.c - plugvm's own diagnostics, through one sink. */
#include "config.h"

#include "log.h"

#include <stdlib.h>
#include <string.h>

static const char *const level_names[] = {
	[PLUGVM_LOG_ERROR] = "error",
	[PLUGVM_LOG_WARN] = "warning",
	[PLUGVM_LOG_GUEST_ERROR] = "guest error",
	[PLUGVM_LOG_INFO] = NULL,
	[PLUGVM_LOG_DEBUG] = "debug",
};

static void emit_stderr(void *ctx, const struct vmm_log_msg *m)
{
	(void)ctx;
	vmm_log_write(stderr, m);
}

static struct vmm_log_sink sink = {
	.emit = emit_stderr,
	.level = PLUGVM_LOG_WARN,
};

struct vmm_log_sink vmm_log_set_sink(const struct vmm_log_sink *s)
{
	static const struct vmm_log_sink def = {
		.emit = emit_stderr,
		.level = PLUGVM_LOG_WARN,
	};
	struct vmm_log_sink old = sink;

	sink = s && s->emit ? *s : def;
	return old;
}

void vmm_log_to_stderr(int verbosity)
{
	struct vmm_log_sink s = { .emit = emit_stderr };

	s.level = verbosity >= 2   ? PLUGVM_LOG_DEBUG
		  : verbosity == 1 ? PLUGVM_LOG_INFO
				   : PLUGVM_LOG_WARN;
	vmm_log_set_sink(&s);
}

enum plugvm_log_level vmm_log_level(void)
{
	return sink.level;
}

/* Each line of a block as "plugvm: LINE\n", under the stream's lock. */
static void write_block(FILE *f, const char *text)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);

		fprintf(f, "plugvm: %.*s\n", (int)n, text);
		text += n + (nl ? 1 : 0);
	}
}

void vmm_log_write(FILE *f, const struct vmm_log_msg *m)
{
	const char *name = (unsigned)m->level <= PLUGVM_LOG_DEBUG
				   ? level_names[m->level]
				   : NULL;

	/* One lock for the whole message so that threads never mix. */
	flockfile(f);
	if (m->block)
		write_block(f, m->text);
	else if (m->origin)
		fprintf(f, "%s%s%s\n", m->origin, *m->origin ? ": " : "",
			m->text);
	else
		fprintf(f, "plugvm: %s%s%s%s%s\n", m->prefix ? m->prefix : "",
			m->prefix ? ": " : "", name ? name : "",
			name ? ": " : "", m->text);
	funlockfile(f);
}

void vmm_log_emit(const struct vmm_log_msg *m)
{
	if (vmm_log_enabled(m->level))
		sink.emit(sink.ctx, m);
}

void vmm_logv(enum plugvm_log_level level, const char *prefix,
	      const char *fmt, va_list ap)
{
	struct vmm_log_msg m = { .level = level, .prefix = prefix };
	char text[1024];

	if (!vmm_log_enabled(level))
		return;
	vsnprintf(text, sizeof(text), fmt, ap);
	m.text = text;
	sink.emit(sink.ctx, &m);
}

void vmm_log(enum plugvm_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmm_logv(level, NULL, fmt, ap);
	va_end(ap);
}

FILE *vmm_log_block_begin(struct vmm_log_block *b, enum plugvm_log_level level)
{
	memset(b, 0, sizeof(*b));
	b->level = level;
	if (!vmm_log_enabled(level))
		return NULL;
	b->f = open_memstream(&b->buf, &b->len);
	return b->f;
}

void vmm_log_block_end(struct vmm_log_block *b)
{
	struct vmm_log_msg m = { .level = b->level, .block = true };

	if (!b->f)
		return;
	if (fclose(b->f) == 0 && b->buf) {
		/* The last line's newline is the sink's to add. */
		if (b->len && b->buf[b->len - 1] == '\n')
			b->buf[--b->len] = '\0';
		m.text = b->buf;
		vmm_log_emit(&m);
	}
	free(b->buf);
	memset(b, 0, sizeof(*b));
}
