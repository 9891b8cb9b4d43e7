// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * device.c - device instances and the host table plugins call.
 */
#include "config.h"

#include "device.h"

#include "irq.h"
#include "log.h"
#include "settings.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where messages about @dev point, at @key (NULL: the device as a whole):
 * its section in the machine file, or just its id. */
static struct vmm_origin device_origin(const struct vmm_device *dev,
				       const char *key)
{
	struct vmm_origin o = dev->at;

	if (!o.file && !o.section)
		o.file = dev->id;
	o.key = key;
	return o;
}

/* Its `type` key's origin, for what concerns the device as a whole. */
static struct vmm_origin type_origin(const struct vmm_device *dev)
{
	if (dev->where && dev->where->type.file)
		return dev->where->type;
	return device_origin(dev, NULL);
}

/* The device that owns a range: on a bus devices share, every owner is
 * one's (struct vmm_device.owner); NULL for a range of the host's. */
static const struct vmm_device *owner_device(const struct vmm_io_owner *o)
{
	return o ? (const struct vmm_device *)((const char *)o -
					       offsetof(struct vmm_device,
							owner))
		 : NULL;
}

/* The range of another device that [base, last] would overlap, or NULL. */
static const struct vmm_io_range *find_overlap(const struct vmm_iobus *bus,
					       enum plugvm_space space,
					       uint64_t base, uint64_t last)
{
	size_t n, lo = 0, hi;
	const struct vmm_io_range *r = vmm_iobus_ranges(bus, space, &n);

	for (hi = n; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (r[mid].last < base)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && r[lo].base <= last ? &r[lo] : NULL;
}

/*
 * An overlap, said once at the device that asked, naming both devices and
 * where the other one is: "FILE:LINE: [device "b"]: port range
 * 0x3f8-0x3ff overlaps 0x3f8-0x3ff of device 'a' (FILE:LINE)".
 */
static void report_overlap(struct vmm_device *dev, enum plugvm_space space,
			   uint64_t base, uint64_t last,
			   const struct vmm_io_range *r)
{
	struct vmm_origin o = device_origin(dev, NULL);
	const struct vmm_device *other = owner_device(r->owner);
	char where[512] = "";

	char whose[256];

	if (other && other->at.file && other->at.line)
		snprintf(where, sizeof(where), " (%s:%u)", other->at.file,
			 other->at.line);
	/* the chipset's ranges are the same on every accelerator, whichever
	 * device holds them */
	if (other && other->chipset)
		snprintf(whose, sizeof(whose), "%s", other->chipset);
	else
		snprintf(whose, sizeof(whose), "device '%s'",
			 other ? other->id : "?");
	vmm_origin_error(&o,
			 "%s range 0x%llx-0x%llx overlaps 0x%llx-0x%llx of %s%s",
			 space == PLUGVM_SPACE_PIO ? "port" : "MMIO",
			 (unsigned long long)base, (unsigned long long)last,
			 (unsigned long long)r->base,
			 (unsigned long long)r->last, whose, where);
	dev->reported = true;
}

static int host_register_range(struct plugvm_device *pdev,
			       enum plugvm_space space, uint64_t base,
			       uint64_t len, const struct plugvm_io_ops *ops,
			       void *opaque)
{
	struct vmm_device *dev = (struct vmm_device *)pdev;
	uint64_t last = base + len - 1;
	const struct vmm_io_range *r;
	struct vmm_origin o;
	int ret;

	if (!dev->creating) {
		vmm_err("%s: register_range() called outside create()", dev->id);
		return -EPERM;
	}
	if ((space == PLUGVM_SPACE_PIO || space == PLUGVM_SPACE_MMIO) && len &&
	    last >= base) {
		r = find_overlap(dev->env->bus, space, base, last);
		if (r) {
			report_overlap(dev, space, base, last, r);
			return -EBUSY;
		}
	}
	ret = vmm_iobus_register(dev->env->bus, space, base, len, ops, opaque,
				 &dev->owner);
	if (ret == -EINVAL) {
		o = device_origin(dev, NULL);
		vmm_origin_error(&o,
				 "invalid %s range: base 0x%llx, length 0x%llx",
				 space == PLUGVM_SPACE_PIO ? "port" : "MMIO",
				 (unsigned long long)base,
				 (unsigned long long)len);
		dev->reported = true;
	} else if (ret == -EBUSY) {
		dev->reported = true; /* the bus said so */
	}
	return ret;
}

/* A message of the core about @id's device, at @level, prefixed with it. */
static void device_note(enum plugvm_log_level level, const char *id,
			const char *fmt, ...) PLUGVM_PRINTF(3, 4);
static void device_note(enum plugvm_log_level level, const char *id,
			const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmm_logv(level, id, fmt, ap);
	va_end(ap);
}

static void host_log(struct plugvm_device *pdev, enum plugvm_log_level level,
		     const char *fmt, ...)
{
	struct vmm_device *dev = (struct vmm_device *)pdev;
	va_list ap;

	if (level > PLUGVM_LOG_DEBUG)
		level = PLUGVM_LOG_DEBUG;
	if (level == PLUGVM_LOG_ERROR && dev->creating)
		dev->reported = true; /* create() says why it fails */
	if (level == PLUGVM_LOG_GUEST_ERROR && !dev->env->log) {
		/* rate-limited: the guest decides how often */
		unsigned long n;

		if (!vmm_log_enabled(level))
			return;
		n = atomic_fetch_add(&dev->guest_errors, 1);
		if (n > VMM_DEVICE_GUEST_ERROR_LIMIT)
			return;
		if (n == VMM_DEVICE_GUEST_ERROR_LIMIT) {
			device_note(level, dev->id,
				       "further guest errors are counted, not shown");
			return;
		}
	}
	va_start(ap, fmt);
	if (dev->env->log) {
		char msg[1024];

		vsnprintf(msg, sizeof(msg), fmt, ap);
		dev->env->log(dev->env->ctx, dev, level, msg);
	} else if (level == PLUGVM_LOG_ERROR && dev->creating && dev->at.file &&
		   dev->at.line) {
		/* why create() fails: at the device's section, as every other
		 * error about the machine file is */
		struct vmm_origin o = device_origin(dev, NULL);
		char msg[1024];

		vsnprintf(msg, sizeof(msg), fmt, ap);
		vmm_origin_error(&o, "%s", msg);
	} else {
		vmm_logv(level, dev->id, fmt, ap);
	}
	va_end(ap);
}

static int host_mem_read(struct plugvm_device *pdev, uint64_t gpa, void *buf,
			 size_t len)
{
	struct vmm_device *dev = (struct vmm_device *)pdev;

	return vmm_guestmem_read(&dev->env->mem, gpa, buf, len);
}

static int host_mem_write(struct plugvm_device *pdev, uint64_t gpa,
			  const void *buf, size_t len)
{
	struct vmm_device *dev = (struct vmm_device *)pdev;
	int ret = vmm_guestmem_write(&dev->env->mem, gpa, buf, len);

	if (ret)
		return ret;
	if (dev->creating && len)
		dev->loaded_ram = true;
	if (dev->env->ram_written && len)
		dev->env->ram_written(dev->env->ctx, gpa, len);
	return 0;
}

static void host_request_exit(struct plugvm_device *pdev, int status)
{
	struct vmm_device *dev = (struct vmm_device *)pdev;

	if (dev->env->exit_request)
		dev->env->exit_request(dev->env->ctx, dev, status & 0xff);
}

static int host_set_irq(struct plugvm_device *pdev, unsigned line, bool level)
{
	struct vmm_device *dev = (struct vmm_device *)pdev;
	const struct vmm_device_env *env = dev->env;
	char msg[512];
	int ret;

	if (env->set_irq)
		ret = env->set_irq(env->ctx, dev, line, level);
	else
		ret = vmm_irq_set(env->irq, dev, line, level);
	/* Once per device: the device may try on every access. */
	if ((ret == -ENOTSUP || ret == -EINVAL) &&
	    !atomic_exchange(&dev->irq_refused, true))
		host_log(pdev, PLUGVM_LOG_WARN, "%s",
			 vmm_irq_refusal(env->irq, line, ret, msg,
					 sizeof(msg)));
	return ret;
}

static int host_irqchip_attach(struct plugvm_device *pdev,
			       const struct plugvm_irqchip_ops *ops,
			       void *opaque)
{
	struct vmm_device *dev = (struct vmm_device *)pdev;

	return vmm_irq_attach(dev->env->irq, dev, ops, opaque);
}

static void host_irqchip_set_intr(struct plugvm_device *pdev, unsigned cpu,
				  bool level)
{
	struct vmm_device *dev = (struct vmm_device *)pdev;

	vmm_irq_set_intr(dev->env->irq, dev, cpu, level);
}

static const struct plugvm_irqchip_host host_irqchip = {
	.size = sizeof(struct plugvm_irqchip_host),
	.attach = host_irqchip_attach,
	.set_intr = host_irqchip_set_intr,
};

static const char *host_device_id(struct plugvm_device *pdev)
{
	return ((struct vmm_device *)pdev)->id;
}

/* Index of setting @key in @dev's table, or -1. */
static long setting_index(const struct vmm_device *dev, const char *key)
{
	const struct plugvm_setting *s = dev->plugin->desc->settings;

	for (long i = 0; key && s && s[i].name; i++)
		if (!strcmp(s[i].name, key))
			return i;
	return -1;
}

/*
 * Setting @key's value cannot be used, for reason @msg: said where the
 * user wrote it, or at the `type` line for a default. A @key the table
 * does not have is a plugin bug, said as one (@what names the call).
 * Returns -EINVAL. During create() only.
 */
static int report_setting(struct vmm_device *dev, const char *what,
			  const char *key, const char *msg)
{
	const struct plugvm_setting *s;
	struct vmm_origin o;
	long k = setting_index(dev, key);

	dev->reported = true;
	if (k < 0) {
		o = type_origin(dev);
		vmm_origin_error(&o,
				 "plugin bug: %s names '%s', which is not a setting of '%s': %s",
				 what, key ? key : "(null)",
				 dev->plugin->desc->name, msg);
		return -EINVAL;
	}
	s = &dev->plugin->desc->settings[k];
	if (dev->values[k].set) {
		if (dev->where && dev->where->settings &&
		    dev->where->settings[k].line)
			o = dev->where->settings[k];
		else
			o = device_origin(dev, s->name);
		vmm_origin_error(&o, "%s", msg);
	} else {
		o = type_origin(dev);
		o.key = s->name;
		vmm_origin_error(&o, "%s (%s is not set: that is its default, %s)",
				 msg, s->name, s->def ? s->def : "none");
	}
	return -EINVAL;
}

static int host_setting_error(struct plugvm_device *pdev, const char *key,
			      const char *fmt, ...)
{
	struct vmm_device *dev = (struct vmm_device *)pdev;
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt ? fmt : "(no message)", ap);
	va_end(ap);
	if (!dev->creating) {
		vmm_err("%s: plugin bug: setting_error() called outside create(): %s: %s",
			dev->id, key ? key : "(null)", msg);
		return -EINVAL;
	}
	return report_setting(dev, "setting_error()", key, msg);
}

