// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * machine.c - read the machine file with inih.
 *
 * Debian's inih hands its handler no line number, so we feed inih ourselves
 * through ini_parse_stream() with a reader that gives out exactly one line
 * per call: the line the handler sees is the reader's count. The reader also
 *  - trims each line (and a UTF-8 byte order mark) before inih sees it, so
 *    an indented line is never taken as the continuation of the previous
 *    value, however inih was built or set up;
 *  - reads section headers itself: inih calls no handler for them (empty
 *    sections need checking too) and cuts long names short;
 *  - notices every line inih rejects: a line that is not blank, a comment
 *    or a section header, yet got no handler call. inih itself returns only
 *    the first such line.
 * The handler always returns success, so inih's return value names a syntax
 * error only; we have reported it already unless our idea of syntax and
 * inih's differ, and then it is reported as plain "syntax error".
 *
 * Errors are printed as they are found and counted; the caller gets -EINVAL
 * when there was any.
 */
#include "config.h"

#include "machine.h"

#include <ini.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum section_kind {
	SECTION_NONE, /* before the first section header */
	SECTION_SKIP, /* a section in error: its keys are skipped */
	/* then in section_words[] order */
	SECTION_MACHINE,
	SECTION_CPU,
	SECTION_IMAGE,
	SECTION_DEVICE,
};

enum line_kind {
	LINE_BLANK, /* empty, a comment, or done with */
	LINE_SECTION,
	LINE_KEY, /* should reach the handler */
};

struct parser {
	struct vmm_config *cfg;
	const char *file; /* cfg->path */

	const char *text; /* the whole file */
	size_t len, pos;
	unsigned line;		/* the line last handed to inih */
	enum line_kind kind;	/* what that line looked like */
	bool handled;		/* inih called the handler for it */
	unsigned char *flagged; /* per line: an error was reported there */
	size_t n_lines;

	unsigned n_errors;
	int fatal; /* stop reading: -ENOMEM, or -EINVAL for too many errors */

	enum section_kind section;
	const char *section_name; /* for origins; NULL outside any section */
	unsigned section_line;
	unsigned machine_line, cpu_line; /* first [machine] and [cpu] */
};

/* In enum section_kind order, from SECTION_MACHINE on. */
static const char *const section_words[] = {
	"machine", "cpu", "image", "device", NULL,
};

enum { KEY_MEMORY, KEY_ACCEL, KEY_VCPUS, KEY_STRICT };
static const char *const machine_keys[] = {
	[KEY_MEMORY] = "memory",
	[KEY_ACCEL] = "accel",
	[KEY_VCPUS] = "vcpus",
	[KEY_STRICT] = "strict",
	NULL,
};

/* The registers follow in enum vmm_gpr order. */
enum { KEY_MODE, KEY_ENTRY, KEY_CS, KEY_GPRS };
static const char *const cpu_keys[] = {
	[KEY_MODE] = "mode",
	[KEY_ENTRY] = "entry",
	[KEY_CS] = "cs",
	[KEY_GPRS + VMM_RAX] = "rax",
	[KEY_GPRS + VMM_RBX] = "rbx",
	[KEY_GPRS + VMM_RCX] = "rcx",
	[KEY_GPRS + VMM_RDX] = "rdx",
	[KEY_GPRS + VMM_RSI] = "rsi",
	[KEY_GPRS + VMM_RDI] = "rdi",
	[KEY_GPRS + VMM_RSP] = "rsp",
	[KEY_GPRS + VMM_RBP] = "rbp",
	[KEY_GPRS + VMM_NR_GPRS] = NULL,
};

enum { KEY_FILE, KEY_ADDRESS };
static const char *const image_keys[] = {
	[KEY_FILE] = "file",
	[KEY_ADDRESS] = "address",
	NULL,
};
static const char *const device_keys[] = { "type", NULL };

/* In enum vmm_accel_kind and enum vmm_cpu_mode order. */
static const char *const accel_words[] = { "auto", "kvm", "tcg", NULL };
static const char *const mode_words[] = { "real", "protected", "long", NULL };

static int word_index(const char *const *words, const char *word)
{
	int i;

	for (i = 0; words[i]; i++)
		if (!strcmp(words[i], word))
			return i;
	return -1;
}

