/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * devtest-priv.h - what the device test kit's files share: the bench.
 * Private to libplugvm-devtest; never installed.
 *
 * devtest.c: creating devices, accesses, records; devtest-chipset.c: the
 * bench's chipset (set_chipset, intr, inta); devtest-time.c: the virtual
 * clock and injected fd readiness (clock_*, fd_*); devtest-chardev.c:
 * typed input and stalled output (chardev_input/pending/event/stall).
 *
 * Same layer as the kit: above libvmm-core (device.h, iobus.h, irq.h).
 */
#ifndef PLUGVM_DEVTEST_PRIV_H
#define PLUGVM_DEVTEST_PRIV_H

#include <plugvm/devtest.h>

#include "chardev.h"
#include "device.h"
#include "iobus.h"
#include "plugin.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct devtest_dev {
	struct vmm_device *dev;
	struct vmm_plugin *plugin;
};

/* What one device wrote to the character sink of one setting. */
struct devtest_capture {
	char *id;
	char *key;
	struct vmm_chardev_capture cap;
};

struct devtest_log {
	struct plugvm_devtest_log_entry e;
	char *device;
	char *msg;
};

struct plugvm_devtest {
	struct vmm_iobus *bus;
	struct vmm_device_env env; /* env.events: manual, the virtual clock;
				    * env.chardevs: manual, fed by the test */
	uint8_t *ram;
	size_t ram_size;

	struct devtest_dev *devs;
	size_t n_devs, cap_devs;
	/* The chipset (devtest-chipset.c), set by set_chipset() only: "pc"
	 * has a router (env.irq) whose controller is device "pic"; "none"
	 * has none. The chipset's devices come back on the first add()
	 * after a shutdown(). */
	bool chipset_pc;

	/* @lock guards everything below: hooks may run on other threads. */
	pthread_mutex_t lock;
	struct devtest_log **log;
	size_t n_log, cap_log;
	struct plugvm_devtest_irq irq[PLUGVM_DEVTEST_IRQ_LINES];
	int irq_error;
	unsigned int exits;
	int exit_status;
	/* each stays where it is: sinks point into it */
	struct devtest_capture **captures;
	size_t n_captures, cap_captures;

	_Atomic int last_result;
	bool verbose;
	char error[512];
};

/* plugvm_devtest_add(), without the chipset's part. */
int devtest_add(struct plugvm_devtest *t, const char *plugin_path,
		const char *id, const char *const *settings);

/*
 * The chipset's part of add(): before the first device of a bench whose
 * chipset is "pc" (again after a shutdown()), create its devices.
 * 0 or the error of that, with the reason in t->error.
 */
int devtest_chipset_add(struct plugvm_devtest *t);

/*
 * After an access, a clock step or injected readiness: deliver the input
 * of devices that called input_ready() meanwhile (devtest-chardev.c).
 */
void devtest_chardev_kick(struct plugvm_devtest *t);

/* Free the chipset's router, after the devices are gone. */
void devtest_chipset_free(struct plugvm_devtest *t);

/*
 * Core code is about to run for @t on this thread: what it logs goes to
 * @t's records. Returns what was current before, for devtest_leave().
 */
struct plugvm_devtest *devtest_enter(struct plugvm_devtest *t);
void devtest_leave(struct plugvm_devtest *saved);

#endif
