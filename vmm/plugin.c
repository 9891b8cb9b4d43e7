// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * plugin.c - find, load and check device plugins.
 *
 * Loading is dlopen(RTLD_NOW | RTLD_LOCAL): an unresolved symbol fails here,
 * not in the middle of a run, and plugins cannot see each other's symbols.
 * The descriptor's versions are checked before any callback is called.
 */
#include "config.h"

#include "plugin.h"

#include "log.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int path_add(struct vmm_plugin_path *pp, const char *dir, size_t len)
{
	char **dirs;

	if (len == 0)
		return 0;
	for (size_t i = 0; i < pp->n; i++)
		if (strlen(pp->dirs[i]) == len && !strncmp(pp->dirs[i], dir, len))
			return 0;
	dirs = realloc(pp->dirs, (pp->n + 1) * sizeof(*dirs));
	if (!dirs)
		return -ENOMEM;
	pp->dirs = dirs;
	dirs[pp->n] = strndup(dir, len);
	if (!dirs[pp->n])
		return -ENOMEM;
	pp->n++;
	return 0;
}

static int path_add_list(struct vmm_plugin_path *pp, const char *list)
{
	while (list && *list) {
		const char *colon = strchr(list, ':');
		size_t len = colon ? (size_t)(colon - list) : strlen(list);
		int ret = path_add(pp, list, len);

		if (ret)
			return ret;
		list = colon ? colon + 1 : NULL;
	}
	return 0;
}

/* True when this process is the plugvm binary of the build tree. */
static bool running_from_build_tree(void)
{
#ifdef PLUGVM_BUILD_BINARY
	char self[PATH_MAX], built[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return false;
	self[n] = '\0';
	if (!realpath(PLUGVM_BUILD_BINARY, built))
		return false;
	return strcmp(self, built) == 0;
#else
	return false;
#endif
}

int vmm_plugin_path_init(struct vmm_plugin_path *pp, const char *cli)
{
	int ret;

	pp->dirs = NULL;
	pp->n = 0;
	ret = path_add_list(pp, cli);
	if (!ret)
		ret = path_add_list(pp, getenv("PLUGVM_PLUGIN_PATH"));
#ifdef PLUGVM_BUILD_PLUGINDIR
	if (!ret && running_from_build_tree())
		ret = path_add_list(pp, PLUGVM_BUILD_PLUGINDIR);
#endif
#ifdef PLUGVM_PLUGINDIR
	if (!ret)
		ret = path_add_list(pp, PLUGVM_PLUGINDIR);
#endif
	if (ret)
		vmm_plugin_path_free(pp);
	return ret;
}

void vmm_plugin_path_free(struct vmm_plugin_path *pp)
{
	for (size_t i = 0; i < pp->n; i++)
		free(pp->dirs[i]);
	free(pp->dirs);
	pp->dirs = NULL;
	pp->n = 0;
}

static bool valid_setting_name(const char *name)
{
	if (!name || !*name)
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
		      *c == '-'))
			return false;
	return true;
}

/* Check what the host relies on in a descriptor whose ABI matched. */
static int check_descriptor(const char *path, const struct plugvm_plugin *d)
{
	const struct plugvm_setting *s;

	if (d->min_api_version > PLUGVM_API_VERSION) {
		vmm_err("%s: plugin needs host API version %u, but this plugvm provides API version %u; upgrade plugvm or rebuild the plugin",
			path, d->min_api_version, PLUGVM_API_VERSION);
		return -EPROTO;
	}
	if (!d->name || !*d->name) {
		vmm_err("%s: plugin descriptor has no name", path);
		return -EINVAL;
	}
	if (!d->create) {
		vmm_err("%s: plugin '%s' has no create() callback", path,
			d->name);
		return -EINVAL;
	}
	for (s = d->settings; s && s->name; s++) {
		if (!valid_setting_name(s->name) || !strcmp(s->name, "type")) {
			vmm_err("%s: plugin '%s' declares an invalid setting name '%s'",
				path, d->name, s->name);
			return -EINVAL;
		}
		if (s->type > PLUGVM_SETTING_ENUM ||
		    (s->type == PLUGVM_SETTING_ENUM &&
		     (!s->choices || !s->choices[0]))) {
			vmm_err("%s: plugin '%s': setting '%s' has a bad type or no choices",
				path, d->name, s->name);
			return -EINVAL;
		}
		for (const struct plugvm_setting *t = d->settings; t < s; t++)
			if (!strcmp(t->name, s->name)) {
				vmm_err("%s: plugin '%s' declares setting '%s' twice",
					path, d->name, s->name);
				return -EINVAL;
			}
	}
	return 0;
}

