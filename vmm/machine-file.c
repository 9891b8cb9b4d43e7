// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * machine-file.c - the machine file from disk or a string into a config,
 * and the config's end; the schema that reads it is machine.c's.
 */
#include "config.h"

#include "machine.h"

#include "inifile.h"
#include "machine-priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
	free(cfg->boot.kernel);
	free(cfg->boot.initrd);
	free(cfg->boot.cmdline);
	free(cfg->path);
	free(cfg->dir);
	free(cfg);
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

	ret = vmm_ini_read_file(path, VMM_CONFIG_MAX_SIZE, &text, &len);
	if (ret)
		return ret;
	dir = dir_of(path);
	if (!dir) {
		vmm_file_error(path, "out of memory");
		ret = -ENOMEM;
		goto out_free_text;
	}
	ret = vmm_config_parse(path, dir, text, len, out);
	free(dir);
out_free_text:
	free(text);
	return ret;
}

int vmm_config_load_string(const char *name, const char *text,
			   struct vmm_config **out)
{
	return vmm_config_parse(name ? name : "<string>", ".", text, strlen(text),
			    out);
}

int vmm_settings_convert(const struct vmm_device_cfg *dev,
			 const struct plugvm_setting *table,
			 struct plugvm_value **values)
{
	return vmm_settings_convert_kvs(dev->kvs, dev->n_kvs, &dev->origin,
					table, values, NULL);
}
