// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * machine.c - the machine file's schema: its sections and what their keys
 * mean, on top of the INI reader (inifile.c).
 *
 * [machine], [cpu] and [image "NAME"] are described by settings tables,
 * like a device's, and converted key by key as the reader hands them over
 * (settings.c): one settings system for the core and the plugins, with the
 * same unknown-key, duplicate and value messages. What a table cannot say
 * (memory a multiple of 4K, cs only in real mode, ...) is checked here,
 * right after the key converts. A [device] section's keys are kept raw for
 * its plugin's table, but for `type`.
 *
 * Errors are printed as they are found and counted (struct vmm_errors, the
 * reader's and ours together); the caller gets -EINVAL when there was any.
 */
#include "config.h"

#include "machine.h"

#include "inifile.h"
#include "machine-priv.h"

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
	SECTION_LINUX,
};

/* In enum section_kind order, from SECTION_MACHINE on. */
static const char *const section_words[] = {
	"machine", "cpu", "image", "device", "linux", NULL,
};

/* In enum vmm_accel_kind and enum vmm_cpu_mode order. */
static const char *const accel_words[] = { "auto", "kvm", "tcg", NULL };
/* In enum vmm_chipset order. */
static const char *const chipset_words[] = { "none", "pc", NULL };
static const char *const mode_words[] = { "real", "protected", "long", NULL };

enum { KEY_MEMORY, KEY_ACCEL, KEY_VCPUS, KEY_STRICT, KEY_CHIPSET,
       N_MACHINE_KEYS };
static const struct plugvm_setting machine_table[] = {
	[KEY_MEMORY] = { .name = "memory",
			 .type = PLUGVM_SETTING_SIZE,
			 .def = "1M",
			 .help = "guest RAM: a non-zero multiple of 4K, at most 64G" },
	[KEY_ACCEL] = { .name = "accel",
			.type = PLUGVM_SETTING_ENUM,
			.def = "auto",
			.help = "accelerator; auto prefers kvm",
			.choices = accel_words },
	[KEY_VCPUS] = { .name = "vcpus",
			.type = PLUGVM_SETTING_U64,
			.def = "1",
			.help = "number of vCPUs, 1 to 64" },
	[KEY_STRICT] = { .name = "strict",
			 .type = PLUGVM_SETTING_BOOL,
			 .def = "false",
			 .help = "stop on an access no device claims" },
	[KEY_CHIPSET] = { .name = "chipset",
			  .type = PLUGVM_SETTING_ENUM,
			  .def = "none",
			  .help = "none, or pc: 8259A PICs, 8254 PIT, port 0x61",
			  .choices = chipset_words },
	[N_MACHINE_KEYS] = { .name = NULL },
};

#define GPR(key) { .name = key, .type = PLUGVM_SETTING_U64, .def = "0", \
		   .help = "initial value of the register" }

/* The registers follow in enum vmm_gpr order. */
enum { KEY_MODE, KEY_ENTRY, KEY_CS, KEY_GPRS,
       N_CPU_KEYS = KEY_GPRS + VMM_NR_GPRS };
static const struct plugvm_setting cpu_table[] = {
	[KEY_MODE] = { .name = "mode",
		       .type = PLUGVM_SETTING_ENUM,
		       .def = "real",
		       .help = "the mode the vCPUs start in",
		       .choices = mode_words },
	[KEY_ENTRY] = { .name = "entry",
			.type = PLUGVM_SETTING_U64,
			.def = "0",
			.help = "initial IP/RIP" },
	[KEY_CS] = { .name = "cs",
		     .type = PLUGVM_SETTING_U64,
		     .def = "0",
		     .help = "initial code segment, real mode only" },
	[KEY_GPRS + VMM_RAX] = GPR("rax"),
	[KEY_GPRS + VMM_RBX] = GPR("rbx"),
	[KEY_GPRS + VMM_RCX] = GPR("rcx"),
	[KEY_GPRS + VMM_RDX] = GPR("rdx"),
	[KEY_GPRS + VMM_RSI] = GPR("rsi"),
	[KEY_GPRS + VMM_RDI] = GPR("rdi"),
	[KEY_GPRS + VMM_RSP] = GPR("rsp"),
	[KEY_GPRS + VMM_RBP] = GPR("rbp"),
	[N_CPU_KEYS] = { .name = NULL },
};