/* An error about machine file @file as a whole, or its line @line. */
__attribute__((format(printf, 3, 4))) static void
file_error(const char *file, unsigned line, const char *fmt, ...)
{
	const struct vmm_origin o = { .file = file, .line = line };
	va_list ap;

	va_start(ap, fmt);
	vmm_origin_verror(&o, fmt, ap);
	va_end(ap);
}

/* Count an error that was printed for @line (0: none in particular). */
static void note_error(struct parser *p, unsigned line)
{
	if (line && line <= p->n_lines)
		p->flagged[line] = 1;
	if (++p->n_errors >= VMM_CONFIG_MAX_ERRORS && !p->fatal) {
		file_error(p->file, 0, "too many errors, giving up");
		p->fatal = -EINVAL;
	}
}

static void out_of_memory(struct parser *p)
{
	if (p->fatal == -ENOMEM)
		return;
	file_error(p->file, p->line, "out of memory");
	p->fatal = -ENOMEM;
}

__attribute__((format(printf, 3, 4))) static void
parse_error(struct parser *p, const struct vmm_origin *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmm_origin_verror(o, fmt, ap);
	va_end(ap);
	note_error(p, o->line);
}

/* An error about the current line as a whole: "FILE:LINE: message". */
__attribute__((format(printf, 2, 3))) static void
line_error(struct parser *p, const char *fmt, ...)
{
	struct vmm_origin o = { .file = p->file, .line = p->line };
	va_list ap;

	va_start(ap, fmt);
	vmm_origin_verror(&o, fmt, ap);
	va_end(ap);
	note_error(p, p->line);
}

/* Image and device names: letters, digits, '-', '_' and, if @dot, '.'. */
static bool valid_name(const char *s, bool dot)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' &&
		    !(dot && *s == '.'))
			return false;
	return true;
}

/*
 * Section headers
 */

/* A required key missing from the section that ends here. */
static void require_key(struct parser *p, unsigned key_line, const char *key)
{
	struct vmm_origin o = {
		.file = p->file,
		.line = p->section_line,
		.section = p->section_name,
	};

	if (!key_line)
		parse_error(p, &o, "missing required key '%s'", key);
}

/* @dev has no `type`: perhaps one of its keys is a typo of it. */
static void missing_type(struct parser *p, const struct vmm_device_cfg *dev)
{
	struct vmm_origin o = {
		.file = p->file,
		.line = p->section_line,
		.section = p->section_name,
	};
	size_t i;

	for (i = 0; i < dev->n_kvs; i++) {
		const struct vmm_kv *kv = &dev->kvs[i];

		if (vmm_did_you_mean(kv->key, device_keys)) {
			parse_error(
				p, &o,
				"missing required key 'type' (is '%s' at line %u a typo?)",
				kv->key, kv->origin.line);
			return;
		}
	}
	parse_error(p, &o, "missing required key 'type'");
}

static void end_section(struct parser *p)
{
	struct vmm_config *cfg = p->cfg;

	if (p->section == SECTION_IMAGE) {
		const struct vmm_image_cfg *img =
			&cfg->images[cfg->n_images - 1];

		require_key(p, img->origin.line, "file");
		require_key(p, img->address_origin.line, "address");
	} else if (p->section == SECTION_DEVICE &&
		   !cfg->devices[cfg->n_devices - 1].origin.line) {
		missing_type(p, &cfg->devices[cfg->n_devices - 1]);
	}
	p->section = SECTION_SKIP;
	p->section_name = NULL;
}

/* [machine] or [cpu]: one of each, without a name. */
static void begin_single_section(struct parser *p, enum section_kind kind,
				 const char *name, const struct vmm_origin *o)
{
	const char *word = section_words[kind - SECTION_MACHINE];
	unsigned *first =
		kind == SECTION_MACHINE ? &p->machine_line : &p->cpu_line;

	if (*name) {
		parse_error(p, o, "section [%s] takes no name", word);
		return;
	}
	if (*first) {
		parse_error(p, o, "duplicate section (first one at line %u)",
			    *first);
		return;
	}
	*first = p->line;
	p->section = kind;
	p->section_name = word;
}

/* Line of the image or device called @name, or 0 when there is none. */
static unsigned named_section_line(const struct vmm_config *cfg, bool image,
				   const char *name)
{
	size_t i;

	if (image) {
		for (i = 0; i < cfg->n_images; i++)
			if (!strcmp(cfg->images[i].name, name))
				return cfg->images[i].section_line;
	} else {
		for (i = 0; i < cfg->n_devices; i++)
			if (!strcmp(cfg->devices[i].id, name))
				return cfg->devices[i].section_line;
	}
	return 0;
}

