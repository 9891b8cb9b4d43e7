// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devtest.c - the device test kit (libplugvm-devtest).
 *
 * The kit is a machine without vCPUs: an iobus, optional guest RAM and a
 * struct vmm_device_env whose hooks record what devices do. Plugins are
 * loaded, configured and created by the same core code plugvm uses.
 *
 * The core reports its own errors (loader, settings, bus) on stderr. So
 * that a test can see them, plugvm_devtest_add() points file descriptor 2
 * at a temporary file while it runs and turns what was written there into
 * log entries afterwards. Devices' messages arrive through the log hook
 * meanwhile; each remembers the file offset at the time, so the two streams
 * are merged back into the order they were written in.
 */
#include "config.h"

#include <plugvm/devtest.h>

#include "device.h"
#include "iobus.h"
#include "log.h"
#include "plugin.h"
#include "settings.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct devtest_dev {
	struct vmm_device *dev;
	struct vmm_plugin *plugin;
};

struct devtest_log {
	struct plugvm_devtest_log_entry e;
	char *device;
	char *msg;
	long pos; /* offset in the stderr capture when logged, or -1 */
};

struct plugvm_devtest {
	struct vmm_iobus *bus;
	struct vmm_device_env env;
	uint8_t *ram;
	size_t ram_size;

	struct devtest_dev *devs;
	size_t n_devs, cap_devs;

	/* @lock guards everything below: hooks may run on other threads. */
	pthread_mutex_t lock;
	struct devtest_log **log;
	size_t n_log, cap_log;
	struct plugvm_devtest_irq irq[PLUGVM_DEVTEST_IRQ_LINES];
	int irq_error;
	unsigned int exits;
	int exit_status;

	_Atomic int last_result;
	bool verbose;
	char error[512];

	/* stderr capture while add() runs */
	FILE *cap_file;	 /* NULL when not capturing */
	int real_stderr; /* the saved descriptor 2 while capturing */
};

static const char *const level_names[] = {
	[PLUGVM_LOG_ERROR] = "error",
	[PLUGVM_LOG_WARN] = "warning",
	[PLUGVM_LOG_GUEST_ERROR] = "guest error",
	[PLUGVM_LOG_INFO] = "info",
	[PLUGVM_LOG_DEBUG] = "debug",
};

static const char *level_name(enum plugvm_log_level level)
{
	return (unsigned int)level <= PLUGVM_LOG_DEBUG ? level_names[level]
						       : "?";
}

/* ------------------------------------------------------------------------ */
/* The log                                                                  */
/* ------------------------------------------------------------------------ */

static void log_free_entry(struct devtest_log *l)
{
	if (!l)
		return;
	free(l->device);
	free(l->msg);
	free(l);
}

/* Make a log entry; NULL when out of memory. */
static struct devtest_log *log_new_entry(enum plugvm_log_level level,
					 const char *device, const char *msg,
					 long pos)
{
	struct devtest_log *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->msg = strdup(msg);
	if (!l->msg)
		goto out_free_entry;
	if (device) {
		l->device = strdup(device);
		if (!l->device)
			goto out_free_entry;
	}
	l->pos = pos;
	l->e.level = level;
	l->e.device = l->device;
	l->e.msg = l->msg;
	return l;

out_free_entry:
	log_free_entry(l);
	return NULL;
}

/* Append @l (taking it) to the log. Lock held. */
static void log_push(struct plugvm_devtest *t, struct devtest_log *l)
{
	if (t->n_log == t->cap_log) {
		size_t cap = t->cap_log ? 2 * t->cap_log : 32;
		void *p = realloc(t->log, cap * sizeof(*t->log));

		if (!p) {
			log_free_entry(l);
			return;
		}
		t->log = p;
		t->cap_log = cap;
	}
	t->log[t->n_log++] = l;
}

/* With PLUGVM_DEVTEST_VERBOSE, show @l on the real stderr. */
static void log_echo(const struct plugvm_devtest *t,
		     const struct devtest_log *l)
{
	if (t->verbose)
		dprintf(STDERR_FILENO, "devtest: %s%s%s: %s\n",
			l->device ? l->device : "", l->device ? ": " : "",
			level_name(l->e.level), l->msg);
}

/*
 * Make and append an entry. While stderr is captured, remember where the
 * capture stands, and leave the echo to capture_end(). Lock held.
 */
