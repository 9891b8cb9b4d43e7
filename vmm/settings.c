// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * settings.c - check a device's keys against its plugin's settings table and
 * convert them into the values create() receives.
 *
 * The keys come from a [device] section of the machine file or, for the
 * device test kit, from a plain list of pairs; both become a list of
 * struct raw_setting and go through convert(). No inih here.
 */
#include "config.h"

#include "settings.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOT_SET SIZE_MAX

/* One key = value to convert, wherever it came from. */
struct raw_setting {
	const char *key;
	const char *value; /* NULL: the pair list ended after the key */
	struct vmm_origin origin;
};

const char *vmm_setting_type_name(enum plugvm_setting_type type)
{
	switch (type) {
	case PLUGVM_SETTING_U64:
		return "u64";
	case PLUGVM_SETTING_SIZE:
		return "size";
	case PLUGVM_SETTING_BOOL:
		return "bool";
	case PLUGVM_SETTING_STRING:
		return "string";
	case PLUGVM_SETTING_ENUM:
		return "enum";
	default:
		return "unknown";
	}
}

void vmm_settings_free(const struct plugvm_setting *table,
		       struct plugvm_value *values)
{
	size_t i;

	if (!values)
		return;
	for (i = 0; table && table[i].name; i++)
		if (table[i].type == PLUGVM_SETTING_STRING)
			free((char *)values[i].str);
	free(values);
}

/* @v as a person would write it: "64K" for a size, hex for big numbers. */
static const char *format_number(char *buf, size_t size,
				 enum plugvm_setting_type type, uint64_t v)
{
	static const char units[] = "KMG";
	int i;

	if (type == PLUGVM_SETTING_SIZE && v) {
		for (i = 3; i > 0; i--) {
			if (!(v % (1ULL << (10 * i)))) {
				snprintf(buf, size, "%" PRIu64 "%c",
					 v >> (10 * i), units[i - 1]);
				return buf;
			}
		}
	}
	if (v > 99999)
		snprintf(buf, size, "0x%" PRIx64, v);
	else
		snprintf(buf, size, "%" PRIu64, v);
	return buf;
}

/*
 * Convert @value for setting @s into *@v, or print why not at @o. Returns
 * 0, -EINVAL or -ENOMEM. @s must have passed check_table().
 */
static int convert_value(const struct plugvm_setting *s, const char *value,
			 const struct vmm_origin *o, struct plugvm_value *v)
{
	char lo[32], hi[32];
	unsigned idx;
	uint64_t u;
	bool b;

	switch (s->type) {
	case PLUGVM_SETTING_U64:
	case PLUGVM_SETTING_SIZE:
		if (vmm_origin_parse_u64(o, value,
					 s->type == PLUGVM_SETTING_SIZE, &u))
			return -EINVAL;
		if ((s->min || s->max) && (u < s->min || u > s->max)) {
			vmm_origin_error(
				o,
				"'%s' is out of range (must be between %s and %s)",
				value,
				format_number(lo, sizeof(lo), s->type, s->min),
				format_number(hi, sizeof(hi), s->type, s->max));
			return -EINVAL;
		}
		v->u64 = u;
		break;
	case PLUGVM_SETTING_BOOL:
		if (vmm_origin_parse_bool(o, value, &b))
			return -EINVAL;
		v->u64 = b;
		break;
	case PLUGVM_SETTING_STRING:
		v->str = strdup(value);
		if (!v->str)
			return -ENOMEM;
		break;
	case PLUGVM_SETTING_ENUM:
		if (vmm_origin_parse_enum(o, value, s->choices, &idx))
			return -EINVAL;
		v->u64 = idx;
		v->str = s->choices[idx]; /* the table's, not ours to free */
		break;
	default: /* the loader refuses such tables */
		return -EINVAL;
	}
	return 0;
}

/* Setting names: lower case, digits and '-', as plugin.h asks. */
static bool valid_setting_name(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (!(*name >= 'a' && *name <= 'z') &&
		    !(*name >= '0' && *name <= '9') && *name != '-')
			return false;
	return true;
}

/*
 * Check entry @i of @table as the plugin @plugin declared it, default
 * included: the number of errors printed (0 or 1).
 */
static int check_entry(const char *plugin, const struct plugvm_setting *table,
		       size_t i)
{
	const struct plugvm_setting *s = &table[i];
	struct plugvm_value scratch = { 0 };
	char key[128], lo[32], hi[32];
	struct vmm_origin o = { .file = plugin, .key = key };
	size_t j;

	snprintf(key, sizeof(key), "setting '%s'", s->name);
	if (!valid_setting_name(s->name)) {
		vmm_origin_error(
			&o, "invalid name (use lower case, digits and '-')");
		return 1;
	}
	if (!strcmp(s->name, "type")) {
		vmm_origin_error(&o,
				 "the name 'type' is taken by the device type");
		return 1;
	}
	for (j = 0; j < i; j++) {
		if (!strcmp(table[j].name, s->name)) {
			vmm_origin_error(&o, "declared twice");
			return 1;
		}
	}
	switch (s->type) {
	case PLUGVM_SETTING_U64:
	case PLUGVM_SETTING_SIZE:
		if ((s->min || s->max) && s->min > s->max) {
			vmm_origin_error(
				&o, "min %s is above max %s",
				format_number(lo, sizeof(lo), s->type, s->min),
				format_number(hi, sizeof(hi), s->type, s->max));
			return 1;
		}
		break;
	case PLUGVM_SETTING_ENUM:
		if (!s->choices || !s->choices[0]) {
			vmm_origin_error(&o, "enum without choices");
			return 1;
		}
		break;
	case PLUGVM_SETTING_BOOL:
	case PLUGVM_SETTING_STRING:
		break;
	default:
		vmm_origin_error(&o, "unknown type %d", (int)s->type);
		return 1;
	}
	if (!s->def || s->type == PLUGVM_SETTING_STRING)
		return 0;
	snprintf(key, sizeof(key), "setting '%s' default", s->name);
	return convert_value(s, s->def, &o, &scratch) ? 1 : 0;
}