/*
 * @array of @n elements of @size bytes with one more, zeroed, at the end:
 * the new array, or NULL (and @array unchanged) when out of memory.
 */
static void *grow(void *array, size_t n, size_t size)
{
	char *a = reallocarray(array, n + 1, size);

	if (a)
		memset(a + n * size, 0, size);
	return a;
}

/* [image "NAME"] or [device "NAME"]; @quoted is what follows the word. */
static void begin_named_section(struct parser *p, enum section_kind kind,
				const char *quoted, const struct vmm_origin *o)
{
	const char *word = section_words[kind - SECTION_MACHINE];
	struct vmm_config *cfg = p->cfg;
	bool image = kind == SECTION_IMAGE;
	size_t len = strlen(quoted);
	char *name, *section;
	unsigned first;

	if (len < 2 || quoted[0] != '"' || quoted[len - 1] != '"') {
		parse_error(p, o,
			    "section needs a quoted name, as in [%s \"NAME\"]",
			    word);
		return;
	}
	name = strndup(quoted + 1, len - 2);
	if (!name)
		goto out_nomem;
	if (!valid_name(name, true)) {
		parse_error(
			p, o,
			"invalid %s name '%s' (use letters, digits, '-', '_' and '.')",
			word, name);
		goto out_free_name;
	}
	first = named_section_line(cfg, image, name);
	if (first) {
		parse_error(p, o, "duplicate %s '%s' (first one at line %u)",
			    word, name, first);
		goto out_free_name;
	}
	if (asprintf(&section, "%s \"%s\"", word, name) < 0)
		goto out_free_name_nomem;
	if (image) {
		struct vmm_image_cfg *img =
			grow(cfg->images, cfg->n_images, sizeof(*img));

		if (!img)
			goto out_free_section;
		cfg->images = img;
		img += cfg->n_images++;
		img->name = name;
		img->section = section;
		img->section_line = p->line;
	} else {
		struct vmm_device_cfg *dev =
			grow(cfg->devices, cfg->n_devices, sizeof(*dev));

		if (!dev)
			goto out_free_section;
		cfg->devices = dev;
		dev += cfg->n_devices++;
		dev->id = name;
		dev->section = section;
		dev->section_line = p->line;
	}
	p->section = kind;
	p->section_name = section;
	return;

out_free_section:
	free(section);
out_free_name_nomem:
	free(name);
out_nomem:
	out_of_memory(p);
	return;
out_free_name:
	free(name);
}

/*
 * The kind of section the first @wlen characters of @inner name, or
 * SECTION_SKIP after saying why they name none.
 */
static enum section_kind section_word(struct parser *p,
				      const struct vmm_origin *o, char *inner,
				      size_t wlen)
{
	const char *hint = NULL;
	char c = inner[wlen];
	int i;

	if (!wlen) {
		parse_error(
			p, o,
			"missing section name (expected machine, cpu, image \"NAME\" or device \"NAME\")");
		return SECTION_SKIP;
	}
	inner[wlen] = '\0';
	i = word_index(section_words, inner);
	if (i < 0)
		hint = vmm_did_you_mean(inner, section_words);
	inner[wlen] = c;
	if (i >= 0)
		return (enum section_kind)(SECTION_MACHINE + i);
	if (hint)
		parse_error(p, o, "unknown section '%.*s' (did you mean '%s'?)",
			    (int)wlen, inner, hint);
	else
		parse_error(
			p, o,
			"unknown section '%.*s' (expected machine, cpu, image \"NAME\" or device \"NAME\")",
			(int)wlen, inner);
	return SECTION_SKIP;
}

/*
 * Read the section header @line ('[' and trimmed) handed to inih, which will
 * find the same ']' we do, or report the line as we do.
 */