/* A character sink, as a device sees it: the sink (or the input), whose
 * it is, and whether its failure was said. */
struct plugvm_chardev {
	struct vmm_chardev sink;
	struct vmm_chardev_in *in; /* PLUGVM_CHARDEV_INPUT */
	struct vmm_device *dev;
	const char *key; /* the setting's name, in the plugin's table */
	const char *spec; /* for messages: "stdout", a path */
	atomic_bool failed;
	struct plugvm_chardev *next;
};

/* The set of character devices @dev's sinks belong to. */
static struct vmm_chardevs *fallback_chardevs;

static void fallback_chardevs_init(void)
{
	if (vmm_chardevs_new(NULL, true, NULL, NULL, &fallback_chardevs))
		fallback_chardevs = NULL;
}

static struct vmm_chardevs *dev_chardevs(const struct vmm_device *dev)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	if (dev->env->chardevs)
		return dev->env->chardevs;
	pthread_once(&once, fallback_chardevs_init);
	return fallback_chardevs;
}

/* A plugin's misuse of chardev_open(): said at its `type` line. */
static int chardev_bug(struct vmm_device *dev, int err, const char *fmt, ...)
	PLUGVM_PRINTF(3, 4);

static int chardev_bug(struct vmm_device *dev, int err, const char *fmt, ...)
{
	struct vmm_origin o = type_origin(dev);
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vmm_origin_error(&o, "plugin bug: chardev_open(): %s", msg);
	dev->reported = true;
	return err;
}

