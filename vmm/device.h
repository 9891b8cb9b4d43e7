/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * device.h - device instances, and the host table plugins call back into.
 *
 * The host functions work against a struct vmm_device_env that whoever
 * creates devices provides: the running machine, or the device test kit.
 *
 * Layer 3 (README.md, "Layout"): calls the plugins, the bus, guest
 * memory, the character sinks (chardev.h), the interrupt lines (irq.h),
 * timers and watches (events.h), settings and the log; what is above
 * (the machine) only through the hooks of struct vmm_device_env. The
 * host's clock, timer and watch functions are in devtimer.c.
 */
#ifndef VMM_DEVICE_H
#define VMM_DEVICE_H

#include "chardev.h"
#include "events.h"
#include "guestmem.h"
#include "iobus.h"
#include "parse.h"
#include "plugin.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct vmm_device;
struct vmm_irq;

/* What a device's surroundings provide; unset hooks get the defaults noted. */
struct vmm_device_env {
	struct vmm_iobus *bus;
	struct vmm_guestmem mem; /* host NULL: no RAM (mem_read/write
				  * -EFAULT) */
	/* clock_ns(), timers and watches: plugvm's threaded events, the
	 * kit's manual ones. NULL: no timers (create() -ENOTSUP, said as
	 * such) and CLOCK_MONOTONIC. */
	struct vmm_events *events;
	void *ctx;
	/* request_exit(); default: ignored */
	void (*exit_request)(void *ctx, struct vmm_device *dev, int status);
	/* The machine's interrupt lines (irq.h); NULL: chipset none, every
	 * set_irq() is -ENOTSUP and irqchip->attach() -EPERM. */
	struct vmm_irq *irq;
	/* set_irq(), instead of vmm_irq_set(@irq, ...) (the test kit, which
	 * counts calls and may force an error); default: NULL. The first
	 * -ENOTSUP or -EINVAL of a device is logged as a warning. */
	int (*set_irq)(void *ctx, struct vmm_device *dev, unsigned line,
		       bool level);
	/* after mem_write() changed guest RAM; default: nothing */
	void (*ram_written)(void *ctx, uint64_t gpa, uint64_t len);
	/* log(); default: vmm_logv() on stderr with the device id as prefix */
	void (*log)(void *ctx, struct vmm_device *dev,
		    enum plugvm_log_level level, const char *msg);
	/* chardev_open() of a sink (not "none") for setting @key: memory
	 * that also gets every byte the sink accepts, owned by the env and
	 * kept past the device; NULL fails the open with -ENOMEM. Default:
	 * no copy. */
	struct vmm_chardev_capture *(*chardev_capture)(void *ctx,
						       struct vmm_device *dev,
						       const char *key);
	/* The machine's character devices (chardev.h): its stdout, its
	 * stdin's holder, the console. NULL: a set of the process's own,
	 * manual (output written at once, inputs read nothing). */
	struct vmm_chardevs *chardevs;
};

/*
 * Where a device was configured, for the messages about it: its section,
 * its `type` key, and each setting's origin (one per table entry; line 0
 * for a default). All may be left zero (the device test kit): messages then
 * start with the device's id.
 */
struct vmm_device_where {
	struct vmm_origin section; /* file, [device "ID"] line, section */
	struct vmm_origin type; /* the `type` key */
	const struct vmm_origin *settings; /* NULL: no lines to name */
	/* A device of the machine's chipset rather than of the file: what
	 * messages call it, e.g. "chipset pc"; NULL for the file's. */
	const char *chipset;
};

