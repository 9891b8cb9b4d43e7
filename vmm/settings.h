/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * settings.h - check a [device] section against its plugin's settings table
 * and turn it into the typed values create() receives.
 */
#ifndef VMM_SETTINGS_H
#define VMM_SETTINGS_H

#include "machine.h"

#include <plugvm/plugin.h>

/*
 * Convert @dev's raw keys against @table (terminated by name == NULL).
 * Returns 0 and a new array in *@values (one element per table entry, with
 * its strings; free with vmm_settings_free()), or -EINVAL after printing
 * every error as "FILE:LINE: [SECTION] KEY: ...": an unknown key (with "did
 * you mean"), a bad number/bool/enum (listing the choices), a number out of
 * [min, max], a duplicate key, or a required setting missing (named with the
 * origin of the section's `type` key). A bad default in the table is an
 * error naming the plugin, not the file. -ENOMEM when out of memory.
 *
 * The values: a setting the section does not set gets its default (set =
 * false). A STRING's text is a copy the array owns; an ENUM's str points
 * into the table's choices and u64 is its index. The messages, after
 * "FILE:LINE: [SECTION] KEY: ":
 *   unknown key 'baud' (did you mean 'base'?)       candidates: table, type
 *   '0' is out of range (must be between 1 and 65535)   when min or max != 0
 *   duplicate key (first set at line N)
 *   and those of vmm_origin_parse_u64() and friends (machine.h);
 * at the `type` key: "missing required setting 'label'"; for the table
 * itself: "plugin 'TYPE': setting 'x' default: ...", or "plugin 'TYPE':
 * setting 'x': ..." for a bad name, type, range or enum without choices.
 * A table in error stops conversion before the section's keys are looked at.
 */
int vmm_settings_convert(const struct vmm_device_cfg *dev,
			 const struct plugvm_setting *table,
			 struct plugvm_value **values);

/* Same, for a plain list of key/value pairs with no file behind them (used by
 * the device test kit): @kvs is { "key", "value", ..., NULL }. @what names the
 * caller in messages, in place of FILE and of "plugin 'TYPE'"; a key without
 * a value (the list ends after it) is "missing value". NULL @kvs or @table
 * stand for empty ones. */
int vmm_settings_convert_pairs(const char *what, const char *const *kvs,
			       const struct plugvm_setting *table,
			       struct plugvm_value **values);

/* Free @values converted against @table, and their strings. NULL is fine. */
void vmm_settings_free(const struct plugvm_setting *table,
		       struct plugvm_value *values);

/* The type's name as --describe prints it: "u64", "size", "bool", ... */
const char *vmm_setting_type_name(enum plugvm_setting_type type);

#endif