static void log_add(struct plugvm_devtest *t, enum plugvm_log_level level,
		    const char *device, const char *msg)
{
	struct devtest_log *l;
	long pos = -1;

	if (t->cap_file) {
		fflush(stderr);
		pos = lseek(STDERR_FILENO, 0, SEEK_CUR);
	}
	l = log_new_entry(level, device, msg, pos);
	if (!l)
		return;
	if (!t->cap_file)
		log_echo(t, l);
	log_push(t, l);
}

static void devtest_log_hook(void *ctx, struct vmm_device *dev,
			     enum plugvm_log_level level, const char *msg)
{
	struct plugvm_devtest *t = ctx;

	pthread_mutex_lock(&t->lock);
	log_add(t, level, dev ? dev->id : NULL, msg);
	pthread_mutex_unlock(&t->lock);
}

/* A line the core wrote to stderr: "plugvm: [LEVEL: ]MESSAGE" or other. */
static struct devtest_log *log_parse_line(char *line, long pos)
{
	static const char prefix[] = "plugvm: ";
	enum plugvm_log_level level = PLUGVM_LOG_ERROR;
	size_t len = strlen(line);

	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	if (!strncmp(line, prefix, sizeof(prefix) - 1)) {
		line += sizeof(prefix) - 1;
		level = PLUGVM_LOG_INFO; /* info messages carry no level name */
		for (int i = PLUGVM_LOG_ERROR; i <= PLUGVM_LOG_DEBUG; i++) {
			size_t n = strlen(level_names[i]);

			if (i != PLUGVM_LOG_INFO &&
			    !strncmp(line, level_names[i], n) &&
			    !strncmp(line + n, ": ", 2)) {
				level = i;
				line += n + 2;
				break;
			}
		}
	}
	return log_new_entry(level, NULL, line, pos);
}

/* ------------------------------------------------------------------------ */
/* Capturing the core's stderr                                              */
/* ------------------------------------------------------------------------ */

/* Point descriptor 2 at a temporary file. On failure, simply don't. */
static void capture_begin(struct plugvm_devtest *t)
{
	FILE *f = tmpfile();

	if (!f)
		return;
	fflush(stderr);
	t->real_stderr = dup(STDERR_FILENO);
	if (t->real_stderr < 0)
		goto out_close_file;
	if (dup2(fileno(f), STDERR_FILENO) < 0)
		goto out_close_saved;
	pthread_mutex_lock(&t->lock);
	t->cap_file = f;
	pthread_mutex_unlock(&t->lock);
	return;

out_close_saved:
	close(t->real_stderr);
	t->real_stderr = -1;
out_close_file:
	fclose(f);
}

/*
 * Restore descriptor 2 and merge the captured lines with the device
 * messages logged meanwhile (entries @first onwards), by file offset.
 */
static void capture_end(struct plugvm_devtest *t, size_t first)
{
	struct devtest_log **dev_msgs = NULL;
	size_t n_dev = 0, next = 0;
	char *line = NULL;
	size_t line_cap = 0;
	FILE *f;
	long pos;

	fflush(stderr);
	pthread_mutex_lock(&t->lock);
	f = t->cap_file;
	if (!f) {
		pthread_mutex_unlock(&t->lock);
		return;
	}
	t->cap_file = NULL;
	dup2(t->real_stderr, STDERR_FILENO);
	close(t->real_stderr);
	t->real_stderr = -1;

	/* Take the device messages out, then put everything back in order. */
	if (t->n_log > first) {
		n_dev = t->n_log - first;
		dev_msgs = malloc(n_dev * sizeof(*dev_msgs));
		if (dev_msgs) {
			memcpy(dev_msgs, &t->log[first],
			       n_dev * sizeof(*dev_msgs));
			t->n_log = first;
		} else {
			n_dev = 0; /* leave them where they are */
		}
	}
	rewind(f);
	for (pos = 0;; pos = ftell(f)) {
		struct devtest_log *l;

		if (getline(&line, &line_cap, f) < 0)
			break;
		while (next < n_dev && dev_msgs[next]->pos <= pos) {
			log_echo(t, dev_msgs[next]);
			log_push(t, dev_msgs[next++]);
		}
		l = log_parse_line(line, pos);
		if (!l)
			continue;
		log_echo(t, l);
		log_push(t, l);
	}
	for (; next < n_dev; next++) {
		log_echo(t, dev_msgs[next]);
		log_push(t, dev_msgs[next]);
	}
	pthread_mutex_unlock(&t->lock);

	free(line);
	free(dev_msgs);
	fclose(f);
}

