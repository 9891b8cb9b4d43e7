// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz/machine.c - libFuzzer target: the machine-file path, from text to a
 * validated machine, without running it.
 *
 * The input is a machine file's text. It goes through
 * vmm_config_load_string() (the INI reader, the schema, every [machine],
 * [cpu], [image], [linux] and [device] check), and each device of a
 * config that passes through its plugin's settings table
 * (vmm_settings_convert(), as vm.c does before create()), with the
 * shipped plugins built with the same instrumentation. What counts as a
 * finding, besides a sanitizer report, a crash or a leak:
 *  - a refusal (-EINVAL) that printed no error, or a success that did;
 *  - an error about a place in the file that does not name the file;
 *  - an empty message.
 * Layer: test code, outside plugvm.
 */
#include "config.h"

#include "log.h"
#include "machine.h"
#include "plugin.h"
#include "settings.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_PLUGIN_DIR
#error "build with -DFUZZ_PLUGIN_DIR=\"...\" (fuzz/local.mk)"
#endif

#define NAME "fuzz.ini"

static unsigned errors; /* ERROR messages of the current input */

static void fail(const char *what, const char *text)
{
	fprintf(stderr, "fuzz machine: %s: '%s'\n", what, text ? text : "(null)");
	abort();
}

static void sink(void *ctx, const struct vmm_log_msg *m)
{
	(void)ctx;
	if (!m->text || !*m->text)
		fail("empty message", m->origin);
	if (m->level == PLUGVM_LOG_ERROR)
		errors++;
	if (m->origin && *m->origin && strncmp(m->origin, NAME, strlen(NAME)))
		fail("an error about the file does not name it", m->origin);
}

/* The plugins of the build, each loaded once: type -> plugin (or NULL). */
static struct {
	const char *type;
	struct vmm_plugin *p;
} plugins[] = {
	{ "serial", NULL }, { "debugport", NULL }, { "nullmmio", NULL },
	{ "i8259", NULL },  { "i8254", NULL },     { "i8042", NULL },
};

static struct vmm_plugin_path path;

static const struct vmm_plugin *plugin(const char *type)
{
	for (size_t i = 0; i < sizeof(plugins) / sizeof(plugins[0]); i++)
		if (!strcmp(plugins[i].type, type))
			return plugins[i].p;
	return NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct vmm_log_sink s = { .emit = sink, .level = PLUGVM_LOG_DEBUG };

	(void)argc;
	(void)argv;
	/* Messages are checked, not printed: printing is most of the time. */
	vmm_log_set_sink(&s);
	if (vmm_plugin_path_init(&path, FUZZ_PLUGIN_DIR))
		exit(1);
	for (size_t i = 0; i < sizeof(plugins) / sizeof(plugins[0]); i++)
		if (vmm_plugin_load(&path, plugins[i].type, &plugins[i].p))
			plugins[i].p = NULL; /* not built (yet): skipped */
	errors = 0;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmm_config *cfg = NULL;
	char *text;
	int ret;

	if (size > VMM_CONFIG_MAX_SIZE)
		return -1; /* the file reader refuses these before parsing */
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	errors = 0;
	ret = vmm_config_load_string(NAME, text, &cfg);
	free(text);
	if (ret == -EINVAL && errors == 0)
		fail("refused without an error message", NULL);
	if (ret == 0 && errors)
		fail("accepted after an error message", NULL);
	if (ret)
		return 0;
	for (size_t i = 0; i < cfg->n_devices; i++) {
		const struct vmm_plugin *p = plugin(cfg->devices[i].type);
		struct plugvm_value *values = NULL;

		if (!p)
			continue;
		errors = 0;
		ret = vmm_settings_convert(&cfg->devices[i], p->desc->settings,
					   &values);
		if (ret == -EINVAL && errors == 0)
			fail("settings refused without an error message",
			     cfg->devices[i].id);
		if (ret == 0 && errors)
			fail("settings accepted after an error message",
			     cfg->devices[i].id);
		if (!ret)
			vmm_settings_free(p->desc->settings, values);
	}
	vmm_config_free(cfg);
	return 0;
}