static void read_section_header(struct parser *p, const char *line)
{
	struct vmm_origin o = { .file = p->file, .line = p->line };
	const char *close = strchr(line, ']');
	const char *after;
	enum section_kind kind;
	char *inner, *name;
	size_t wlen;

	end_section(p);
	p->section_line = p->line;
	if (!close) {
		line_error(p, "syntax error: missing ']' in section header");
		return;
	}
	for (after = close + 1; isspace((unsigned char)*after); after++)
		;
	if (*after && !strchr(INI_START_COMMENT_PREFIXES, *after)) {
		line_error(
			p,
			"syntax error: unexpected text after section header");
		return;
	}

	/* The text between the brackets, trimmed: "WORD" or "WORD NAME". */
	line++;
	while (isspace((unsigned char)*line) && line < close)
		line++;
	while (close > line && isspace((unsigned char)close[-1]))
		close--;
	inner = strndup(line, (size_t)(close - line));
	if (!inner) {
		out_of_memory(p);
		return;
	}
	o.section = inner;
	wlen = strcspn(inner, " \t\"");
	for (name = inner + wlen; isspace((unsigned char)*name); name++)
		;
	kind = section_word(p, &o, inner, wlen);
	if (kind == SECTION_MACHINE || kind == SECTION_CPU)
		begin_single_section(p, kind, name, &o);
	else if (kind == SECTION_IMAGE || kind == SECTION_DEVICE)
		begin_named_section(p, kind, name, &o);
	free(inner);
}

/*
 * Keys
 */

/*
 * Claim the origin slot of a single-valued key: false, after an error
 * naming the first line, when the key was set before.
 */
static bool claim_key(struct parser *p, struct vmm_origin *slot,
		      const struct vmm_origin *o, const char *key)
{
	if (slot->line) {
		parse_error(p, o, "duplicate key (first set at line %u)",
			    slot->line);
		return false;
	}
	*slot = *o;
	slot->key = key; /* static, unlike inih's */
	return true;
}

/* Parse a number into *@out; count the error when it is bad. */
static bool number(struct parser *p, const struct vmm_origin *o,
		   const char *value, bool size, uint64_t *out)
{
	if (!vmm_origin_parse_u64(o, value, size, out))
		return true;
	note_error(p, o->line);
	return false;
}

static void machine_key(struct parser *p, const struct vmm_origin *o,
			const char *value)
{
	struct vmm_config *cfg = p->cfg;
	struct vmm_origin *const slots[] = {
		[KEY_MEMORY] = &cfg->at.memory,
		[KEY_ACCEL] = &cfg->at.accel,
		[KEY_VCPUS] = &cfg->at.vcpus,
		[KEY_STRICT] = &cfg->at.strict,
	};
	int k = word_index(machine_keys, o->key);
	unsigned idx;
	uint64_t v;

	if (k < 0) {
		vmm_origin_unknown_key(o, o->key, machine_keys);
		note_error(p, o->line);
		return;
	}
	if (!claim_key(p, slots[k], o, machine_keys[k]))
		return;

	switch (k) {
	case KEY_MEMORY:
		if (!number(p, o, value, true, &v))
			return;
		if (!v)
			parse_error(p, o, "must not be zero");
		else if (v % VMM_MEMORY_ALIGN)
			parse_error(p, o, "'%s' is not a multiple of 4K",
				    value);
		else if (v > VMM_MEMORY_MAX)
			parse_error(p, o, "'%s' is too large (at most %lluG)",
				    value, VMM_MEMORY_MAX >> 30);
		else
			cfg->memory = v;
		break;
	case KEY_ACCEL:
		if (vmm_origin_parse_enum(o, value, accel_words, &idx))
			note_error(p, o->line);
		else
			cfg->accel = (enum vmm_accel_kind)idx;
		break;
	case KEY_VCPUS:
		if (!number(p, o, value, false, &v))
			return;
		if (v < 1 || v > VMM_VCPUS_MAX)
			parse_error(p, o, "must be between 1 and %d (got %s)",
				    VMM_VCPUS_MAX, value);
		else
			cfg->vcpus = (unsigned)v;
		break;
	default: /* KEY_STRICT */
		if (vmm_origin_parse_bool(o, value, &cfg->strict))
			note_error(p, o->line);
		break;
	}
}

