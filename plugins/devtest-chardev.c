// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devtest-chardev.c - the device test kit's character input and stalled
 * output (devtest.h, "Character input"). The bench's character devices
 * are a manual set (chardev.h): inputs read nothing, the test types the
 * bytes, and they reach the device through the same flow control as
 * plugvm's event thread applies: never more than can_receive(), and after
 * a 0 nothing until the device calls input_ready().
 */
#include "config.h"

#include "devtest-priv.h"

#include "chardev.h"
#include "device.h"

#include <stdio.h>
#include <string.h>

/* Device @id, or NULL with the reason in t->error. */
static struct vmm_device *find_dev(struct plugvm_devtest *t, const char *id)
{
	for (size_t i = 0; id && i < t->n_devs; i++)
		if (!strcmp(t->devs[i].dev->id, id))
			return t->devs[i].dev;
	snprintf(t->error, sizeof(t->error), "no device '%s'",
		 id ? id : "(null)");
	return NULL;
}

/* @id's input @key, or NULL with the reason in t->error. */
static struct vmm_chardev_in *find_input(struct plugvm_devtest *t,
					 const char *id, const char *key)
{
	struct vmm_device *dev = find_dev(t, id);
	struct vmm_chardev_in *in = dev ? vmm_device_input(dev, key) : NULL;

	if (dev && !in)
		snprintf(t->error, sizeof(t->error),
			 "%s: no input for '%s' (not opened, or opened with \"none\")",
			 id, key ? key : "(null)");
	return in;
}

long plugvm_devtest_chardev_input(struct plugvm_devtest *t, const char *id,
				  const char *key, const void *buf,
				  size_t len)
{
	struct vmm_chardev_in *in;
	struct plugvm_devtest *saved;
	size_t n;

	if (!t)
		return -1;
	in = find_input(t, id, key);
	if (!in || (!buf && len))
		return -1;
	saved = devtest_enter(t);
	n = vmm_chardev_in_feed(in, buf, len);
	devtest_chardev_kick(t);
	devtest_leave(saved);
	return (long)n;
}

size_t plugvm_devtest_chardev_pending(const struct plugvm_devtest *t,
				      const char *id, const char *key)
{
	struct vmm_chardev_in *in;

	if (!t)
		return 0;
	in = find_input((struct plugvm_devtest *)t, id, key);
	return in ? vmm_chardev_in_pending(in) : 0;
}

int plugvm_devtest_chardev_event(struct plugvm_devtest *t, const char *id,
				 const char *key, uint32_t event)
{
	struct vmm_chardev_in *in;
	struct plugvm_devtest *saved;

	if (!t)
		return -1;
	in = find_input(t, id, key);
	if (!in)
		return -1;
	if (event != PLUGVM_CHARDEV_EVENT_EOF &&
	    event != PLUGVM_CHARDEV_EVENT_BREAK) {
		snprintf(t->error, sizeof(t->error),
			 "event %u is not PLUGVM_CHARDEV_EVENT_EOF or _BREAK",
			 event);
		return -1;
	}
	saved = devtest_enter(t);
	vmm_chardev_in_event(in, event);
	devtest_chardev_kick(t);
	devtest_leave(saved);
	return 0;
}

int plugvm_devtest_chardev_stall(struct plugvm_devtest *t, const char *id,
				 const char *key, size_t room)
{
	struct vmm_device *dev;
	struct vmm_chardev *c;

	if (!t)
		return -1;
	dev = find_dev(t, id);
	if (!dev)
		return -1;
	c = vmm_device_output(dev, key);
	if (!c) {
		snprintf(t->error, sizeof(t->error),
			 "%s: no output sink for '%s'", id,
			 key ? key : "(null)");
		return -1;
	}
	vmm_chardev_stall(c, room);
	return 0;
}

void devtest_chardev_kick(struct plugvm_devtest *t)
{
	if (t->env.chardevs)
		vmm_chardevs_kick(t->env.chardevs);
}