enum { KEY_FILE, KEY_ADDRESS, N_IMAGE_KEYS };
static const struct plugvm_setting image_table[] = {
	[KEY_FILE] = { .name = "file",
		       .type = PLUGVM_SETTING_STRING,
		       .help = "the image, relative to the machine file" },
	[KEY_ADDRESS] = { .name = "address",
			  .type = PLUGVM_SETTING_U64,
			  .help = "guest-physical address to load it at" },
	[N_IMAGE_KEYS] = { .name = NULL },
};

/* In [linux] entry's order: the entry_bits they stand for. */
static const char *const entry_words[] = { "auto", "32", "64", NULL };
static const unsigned entry_bits[] = { 0, 32, 64 };

enum { KEY_KERNEL, KEY_INITRD, KEY_CMDLINE, KEY_LINUX_ENTRY, N_LINUX_KEYS };
static const struct plugvm_setting linux_table[] = {
	[KEY_KERNEL] = { .name = "kernel",
			 .type = PLUGVM_SETTING_STRING,
			 .help = "the kernel (bzImage, multiboot or ELF), relative to the machine file" },
	[KEY_INITRD] = { .name = "initrd",
			 .type = PLUGVM_SETTING_STRING,
			 .def = "",
			 .help = "initramfs (multiboot: modules, comma-separated), relative to the machine file" },
	[KEY_CMDLINE] = { .name = "cmdline",
			  .type = PLUGVM_SETTING_STRING,
			  .def = "",
			  .help = "the kernel's command line" },
	[KEY_LINUX_ENTRY] = { .name = "entry",
			      .type = PLUGVM_SETTING_ENUM,
			      .def = "auto",
			      .help = "bzImage entry point: 64 (long mode), 32 (code32_start) or auto (64 when the kernel has it)",
			      .choices = entry_words },
	[N_LINUX_KEYS] = { .name = NULL },
};

static const char *const device_keys[] = { "type", NULL };

struct schema {
	struct vmm_config *cfg;
	const char *file; /* cfg->path */
	struct vmm_errors errs;

	enum section_kind section;
	const char *section_name; /* for origins; NULL outside any section */
	unsigned section_line;
	unsigned machine_line, cpu_line; /* first [machine] and [cpu] */
	unsigned linux_line; /* first [linux] */

	struct vmm_settings machine, cpu; /* the whole file's */
	struct vmm_settings lx; /* the [linux] section's */
	bool in_linux;
	struct vmm_settings image; /* the current [image]'s */
	bool in_image;
	size_t kvs_cap; /* room in the current device's kvs */
	size_t images_cap, devices_cap;
};

static int word_index(const char *const *words, const char *word)
{
	int i;

	for (i = 0; words[i]; i++)
		if (!strcmp(words[i], word))
			return i;
	return -1;
}

static int out_of_memory(struct schema *p, unsigned line)
{
	struct vmm_origin o = { .file = p->file, .line = line };

	vmm_origin_error(&o, "out of memory");
	return -ENOMEM;
}

