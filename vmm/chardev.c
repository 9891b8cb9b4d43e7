// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * chardev.c - character sinks: stdout, a file, or nothing.
 */
#include "config.h"

#include "chardev.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool vmm_chardev_spec_is_none(const char *spec)
{
	return !strcmp(spec, "none");
}

int vmm_chardev_open(struct vmm_chardev *c, const char *spec,
		     struct vmm_chardev_capture *capture)
{
	memset(c, 0, sizeof(*c));
	c->capture = capture;
	if (!strcmp(spec, "stdout")) {
		c->file = stdout;
		return 0;
	}
	c->file = fopen(spec, "w");
	if (!c->file)
		return -errno;
	c->own_file = true;
	return 0;
}

/* Append @len bytes to @cap; what does not fit in memory is lost. */
static void capture_append(struct vmm_chardev_capture *cap, const void *buf,
			   size_t len)
{
	pthread_mutex_lock(&cap->lock);
	if (cap->cap - cap->len <= len) {
		size_t want = cap->cap ? cap->cap : 256;
		char *p;

		while (want - cap->len <= len)
			want *= 2;
		p = realloc(cap->data, want);
		if (!p)
			goto out_unlock;
		cap->data = p;
		cap->cap = want;
	}
	memcpy(cap->data + cap->len, buf, len);
	cap->len += len;
	cap->data[cap->len] = '\0';
out_unlock:
	pthread_mutex_unlock(&cap->lock);
}

size_t vmm_chardev_write(struct vmm_chardev *c, const void *buf, size_t len,
			 int *err)
{
	size_t n = len;

	if (c->file) {
		errno = 0;
		/* one stdio call: stdout's lock keeps it whole */
		if (len == 1)
			n = putc(*(const unsigned char *)buf, c->file) != EOF;
		else
			n = fwrite(buf, 1, len, c->file);
		if (n < len)
			*err = errno ? -errno : -EIO;
	}
	if (c->capture && n)
		capture_append(c->capture, buf, n);
	return n;
}

int vmm_chardev_close(struct vmm_chardev *c)
{
	int ret = 0;

	if (!c->file)
		return 0;
	if (c->own_file) {
		errno = 0;
		if (fclose(c->file))
			ret = errno ? -errno : -EIO;
	} else {
		fflush(c->file);
	}
	c->file = NULL;
	return ret;
}
