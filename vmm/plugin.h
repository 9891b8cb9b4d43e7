/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plugin.h - find, load and check device plugins.
 *
 * A plugin of type T is the file T.so in the first directory of the plugin
 * path that has one. The path is --plugin-path, then $PLUGVM_PLUGIN_PATH
 * (both colon-separated lists), then the build tree's plugins when plugvm
 * runs from its build tree, then the installed $(pkglibdir).
 *
 * Layer 3 (README.md, "Layout"): calls dlopen() and the log, and
 * nothing of a plugin's before its descriptor's versions are checked.
 */
#ifndef VMM_PLUGIN_H
#define VMM_PLUGIN_H

#include "parse.h"

#include <plugvm/plugin.h>
#include <stddef.h>

struct vmm_plugin {
	char *path; /* the file that was loaded */
	void *handle; /* from dlopen(); closed by vmm_plugin_close() */
	const struct plugvm_plugin *desc;
};

/* The directories searched, in order. */
struct vmm_plugin_path {
	char **dirs;
	size_t n;
};

/*
 * Build the search path from @cli (--plugin-path, may be NULL), the
 * environment and the built-in directories. Returns 0 or -ENOMEM.
 */
int vmm_plugin_path_init(struct vmm_plugin_path *pp, const char *cli);
void vmm_plugin_path_free(struct vmm_plugin_path *pp);

/*
 * dlopen(RTLD_NOW | RTLD_LOCAL) the file at @path, call its entry point and
 * check the descriptor before anything else in the plugin runs: ABI version
 * equal, min_api_version not above ours, a name, create() present, a sane
 * settings table. Every failure is logged naming the file and the reason
 * (dlerror() text, both versions, ...). Returns 0 and *@out, or -ENOENT
 * (no file), -ENOEXEC (not loadable, or no entry symbol), -EPROTO (version
 * mismatch), -EINVAL (bad descriptor), -ENOMEM.
 */
int vmm_plugin_open(const char *path, struct vmm_plugin **out);

/*
 * Find @type on @pp and open it. -ENOENT (logged with every directory
 * tried) when no directory has it; otherwise as vmm_plugin_open(). @type
 * must be a plain name: no '/', not empty, not starting with '.'.
 */
int vmm_plugin_load(const struct vmm_plugin_path *pp, const char *type,
		    struct vmm_plugin **out);
/*
 * Same, for the machine file's `type` key at @at: each failure is said
 * once, there ("FILE:LINE: [device \"ID\"] type: REASON"). NULL @at is
 * vmm_plugin_load().
 */
int vmm_plugin_load_at(const struct vmm_plugin_path *pp, const char *type,
		       const struct vmm_origin *at, struct vmm_plugin **out);

void vmm_plugin_close(struct vmm_plugin *p);

/*
 * Call @fn for every distinct plugin type found on @pp (the first file of
 * each name wins, as for loading), sorted by name. A file that fails to
 * open is reported by @fn with p == NULL and its error. Returns 0 or -ENOMEM.
 */
int vmm_plugin_foreach(const struct vmm_plugin_path *pp,
		       void (*fn)(const char *type, const char *path,
				  const struct vmm_plugin *p, int err,
				  void *arg),
		       void *arg);

#endif
