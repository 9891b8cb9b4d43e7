/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * settings.h - typed settings: a table of the keys a section accepts
 * (struct plugvm_setting, the plugin SDK's), checked and converted into
 * the values create() receives.
 *
 * One settings system for the whole machine: device sections convert
 * against their plugin's table, [machine], [cpu] and [image] against the
 * core's own tables (machine.c), the device test kit from a list of pairs. *
 * Layer 3 (README.md, "Layout"): calls parse.h and the log; it knows
 * the SDK's setting types, no machine and no device.
 */
#ifndef VMM_SETTINGS_H
#define VMM_SETTINGS_H

#include "parse.h"

#include <plugvm/plugin.h>

/* One raw key = value, as read, with where it came from. */
struct vmm_kv {
	char *key;
	char *value; /* NULL: the pair list ended after the key */
	struct vmm_origin origin;
};

/*
 * Check @table (terminated by name == NULL) as the plugin @plugin declared
 * it: names lower case, digits and '-', not `type`, each once; a known
 * type; min <= max; an enum with choices; defaults that convert. Prints
 * each fault as "@plugin: setting 'x': ..." or "@plugin: setting 'x'
 * default: ..." and returns their number (0: the table is sound).
 */
unsigned vmm_settings_check_table(const char *plugin,
				  const struct plugvm_setting *table);

/*
 * A conversion in progress: keys are set one at a time, in file order, so
 * that errors come out in file order with the reader's.
 */
struct vmm_setting_index;

struct vmm_settings {
	const struct plugvm_setting *table; /* must have passed the check */
	size_t n; /* its entries */
	struct plugvm_value *values; /* n, zeroed until set or finished */
	struct vmm_origin *origins; /* n: where each was set (line 0: not) */
	const char **names; /* the table's names, NULL-terminated */
	bool device; /* a device's keys: list the keys on an unknown one */
	bool type_key; /* suggest `type` for a near miss */
	bool failed; /* an error was reported */
	struct vmm_errors *errs;
	struct vmm_setting_index *sorted; /* the names, for binary search */
};

/*
 * Start converting against @table (NULL: empty). @device: the keys of a
 * device, whose unknown keys are answered with the list of known ones (and
 * whose `type` is a near miss worth suggesting when @type_key). Errors are
 * counted in @errs (may be NULL). Returns 0 or -ENOMEM (said).
 */
int vmm_settings_begin(struct vmm_settings *c,
		       const struct plugvm_setting *table, bool device,
		       bool type_key, struct vmm_errors *errs);

/*
 * Set @key to @value (NULL: "missing value"), found at @o. Returns the
 * setting's index in the table, or -EINVAL after printing why at @o:
 *   unknown key 'baud' (did you mean 'base'?)
 *   unknown key 'port' (expected one of: base, output)    devices only
 *   duplicate key (first set at line N)                   (even when the
 *                                                  first value was bad)
 *   '0' is out of range (must be between 1 and 65535)  when min or max != 0
 *   and those of vmm_origin_parse_u64() and friends (parse.h).
 * -ENOMEM (said). Once @errs gave up, returns -ECANCELED and prints nothing.
 */
int vmm_settings_set(struct vmm_settings *c, const char *key,
		     const char *value, const struct vmm_origin *o);

/*
 * Give every setting not set its default. A required one missing is
 * reported at @at as "missing required @what 'x'" (@what "setting" or
 * "key"). Returns 0, -EINVAL when this or any vmm_settings_set() failed,
 * -ENOMEM.
 */
int vmm_settings_finish(struct vmm_settings *c, const struct vmm_origin *at,
			const char *what);

/* Free what vmm_settings_begin() allocated and nobody took (values and
 * origins taken by setting them to NULL). */
void vmm_settings_end(struct vmm_settings *c);

/*
 * Convert the @n raw keys of @kvs against @table in one go, as a device's:
 * a required setting missing is reported at @type_origin, the section's
 * `type` key. Returns 0 and new arrays in *@values (free with
 * vmm_settings_free()) and, when @origins is not NULL, *@origins (one per
 * table entry, line 0 for a default; free()), or -EINVAL after printing
 * every error (at most VMM_MAX_ERRORS, then "FILE: too many errors, giving
 * up", FILE from @type_origin), or -ENOMEM.
 */
int vmm_settings_convert_kvs(const struct vmm_kv *kvs, size_t n,
			     const struct vmm_origin *type_origin,
			     const struct plugvm_setting *table,
			     struct plugvm_value **values,
			     struct vmm_origin **origins);

/* Same, for a plain list of key/value pairs with no file behind them (used by
 * the device test kit): @kvs is { "key", "value", ..., NULL }. @what names the
 * caller in messages, in place of FILE; a key without a value (the list ends
 * after it) is "missing value". NULL @kvs or @table stand for empty ones. */
int vmm_settings_convert_pairs(const char *what, const char *const *kvs,
			       const struct plugvm_setting *table,
			       struct plugvm_value **values);

/* Free @values converted against @table, and their strings. NULL is fine. */
void vmm_settings_free(const struct plugvm_setting *table,
		       struct plugvm_value *values);

/* The type's name as --describe prints it: "u64", "size", "bool", ... */
const char *vmm_setting_type_name(enum plugvm_setting_type type);

#endif