static struct plugvm_chardev *find_chardev(const struct vmm_device *dev,
					   const char *key)
{
	for (struct plugvm_chardev *c = dev->chardevs; c; c = c->next)
		if (!strcmp(c->key, key))
			return c;
	return NULL;
}

static bool chardev_flags_ok(uint32_t flags)
{
	return flags == PLUGVM_CHARDEV_OUTPUT ||
	       flags == PLUGVM_CHARDEV_INPUT ||
	       flags == (PLUGVM_CHARDEV_INPUT | PLUGVM_CHARDEV_STDIN_FIRST);
}

/* Check chardev_open()'s arguments; 0 or the error, said. */
static int chardev_check(struct vmm_device *dev, const char *key,
			 const char *spec, uint32_t flags, long *k,
			 struct plugvm_chardev **out)
{
	if (!dev->creating) {
		host_log((struct plugvm_device *)dev, PLUGVM_LOG_ERROR,
			 "plugin bug: chardev_open() called outside create()");
		return -EPERM;
	}
	if (!out || !spec)
		return chardev_bug(dev, -EINVAL, "%s is NULL",
				   out ? "the spec" : "the result pointer");
	*k = setting_index(dev, key);
	if (*k < 0)
		return report_setting(dev, "chardev_open()", key,
				      "cannot open a character sink for it");
	if (!chardev_flags_ok(flags))
		return chardev_bug(dev, -EINVAL,
				   "flags 0x%x for '%s': PLUGVM_CHARDEV_OUTPUT (0x%x), or PLUGVM_CHARDEV_INPUT (0x%x) with or without PLUGVM_CHARDEV_STDIN_FIRST (0x%x)",
				   flags, key, PLUGVM_CHARDEV_OUTPUT,
				   PLUGVM_CHARDEV_INPUT,
				   PLUGVM_CHARDEV_STDIN_FIRST);
	if (find_chardev(dev, key))
		return chardev_bug(dev, -EEXIST,
				   "a character sink for '%s' is open already",
				   key);
	return 0;
}

