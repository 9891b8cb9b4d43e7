/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * chardev.h - character sinks: where a device's output goes.
 *
 * One sink is stdout (shared by every device that chose it, through
 * stdio, so one write is never split by another device's), a file of its
 * own, or nothing. The host table (device.c) wraps a sink with the device
 * and setting it belongs to, and reports its failures; this module knows
 * no device and calls only libc.
 *
 * A sink may also copy every byte it accepts into a capture (the device
 * test kit's memory), whatever else it does with them.
 */
#ifndef VMM_CHARDEV_H
#define VMM_CHARDEV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

/* Memory that a sink copies what it accepts into; NUL-terminated. The
 * owner (the kit) initializes @lock and frees @data. */
struct vmm_chardev_capture {
	pthread_mutex_t lock;
	char *data;
	size_t len, cap;
};

/* A sink; embedded by its user, never shared between two users. */
struct vmm_chardev {
	FILE *file;	/* stdout or our own file; NULL: capture only */
	bool own_file;	/* @file is ours to close */
	struct vmm_chardev_capture *capture; /* may be NULL */
};

/* Whether @spec is "none": no sink at all (the caller opens nothing). */
bool vmm_chardev_spec_is_none(const char *spec);

/*
 * Open @c for @spec: "stdout", or a path, created or truncated. @capture
 * (may be NULL) also gets every accepted byte. Returns 0, or the -errno
 * of fopen().
 */
int vmm_chardev_open(struct vmm_chardev *c, const char *spec,
		     struct vmm_chardev_capture *capture);

/*
 * Hand @len bytes of @buf to @c. Returns the number accepted; when that
 * is less than @len, *@err gets the -errno of the failure (the rest is
 * dropped). The capture gets what was accepted.
 */
size_t vmm_chardev_write(struct vmm_chardev *c, const void *buf, size_t len,
			 int *err);

/*
 * Flush @c and close its file if it owns one. Returns 0, or the -errno of
 * a failure to write what was buffered (stdout's flush is not checked, as
 * plugvm's other stdout users flush it too).
 */
int vmm_chardev_close(struct vmm_chardev *c);

#endif