static void cpu_key(struct parser *p, const struct vmm_origin *o,
		    const char *value)
{
	struct vmm_config *cfg = p->cfg;
	struct vmm_origin *slot;
	int k = word_index(cpu_keys, o->key);
	unsigned idx;
	uint64_t v;

	if (k < 0) {
		vmm_origin_unknown_key(o, o->key, cpu_keys);
		note_error(p, o->line);
		return;
	}
	if (k == KEY_MODE)
		slot = &cfg->at.mode;
	else if (k == KEY_ENTRY)
		slot = &cfg->at.entry;
	else if (k == KEY_CS)
		slot = &cfg->at.cs;
	else
		slot = &cfg->at.gprs[k - KEY_GPRS];
	if (!claim_key(p, slot, o, cpu_keys[k]))
		return;

	if (k == KEY_MODE) {
		if (vmm_origin_parse_enum(o, value, mode_words, &idx))
			note_error(p, o->line);
		else
			cfg->mode = (enum vmm_cpu_mode)idx;
		return;
	}
	if (!number(p, o, value, false, &v))
		return;
	if (k == KEY_ENTRY) {
		cfg->entry = v;
	} else if (k == KEY_CS) {
		if (v > 0xffff)
			parse_error(p, o, "must be at most 0xffff (got %s)",
				    value);
		else
			cfg->cs = (uint16_t)v;
	} else {
		cfg->gprs[k - KEY_GPRS] = v;
		cfg->gprs_set |= 1u << (k - KEY_GPRS);
	}
}

/* @value relative to the machine file's directory, unless absolute. */
static char *resolve_path(const struct vmm_config *cfg, const char *value)
{
	const char *dir = cfg->dir;
	size_t dlen = strlen(dir);
	char *path;

	if (value[0] == '/' || !strcmp(dir, "."))
		return strdup(value);
	if (asprintf(&path, "%s%s%s", dir, dir[dlen - 1] == '/' ? "" : "/",
		     value) < 0)
		return NULL;
	return path;
}

static void image_key(struct parser *p, const struct vmm_origin *o,
		      const char *value)
{
	struct vmm_config *cfg = p->cfg;
	struct vmm_image_cfg *img = &cfg->images[cfg->n_images - 1];
	int k = word_index(image_keys, o->key);

	if (k < 0) {
		vmm_origin_unknown_key(o, o->key, image_keys);
		note_error(p, o->line);
		return;
	}
	if (k == KEY_FILE) {
		if (!claim_key(p, &img->origin, o, image_keys[k]))
			return;
		if (!*value) {
			parse_error(p, o, "empty value (expected a file name)");
			return;
		}
		img->path = resolve_path(cfg, value);
		if (!img->path)
			out_of_memory(p);
	} else {
		if (!claim_key(p, &img->address_origin, o, image_keys[k]))
			return;
		number(p, o, value, false, &img->address);
	}
}

static void device_key(struct parser *p, const struct vmm_origin *o,
		       const char *value)
{
	struct vmm_config *cfg = p->cfg;
	struct vmm_device_cfg *dev = &cfg->devices[cfg->n_devices - 1];
	struct vmm_kv *kv;
	size_t i;

	if (!strcmp(o->key, "type")) {
		if (!claim_key(p, &dev->origin, o, device_keys[0]))
			return;
		if (!*value) {
			parse_error(p, o,
				    "empty value (expected a device type)");
		} else if (!valid_name(value, false)) {
			parse_error(
				p, o,
				"invalid device type '%s' (a plugin name: letters, digits, '-' and '_')",
				value);
		} else {
			dev->type = strdup(value);
			if (!dev->type)
				out_of_memory(p);
		}
		return;
	}
	for (i = 0; i < dev->n_kvs; i++) {
		if (!strcmp(dev->kvs[i].key, o->key)) {
			parse_error(p, o,
				    "duplicate key (first set at line %u)",
				    dev->kvs[i].origin.line);
			return;
		}
	}
	kv = grow(dev->kvs, dev->n_kvs, sizeof(*kv));
	if (!kv) {
		out_of_memory(p);
		return;
	}
	dev->kvs = kv;
	kv += dev->n_kvs++;
	kv->key = strdup(o->key);
	kv->value = strdup(value);
	if (!kv->key || !kv->value) {
		out_of_memory(p);
		return;
	}
	kv->origin = *o;
	kv->origin.key = kv->key;
}

static void handle_key(struct parser *p, const char *key, const char *value)
{
	struct vmm_origin o = {
		.file = p->file,
		.line = p->line,
		.section = p->section_name,
		.key = key,
	};

	if (!*key) {
		line_error(p, "syntax error: missing key before '='");
		return;
	}
	switch (p->section) {
	case SECTION_NONE:
		parse_error(p, &o, "key outside any section");
		break;
	case SECTION_SKIP:
		break;
	case SECTION_MACHINE:
		machine_key(p, &o, value);
		break;
	case SECTION_CPU:
		cpu_key(p, &o, value);
		break;
	case SECTION_IMAGE:
		image_key(p, &o, value);
		break;
	case SECTION_DEVICE:
		device_key(p, &o, value);
		break;
	}
}

