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
#include "settings.h"

#include <dirent.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
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

/* The ELF machine, class and byte order plugvm itself was built for. */
#if defined(__x86_64__)
#define HOST_MACHINE EM_X86_64
#elif defined(__i386__)
#define HOST_MACHINE EM_386
#elif defined(__aarch64__)
#define HOST_MACHINE EM_AARCH64
#elif defined(__arm__)
#define HOST_MACHINE EM_ARM
#elif defined(__riscv)
#define HOST_MACHINE EM_RISCV
#elif defined(__powerpc64__)
#define HOST_MACHINE EM_PPC64
#elif defined(__s390x__)
#define HOST_MACHINE EM_S390
#endif
#define HOST_CLASS (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32)
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HOST_DATA ELFDATA2LSB
#else
#define HOST_DATA ELFDATA2MSB
#endif

static const char *machine_name(unsigned m)
{
	switch (m) {
	case EM_X86_64:
		return "x86-64";
	case EM_386:
		return "i386";
	case EM_AARCH64:
		return "aarch64";
	case EM_ARM:
		return "arm";
	case EM_RISCV:
		return "riscv";
	case EM_PPC64:
		return "ppc64";
	case EM_PPC:
		return "ppc";
	case EM_S390:
		return "s390";
	case EM_MIPS:
		return "mips";
	default:
		return NULL;
	}
}

/*
 * Why dlopen() refused @path, when its ELF header tells: a file that is no
 * ELF, or one for another machine, class or byte order, for which glibc
 * says only "No such file or directory" or "wrong ELF class". Writes the
 * reason into @buf and returns it, or NULL when the header looks right.
 */
static const char *elf_mismatch(const char *path, char *buf, size_t size)
{
	unsigned char h[EI_NIDENT + 4];
	const char *want, *got;
	unsigned machine;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, h, sizeof(h));
	close(fd);
	if (n < 4 || memcmp(h, ELFMAG, SELFMAG))
		return "not an ELF file (a plugin is a shared object built for this machine)";
	if (n < (ssize_t)sizeof(h))
		return "a truncated ELF file";
	if (h[EI_CLASS] != HOST_CLASS) {
		snprintf(buf, size,
			 "an ELF file of class %s, but this plugvm is %d-bit",
			 h[EI_CLASS] == ELFCLASS32   ? "ELFCLASS32 (32-bit)"
			 : h[EI_CLASS] == ELFCLASS64 ? "ELFCLASS64 (64-bit)"
						     : "unknown",
			 HOST_CLASS == ELFCLASS64 ? 64 : 32);
		return buf;
	}
	if (h[EI_DATA] != HOST_DATA) {
		snprintf(buf, size,
			 "an ELF file of the other byte order (%s-endian)",
			 h[EI_DATA] == ELFDATA2MSB ? "big" : "little");
		return buf;
	}
	/* e_type, then e_machine, in the file's (our) byte order */
	machine = HOST_DATA == ELFDATA2LSB
			  ? (unsigned)h[EI_NIDENT + 2] |
				    (unsigned)h[EI_NIDENT + 3] << 8
			  : (unsigned)h[EI_NIDENT + 2] << 8 |
				    (unsigned)h[EI_NIDENT + 3];
#ifdef HOST_MACHINE
	if (machine != HOST_MACHINE) {
		got = machine_name(machine);
		want = machine_name(HOST_MACHINE);
		if (got)
			snprintf(buf, size,
				 "an ELF file for %s, but this plugvm runs on %s",
				 got, want);
		else
			snprintf(buf, size,
				 "an ELF file for machine %u, but this plugvm runs on %s",
				 machine, want);
		return buf;
	}
#else
	(void)want;
	(void)got;
	(void)machine_name;
#endif
	return NULL;
}

/* Check what the host relies on in a descriptor whose ABI matched. */
static int check_descriptor(const char *path, const struct plugvm_plugin *d)
{
	char who[PATH_MAX + 128];

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
	snprintf(who, sizeof(who), "%s: plugin '%s'", path, d->name);
	if (vmm_settings_check_table(who, d->settings))
		return -EINVAL;
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
		char buf[160];
		const char *why = dlerror();
		const char *elf = elf_mismatch(path, buf, sizeof(buf));

		if (elf)
			vmm_err("%s: cannot load plugin: it is %s", path, elf);
		else
			vmm_err("%s: cannot load plugin: %s", path, why);
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