/* Open the input of @c for @spec ("stdin" or a path). 0, or the error,
 * said; 1: stdin is taken, and @flags asked to be quiet about it. */
static int chardev_open_input(struct vmm_device *dev, struct plugvm_chardev *c,
			      const char *key, const char *spec,
			      uint32_t flags)
{
	struct vmm_chardevs *cs = dev_chardevs(dev);
	const char *holder = NULL;
	char who[512], msg[1024];
	int ret;

	if (!cs)
		return -ENOMEM;
	snprintf(who, sizeof(who), "device '%s' (%s)", dev->id, key);
	ret = vmm_chardev_in_open(cs, spec, who, &c->in, &holder);
	if (ret == -EBUSY && (flags & PLUGVM_CHARDEV_STDIN_FIRST))
		return 1;
	if (ret == -EBUSY)
		snprintf(msg, sizeof(msg),
			 "stdin is the input of %s already: one device at most reads it",
			 holder ? holder : "another device");
	else if (ret)
		snprintf(msg, sizeof(msg), "cannot open '%s': %s", spec,
			 strerror(-ret));
	if (ret && ret != -ENOMEM)
		report_setting(dev, "chardev_open()", key, msg);
	return ret;
}

static int host_chardev_open(struct plugvm_device *pdev, const char *key,
			     const char *spec, uint32_t flags,
			     struct plugvm_chardev **out)
{
	struct vmm_device *dev = (struct vmm_device *)pdev;
	struct vmm_chardev_capture *capture = NULL;
	struct vmm_chardevs *cs;
	struct plugvm_chardev *c;
	long k = -1;
	int ret;