__attribute__((format(printf, 3, 4))) static void
parse_error(struct schema *p, const struct vmm_origin *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmm_origin_verror(o, fmt, ap);
	va_end(ap);
	vmm_errors_count(&p->errs);
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
 * @array of @n elements of @size bytes, with room for *@cap, made to hold
 * one more: the array (its new element zeroed), or NULL (and @array
 * unchanged) when out of memory. Room doubles, so n additions cost O(n).
 */
static void *grow(void *array, size_t n, size_t *cap, size_t size)
{
	char *a = array;

	if (n == *cap) {
		size_t c = *cap ? 2 * *cap : 4;

		a = reallocarray(array, c, size);
		if (!a)
			return NULL;
		*cap = c;
	}
	memset(a + n * size, 0, size);
	return a;
}

/*
 * Section ends
 */

/* @dev has no `type`: perhaps one of its keys is a typo of it. */
static void missing_type(struct schema *p, const struct vmm_device_cfg *dev)
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

/*
 * [linux] initrd: a list as QEMU's -initrd ("PATH[ ARGS],...", ",," a
 * comma; multiboot modules): each relative PATH against the machine
 * file's directory (with its commas doubled), the rest as written. One
 * plain path comes out as resolve_path() makes it.
 */
static char *resolve_initrd(const struct vmm_config *cfg, const char *value)
{
	const char *dir = cfg->dir, *s = value;
	bool slash = dir[0] && dir[strlen(dir) - 1] == '/';
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	for (bool start = true; *s; s++) {
		if (start && *s != '/' && strcmp(dir, ".")) {
			for (const char *d = dir; *d; d++)
				fputs(*d == ',' ? ",," : (char[]){ *d, 0 }, f);
			if (!slash)
				fputc('/', f);
		}
		start = false;
		if (s[0] == ',' && s[1] == ',') {
			fputs(",,", f);
			s++;
		} else {
			fputc(*s, f);
			start = *s == ',';
		}
	}
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	return out;
}

/* Replace *@dst by a copy of @src (NULL: none). 0 or -ENOMEM. */
static int replace_string(char **dst, const char *src)
{
	char *copy = NULL;

	if (src) {
		copy = strdup(src);
		if (!copy)
			return -ENOMEM;
	}
	free(*dst);
	*dst = copy;
	return 0;
}

int vmm_config_set_linux(struct vmm_config *cfg, const char *kernel,
			 const char *initrd, const char *cmdline, bool cli)
{
	static const char why[] =
		"not allowed with %s (%s:%u): the kernel's format decides where it is loaded and how the vCPUs start; use one or the other";
	struct vmm_linux_cfg *lx = &cfg->boot;
	char *path = NULL;

	if (cli) {
		struct vmm_origin o = { .file = "plugvm",
					.key = kernel   ? "--kernel"
					       : initrd ? "--initrd"
							: "--append" };

		if (cfg->cpu_section_line) {
			vmm_origin_error(&o, why, "[cpu]", cfg->path,
					 cfg->cpu_section_line);
			return -EINVAL;
		}
		if (cfg->n_images) {
			char *what;

			if (asprintf(&what, "[%s]", cfg->images[0].section) < 0)
				return -ENOMEM;
			vmm_origin_error(&o, why, what, cfg->path,
					 cfg->images[0].section_line);
			free(what);
			return -EINVAL;
		}
	}
	if (kernel) {
		path = cli ? strdup(kernel) : resolve_path(cfg, kernel);
		if (!path)
			return -ENOMEM;
		free(lx->kernel);
		lx->kernel = path;
		if (cli)
			lx->kernel_origin = (struct vmm_origin){
				.file = "plugvm", .key = "--kernel" };
	}
	if (initrd) {
		path = cli ? strdup(initrd) : resolve_initrd(cfg, initrd);
		if (!path)
			return -ENOMEM;
		free(lx->initrd);
		lx->initrd = path;
		if (cli)
			lx->initrd_origin = (struct vmm_origin){
				.file = "plugvm", .key = "--initrd" };
	}
	if (cmdline) {
		if (replace_string(&lx->cmdline, cmdline))
			return -ENOMEM;
		if (cli)
			lx->cmdline_origin = (struct vmm_origin){
				.file = "plugvm", .key = "--append" };
	}
	if (!lx->kernel) {
		vmm_origin_error(&(struct vmm_origin){
			.file = "plugvm", .key = initrd ? "--initrd" : "--append" },
			"needs --kernel (or a [linux] section in the machine file)");
		return -EINVAL;
	}
	lx->set = true;
	return 0;
}

/* The [image] section that ends here: its required keys, its values. */
static int end_image(struct schema *p)
{
	struct vmm_config *cfg = p->cfg;
	struct vmm_image_cfg *img = &cfg->images[cfg->n_images - 1];
	struct vmm_settings *c = &p->image;
	struct vmm_origin o = {
		.file = p->file,
		.line = p->section_line,
		.section = p->section_name,
	};
	int ret;

	p->in_image = false;
	ret = vmm_settings_finish(c, &o, "key");
	if (c->origins[KEY_FILE].key)
		img->origin = c->origins[KEY_FILE];
	if (c->origins[KEY_ADDRESS].key)
		img->address_origin = c->origins[KEY_ADDRESS];
	if (!ret) {
		img->address = c->values[KEY_ADDRESS].u64;
		img->path = resolve_path(cfg, c->values[KEY_FILE].str);
		if (!img->path)
			ret = out_of_memory(p, p->section_line);
	}
	vmm_settings_end(c);
	return ret == -ENOMEM ? ret : 0;
}

static int end_section(struct schema *p)
{
	struct vmm_config *cfg = p->cfg;
	int ret = 0;

	if (p->section == SECTION_IMAGE && p->in_image)
		ret = end_image(p);
	else if (p->section == SECTION_DEVICE &&
		 !cfg->devices[cfg->n_devices - 1].origin.line)
		missing_type(p, &cfg->devices[cfg->n_devices - 1]);
	p->section = SECTION_SKIP;
	p->section_name = NULL;
	return ret;
}

/*
 * Section headers
 */

/* [machine], [cpu] or [linux]: one of each, without a name. */
static void begin_single_section(struct schema *p, enum section_kind kind,
				 const struct vmm_ini_header *h,
				 const struct vmm_origin *o)
{
	const char *word = section_words[kind - SECTION_MACHINE];
	unsigned *first = kind == SECTION_MACHINE ? &p->machine_line
			  : kind == SECTION_CPU	  ? &p->cpu_line
						  : &p->linux_line;

	if (*h->arg) {
		parse_error(p, o, "section [%s] takes no name", word);
		return;
	}
	if (*first) {
		parse_error(p, o, "duplicate section (first one at line %u)",
			    *first);
		return;
	}
	*first = o->line;
	if (kind == SECTION_CPU)
		p->cfg->cpu_section_line = o->line;
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

/* [image "NAME"] or [device "NAME"]. */
static int begin_named_section(struct schema *p, enum section_kind kind,
			       const struct vmm_ini_header *h,
			       const struct vmm_origin *o)
{
	const char *word = section_words[kind - SECTION_MACHINE];
	struct vmm_config *cfg = p->cfg;
	bool image = kind == SECTION_IMAGE;
	char *name, *section;
	unsigned first;

	if (!h->name) {
		parse_error(p, o,
			    "section needs a quoted name, as in [%s \"NAME\"]",
			    word);
		return 0;
	}
	if (!valid_name(h->name, true)) {
		parse_error(
			p, o,
			"invalid %s name '%s' (use letters, digits, '-', '_' and '.')",
			word, h->name);
		return 0;
	}
	first = named_section_line(cfg, image, h->name);
	if (first) {
		parse_error(p, o, "duplicate %s '%s' (first one at line %u)",
			    word, h->name, first);
		return 0;
	}
	name = strdup(h->name);
	if (!name)
		goto out_nomem;
	if (asprintf(&section, "%s \"%s\"", word, name) < 0)
		goto out_free_name;
	if (image) {
		struct vmm_image_cfg *img = grow(cfg->images, cfg->n_images,
						 &p->images_cap, sizeof(*img));

		if (!img || vmm_settings_begin(&p->image, image_table, false,
					       false, &p->errs)) {
			if (img)
				cfg->images = img;
			goto out_free_section;
		}
		cfg->images = img;
		img += cfg->n_images++;
		img->name = name;
		img->section = section;
		img->section_line = o->line;
		p->in_image = true;
	} else {
		struct vmm_device_cfg *dev = grow(cfg->devices, cfg->n_devices,
						  &p->devices_cap,
						  sizeof(*dev));

		if (!dev)
			goto out_free_section;
		cfg->devices = dev;
		dev += cfg->n_devices++;
		dev->id = name;
		dev->section = section;
		dev->section_line = o->line;
		p->kvs_cap = 0;
	}
	p->section = kind;
	p->section_name = section;
	return 0;

out_free_section:
	free(section);
out_free_name:
	free(name);
out_nomem:
	return out_of_memory(p, o->line);
}

/* The kind of section @h names, or SECTION_SKIP after saying why none. */
static enum section_kind section_word(struct schema *p,
				      const struct vmm_ini_header *h,
				      const struct vmm_origin *o)
{
	const char *hint;
	int i;

	if (!*h->word) {
		parse_error(
			p, o,
			"missing section name (expected machine, cpu, linux, image \"NAME\" or device \"NAME\")");
		return SECTION_SKIP;
	}
	i = word_index(section_words, h->word);
	if (i >= 0)
		return (enum section_kind)(SECTION_MACHINE + i);
	hint = vmm_did_you_mean(h->word, section_words);
	if (hint)
		parse_error(p, o, "unknown section '%s' (did you mean '%s'?)",
			    h->word, hint);
	else
		parse_error(
			p, o,
			"unknown section '%s' (expected machine, cpu, linux, image \"NAME\" or device \"NAME\")",
			h->word);
	return SECTION_SKIP;
}

static int section_cb(void *ctx, const struct vmm_ini_header *h,
		      const struct vmm_origin *o)
{
	struct schema *p = ctx;
	enum section_kind kind;
	int ret;

	ret = end_section(p);
	if (ret || !h)
		return ret;
	p->section_line = o->line;
	kind = section_word(p, h, o);
	if (kind == SECTION_MACHINE || kind == SECTION_CPU ||
	    kind == SECTION_LINUX)
		begin_single_section(p, kind, h, o);
	else if (kind == SECTION_IMAGE || kind == SECTION_DEVICE)
		return begin_named_section(p, kind, h, o);
	return 0;
}

/*
 * Keys
 */

/* [machine]: what the table cannot say. */
static void machine_key(struct schema *p, int k, const struct vmm_origin *o,
			const char *value)
{
	uint64_t v = p->machine.values[k].u64;

	if (k == KEY_MEMORY) {
		if (!v)
			parse_error(p, o, "must not be zero");
		else if (v % VMM_MEMORY_ALIGN)
			parse_error(p, o, "'%s' is not a multiple of 4K",
				    value);
		else if (v > VMM_MEMORY_MAX)
			parse_error(p, o, "'%s' is too large (at most %lluG)",
				    value, VMM_MEMORY_MAX >> 30);
	} else if (k == KEY_VCPUS && (v < 1 || v > VMM_VCPUS_MAX)) {
		parse_error(p, o, "must be between 1 and %d (got %s)",
			    VMM_VCPUS_MAX, value);
	}
}

/* [cpu]: what the table cannot say. */
static void cpu_key(struct schema *p, int k, const struct vmm_origin *o,
		    const char *value)
{
	if (k == KEY_CS && p->cpu.values[k].u64 > 0xffff)
		parse_error(p, o, "must be at most 0xffff (got %s)", value);
}

static int device_type(struct schema *p, struct vmm_device_cfg *dev,
		       const struct vmm_origin *o, const char *value)
{
	if (dev->origin.line) {
		parse_error(p, o, "duplicate key (first set at line %u)",
			    dev->origin.line);
		return 0;
	}
	dev->origin = *o;
	dev->origin.key = device_keys[0]; /* static, unlike the reader's */
	if (!*value) {
		parse_error(p, o, "empty value (expected a device type)");
	} else if (!valid_name(value, false)) {
		parse_error(
			p, o,
			"invalid device type '%s' (a plugin name: letters, digits, '-' and '_')",
			value);
	} else {
		dev->type = strdup(value);
		if (!dev->type)
			return out_of_memory(p, o->line);
	}
	return 0;
}

/* A [device] key: `type` is ours, the rest the plugin's, kept raw. */
static int device_key(struct schema *p, const struct vmm_origin *o,
		      const char *value)
{
	struct vmm_config *cfg = p->cfg;
	struct vmm_device_cfg *dev = &cfg->devices[cfg->n_devices - 1];
	struct vmm_kv *kv;

	if (!strcmp(o->key, "type"))
		return device_type(p, dev, o, value);
	kv = grow(dev->kvs, dev->n_kvs, &p->kvs_cap, sizeof(*kv));
	if (!kv)
		return out_of_memory(p, o->line);
	dev->kvs = kv;
	kv += dev->n_kvs++;
	kv->key = strdup(o->key);
	kv->value = strdup(value);
	if (!kv->key || !kv->value)
		return out_of_memory(p, o->line);
	kv->origin = *o;
	kv->origin.key = kv->key;
	return 0;
}

static int key_cb(void *ctx, const char *key, const char *value,
		  unsigned line)
{
	struct schema *p = ctx;
	struct vmm_origin o = {
		.file = p->file,
		.line = line,
		.section = p->section_name,
		.key = key,
	};
	int k = 0;

	switch (p->section) {
	case SECTION_NONE:
		parse_error(p, &o, "key outside any section");
		break;
	case SECTION_SKIP:
		break;
	case SECTION_MACHINE:
		k = vmm_settings_set(&p->machine, key, value, &o);
		if (k >= 0)
			machine_key(p, k, &o, value);
		break;
	case SECTION_CPU:
		k = vmm_settings_set(&p->cpu, key, value, &o);
		if (k >= 0)
			cpu_key(p, k, &o, value);
		break;
	case SECTION_IMAGE:
		k = vmm_settings_set(&p->image, key, value, &o);
		if (k == KEY_FILE && !*value)
			parse_error(p, &o,
				    "empty value (expected a file name)");
		break;
	case SECTION_LINUX:
		k = vmm_settings_set(&p->lx, key, value, &o);
		if (k == KEY_KERNEL && !*value)
			parse_error(p, &o,
				    "empty value (expected a file name)");
		break;
	case SECTION_DEVICE:
		return device_key(p, &o, value);
	}
	return k == -ENOMEM ? k : 0;
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
	at = &cfg->at;
	set_default_origin(&at->memory, cfg->path, "machine", "memory");
	set_default_origin(&at->accel, cfg->path, "machine", "accel");
	set_default_origin(&at->vcpus, cfg->path, "machine", "vcpus");
	set_default_origin(&at->strict, cfg->path, "machine", "strict");
	set_default_origin(&at->chipset, cfg->path, "machine", "chipset");
	set_default_origin(&at->mode, cfg->path, "cpu", "mode");
	set_default_origin(&at->entry, cfg->path, "cpu", "entry");
	set_default_origin(&at->cs, cfg->path, "cpu", "cs");
	for (i = 0; i < VMM_NR_GPRS; i++)
		set_default_origin(&at->gprs[i], cfg->path, "cpu",
				   cpu_table[KEY_GPRS + i].name);
	return cfg;
}

/* A set key's origin, or leave the default's. */
static void take_origin(struct vmm_origin *at, const struct vmm_origin *o)
{
	if (o->key)
		*at = *o;
}

/* [machine] and [cpu], set or not, into the config. */
static int apply_machine_cpu(struct schema *p)
{
	struct vmm_config *cfg = p->cfg;
	const struct plugvm_value *m, *c;
	int i;

	if (vmm_settings_finish(&p->machine, NULL, "key") == -ENOMEM ||
	    vmm_settings_finish(&p->cpu, NULL, "key") == -ENOMEM)
		return -ENOMEM;
	m = p->machine.values;
	c = p->cpu.values;
	cfg->memory = m[KEY_MEMORY].u64;
	cfg->accel = (enum vmm_accel_kind)m[KEY_ACCEL].u64;
	cfg->vcpus = (unsigned)m[KEY_VCPUS].u64;
	cfg->strict = m[KEY_STRICT].u64;
	cfg->chipset = (enum vmm_chipset)m[KEY_CHIPSET].u64;
	cfg->mode = (enum vmm_cpu_mode)c[KEY_MODE].u64;
	cfg->entry = c[KEY_ENTRY].u64;
	cfg->cs = (uint16_t)c[KEY_CS].u64;
	take_origin(&cfg->at.memory, &p->machine.origins[KEY_MEMORY]);
	take_origin(&cfg->at.accel, &p->machine.origins[KEY_ACCEL]);
	take_origin(&cfg->at.vcpus, &p->machine.origins[KEY_VCPUS]);
	take_origin(&cfg->at.strict, &p->machine.origins[KEY_STRICT]);
	take_origin(&cfg->at.chipset, &p->machine.origins[KEY_CHIPSET]);
	take_origin(&cfg->at.mode, &p->cpu.origins[KEY_MODE]);
	take_origin(&cfg->at.entry, &p->cpu.origins[KEY_ENTRY]);
	take_origin(&cfg->at.cs, &p->cpu.origins[KEY_CS]);
	for (i = 0; i < VMM_NR_GPRS; i++) {
		cfg->gprs[i] = c[KEY_GPRS + i].u64;
		if (c[KEY_GPRS + i].set)
			cfg->gprs_set |= 1u << i;
		take_origin(&cfg->at.gprs[i], &p->cpu.origins[KEY_GPRS + i]);
	}
	return 0;
}

/*
 * A [linux] kernel is loaded where its format says, and its format says how
 * the vCPUs start: an [image] or a [cpu] beside it would be overwritten or
 * ignored, so either is an error at its own section.
 */
static void check_linux_alone(struct schema *p)
{
	static const char why[] =
		"not allowed with [linux] (line %u): the kernel's format decides where it is loaded and how the vCPUs start; use one or the other";
	const struct vmm_config *cfg = p->cfg;
	struct vmm_origin o = { .file = p->file };

	if (p->cpu_line) {
		o.line = p->cpu_line;
		o.section = "cpu";
		parse_error(p, &o, why, p->linux_line);
	}
	for (size_t i = 0; i < cfg->n_images; i++) {
		o.line = cfg->images[i].section_line;
		o.section = cfg->images[i].section;
		parse_error(p, &o, why, p->linux_line);
	}
}

/* [linux], when the file has one, into the config. */
static int apply_linux(struct schema *p)
{
	struct vmm_config *cfg = p->cfg;
	const struct plugvm_value *v;
	int ret;

	if (!p->linux_line)
		return 0;
	ret = vmm_settings_finish(&p->lx, &(struct vmm_origin){
		.file = p->file, .line = p->linux_line, .section = "linux" },
		"key");
	if (ret == -ENOMEM)
		return ret;
	if (ret)
		return 0; /* said so, and counted */
	v = p->lx.values;
	cfg->boot.section_line = p->linux_line;
	take_origin(&cfg->boot.kernel_origin, &p->lx.origins[KEY_KERNEL]);
	take_origin(&cfg->boot.initrd_origin, &p->lx.origins[KEY_INITRD]);
	take_origin(&cfg->boot.cmdline_origin, &p->lx.origins[KEY_CMDLINE]);
	take_origin(&cfg->boot.entry_origin, &p->lx.origins[KEY_LINUX_ENTRY]);
	cfg->boot.entry_bits = entry_bits[v[KEY_LINUX_ENTRY].u64];
	return vmm_config_set_linux(cfg, v[KEY_KERNEL].str,
				    *v[KEY_INITRD].str ? v[KEY_INITRD].str : NULL,
				    p->lx.origins[KEY_CMDLINE].key
					    ? v[KEY_CMDLINE].str
					    : NULL,
				    false);
}

/* Checks that need the whole file. */
static void check_config(struct schema *p)
{
	const struct vmm_config *cfg = p->cfg;

	if (cfg->at.cs.line && cfg->mode != VMM_CPU_REAL)
		parse_error(
			p, &cfg->at.cs,
			"only allowed with mode = real (mode is '%s' at line %u)",
			mode_words[cfg->mode], cfg->at.mode.line);
	if (p->linux_line)
		check_linux_alone(p);
}

static const struct vmm_ini_ops schema_ops = {
	.section = section_cb,
	.key = key_cb,
};

int vmm_config_parse(const char *path, const char *dir, const char *text,
			size_t len, struct vmm_config **out)
{
	struct schema p = { 0 };
	int ret;

	p.cfg = config_new(path, dir);
	if (!p.cfg)
		goto out_nomem;
	p.file = p.cfg->path;
	p.errs.file = p.file;
	if (vmm_settings_begin(&p.machine, machine_table, false, false,
			       &p.errs))
		goto out_free_cfg;
	if (vmm_settings_begin(&p.cpu, cpu_table, false, false, &p.errs))
		goto out_end_machine;
	if (vmm_settings_begin(&p.lx, linux_table, false, false, &p.errs))
		goto out_end_cpu;

	ret = vmm_ini_read(p.file, text, len, &schema_ops, &p, &p.errs);
	if (!ret && !p.errs.gave_up)
		ret = end_section(&p);
	if (!ret)
		ret = apply_machine_cpu(&p);
	if (!ret && !p.errs.gave_up)
		ret = apply_linux(&p);
	if (ret == -ENOMEM)
		out_of_memory(&p, p.linux_line);
	if (!ret && !p.errs.gave_up)
		check_config(&p);
	if (p.in_image)
		vmm_settings_end(&p.image);
	vmm_settings_end(&p.lx);
	vmm_settings_end(&p.cpu);
	vmm_settings_end(&p.machine);

	if (ret || p.errs.n) {
		vmm_config_free(p.cfg);
		return ret ? ret : -EINVAL; /* said so already */
	}
	*out = p.cfg;
	return 0;

out_end_cpu:
	vmm_settings_end(&p.cpu);
out_end_machine:
	vmm_settings_end(&p.machine);
out_free_cfg:
	vmm_config_free(p.cfg);
	return -ENOMEM; /* said so already */
out_nomem:
	vmm_file_error(path, "out of memory");
	return -ENOMEM;
}