/* ------------------------------------------------------------------------ */
/* The machine the devices see                                              */
/* ------------------------------------------------------------------------ */

static void devtest_exit_hook(void *ctx, struct vmm_device *dev, int status)
{
	struct plugvm_devtest *t = ctx;

	pthread_mutex_lock(&t->lock);
	if (!t->exits++)
		t->exit_status = status;
	pthread_mutex_unlock(&t->lock);
}

static int devtest_irq_hook(void *ctx, struct vmm_device *dev,
			    unsigned int line, bool level)
{
	struct plugvm_devtest *t = ctx;
	struct plugvm_devtest_irq *irq;
	int ret = 0;

	pthread_mutex_lock(&t->lock);
	if (t->irq_error) {
		ret = t->irq_error;
	} else if (line >= PLUGVM_DEVTEST_IRQ_LINES) {
		ret = -EINVAL;
	} else {
		irq = &t->irq[line];
		irq->calls++;
		if (irq->level != level)
			irq->edges++;
		irq->level = level;
	}
	pthread_mutex_unlock(&t->lock);
	return ret;
}

struct plugvm_devtest *plugvm_devtest_new(size_t ram_size)
{
	struct plugvm_devtest *t = calloc(1, sizeof(*t));
	const char *verbose = getenv("PLUGVM_DEVTEST_VERBOSE");

	if (!t)
		return NULL;
	t->bus = vmm_iobus_new();
	if (!t->bus)
		goto out_free_bench;
	if (ram_size) {
		t->ram = calloc(1, ram_size);
		if (!t->ram)
			goto out_free_bus;
		t->ram_size = ram_size;
	}
	pthread_mutex_init(&t->lock, NULL);
	atomic_init(&t->last_result, PLUGVM_DEVTEST_OK);
	t->verbose = verbose && *verbose && strcmp(verbose, "0");
	t->real_stderr = -1;

	t->env.bus = t->bus;
	t->env.ram = t->ram;
	t->env.ram_size = t->ram_size;
	t->env.ctx = t;
	t->env.exit_request = devtest_exit_hook;
	t->env.set_irq = devtest_irq_hook;
	t->env.log = devtest_log_hook;
	return t;

out_free_bus:
	vmm_iobus_free(t->bus);
out_free_bench:
	free(t);
	return NULL;
}

static bool devtest_id_taken(const struct plugvm_devtest *t, const char *id)
{
	for (size_t i = 0; i < t->n_devs; i++)
		if (!strcmp(t->devs[i].dev->id, id))
			return true;
	return false;
}

/* "<type><n>", n counting the devices of that type so far. */
static char *devtest_default_id(const struct plugvm_devtest *t,
				const struct vmm_plugin *plugin)
{
	const char *type = plugin->desc->name;
	size_t n = 0;
	char *id;

	for (size_t i = 0; i < t->n_devs; i++)
		if (!strcmp(t->devs[i].plugin->desc->name, type))
			n++;
	for (;; n++) {
		if (asprintf(&id, "%s%zu", type, n) < 0)
			return NULL;
		if (!devtest_id_taken(t, id))
			return id;
		free(id);
	}
}

/* Log an error of the kit's own (not tied to a device). */
static void devtest_err(struct plugvm_devtest *t, const char *fmt, ...)
	PLUGVM_PRINTF(2, 3);

static void devtest_err(struct plugvm_devtest *t, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&t->lock);
	log_add(t, PLUGVM_LOG_ERROR, NULL, msg);
	pthread_mutex_unlock(&t->lock);
}

static int devtest_reserve_dev(struct plugvm_devtest *t)
{
	size_t cap;
	void *p;

	if (t->n_devs < t->cap_devs)
		return 0;
	cap = t->cap_devs ? 2 * t->cap_devs : 4;
	p = realloc(t->devs, cap * sizeof(*t->devs));
	if (!p)
		return -ENOMEM;
	t->devs = p;
	t->cap_devs = cap;
	return 0;
}