/*
 * The inih side
 */

/* inih's handler: nonzero is success, and we always succeed. */
static int ini_handler_cb(void *user, const char *section, const char *name,
			  const char *value)
{
	struct parser *p = user;

	(void)section; /* ours is not cut short */
	/* A new-section call, or a key without '=': not a key line. */
	if (!name || !value || p->kind != LINE_KEY || p->handled)
		return 1;
	p->handled = true;
	if (!p->fatal)
		handle_key(p, name, value);
	return 1;
}

/* inih is done with the current line: was it what it looked like? */
static void finish_line(struct parser *p)
{
	if (p->kind == LINE_KEY && !p->handled && !p->fatal) {
		line_error(
			p,
			"syntax error: expected 'key = value' or '[section]'");
	}
	p->kind = LINE_BLANK;
}

/* inih's reader: hand out the next line, trimmed, in @buf of @size bytes. */
static char *ini_reader_cb(char *buf, int size, void *stream)
{
	struct parser *p = stream;
	const char *s;
	const char *nl;
	size_t n;

	finish_line(p);
	if (p->fatal || p->pos >= p->len || size < 1)
		return NULL;
	s = p->text + p->pos;
	nl = memchr(s, '\n', p->len - p->pos);
	n = nl ? (size_t)(nl - s) : p->len - p->pos;
	p->pos += n + (nl != NULL);
	p->line++;
	p->handled = false;

	if (p->line == 1 && n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) {
		s += 3;
		n -= 3;
	}
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;

	buf[0] = '\0';
	if (memchr(s, '\0', n)) {
		line_error(p, "syntax error: NUL character in line");
		return buf;
	}
	if (n >= (size_t)size) {
		line_error(p, "line too long (at most %d characters)",
			   size - 1);
		return buf;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!n || strchr(INI_START_COMMENT_PREFIXES, buf[0]))
		return buf;
	if (buf[0] == '[') {
		p->kind = LINE_SECTION;
		read_section_header(p, buf);
	} else {
		p->kind = LINE_KEY;
	}
	return buf;
}

/*
 * The config
 */

static void set_default_origin(struct vmm_origin *o, const char *file,
			       const char *section, const char *key)
{
	o->file = file;
	o->line = 0;
	o->section = section;
	o->key = key;
}

static struct vmm_config *config_new(const char *path, const char *dir)
{
	struct vmm_config *cfg = calloc(1, sizeof(*cfg));
	struct vmm_config_origins *at;
	int i;

	if (!cfg)
		return NULL;
	cfg->path = strdup(path);
	cfg->dir = strdup(dir);
	if (!cfg->path || !cfg->dir) {
		vmm_config_free(cfg);
		return NULL;
	}
	cfg->memory = VMM_MEMORY_DEFAULT;
	cfg->accel = VMM_ACCEL_AUTO;
	cfg->vcpus = 1;
	cfg->mode = VMM_CPU_REAL;

	at = &cfg->at;
	set_default_origin(&at->memory, cfg->path, "machine", "memory");
	set_default_origin(&at->accel, cfg->path, "machine", "accel");
	set_default_origin(&at->vcpus, cfg->path, "machine", "vcpus");
	set_default_origin(&at->strict, cfg->path, "machine", "strict");
	set_default_origin(&at->mode, cfg->path, "cpu", "mode");
	set_default_origin(&at->entry, cfg->path, "cpu", "entry");
	set_default_origin(&at->cs, cfg->path, "cpu", "cs");
	for (i = 0; i < VMM_NR_GPRS; i++)
		set_default_origin(&at->gprs[i], cfg->path, "cpu",
				   cpu_keys[KEY_GPRS + i]);
	return cfg;
}