	if (out)
		*out = NULL;
	ret = chardev_check(dev, key, spec, flags, &k, out);
	if (ret || vmm_chardev_spec_is_none(spec))
		return ret;
	c = calloc(1, sizeof(*c));
	cs = dev_chardevs(dev);
	if (!c || !cs)
		goto out_nomem;
	c->dev = dev;
	c->key = dev->plugin->desc->settings[k].name;
	if (flags & PLUGVM_CHARDEV_INPUT) {
		ret = chardev_open_input(dev, c, c->key, spec, flags);
		if (ret) {
			free(c);
			if (ret == -ENOMEM)
				goto out_nomem_said;
			return ret > 0 ? 0 : ret;
		}
		goto out_link;
	}
	ret = vmm_chardev_open(cs, &c->sink, spec, NULL);
	if (ret) {
		char msg[1024];

		snprintf(msg, sizeof(msg), "cannot open '%s': %s", spec,
			 strerror(-ret));
		report_setting(dev, "chardev_open()", key, msg);
		free(c);
		return ret;
	}
	if (dev->env->chardev_capture) {
		capture = dev->env->chardev_capture(dev->env->ctx, dev, key);
		if (!capture)
			goto out_close;
		c->sink.capture = capture;
	}
out_link:
	c->next = dev->chardevs;
	dev->chardevs = c;
	*out = c;
	return 0;

out_close:
	vmm_chardev_close(&c->sink, NULL);
out_nomem:
	free(c);
out_nomem_said:
	host_log(pdev, PLUGVM_LOG_ERROR, "%s: out of memory for its %s", key,
		 flags & PLUGVM_CHARDEV_INPUT ? "input" : "output");
	return -ENOMEM;
}

/* The first failure of @c's sink, said once. */
static void chardev_failed(struct plugvm_chardev *c, int err)
{
	if (atomic_exchange(&c->failed, true))
		return;
	host_log((struct plugvm_device *)c->dev, PLUGVM_LOG_WARN,
		 "%s: write failed: %s", c->key, strerror(-err));
}

static size_t host_chardev_write(struct plugvm_chardev *c, const void *buf,
				 size_t len)
{
	size_t n;
	int err = 0;

	if (!c)
		return len;
	if (c->in)
		return 0; /* an input takes no output */
	n = vmm_chardev_write(&c->sink, buf, len, &err);
	if (n < len && err)
		chardev_failed(c, err);
	return n;
}

static int host_chardev_set_input(struct plugvm_chardev *c,
				  const struct plugvm_chardev_input *in,
				  void *opaque)
{
	int ret;

	if (!c || !in || !in->can_receive || !in->receive || !c->in) {
		vmm_err("plugin bug: chardev->set_input(): %s",
			!c	    ? "the sink is NULL"
			: !in	    ? "the input is NULL"
			: !c->in    ? "the sink is not an input"
				    : "can_receive() or receive() is NULL");
		return -EINVAL;
	}
	if (!c->dev->creating) {
		host_log((struct plugvm_device *)c->dev, PLUGVM_LOG_ERROR,
			 "plugin bug: chardev->set_input() called outside create()");
		return -EPERM;
	}
	ret = vmm_chardev_in_set(c->in, in, opaque, &c->dev->events);
	if (ret == -EBUSY)
		host_log((struct plugvm_device *)c->dev, PLUGVM_LOG_ERROR,
			 "plugin bug: chardev->set_input(): the input of '%s' is set already",
			 c->key);
	else if (ret)
		host_log((struct plugvm_device *)c->dev, PLUGVM_LOG_ERROR,
			 "%s: cannot watch its input: %s", c->key,
			 strerror(-ret));
	return ret;
}

static void host_chardev_input_ready(struct plugvm_chardev *c)
{
	if (c)
		vmm_chardev_in_ready(c->in);
}