/* The steps of add(), with descriptor 2 captured. *@step names the failure. */
static int devtest_add_captured(struct plugvm_devtest *t,
				const char *plugin_path, const char *id,
				const char *const *settings, const char **step)
{
	static const char *const no_settings[] = { NULL };
	struct plugvm_value *values = NULL;
	struct vmm_plugin *plugin;
	struct vmm_device *dev;
	char *own_id = NULL;
	size_t n = 0;
	int ret;

	*step = "loading the plugin";
	ret = vmm_plugin_open(plugin_path, &plugin);
	if (ret)
		return ret;

	*step = "choosing the id";
	if (!id) {
		ret = -ENOMEM;
		id = own_id = devtest_default_id(t, plugin);
		if (!id)
			goto out_close_plugin;
	}
	if (devtest_id_taken(t, id)) {
		devtest_err(t, "device id '%s' is already taken", id);
		ret = -EEXIST;
		goto out_free_id;
	}

	*step = "converting the settings";
	if (!settings)
		settings = no_settings;
	while (settings[n])
		n++;
	if (n % 2) {
		devtest_err(t, "%s: setting '%s' has no value", id,
			    settings[n - 1]);
		ret = -EINVAL;
		goto out_free_id;
	}
	ret = vmm_settings_convert_pairs(id, settings, plugin->desc->settings,
					 &values);
	if (ret)
		goto out_free_id;

	*step = "creating the device";
	ret = devtest_reserve_dev(t);
	if (ret) {
		vmm_settings_free(plugin->desc->settings, values);
		goto out_free_id;
	}
	ret = vmm_device_create(id, plugin, values, &t->env, &dev);
	if (ret)
		goto out_free_id;
	t->devs[t->n_devs].dev = dev;
	t->devs[t->n_devs].plugin = plugin;
	t->n_devs++;
	free(own_id);
	return 0;

out_free_id:
	free(own_id);
out_close_plugin:
	vmm_plugin_close(plugin);
	return ret;
}

/* On failure, the first error logged since entry @first, or @step. */
static void devtest_set_error(struct plugvm_devtest *t, size_t first,
			      const char *plugin_path, const char *step,
			      int err)
{
	pthread_mutex_lock(&t->lock);
	for (size_t i = first; i < t->n_log; i++) {
		if (t->log[i]->e.level == PLUGVM_LOG_ERROR) {
			snprintf(t->error, sizeof(t->error), "%s",
				 t->log[i]->msg);
			pthread_mutex_unlock(&t->lock);
			return;
		}
	}
	pthread_mutex_unlock(&t->lock);
	snprintf(t->error, sizeof(t->error), "%s: %s failed: %s",
		 plugin_path ? plugin_path : "(null)", step, strerror(-err));
}

int plugvm_devtest_add(struct plugvm_devtest *t, const char *plugin_path,
		       const char *id, const char *const *settings)
{
	const char *step = "checking the arguments";
	int saved_verbosity;
	size_t first;
	int ret;

	if (!t)
		return -EINVAL;
	t->error[0] = '\0';
	pthread_mutex_lock(&t->lock);
	first = t->n_log;
	pthread_mutex_unlock(&t->lock);
	if (!plugin_path) {
		ret = -EINVAL;
		goto out_error;
	}

	saved_verbosity = vmm_verbosity;
	vmm_verbosity = 2; /* capture all the core says; tests filter */
	capture_begin(t);
	ret = devtest_add_captured(t, plugin_path, id, settings, &step);
	capture_end(t, first);
	vmm_verbosity = saved_verbosity;
	if (!ret)
		return 0;

out_error:
	devtest_set_error(t, first, plugin_path, step, ret);
	return ret;
}

struct plugvm_devtest *plugvm_devtest_open(const char *plugin_path,
					   const char *id,
					   const char *const *settings,
					   size_t ram_size)
{
	struct plugvm_devtest *t = plugvm_devtest_new(ram_size);
	int ret;

	if (!t) {
		fprintf(stderr, "plugvm_devtest_open: %s\n", strerror(ENOMEM));
		return NULL;
	}
	ret = plugvm_devtest_add(t, plugin_path, id, settings);
	if (ret) {
		fprintf(stderr, "plugvm_devtest_open: %s: %s (%s)\n",
			plugin_path ? plugin_path : "(null)", t->error,
			strerror(-ret));
		plugvm_devtest_free(t);
		return NULL;
	}
	return t;
}