struct vmm_device {
	char *id;
	char *origin_text; /* "FILE:LINE" of its section, or NULL */
	const struct vmm_plugin *plugin; /* not owned */
	struct plugvm_value *values; /* owned */
	void *state; /* what create() returned */
	const struct vmm_device_env *env;
	struct vmm_origin at; /* the section, from vmm_device_where */
	const char *chipset; /* from vmm_device_where; not owned */
	const struct vmm_device_where *where; /* during create() only */
	atomic_bool creating; /* register_range() allowed */
	atomic_bool reported; /* create() failed with its reason said */
	bool loaded_ram; /* create() wrote guest RAM: it may have loaded code */
	atomic_bool irq_refused; /* set_irq() was refused and said so */
	uint32_t irq_levels; /* bit n: it drives line n high (irq.c's, under
			      * the router's lock) */
	/*
	 * What the bus knows of this device: its id, @lock unless the
	 * plugin is PLUGVM_PLUGIN_THREAD_SAFE (whoever runs the devices may
	 * drop it before the bus is frozen when nothing runs concurrently),
	 * and its statistics slot (0 until the machine assigns one).
	 */
	struct vmm_io_owner owner;
	pthread_mutex_t lock;
	struct plugvm_chardev *chardevs; /* opened by create(), owned */
	/* Its timers and watches: callbacks under @lock unless the plugin
	 * is PLUGVM_PLUGIN_THREAD_SAFE; freed after destroy(). */
	struct vmm_events_owner events;
	atomic_bool events_warned; /* the late-timer warning was said */
	atomic_bool timers_capped; /* VMM_EVENTS_MAX_TIMERS was said */
	/* PLUGVM_LOG_GUEST_ERROR messages so far: past
	 * VMM_DEVICE_GUEST_ERROR_LIMIT they are counted, not shown */
	atomic_ulong guest_errors;
};

/* Guest errors a device shows before the rest are only counted (a guest
 * could otherwise make it log one line per access, for ever). */
#define VMM_DEVICE_GUEST_ERROR_LIMIT 20

/* The input @dev opened for setting @key, or NULL (none, or "none"). */
struct vmm_chardev_in *vmm_device_input(const struct vmm_device *dev,
					const char *key);
/* The output sink @dev opened for setting @key, or NULL. */
struct vmm_chardev *vmm_device_output(const struct vmm_device *dev,
				      const char *key);

/* The one host table, shared by every device. */
extern const struct plugvm_host vmm_host_table;

/* Its clock, timer and watch entries (devtimer.c). */
uint64_t vmm_host_clock_ns(struct plugvm_device *dev);
extern const struct plugvm_timer_ops vmm_host_timer_ops;
extern const struct plugvm_watch_ops vmm_host_watch_ops;

/*
 * Whether @dev's accesses must stay serialized by its lock even when a
 * single vCPU thread makes them, for its timers and watches: their
 * callbacks run on the event thread. A device without any may run
 * without the lock; one that makes its first timer or watch after that
 * is warned (devtimer.c).
 */
bool vmm_device_needs_lock(struct vmm_device *dev);

/* Free the timers and watches @dev left (after destroy(), or a failed
 * create()); devtimer.c. */
void vmm_device_release_events(struct vmm_device *dev);

/*
 * Create device @id from @plugin with converted @values (ownership passes
 * to the device, also on failure), then reset it. Returns 0 and *@out, or
 * the plugin's -errno or -ENOMEM, its ranges dropped, after one message
 * that says why: the plugin's own (setting_error(), or log() at error
 * level), the host's for a range it refused (an overlap names both
 * devices), or, when the plugin said nothing, "device 'ID' (TYPE) could
 * not be created: ERRNO"; a positive return is "plugin bug: create()
 * returned N". @where (may be NULL) says where the device was configured.
 */
int vmm_device_create_at(const char *id, const struct vmm_plugin *plugin,
			 struct plugvm_value *values,
			 const struct vmm_device_where *where,
			 const struct vmm_device_env *env,
			 struct vmm_device **out);
/* The same with no file behind the device (the test kit). */
int vmm_device_create(const char *id, const struct vmm_plugin *plugin,
		      struct plugvm_value *values,
		      const struct vmm_device_env *env,
		      struct vmm_device **out);
void vmm_device_reset(struct vmm_device *dev);
/* destroy() the plugin's instance, then flush and close the character
 * sinks it opened, and free the device. NULL is fine. */
void vmm_device_destroy(struct vmm_device *dev);

#endif
