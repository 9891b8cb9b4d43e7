// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * settings.c - check keys against a settings table and convert them into
 * typed values: a device's for create(), the machine file's own sections'.
 *
 * Keys come one at a time (vmm_settings_set()), from the machine file's
 * reader or from a list; each is found in the table by binary search over
 * its sorted names, so a section of any size converts in O(n log n), and
 * its duplicates are found by the setting's slot, not by a scan.
 */
#include "config.h"

#include "settings.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
 * 0, -EINVAL or -ENOMEM. @s must have passed vmm_settings_check_table().
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
	default: /* vmm_settings_check_table() refuses such tables */
		return -EINVAL;
	}
	return 0;
}

/* Setting names: lower case, digits and '-', as plugin.h asks. */
static bool valid_setting_name(const char *name)
{
	if (!name || !*name)
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
static unsigned check_entry(const char *plugin,
			    const struct plugvm_setting *table, size_t i,
			    bool twice)
{
	const struct plugvm_setting *s = &table[i];
	struct plugvm_value scratch = { 0 };
	char key[128], lo[32], hi[32];
	struct vmm_origin o = { .file = plugin, .key = key };

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
	if (twice) {
		vmm_origin_error(&o, "declared twice");
		return 1;
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

static size_t table_len(const struct plugvm_setting *table)
{
	size_t n = 0;

	while (table && table[n].name)
		n++;
	return n;
}

/* A table's name and where it is, to sort and search. */
struct vmm_setting_index {
	const char *name;
	size_t index;
};

/* By name, then by place in the table. */
static int cmp_index(const void *a, const void *b)
{
	const struct vmm_setting_index *x = a, *y = b;
	int d = strcmp(x->name, y->name);

	if (d)
		return d;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* @table's @n names, sorted; NULL when out of memory. */
static struct vmm_setting_index *sort_names(const struct plugvm_setting *table,
					    size_t n)
{
	struct vmm_setting_index *sorted;
	size_t i;

	sorted = malloc((n ? n : 1) * sizeof(*sorted));
	if (!sorted)
		return NULL;
	for (i = 0; i < n; i++) {
		sorted[i].name = table[i].name;
		sorted[i].index = i;
	}
	qsort(sorted, n, sizeof(*sorted), cmp_index);
	return sorted;
}

unsigned vmm_settings_check_table(const char *plugin,
				  const struct plugvm_setting *table)
{
	size_t n = table_len(table), i;
	struct vmm_setting_index *sorted;
	unsigned errors = 0;
	bool *twice;

	sorted = sort_names(table, n);
	twice = calloc(n ? n : 1, sizeof(*twice));
	if (!sorted || !twice) {
		vmm_file_error(plugin, "out of memory");
		errors = 1;
		goto out_free;
	}
	/* Equal names sort together, the first declared first. */
	for (i = 1; i < n; i++)
		if (!strcmp(sorted[i - 1].name, sorted[i].name))
			twice[sorted[i].index] = true;
	for (i = 0; i < n; i++)
		errors += check_entry(plugin, table, i, twice[i]);
out_free:
	free(twice);
	free(sorted);
	return errors;
}

int vmm_settings_begin(struct vmm_settings *c,
		       const struct plugvm_setting *table, bool device,
		       bool type_key, struct vmm_errors *errs)
{
	size_t n = table_len(table), i;

	memset(c, 0, sizeof(*c));
	c->table = table;
	c->n = n;
	c->device = device;
	c->errs = errs;
	c->values = calloc(n ? n : 1, sizeof(*c->values));
	c->origins = calloc(n ? n : 1, sizeof(*c->origins));
	c->type_key = type_key;
	c->names = malloc((n + 1) * sizeof(*c->names));
	c->sorted = sort_names(table, n);
	if (!c->values || !c->origins || !c->names || !c->sorted) {
		vmm_settings_end(c);
		vmm_file_error(errs && errs->file ? errs->file : "settings",
			       "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		c->names[i] = table[i].name;
	c->names[n] = NULL;
	return 0;
}

/* The entry called @key: names are unique in a checked table. */
static struct vmm_setting_index *find_setting(const struct vmm_settings *c,
					      const char *key)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(key, c->sorted[mid].name);

		if (!d)
			return &c->sorted[mid];
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int vmm_settings_set(struct vmm_settings *c, const char *key,
		     const char *value, const struct vmm_origin *o)
{
	struct vmm_setting_index *hit;
	struct vmm_origin *first;
	size_t k;
	int ret;

	if (c->errs && c->errs->gave_up)
		return -ECANCELED;
	hit = find_setting(c, key);
	if (!hit) {
		static const char *const type_key[] = { "type", NULL };

		/* `type` is a near miss to suggest, never a key to list */
		if (c->type_key && !vmm_did_you_mean(key, c->names) &&
		    vmm_did_you_mean(key, type_key))
			vmm_origin_unknown_key(o, key, type_key, false);
		else
			vmm_origin_unknown_key(o, key, c->names, c->device);
		goto out_einval;
	}
	k = hit->index;
	first = &c->origins[k];
	if (first->key) {
		if (first->line)
			vmm_origin_error(o,
					 "duplicate key (first set at line %u)",
					 first->line);
		else
			vmm_origin_error(o, "duplicate key");
		goto out_einval;
	}
	*first = *o;
	first->key = c->table[k].name; /* static, unlike the reader's */
	if (!value) {
		vmm_origin_error(o, "missing value");
		goto out_einval;
	}
	ret = convert_value(&c->table[k], value, o, &c->values[k]);
	if (ret == -ENOMEM) {
		vmm_file_error(o->file ? o->file : "settings",
			       "out of memory");
		return ret;
	}
	if (ret)
		goto out_einval;
	c->values[k].set = true;
	return (int)k;

out_einval:
	c->failed = true;
	vmm_errors_count(c->errs);
	return -EINVAL;
}

int vmm_settings_finish(struct vmm_settings *c, const struct vmm_origin *at,
			const char *what)
{
	size_t i;
	int ret;

	for (i = 0; i < c->n; i++) {
		const struct plugvm_setting *s = &c->table[i];

		if (c->origins[i].key)
			continue;
		if (c->errs && c->errs->gave_up)
			break;
		if (!s->def) {
			vmm_origin_error(at, "missing required %s '%s'", what,
					 s->name);
			c->failed = true;
			vmm_errors_count(c->errs);
			continue;
		}
		/* The table was checked: only memory can run out. */
		ret = convert_value(s, s->def, at, &c->values[i]);
		if (ret) {
			vmm_file_error(at && at->file ? at->file : "settings",
				       "out of memory");
			return ret;
		}
	}
	return c->failed || (c->errs && c->errs->gave_up) ? -EINVAL : 0;
}

void vmm_settings_end(struct vmm_settings *c)
{
	vmm_settings_free(c->table, c->values);
	free(c->origins);
	free(c->names);
	free(c->sorted);
	c->values = NULL;
	c->origins = NULL;
	c->names = NULL;
	c->sorted = NULL;
}

int vmm_settings_convert_kvs(const struct vmm_kv *kvs, size_t n,
			     const struct vmm_origin *type_origin,
			     const struct plugvm_setting *table,
			     struct plugvm_value **values,
			     struct vmm_origin **origins)
{
	struct vmm_errors errs = { .file = type_origin->file };
	struct vmm_settings c;
	size_t i;
	int ret;

	ret = vmm_settings_begin(&c, table, true, type_origin->line != 0,
				 &errs);
	if (ret)
		return ret;
	for (i = 0; i < n && !errs.gave_up; i++) {
		ret = vmm_settings_set(&c, kvs[i].key, kvs[i].value,
				       &kvs[i].origin);
		if (ret == -ENOMEM)
			goto out_end;
	}
	ret = vmm_settings_finish(&c, type_origin, "setting");
	if (ret)
		goto out_end;
	*values = c.values;
	c.values = NULL;
	if (origins) {
		*origins = c.origins;
		c.origins = NULL;
	}
out_end:
	vmm_settings_end(&c);
	return ret;
}

int vmm_settings_convert_pairs(const char *what, const char *const *kvs,
			       const struct plugvm_setting *table,
			       struct plugvm_value **values)
{
	struct vmm_origin where = { .file = what };
	struct vmm_kv *raw;
	size_t n = 0, i;
	int ret;

	while (kvs && kvs[2 * n]) {
		n++;
		if (!kvs[2 * n - 1])
			break;
	}
	raw = calloc(n ? n : 1, sizeof(*raw));
	if (!raw) {
		vmm_file_error(what, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		raw[i].key = (char *)kvs[2 * i];
		raw[i].value = (char *)kvs[2 * i + 1];
		raw[i].origin.file = what;
		raw[i].origin.key = raw[i].key;
	}
	ret = vmm_settings_convert_kvs(raw, n, &where, table, values, NULL);
	free(raw);
	return ret;
}