static uint64_t host_chardev_dropped(struct plugvm_chardev *c)
{
	return c && !c->in ? vmm_chardev_dropped(&c->sink) : 0;
}

static const struct plugvm_chardev_ops host_chardev_ops = {
	.size = sizeof(struct plugvm_chardev_ops),
	.set_input = host_chardev_set_input,
	.input_ready = host_chardev_input_ready,
	.dropped = host_chardev_dropped,
};

struct vmm_chardev_in *vmm_device_input(const struct vmm_device *dev,
					const char *key)
{
	struct plugvm_chardev *c = key ? find_chardev(dev, key) : NULL;

	return c ? c->in : NULL;
}

struct vmm_chardev *vmm_device_output(const struct vmm_device *dev,
				      const char *key)
{
	struct plugvm_chardev *c = key ? find_chardev(dev, key) : NULL;

	return c && !c->in ? &c->sink : NULL;
}

/* Stop @dev's inputs: before its watches and timers are released. */
static void close_inputs(struct vmm_device *dev)
{
	for (struct plugvm_chardev *c = dev->chardevs; c; c = c->next) {
		vmm_chardev_in_close(c->in);
		c->in = NULL;
	}
}

/* Flush and close every sink of @dev, oldest first; what was dropped is
 * said (-v). */
static void close_chardevs(struct vmm_device *dev)
{
	struct plugvm_chardev *c = dev->chardevs, *prev = NULL, *next;
	uint64_t lost, dropped;
	int err;

	close_inputs(dev);
	/* the list is newest first: reverse it */
	for (; c; c = next) {
		next = c->next;
		c->next = prev;
		prev = c;
	}
	for (c = prev; c; c = next) {
		next = c->next;
		dropped = vmm_chardev_dropped(&c->sink);
		err = vmm_chardev_close(&c->sink, &lost);
		if (err)
			chardev_failed(c, err);
		/* a failure was said already: it explains the loss */
		if (atomic_load(&c->failed))
			dropped = lost = 0;
		if (dropped)
			host_log((struct plugvm_device *)dev, PLUGVM_LOG_INFO,
				 "%s: %llu bytes of output dropped: its consumer stalled",
				 c->key, (unsigned long long)dropped);
		if (lost)
			host_log((struct plugvm_device *)dev, PLUGVM_LOG_INFO,
				 "%s: %llu bytes of output lost at the end: its consumer did not take them within %d ms",
				 c->key, (unsigned long long)lost,
				 VMM_CHARDEV_FLUSH_MS);
		free(c);
	}
	dev->chardevs = NULL;
}

const struct plugvm_host vmm_host_table = {
	.api_version = PLUGVM_API_VERSION,
	.size = sizeof(struct plugvm_host),
	.register_range = host_register_range,
	.log = host_log,
	.mem_read = host_mem_read,
	.mem_write = host_mem_write,
	.request_exit = host_request_exit,
	.set_irq = host_set_irq,
	.device_id = host_device_id,
	.setting_error = host_setting_error,
	.chardev_open = host_chardev_open,
	.chardev_write = host_chardev_write,
	.irqchip = &host_irqchip,
	.clock_ns = vmm_host_clock_ns,
	.timer = &vmm_host_timer_ops,
	.watch = &vmm_host_watch_ops,
	.chardev = &host_chardev_ops,
};

/* create() failed with @ret: say so once, unless the plugin did. */
static int report_failure(struct vmm_device *dev, int ret)
{
	struct vmm_origin o = type_origin(dev);

	if (ret > 0 || ret < -4095) {
		vmm_origin_error(&o,
				 "plugin bug: create() returned %d, not 0 or a negative errno (%s)",
				 ret, dev->plugin->path);
		return -EINVAL;
	}
	if (!dev->reported)
		vmm_origin_error(&o, "device '%s' (%s) could not be created: %s",
				 dev->id, dev->plugin->desc->name,
				 strerror(-ret));
	return ret;
}