int vmm_plugin_open(const char *path, struct vmm_plugin **out)
{
	plugvm_plugin_describe_fn describe;
	const struct plugvm_plugin *d;
	struct vmm_plugin *p;
	void *handle;
	int ret;

	if (access(path, F_OK)) {
		ret = -errno;
		vmm_err("%s: cannot open plugin: %s", path, strerror(errno));
		return ret;
	}
	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		vmm_err("%s: cannot load plugin: %s", path, dlerror());
		return -ENOEXEC;
	}
	dlerror();
	*(void **)&describe = dlsym(handle, PLUGVM_PLUGIN_SYMBOL);
	if (!describe) {
		const char *why = dlerror();

		vmm_err("%s: not a plugvm plugin: no %s() entry point%s%s",
			path, PLUGVM_PLUGIN_SYMBOL, why ? ": " : "",
			why ? why : "");
		ret = -ENOEXEC;
		goto out_close;
	}
	d = describe();
	if (!d) {
		vmm_err("%s: %s() returned no descriptor", path,
			PLUGVM_PLUGIN_SYMBOL);
		ret = -EINVAL;
		goto out_close;
	}
	if (d->abi_version != PLUGVM_ABI_VERSION) {
		vmm_err("%s: plugin was built for plugin ABI version %u, but this plugvm uses ABI version %u; rebuild the plugin against this plugvm's <plugvm/plugin.h>",
			path, d->abi_version, PLUGVM_ABI_VERSION);
		ret = -EPROTO;
		goto out_close;
	}
	ret = check_descriptor(path, d);
	if (ret)
		goto out_close;

	p = calloc(1, sizeof(*p));
	if (!p) {
		ret = -ENOMEM;
		goto out_close;
	}
	p->path = strdup(path);
	if (!p->path) {
		ret = -ENOMEM;
		goto out_free;
	}
	p->handle = handle;
	p->desc = d;
	*out = p;
	return 0;

out_free:
	free(p);
out_close:
	dlclose(handle);
	return ret;
}

static bool valid_type(const char *type)
{
	return type && *type && *type != '.' && !strchr(type, '/');
}

/* "<dir>/<type>.so" if that file exists, else NULL (or -ENOMEM). */
static int candidate(const char *dir, const char *type, char **out)
{
	struct stat st;

	*out = NULL;
	if (asprintf(out, "%s/%s.so", dir, type) < 0) {
		*out = NULL;
		return -ENOMEM;
	}
	if (stat(*out, &st) == 0 && !S_ISDIR(st.st_mode))
		return 0;
	free(*out);
	*out = NULL;
	return 0;
}

int vmm_plugin_load(const struct vmm_plugin_path *pp, const char *type,
		    struct vmm_plugin **out)
{
	char *path = NULL;
	int ret;

	if (!valid_type(type)) {
		vmm_err("'%s' is not a valid device type", type ? type : "");
		return -EINVAL;
	}
	for (size_t i = 0; i < pp->n; i++) {
		ret = candidate(pp->dirs[i], type, &path);
		if (ret)
			return ret;
		if (path)
			break;
	}
	if (!path) {
		vmm_err("no plugin for device type '%s': %s.so is not in any of:",
			type, type);
		for (size_t i = 0; i < pp->n; i++)
			vmm_err("  %s", pp->dirs[i]);
		if (pp->n == 0)
			vmm_err("  (the plugin path is empty)");
		return -ENOENT;
	}
	ret = vmm_plugin_open(path, out);
	if (!ret && strcmp((*out)->desc->name, type)) {
		vmm_err("%s: plugin calls itself '%s', but was loaded as type '%s'; the file must be named %s.so",
			path, (*out)->desc->name, type, (*out)->desc->name);
		vmm_plugin_close(*out);
		*out = NULL;
		ret = -EINVAL;
	}
	free(path);
	return ret;
}

void vmm_plugin_close(struct vmm_plugin *p)
{
	if (!p)
		return;
	dlclose(p->handle);
	free(p->path);
	free(p);
}

struct found {
	char *type;
	char *path;
};

static int cmp_found(const void *a, const void *b)
{
	return strcmp(((const struct found *)a)->type,
		      ((const struct found *)b)->type);
}

/* Add every <type>.so of @dir not seen yet to @list. */
static int scan_dir(const char *dir, struct found **list, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int ret = 0;

	if (!d)
		return 0;
	while (!ret && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		struct found *l;
		bool seen = false;

		if (len <= 3 || strcmp(e->d_name + len - 3, ".so") ||
		    e->d_name[0] == '.')
			continue;
		for (size_t i = 0; i < *n && !seen; i++)
			seen = strlen((*list)[i].type) == len - 3 &&
			       !strncmp((*list)[i].type, e->d_name, len - 3);
		if (seen)
			continue;
		l = realloc(*list, (*n + 1) * sizeof(*l));
		if (!l) {
			ret = -ENOMEM;
			break;
		}
		*list = l;
		l[*n].type = strndup(e->d_name, len - 3);
		if (asprintf(&l[*n].path, "%s/%s", dir, e->d_name) < 0)
			l[*n].path = NULL;
		if (!l[*n].type || !l[*n].path) {
			free(l[*n].type);
			free(l[*n].path);
			ret = -ENOMEM;
			break;
		}
		(*n)++;
	}
	closedir(d);
	return ret;
}

int vmm_plugin_foreach(const struct vmm_plugin_path *pp,
		       void (*fn)(const char *type, const char *path,
				  const struct vmm_plugin *p, int err,
				  void *arg),
		       void *arg)
{
	struct found *list = NULL;
	size_t n = 0;
	int ret = 0;

	for (size_t i = 0; i < pp->n && !ret; i++)
		ret = scan_dir(pp->dirs[i], &list, &n);
	if (!ret && n)
		qsort(list, n, sizeof(*list), cmp_found);
	for (size_t i = 0; i < n; i++) {
		struct vmm_plugin *p = NULL;
		int err = ret ? 0 : vmm_plugin_open(list[i].path, &p);

		if (!ret)
			fn(list[i].type, list[i].path, p, err, arg);
		vmm_plugin_close(p);
		free(list[i].type);
		free(list[i].path);
	}
	free(list);
	return ret;
}
