// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devtimer.c - the host's clock, timer and watch functions (plugin.h, API
 * 2), on the events of the device's environment (events.h): plugvm's event
 * thread, or the test kit's virtual clock.
 */
#include "config.h"

#include "device.h"

#include "log.h"

#include <errno.h>
#include <time.h>

static struct vmm_device *to_dev(struct plugvm_device *pdev)
{
	return (struct vmm_device *)pdev;
}

uint64_t vmm_host_clock_ns(struct plugvm_device *pdev)
{
	struct timespec ts;

	if (pdev && to_dev(pdev)->env->events)
		return vmm_events_now(to_dev(pdev)->env->events);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * May @dev have timers and watches? Without events in its environment
 * (a bench of the core's own tests) it may not. A device whose accesses
 * were let run without its lock (one vCPU thread, and no timer or watch
 * when the machine started) is warned once: its callbacks are serialized
 * with each other but not with read() and write().
 */
static int events_check(struct vmm_device *dev, const char *what)
{
	if (!dev->env->events) {
		vmm_host_table.log((struct plugvm_device *)dev, PLUGVM_LOG_ERROR,
				   "%s: this host has no event loop", what);
		return -ENOTSUP;
	}
	if (!atomic_load(&dev->creating) && !dev->owner.lock &&
	    !(dev->plugin->desc->flags & PLUGVM_PLUGIN_THREAD_SAFE) &&
	    !atomic_exchange(&dev->events_warned, true))
		vmm_host_table.log((struct plugvm_device *)dev, PLUGVM_LOG_WARN,
				   "%s after the machine started, on a device that had none: "
				   "its callbacks are not serialized with read() and write(); "
				   "create timers and watches in create()",
				   what);
	return 0;
}

static int host_timer_create(struct plugvm_device *pdev, plugvm_timer_fn fn,
			void *opaque, struct plugvm_timer **out)
{
	struct vmm_device *dev = to_dev(pdev);
	struct vmm_timer *t;
	int ret;

	if (out)
		*out = NULL;
	if (!fn || !out) {
		vmm_host_table.log(pdev, PLUGVM_LOG_ERROR,
				   "plugin bug: timer->create(): %s is NULL",
				   fn ? "the result pointer" : "the callback");
		return -EINVAL;
	}
	ret = events_check(dev, "timer->create()");
	if (ret)
		return ret;
	ret = vmm_timer_new(dev->env->events, &dev->events, fn, opaque, &t);
	if (ret == -ENOSPC) {
		/* said once: a plugin that leaks timers would say it for ever */
		if (!atomic_exchange(&dev->timers_capped, true))
			vmm_host_table.log(pdev, PLUGVM_LOG_ERROR,
					   "timer->create(): this device has %d timers already, the most one may have; refusing more (a timer leak?)",
					   VMM_EVENTS_MAX_TIMERS);
		return -ENOMEM;
	}
	if (ret) {
		vmm_host_table.log(pdev, PLUGVM_LOG_ERROR,
				   "timer->create(): out of memory");
		return ret;
	}
	*out = (struct plugvm_timer *)t;
	return 0;
}

static int host_timer_arm(struct plugvm_timer *timer, uint64_t deadline_ns)
{
	if (!timer) {
		vmm_err("plugin bug: timer->arm() of a NULL timer");
		return -EINVAL;
	}
	vmm_timer_arm((struct vmm_timer *)timer, deadline_ns);
	return 0;
}

static void host_timer_cancel(struct plugvm_timer *timer)
{
	if (timer)
		vmm_timer_cancel((struct vmm_timer *)timer);
}

static void host_timer_free(struct plugvm_timer *timer)
{
	vmm_timer_free((struct vmm_timer *)timer);
}

const struct plugvm_timer_ops vmm_host_timer_ops = {
	.size = sizeof(struct plugvm_timer_ops),
	.create = host_timer_create,
	.arm = host_timer_arm,
	.cancel = host_timer_cancel,
	.free = host_timer_free,
};

static int host_watch_create(struct plugvm_device *pdev, int fd, uint32_t events,
			plugvm_watch_fn fn, void *opaque,
			struct plugvm_watch **out)
{
	struct vmm_device *dev = to_dev(pdev);
	int ret;

	if (!fn || !out || fd < 0 ||
	    (events & ~(PLUGVM_WATCH_READ | PLUGVM_WATCH_WRITE))) {
		vmm_host_table.log(pdev, PLUGVM_LOG_ERROR,
				   "plugin bug: watch->create(): %s",
				   !fn	    ? "the callback is NULL"
				   : !out   ? "the result pointer is NULL"
				   : fd < 0 ? "the descriptor is negative"
					    : "unknown condition bits");
		if (out)
			*out = NULL;
		return -EINVAL;
	}
	*out = NULL;
	ret = events_check(dev, "watch->create()");
	if (ret)
		return ret;
	/* *out is set before the first callback can run: it may use it. */
	return vmm_watch_new(dev->env->events, &dev->events, fd, events, fn,
			     opaque, (struct vmm_watch **)out);
}

static int host_watch_set(struct plugvm_watch *watch, uint32_t events)
{
	int ret;

	if (!watch)
		return -EINVAL;
	ret = vmm_watch_set((struct vmm_watch *)watch, events);
	if (ret == -EINVAL)
		vmm_err("plugin bug: watch->set(): unknown condition bits 0x%x",
			events);
	return ret;
}

static void host_watch_free(struct plugvm_watch *watch)
{
	vmm_watch_free((struct vmm_watch *)watch);
}

const struct plugvm_watch_ops vmm_host_watch_ops = {
	.size = sizeof(struct plugvm_watch_ops),
	.create = host_watch_create,
	.set = host_watch_set,
	.free = host_watch_free,
};

bool vmm_device_needs_lock(struct vmm_device *dev)
{
	return dev->env->events &&
	       vmm_events_owner_busy(dev->env->events, &dev->events);
}

void vmm_device_release_events(struct vmm_device *dev)
{
	unsigned n;

	if (!dev->env->events)
		return;
	n = vmm_events_owner_release(dev->env->events, &dev->events);
	if (n)
		vmm_debug("%s: freed %u timers and watches it left", dev->id,
			  n);
}