void vmm_config_free(struct vmm_config *cfg)
{
	size_t i, j;

	if (!cfg)
		return;
	for (i = 0; i < cfg->n_images; i++) {
		free(cfg->images[i].name);
		free(cfg->images[i].path);
		free(cfg->images[i].section);
	}
	free(cfg->images);
	for (i = 0; i < cfg->n_devices; i++) {
		struct vmm_device_cfg *dev = &cfg->devices[i];

		for (j = 0; j < dev->n_kvs; j++) {
			free(dev->kvs[j].key);
			free(dev->kvs[j].value);
		}
		free(dev->kvs);
		free(dev->id);
		free(dev->type);
		free(dev->section);
	}
	free(cfg->devices);
	free(cfg->path);
	free(cfg->dir);
	free(cfg);
}

/* Checks that need the whole file. */
static void check_config(struct parser *p)
{
	const struct vmm_config *cfg = p->cfg;

	if (cfg->at.cs.line && cfg->mode != VMM_CPU_REAL)
		parse_error(
			p, &cfg->at.cs,
			"only allowed with mode = real (mode is '%s' at line %u)",
			mode_words[cfg->mode], cfg->at.mode.line);
}

/* Parse @len bytes of @text, named @path, with relative paths in @dir. */
static int config_parse(const char *path, const char *dir, const char *text,
			size_t len, struct vmm_config **out)
{
	struct parser p = { .text = text, .len = len };
	size_t i;
	int ret;

	p.cfg = config_new(path, dir);
	if (!p.cfg)
		goto out_nomem;
	p.file = p.cfg->path;
	p.n_lines = 1;
	for (i = 0; i < len; i++)
		p.n_lines += text[i] == '\n';
	p.flagged = calloc(p.n_lines + 1, 1);
	if (!p.flagged)
		goto out_free_cfg;

	ret = ini_parse_stream(ini_reader_cb, &p, ini_handler_cb, &p);
	finish_line(&p); /* in case inih stopped early */
	/* -2: inih ran out of memory (-1 is for files, not streams) */
	if (ret < 0)
		out_of_memory(&p);
	if (!p.fatal) {
		if (ret > 0 && (size_t)ret <= p.n_lines && !p.flagged[ret]) {
			struct vmm_origin o = { .file = p.file, .line = ret };

			parse_error(&p, &o, "syntax error");
		}
		end_section(&p);
		check_config(&p);
	}
	free(p.flagged);

	if (p.fatal == -ENOMEM) {
		vmm_config_free(p.cfg);
		return -ENOMEM; /* said so already */
	}
	if (p.n_errors) {
		vmm_config_free(p.cfg);
		return -EINVAL;
	}
	*out = p.cfg;
	return 0;

out_free_cfg:
	vmm_config_free(p.cfg);
out_nomem:
	file_error(path, 0, "out of memory");
	return -ENOMEM;
}

/* Read all of @path into a new buffer: 0 or -errno, after saying why. */
static int read_file(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "re");
	size_t n = 0, cap = 4096;
	char *buf = NULL;
	int ret;

	if (!f) {
		ret = -errno;
		file_error(path, 0, "cannot open: %s", strerror(errno));
		return ret;
	}
	for (;;) {
		char *b;

		if (n == cap)
			cap *= 2;
		b = realloc(buf, cap);
		if (!b) {
			file_error(path, 0, "out of memory");
			ret = -ENOMEM;
			goto out_free_buf;
		}
		buf = b;
		n += fread(buf + n, 1, cap - n, f);
		if (ferror(f)) {
			ret = errno ? -errno : -EIO;
			file_error(path, 0, "cannot read: %s", strerror(-ret));
			goto out_free_buf;
		}
		if (n > VMM_CONFIG_MAX_SIZE) {
			file_error(path, 0, "file too large (over %d bytes)",
				   VMM_CONFIG_MAX_SIZE);
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

/* The directory part of @path: "." when it has none. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	while (slash > path && slash[-1] == '/')
		slash--;
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

int vmm_config_load(const char *path, struct vmm_config **out)
{
	char *text = NULL, *dir;
	size_t len = 0;
	int ret;

	ret = read_file(path, &text, &len);
	if (ret)
		return ret;
	dir = dir_of(path);
	if (!dir) {
		file_error(path, 0, "out of memory");
		ret = -ENOMEM;
		goto out_free_text;
	}
	ret = config_parse(path, dir, text, len, out);
	free(dir);
out_free_text:
	free(text);
	return ret;
}

int vmm_config_load_string(const char *name, const char *text,
			   struct vmm_config **out)
{
	return config_parse(name ? name : "<string>", ".", text, strlen(text),
			    out);
}
