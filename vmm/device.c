// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * device.c - device instances and the host table plugins call.
 */
#include "config.h"

#include "device.h"

#include "log.h"
#include "settings.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int host_register_range(struct plugvm_device *pdev,
			       enum plugvm_space space, uint64_t base,
			       uint64_t len, const struct plugvm_io_ops *ops,
			       void *opaque)
{
	struct vmm_device *dev = (struct vmm_device *)pdev;
	int ret;

	if (!dev->creating) {
		vmm_err("%s: register_range() called outside create()", dev->id);
		return -EPERM;
	}
	ret = vmm_iobus_register(dev->env->bus, space, base, len, ops, opaque,
				 dev);
	if (ret == -EINVAL)
		vmm_err("%s: invalid %s range: base 0x%llx, length 0x%llx",
			dev->id, space == PLUGVM_SPACE_PIO ? "port" : "MMIO",
			(unsigned long long)base, (unsigned long long)len);
	return ret;
}

static void host_log(struct plugvm_device *pdev, enum plugvm_log_level level,
		     const char *fmt, ...)
{
	struct vmm_device *dev = (struct vmm_device *)pdev;
	va_list ap;

	if (level > PLUGVM_LOG_DEBUG)
		level = PLUGVM_LOG_DEBUG;
	va_start(ap, fmt);
	if (dev->env->log) {
		char msg[1024];

		vsnprintf(msg, sizeof(msg), fmt, ap);
		dev->env->log(dev->env->ctx, dev, level, msg);
	} else {
		vmm_logv(level, dev->id, fmt, ap);
	}
	va_end(ap);
}

static bool ram_range_ok(const struct vmm_device *dev, uint64_t gpa,
			 size_t len)
{
	return dev->env->ram && gpa <= dev->env->ram_size &&
	       len <= dev->env->ram_size - gpa;
}

static int host_mem_read(struct plugvm_device *pdev, uint64_t gpa, void *buf,
			 size_t len)
{
	struct vmm_device *dev = (struct vmm_device *)pdev;

	if (!ram_range_ok(dev, gpa, len))
		return -EFAULT;
	memcpy(buf, dev->env->ram + gpa, len);
	return 0;
}

static int host_mem_write(struct plugvm_device *pdev, uint64_t gpa,
			  const void *buf, size_t len)
{
	struct vmm_device *dev = (struct vmm_device *)pdev;

	if (!ram_range_ok(dev, gpa, len))
		return -EFAULT;
	memcpy(dev->env->ram + gpa, buf, len);
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
	int ret = -ENOTSUP;

	if (dev->env->set_irq)
		ret = dev->env->set_irq(dev->env->ctx, dev, line, level);
	/* Once per device: the device may try on every access. */
	if (ret == -ENOTSUP && !atomic_exchange(&dev->irq_refused, true))
		host_log(pdev, PLUGVM_LOG_WARN,
			 "set_irq(line %u): the machine has no interrupt "
			 "controller yet, so no interrupt is delivered "
			 "(further attempts are not reported)",
			 line);
	return ret;
}

static const char *host_device_id(struct plugvm_device *pdev)
{
	return ((struct vmm_device *)pdev)->id;
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
};

int vmm_device_create(const char *id, const struct vmm_plugin *plugin,
		      struct plugvm_value *values,
		      const struct vmm_device_env *env,
		      struct vmm_device **out)
{
	const struct plugvm_plugin *d = plugin->desc;
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
	dev->serialize = !(d->flags & PLUGVM_PLUGIN_THREAD_SAFE);
	pthread_mutex_init(&dev->lock, NULL);

	dev->creating = true;
	ret = d->create((struct plugvm_device *)dev, &vmm_host_table, values,
			&dev->state);
	dev->creating = false;
	if (ret) {
		if (ret > 0 || ret < -4095)
			ret = -EINVAL; /* not an errno: be defensive */
		vmm_err("%s: device '%s' could not be created: %s", plugin->path,
			id, strerror(-ret));
		vmm_iobus_unregister_device(env->bus, dev);
		goto out_mutex;
	}
	vmm_device_reset(dev);
	*out = dev;
	return 0;

out_mutex:
	pthread_mutex_destroy(&dev->lock);
	free(dev->id);
out_free:
	free(dev);
out_values:
	vmm_settings_free(d->settings, values);
	return ret;
}

void vmm_device_reset(struct vmm_device *dev)
{
	if (dev->plugin->desc->reset)
		dev->plugin->desc->reset(dev->state);
}

void vmm_device_destroy(struct vmm_device *dev)
{
	if (!dev)
		return;
	if (dev->plugin->desc->destroy)
		dev->plugin->desc->destroy(dev->state);
	vmm_settings_free(dev->plugin->desc->settings, dev->values);
	pthread_mutex_destroy(&dev->lock);
	free(dev->id);
	free(dev);
}
