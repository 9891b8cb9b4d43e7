// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devtest.c - the device test kit (libplugvm-devtest).
 *
 * The kit is a machine without vCPUs: an iobus, optional guest RAM and a
 * struct vmm_device_env whose hooks record what devices do. Plugins are
 * loaded, configured and created by the same core code plugvm uses.
 *
 * The core reports its own messages (loader, settings, bus) through the
 * log sink. The kit installs its sink once; while a call of the kit runs
 * core code on the test's thread, that sink files what the core says
 * under the bench the call is for. Devices' messages arrive through the
 * log hook of the bench's environment, from any thread.
 */
#include "config.h"

#include "devtest-priv.h"

#include "device.h"
#include "iobus.h"
#include "irq.h"
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

/* The bench whose kit call runs on this thread, for the log sink. */
static _Thread_local struct plugvm_devtest *current;

struct plugvm_devtest *devtest_enter(struct plugvm_devtest *t)
{
	struct plugvm_devtest *saved = current;

	current = t;
	return saved;
}

void devtest_leave(struct plugvm_devtest *saved)
{
	current = saved;
}

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
					 const char *device, const char *msg)
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

/* Make, echo and append an entry. Lock held. */
static void log_add(struct plugvm_devtest *t, enum plugvm_log_level level,
		    const char *device, const char *msg)
{
	struct devtest_log *l = log_new_entry(level, device, msg);

	if (!l)
		return;
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

/*
 * The core's sink: a message of core code that a kit call runs on this
 * thread goes to that call's bench, as it would have read on stderr
 * (origin and text), without the "plugvm: " and level decoration. Anything
 * else (no kit call on this thread) goes to stderr as plugvm would show it.
 */
static void devtest_sink(void *ctx, const struct vmm_log_msg *m)
{
	struct plugvm_devtest *t = current;
	char buf[1600];
	const char *text = m->text;

	(void)ctx;
	if (!t) {
		if (m->level <= PLUGVM_LOG_WARN)
			vmm_log_write(stderr, m);
		return;
	}
	if (m->origin && *m->origin) {
		snprintf(buf, sizeof(buf), "%s: %s", m->origin, m->text);
		text = buf;
	}
	pthread_mutex_lock(&t->lock);
	log_add(t, m->level, m->prefix, text);
	pthread_mutex_unlock(&t->lock);
}

static void devtest_sink_install(void)
{
	const struct vmm_log_sink sink = {
		.emit = devtest_sink,
		.level = PLUGVM_LOG_DEBUG, /* all of it; tests filter */
	};

	vmm_log_set_sink(&sink);
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

/*
 * set_irq(): counted, then refused with the error the test forces, or
 * routed as plugvm routes it for the bench's chipset (irq.c; the level
 * the controller receives is recorded by devtest-chipset.c's hook).
 */
static int devtest_irq_hook(void *ctx, struct vmm_device *dev,
			    unsigned int line, bool level)
{
	struct plugvm_devtest *t = ctx;
	int ret;

	pthread_mutex_lock(&t->lock);
	if (line < PLUGVM_DEVTEST_IRQ_LINES)
		t->irq[line].calls++;
	ret = t->irq_error;
	pthread_mutex_unlock(&t->lock);
	if (ret)
		return ret;
	return vmm_irq_set(t->env.irq, dev, line, level);
}

/* The capture for (@id, @key), or NULL. Lock held. */
static struct devtest_capture *
capture_find(const struct plugvm_devtest *t, const char *id, const char *key)
{
	for (size_t i = 0; i < t->n_captures; i++) {
		struct devtest_capture *c = t->captures[i];

		if (!strcmp(c->id, id) && !strcmp(c->key, key))
			return c;
	}
	return NULL;
}

static void capture_free(struct devtest_capture *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->cap.lock);
	free(c->cap.data);
	free(c->id);
	free(c->key);
	free(c);
}

/* A new, empty capture for (@id, @key); NULL when out of memory. */
static struct devtest_capture *capture_new(const char *id, const char *key)
{
	struct devtest_capture *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->id = strdup(id);
	c->key = strdup(key);
	if (!c->id || !c->key) {
		free(c->id);
		free(c->key);
		free(c);
		return NULL;
	}
	pthread_mutex_init(&c->cap.lock, NULL);
	return c;
}

/*
 * A device opens a character sink: its bytes are kept here too. A device
 * of the same id added again (after shutdown()) starts from empty.
 */
static struct vmm_chardev_capture *
devtest_capture_hook(void *ctx, struct vmm_device *dev, const char *key)
{
	struct plugvm_devtest *t = ctx;
	struct devtest_capture *c;
	void *p;

	pthread_mutex_lock(&t->lock);
	c = capture_find(t, dev->id, key);
	if (c) {
		pthread_mutex_lock(&c->cap.lock);
		c->cap.len = 0;
		if (c->cap.data)
			c->cap.data[0] = '\0';
		pthread_mutex_unlock(&c->cap.lock);
		goto out_unlock;
	}
	if (t->n_captures == t->cap_captures) {
		size_t cap = t->cap_captures ? 2 * t->cap_captures : 4;

		p = realloc(t->captures, cap * sizeof(*t->captures));
		if (!p)
			goto out_unlock;
		t->captures = p;
		t->cap_captures = cap;
	}
	c = capture_new(dev->id, key);
	if (c)
		t->captures[t->n_captures++] = c;
out_unlock:
	pthread_mutex_unlock(&t->lock);
	return c ? &c->cap : NULL;
}

struct plugvm_devtest *plugvm_devtest_new(size_t ram_size)
{
	static pthread_once_t sink_once = PTHREAD_ONCE_INIT;
	const char *verbose = getenv("PLUGVM_DEVTEST_VERBOSE");
	struct plugvm_devtest *t;

	pthread_once(&sink_once, devtest_sink_install);
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->bus = vmm_iobus_new();
	if (!t->bus)
		goto out_free_bench;
	/* the virtual clock: timers run when the test steps it */
	if (vmm_events_new(true, &t->env.events))
		goto out_free_bus;
	if (vmm_chardevs_new(t->env.events, true, NULL, NULL,
			     &t->env.chardevs))
		goto out_free_bus;
	if (ram_size) {
		t->ram = calloc(1, ram_size);
		if (!t->ram)
			goto out_free_bus;
		t->ram_size = ram_size;
	}
	pthread_mutex_init(&t->lock, NULL);
	atomic_init(&t->last_result, PLUGVM_DEVTEST_OK);
	t->verbose = verbose && *verbose && strcmp(verbose, "0");

	t->env.bus = t->bus;
	t->env.mem.host = t->ram;
	t->env.mem.size = t->ram_size;
	t->env.ctx = t;
	t->env.exit_request = devtest_exit_hook;
	t->env.set_irq = devtest_irq_hook;
	t->env.log = devtest_log_hook;
	t->env.chardev_capture = devtest_capture_hook;
	return t;

out_free_bus:
	vmm_chardevs_free(t->env.chardevs);
	vmm_events_free(t->env.events);
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

/* The steps of add(). *@step names the failure. */
static int devtest_add_steps(struct plugvm_devtest *t, const char *plugin_path,
			     const char *id, const char *const *settings,
			     const char **step)
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
	int ret;

	if (t && t->chipset_pc && !t->n_devs) {
		ret = devtest_chipset_add(t);
		if (ret)
			return ret;
	}
	return devtest_add(t, plugin_path, id, settings);
}

int devtest_add(struct plugvm_devtest *t, const char *plugin_path,
		const char *id, const char *const *settings)
{
	const char *step = "checking the arguments";
	struct plugvm_devtest *saved;
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

	saved = current;
	current = t;
	ret = devtest_add_steps(t, plugin_path, id, settings, &step);
	current = saved;
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
	struct plugvm_devtest *saved = current;

	if (!t)
		return;
	current = t;
	for (size_t i = 0; i < t->n_devs; i++)
		vmm_device_reset(t->devs[i].dev);
	current = saved;
}

void plugvm_devtest_shutdown(struct plugvm_devtest *t)
{
	struct plugvm_devtest *saved = current;

	if (!t)
		return;
	current = t;
	while (t->n_devs) {
		struct devtest_dev *d = &t->devs[--t->n_devs];

		vmm_iobus_unregister_owner(t->bus, &d->dev->owner);
		vmm_device_destroy(d->dev);
		vmm_plugin_close(d->plugin);
	}
	current = saved;
}

void plugvm_devtest_free(struct plugvm_devtest *t)
{
	if (!t)
		return;
	plugvm_devtest_shutdown(t);
	devtest_chipset_free(t);
	plugvm_devtest_log_clear(t);
	free(t->log);
	for (size_t i = 0; i < t->n_captures; i++)
		capture_free(t->captures[i]);
	free(t->captures);
	free(t->devs);
	free(t->ram);
	vmm_chardevs_free(t->env.chardevs);
	vmm_events_free(t->env.events);
	vmm_iobus_free(t->bus);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* ------------------------------------------------------------------------ */
/* Accesses                                                                 */
/* ------------------------------------------------------------------------ */

static enum plugvm_devtest_result
devtest_access(struct plugvm_devtest *t, enum plugvm_space space, uint64_t addr,
	       unsigned int size, bool is_write, uint64_t *value)
{
	/* What a guest can make: IN/OUT (and 8, for wider buses) for ports,
	 * 1 to 8 bytes for MMIO. The bus does the rest, as in plugvm. */
	bool pio_size = size == 1 || size == 2 || size == 4 || size == 8;
	bool mmio_size = size >= 1 && size <= 8;
	const struct vmm_io_range *range;
	enum plugvm_devtest_result res;

	if (!t || !value ||
	    !(space == PLUGVM_SPACE_PIO ? pio_size : mmio_size)) {
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
		*value = vmm_io_mask(size); /* all-ones */
	if (t) {
		atomic_store(&t->last_result, res);
		devtest_chardev_kick(t);
	}
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

const char *plugvm_devtest_chardev(const struct plugvm_devtest *t,
				   const char *id, const char *key, size_t *len)
{
	struct plugvm_devtest *mt = (struct plugvm_devtest *)t;
	struct devtest_capture *c = NULL;
	const char *data = NULL;
	size_t n = 0;

	if (t && id && key) {
		pthread_mutex_lock(&mt->lock);
		c = capture_find(t, id, key);
		pthread_mutex_unlock(&mt->lock);
	}
	if (c) {
		pthread_mutex_lock(&c->cap.lock);
		data = c->cap.data ? c->cap.data : "";
		n = c->cap.len;
		pthread_mutex_unlock(&c->cap.lock);
	}
	if (len)
		*len = n;
	return data;
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