int vmm_device_create_at(const char *id, const struct vmm_plugin *plugin,
			 struct plugvm_value *values,
			 const struct vmm_device_where *where,
			 const struct vmm_device_env *env,
			 struct vmm_device **out)
{
	const struct plugvm_plugin *d = plugin->desc;
	struct vmm_guard_frame g;
	struct vmm_device *dev;
	int ret = -ENOMEM;

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		goto out_values;
	dev->id = strdup(id);
	if (!dev->id)
		goto out_free;
	dev->plugin = plugin;
	dev->values = values;
	dev->env = env;
	if (where) {
		dev->at = where->section;
		dev->chipset = where->chipset;
	}
	dev->at.key = NULL;
	pthread_mutex_init(&dev->lock, NULL);
	dev->owner.name = dev->id;
	if (dev->at.file && dev->at.line &&
	    asprintf(&dev->origin_text, "%s:%u%s%s%s", dev->at.file,
		     dev->at.line, dev->at.section ? ": [" : "",
		     dev->at.section ? dev->at.section : "",
		     dev->at.section ? "]" : "") < 0)
		dev->origin_text = NULL;
	dev->owner.who = (struct vmm_guard_who){ .device = dev->id,
						 .plugin = plugin->path,
						 .origin = dev->origin_text };
	dev->events.who = &dev->owner.who;
	dev->owner.lock = d->flags & PLUGVM_PLUGIN_THREAD_SAFE ? NULL
							       : &dev->lock;
	dev->events.lock = dev->owner.lock;

	dev->where = where;
	dev->creating = true;
	g = vmm_guard_enter(&dev->owner.who, "create()");
	ret = d->create((struct plugvm_device *)dev, &vmm_host_table, values,
			&dev->state);
	vmm_guard_leave(g);
	dev->creating = false;
	if (ret) {
		ret = report_failure(dev, ret);
		vmm_irq_device_gone(env->irq, dev);
		vmm_iobus_unregister_owner(env->bus, &dev->owner);
		close_inputs(dev);
		vmm_device_release_events(dev);
		close_chardevs(dev);
		goto out_mutex;
	}
	dev->where = NULL;
	vmm_device_reset(dev);
	*out = dev;
	return 0;

out_mutex:
	pthread_mutex_destroy(&dev->lock);
	free(dev->origin_text);
	free(dev->id);
out_free:
	free(dev);
out_values:
	vmm_settings_free(d->settings, values);
	return ret;
}

int vmm_device_create(const char *id, const struct vmm_plugin *plugin,
		      struct plugvm_value *values,
		      const struct vmm_device_env *env,
		      struct vmm_device **out)
{
	return vmm_device_create_at(id, plugin, values, NULL, env, out);
}

void vmm_device_reset(struct vmm_device *dev)
{
	struct vmm_guard_frame g;

	if (!dev->plugin->desc->reset)
		return;
	g = vmm_guard_enter(&dev->owner.who, "reset()");
	dev->plugin->desc->reset(dev->state);
	vmm_guard_leave(g);
}

void vmm_device_destroy(struct vmm_device *dev)
{
	struct vmm_guard_frame g;

	if (!dev)
		return;
	if (dev->plugin->desc->destroy) {
		g = vmm_guard_enter(&dev->owner.who, "destroy()");
		dev->plugin->desc->destroy(dev->state);
		vmm_guard_leave(g);
	}
	if (atomic_load(&dev->guest_errors) > VMM_DEVICE_GUEST_ERROR_LIMIT)
		device_note(PLUGVM_LOG_GUEST_ERROR, dev->id,
			       "%lu guest errors in all, %d of them shown",
			       atomic_load(&dev->guest_errors),
			       VMM_DEVICE_GUEST_ERROR_LIMIT);
	vmm_irq_device_gone(dev->env->irq, dev);
	close_inputs(dev);
	vmm_device_release_events(dev);
	close_chardevs(dev);
	vmm_settings_free(dev->plugin->desc->settings, dev->values);
	pthread_mutex_destroy(&dev->lock);
	free(dev->origin_text);
	free(dev->id);
	free(dev);
}
