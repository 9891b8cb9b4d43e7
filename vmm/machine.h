/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * machine.h - the machine file, read once into typed settings.
 *
 * This is the only part of plugvm that sees inih. Every key remembers the
 * file and line it came from, so any later error can name them.
 */
#ifndef VMM_MACHINE_H
#define VMM_MACHINE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vmm_accel_kind {
	VMM_ACCEL_AUTO = 0,
	VMM_ACCEL_KVM,
	VMM_ACCEL_TCG,
};

enum vmm_cpu_mode {
	VMM_CPU_REAL = 0, /* 16-bit, cs:ip */
	VMM_CPU_PROTECTED, /* flat 32-bit segments, paging off */
	VMM_CPU_LONG, /* 64-bit, identity-mapped guest RAM */
};

/* General registers the [cpu] section may preset, in this order. */
enum vmm_gpr {
	VMM_RAX, VMM_RBX, VMM_RCX, VMM_RDX, VMM_RSI, VMM_RDI, VMM_RSP, VMM_RBP,
	VMM_NR_GPRS
};

/* Limits of the [machine] section. */
#define VMM_MEMORY_DEFAULT (1ULL << 20) /* 1M */
#define VMM_MEMORY_ALIGN 4096ULL /* memory is a multiple of this */
#define VMM_MEMORY_MAX (64ULL << 30) /* 64G */
#define VMM_VCPUS_MAX 64

/* Limits of the machine file itself. */
#define VMM_CONFIG_MAX_SIZE (1 << 20) /* bytes */
#define VMM_CONFIG_MAX_ERRORS 50 /* reading stops after this many */

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

/* One raw key = value of a [device] section, checked later by the plugin. */
struct vmm_kv {
	char *key;
	char *value;
	struct vmm_origin origin;
};

struct vmm_image_cfg {
	char *name; /* NAME of [image "NAME"] */
	char *path; /* resolved against the machine file's directory */
	uint64_t address;
	struct vmm_origin origin; /* of the section's `file` key */
	struct vmm_origin address_origin; /* of its `address` key */
	char *section; /* image "NAME", what the origins point to */
	unsigned section_line; /* of the [image "NAME"] line */
};

struct vmm_device_cfg {
	char *id; /* NAME of [device "NAME"] */
	char *type; /* plugin type, from `type =` */
	struct vmm_origin origin; /* of the `type` key */
	struct vmm_kv *kvs; /* every key but `type`, in file order */
	size_t n_kvs;
	char *section; /* device "NAME", what the origins point to */
	unsigned section_line; /* of the [device "NAME"] line */
};

/*
 * Where each [machine] and [cpu] key was set, for errors found later (no KVM
 * for accel = kvm, entry outside RAM, ...). A key left at its default has
 * line 0, so its origin prints as "FILE: [SECTION] KEY: ...".
 */
struct vmm_config_origins {
	struct vmm_origin memory, accel, vcpus, strict;
	struct vmm_origin mode, entry, cs;
	struct vmm_origin gprs[VMM_NR_GPRS];
};

struct vmm_config {
	char *path; /* the machine file as given */
	char *dir; /* its directory, for relative image paths */

	/* [machine] */
	uint64_t memory; /* bytes; default 1M */
	enum vmm_accel_kind accel; /* default auto */
	unsigned vcpus; /* default 1 */
	bool strict; /* default false */

	/* [cpu] */
	enum vmm_cpu_mode mode; /* default real */
	uint64_t entry; /* initial IP/RIP; default 0 */
	uint16_t cs; /* real mode only; default 0 */
	uint64_t gprs[VMM_NR_GPRS];
	uint32_t gprs_set; /* bit i set when gprs[i] was given */

	struct vmm_image_cfg *images;
	size_t n_images;
	struct vmm_device_cfg *devices;
	size_t n_devices;

	struct vmm_config_origins at;
};

/*
 * Read @path into a new config. Returns 0 and sets *@out, or a negative
 * errno after printing every error found as "FILE:LINE: [SECTION] KEY: ..."
 * on stderr (-ENOENT/-EACCES for a file that cannot be read, -EINVAL for a
 * bad file). Checks done here: known sections and keys (with a "did you
 * mean" for a near miss), value syntax and ranges, duplicate keys and
 * sections, required keys (image file/address, device type), memory a
 * non-zero multiple of 4 KiB. Device settings other than `type` are kept raw
 * for vmm_settings_convert().
 *
 * Details of the file format:
 *  - Comments start a line with ';' or '#', or follow a value after " ;".
 *    Leading whitespace is ignored: an indented line is an ordinary line,
 *    never the continuation of the previous value.
 *  - Image and device names use letters, digits, '-', '_' and '.'; a device
 *    type the same but '.'. Image and device names must be unique.
 *  - A line may be at most as long as inih's line buffer (199 characters
 *    in Debian's build), otherwise it is an error.
 *  - The keys of a section that is itself in error (unknown, duplicate,
 *    bad name) are skipped, not checked.
 *  - After VMM_CONFIG_MAX_ERRORS errors, reading stops.
 * Other errors: -EFBIG for a file over VMM_CONFIG_MAX_SIZE, -ENOMEM.
 * *@out is only written on success.
 */
int vmm_config_load(const char *path, struct vmm_config **out);

/* Same, from a string; @name stands for the file name in messages and
 * relative image paths resolve against the current directory. */
int vmm_config_load_string(const char *name, const char *text,
			   struct vmm_config **out);

/* Free @cfg and everything it holds. NULL is fine. */
void vmm_config_free(struct vmm_config *cfg);

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
 * the NULL-terminated @known, or just "unknown key '@key'".
 */
void vmm_origin_unknown_key(const struct vmm_origin *o, const char *key,
			    const char *const *known);

#endif