const char *plugvm_devtest_error(const struct plugvm_devtest *t)
{
	return t ? t->error : "no test bench";
}

void plugvm_devtest_reset(struct plugvm_devtest *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_devs; i++)
		vmm_device_reset(t->devs[i].dev);
}

void plugvm_devtest_shutdown(struct plugvm_devtest *t)
{
	if (!t)
		return;
	while (t->n_devs) {
		struct devtest_dev *d = &t->devs[--t->n_devs];

		vmm_iobus_unregister_device(t->bus, d->dev);
		vmm_device_destroy(d->dev);
		vmm_plugin_close(d->plugin);
	}
}

void plugvm_devtest_free(struct plugvm_devtest *t)
{
	if (!t)
		return;
	plugvm_devtest_shutdown(t);
	plugvm_devtest_log_clear(t);
	free(t->log);
	free(t->devs);
	free(t->ram);
	vmm_iobus_free(t->bus);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* ------------------------------------------------------------------------ */
/* Accesses                                                                 */
/* ------------------------------------------------------------------------ */

static uint64_t all_ones(unsigned int size)
{
	return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

static enum plugvm_devtest_result
devtest_access(struct plugvm_devtest *t, enum plugvm_space space, uint64_t addr,
	       unsigned int size, bool is_write, uint64_t *value)
{
	const struct vmm_io_range *range;
	enum plugvm_devtest_result res;

	if (!t || !value ||
	    (size != 1 && size != 2 && size != 4 && size != 8)) {
		res = PLUGVM_DEVTEST_INVALID;
	} else {
		switch (vmm_iobus_access(t->bus, space, addr, size, is_write,
					 value, &range)) {
		case VMM_IO_OK:
			res = PLUGVM_DEVTEST_OK;
			break;
		case VMM_IO_UNMAPPED:
			res = PLUGVM_DEVTEST_UNMAPPED;
			break;
		case VMM_IO_STRADDLE:
			res = PLUGVM_DEVTEST_STRADDLE;
			break;
		case VMM_IO_BAD_SIZE:
			res = PLUGVM_DEVTEST_BAD_SIZE;
			break;
		default:
			res = PLUGVM_DEVTEST_INVALID;
			break;
		}
	}
	if (res != PLUGVM_DEVTEST_OK && !is_write && value)
		*value = all_ones(size);
	if (t)
		atomic_store(&t->last_result, res);
	return res;
}

enum plugvm_devtest_result plugvm_devtest_pio_read(struct plugvm_devtest *t,
						   uint16_t port,
						   unsigned int size,
						   uint64_t *value)
{
	return devtest_access(t, PLUGVM_SPACE_PIO, port, size, false, value);
}

enum plugvm_devtest_result plugvm_devtest_pio_write(struct plugvm_devtest *t,
						    uint16_t port,
						    unsigned int size,
						    uint64_t value)
{
	return devtest_access(t, PLUGVM_SPACE_PIO, port, size, true, &value);
}

enum plugvm_devtest_result plugvm_devtest_mmio_read(struct plugvm_devtest *t,
						    uint64_t addr,
						    unsigned int size,
						    uint64_t *value)
{
	return devtest_access(t, PLUGVM_SPACE_MMIO, addr, size, false, value);
}

enum plugvm_devtest_result plugvm_devtest_mmio_write(struct plugvm_devtest *t,
						     uint64_t addr,
						     unsigned int size,
						     uint64_t value)
{
	return devtest_access(t, PLUGVM_SPACE_MMIO, addr, size, true, &value);
}

uint8_t plugvm_devtest_inb(struct plugvm_devtest *t, uint16_t port)
{
	uint64_t value;

	plugvm_devtest_pio_read(t, port, 1, &value);
	return value;
}

void plugvm_devtest_outb(struct plugvm_devtest *t, uint16_t port, uint8_t value)
{
	plugvm_devtest_pio_write(t, port, 1, value);
}

enum plugvm_devtest_result
plugvm_devtest_last_result(const struct plugvm_devtest *t)
{
	if (!t)
		return PLUGVM_DEVTEST_INVALID;
	return atomic_load(&((struct plugvm_devtest *)t)->last_result);
}

const char *plugvm_devtest_result_name(enum plugvm_devtest_result r)
{
	switch (r) {
	case PLUGVM_DEVTEST_OK:
		return "ok";
	case PLUGVM_DEVTEST_UNMAPPED:
		return "unmapped";
	case PLUGVM_DEVTEST_STRADDLE:
		return "straddle";
	case PLUGVM_DEVTEST_BAD_SIZE:
		return "bad size";
	default:
		return "invalid";
	}
}

uint8_t *plugvm_devtest_ram(struct plugvm_devtest *t, size_t *size)
{
	if (size)
		*size = t ? t->ram_size : 0;
	return t ? t->ram : NULL;
}

/* ------------------------------------------------------------------------ */
/* Records                                                                  */
/* ------------------------------------------------------------------------ */

size_t plugvm_devtest_log_count(const struct plugvm_devtest *t)
{
	struct plugvm_devtest *mt = (struct plugvm_devtest *)t;
	size_t n;

	if (!t)
		return 0;
	pthread_mutex_lock(&mt->lock);
	n = t->n_log;
	pthread_mutex_unlock(&mt->lock);
	return n;
}

const struct plugvm_devtest_log_entry *
plugvm_devtest_log_entry(const struct plugvm_devtest *t, size_t i)
{
	struct plugvm_devtest *mt = (struct plugvm_devtest *)t;
	const struct plugvm_devtest_log_entry *e = NULL;

	if (!t)
		return NULL;
	pthread_mutex_lock(&mt->lock);
	if (i < t->n_log)
		e = &t->log[i]->e;
	pthread_mutex_unlock(&mt->lock);
	return e;
}

const struct plugvm_devtest_log_entry *
plugvm_devtest_log_find(const struct plugvm_devtest *t, int level,
			const char *substr)
{
	struct plugvm_devtest *mt = (struct plugvm_devtest *)t;
	const struct plugvm_devtest_log_entry *e = NULL;

	if (!t || !substr)
		return NULL;
	pthread_mutex_lock(&mt->lock);
	for (size_t i = 0; i < t->n_log; i++) {
		const struct devtest_log *l = t->log[i];

		if ((level == PLUGVM_DEVTEST_ANY_LEVEL ||
		     (int)l->e.level == level) &&
		    strstr(l->msg, substr)) {
			e = &l->e;
			break;
		}
	}
	pthread_mutex_unlock(&mt->lock);
	return e;
}

bool plugvm_devtest_log_contains(const struct plugvm_devtest *t,
				 const char *substr)
{
	return plugvm_devtest_log_find(t, PLUGVM_DEVTEST_ANY_LEVEL, substr);
}

void plugvm_devtest_log_clear(struct plugvm_devtest *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->n_log; i++)
		log_free_entry(t->log[i]);
	t->n_log = 0;
	pthread_mutex_unlock(&t->lock);
}

struct plugvm_devtest_irq plugvm_devtest_irq(const struct plugvm_devtest *t,
					     unsigned int line)
{
	struct plugvm_devtest *mt = (struct plugvm_devtest *)t;
	struct plugvm_devtest_irq irq = { 0 };

	if (!t || line >= PLUGVM_DEVTEST_IRQ_LINES)
		return irq;
	pthread_mutex_lock(&mt->lock);
	irq = t->irq[line];
	pthread_mutex_unlock(&mt->lock);
	return irq;
}

void plugvm_devtest_set_irq_error(struct plugvm_devtest *t, int err)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	t->irq_error = err > 0 ? -err : err;
	pthread_mutex_unlock(&t->lock);
}

bool plugvm_devtest_exit_requested(const struct plugvm_devtest *t, int *status)
{
	struct plugvm_devtest *mt = (struct plugvm_devtest *)t;
	bool requested;

	if (!t)
		return false;
	pthread_mutex_lock(&mt->lock);
	requested = t->exits > 0;
	if (requested && status)
		*status = t->exit_status;
	pthread_mutex_unlock(&mt->lock);
	return requested;
}

unsigned int plugvm_devtest_exit_count(const struct plugvm_devtest *t)
{
	struct plugvm_devtest *mt = (struct plugvm_devtest *)t;
	unsigned int n;

	if (!t)
		return 0;
	pthread_mutex_lock(&mt->lock);
	n = t->exits;
	pthread_mutex_unlock(&mt->lock);
	return n;
}

void plugvm_devtest_exit_clear(struct plugvm_devtest *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	t->exits = 0;
	t->exit_status = 0;
	pthread_mutex_unlock(&t->lock);
}