/* Index of the setting called @key in @table of @n entries, or -1. */
static long find_setting(const struct plugvm_setting *table, size_t n,
			 const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(table[i].name, key))
			return (long)i;
	return -1;
}

/*
 * Convert the @n_raw keys of @raw against @table. @plugin names the plugin
 * in errors of its table; a required setting missing is reported at
 * @type_origin.
 */
static int convert(const char *plugin, const struct vmm_origin *type_origin,
		   const struct raw_setting *raw, size_t n_raw,
		   const struct plugvm_setting *table,
		   struct plugvm_value **values)
{
	struct plugvm_value *vals;
	const char **names;
	unsigned errors = 0;
	size_t *setter;
	size_t n = 0, i;
	int ret = -ENOMEM;

	while (table && table[n].name)
		n++;
	vals = calloc(n ? n : 1, sizeof(*vals));
	if (!vals)
		goto out;
	setter = malloc((n ? n : 1) * sizeof(*setter));
	if (!setter)
		goto out_free_vals;
	names = malloc((n + 2) * sizeof(*names));
	if (!names)
		goto out_free_setter;
	for (i = 0; i < n; i++) {
		setter[i] = NOT_SET;
		names[i] = table[i].name;
	}
	names[n] = "type";
	names[n + 1] = NULL;

	/* A table in error makes everything else meaningless. */
	for (i = 0; i < n; i++)
		errors += check_entry(plugin, table, i);
	if (errors)
		goto out_einval;

	for (i = 0; i < n_raw; i++) {
		const struct raw_setting *r = &raw[i];
		long k = find_setting(table, n, r->key);

		if (k < 0) {
			vmm_origin_unknown_key(&r->origin, r->key, names);
			errors++;
			continue;
		}
		if (setter[k] != NOT_SET) {
			if (raw[setter[k]].origin.line)
				vmm_origin_error(
					&r->origin,
					"duplicate key (first set at line %u)",
					raw[setter[k]].origin.line);
			else
				vmm_origin_error(&r->origin, "duplicate key");
			errors++;
			continue;
		}
		setter[k] = i;
		if (!r->value) {
			vmm_origin_error(&r->origin, "missing value");
			errors++;
			continue;
		}
		ret = convert_value(&table[k], r->value, &r->origin, &vals[k]);
		if (ret == -ENOMEM)
			goto out_free_names;
		if (ret)
			errors++;
		else
			vals[k].set = true;
	}

	for (i = 0; i < n; i++) {
		if (setter[i] != NOT_SET)
			continue;
		if (!table[i].def) {
			vmm_origin_error(type_origin,
					 "missing required setting '%s'",
					 table[i].name);
			errors++;
			continue;
		}
		/* check_entry() parsed it: only memory can run out. */
		ret = convert_value(&table[i], table[i].def, type_origin,
				    &vals[i]);
		if (ret)
			goto out_free_names;
	}
	if (errors)
		goto out_einval;

	free(names);
	free(setter);
	*values = vals;
	return 0;

out_einval:
	ret = -EINVAL;
out_free_names:
	free(names);
out_free_setter:
	free(setter);
out_free_vals:
	vmm_settings_free(table, vals);
out:
	if (ret == -ENOMEM)
		vmm_origin_error(&(struct vmm_origin){ .file = plugin },
				 "out of memory");
	return ret;
}

int vmm_settings_convert(const struct vmm_device_cfg *dev,
			 const struct plugvm_setting *table,
			 struct plugvm_value **values)
{
	struct raw_setting *raw;
	char plugin[128];
	size_t i;
	int ret;

	raw = calloc(dev->n_kvs ? dev->n_kvs : 1, sizeof(*raw));
	if (!raw) {
		vmm_origin_error(&(struct vmm_origin){ .file = dev->id },
				 "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < dev->n_kvs; i++) {
		raw[i].key = dev->kvs[i].key;
		raw[i].value = dev->kvs[i].value;
		raw[i].origin = dev->kvs[i].origin;
	}
	snprintf(plugin, sizeof(plugin), "plugin '%s'",
		 dev->type ? dev->type : dev->id);
	ret = convert(plugin, &dev->origin, raw, dev->n_kvs, table, values);
	free(raw);
	return ret;
}

int vmm_settings_convert_pairs(const char *what, const char *const *kvs,
			       const struct plugvm_setting *table,
			       struct plugvm_value **values)
{
	struct vmm_origin where = { .file = what };
	struct raw_setting *raw;
	size_t n = 0, i;
	int ret;

	while (kvs && kvs[2 * n]) {
		n++;
		if (!kvs[2 * n - 1])
			break;
	}
	raw = calloc(n ? n : 1, sizeof(*raw));
	if (!raw) {
		vmm_origin_error(&(struct vmm_origin){ .file = what },
				 "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		raw[i].key = kvs[2 * i];
		raw[i].value = kvs[2 * i + 1];
		raw[i].origin.file = what;
		raw[i].origin.key = raw[i].key;
	}
	ret = convert(what, &where, raw, n, table, values);
	free(raw);
	return ret;
}
