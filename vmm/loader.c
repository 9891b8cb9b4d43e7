// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * loader.c - flat images into guest RAM.
 */
#include "config.h"

#include "loader.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Where one loaded image lies: [start, end), and which image it is. */
struct extent {
	uint64_t start, end;
	size_t image;
};

static int by_start(const void *a, const void *b)
{
	const struct extent *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	/* equal starts: file order, so that the later one is reported */
	return x->image < y->image ? -1 : x->image > y->image;
}

/* Load image @im, refusing what does not fit; its extent in *@ext. */
static int load_one(const struct vmm_image_cfg *im,
		    const struct vmm_guestmem *mem,
		    const struct vmm_boot_layout *rsv, struct extent *ext)
{
	struct stat st;
	uint64_t end;
	uint8_t *dst;
	ssize_t n;
	int fd, ret = 0;

	/* O_NONBLOCK: a FIFO (or a device) is refused below as not a
	 * regular file, instead of waiting forever here for a writer. */
	fd = open(im->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st)) {
		ret = -errno;
		vmm_origin_error(&im->origin, "cannot read image '%s': %s",
				 im->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return ret;
	}
	end = im->address + (uint64_t)st.st_size;
	dst = vmm_guestmem_ptr(mem, im->address, (uint64_t)st.st_size);
	if (!S_ISREG(st.st_mode)) {
		vmm_origin_error(&im->origin, "image '%s' is not a regular file",
				 im->path);
		ret = -EINVAL;
	} else if (!dst) {
		vmm_origin_error(&im->origin,
				 "image '%s' (%lld bytes at 0x%" PRIx64
				 ") does not fit in %" PRIu64 " bytes of RAM",
				 im->path, (long long)st.st_size, im->address,
				 mem->size);
		ret = -EINVAL;
	} else if (rsv->size && end > rsv->base &&
		   im->address < rsv->base + rsv->size) {
		vmm_origin_error(&im->origin,
				 "image '%s' (0x%" PRIx64 "-0x%" PRIx64
				 ") overlaps the CPU tables plugvm keeps at 0x%" PRIx64
				 "-0x%" PRIx64 "; give the machine more memory",
				 im->path, im->address, end - 1, rsv->base,
				 rsv->base + rsv->size - 1);
		ret = -EINVAL;
	}
	for (off_t done = 0; !ret && done < st.st_size; done += n) {
		n = pread(fd, dst + done, (size_t)(st.st_size - done), done);
		if (n <= 0) {
			vmm_origin_error(&im->origin,
					 "cannot read image '%s': %s", im->path,
					 n ? strerror(errno) : "short read");
			ret = n ? -errno : -EIO;
		}
	}
	close(fd);
	if (ret)
		return ret;
	ext->start = im->address;
	ext->end = end;
	vmm_info("image %s: %s at 0x%" PRIx64 "-0x%" PRIx64, im->name,
		 im->path, im->address, end - 1);
	return 0;
}

int vmm_load_images(const struct vmm_config *cfg,
		    const struct vmm_guestmem *mem,
		    const struct vmm_boot_layout *reserved)
{
	struct extent *ext;
	size_t n = 0;
	uint64_t reach = 0; /* the highest end so far, in address order */
	size_t reacher = 0; /* the extent that reaches it */
	int ret = 0;

	if (!cfg->n_images)
		return 0;
	ext = calloc(cfg->n_images, sizeof(*ext));
	if (!ext)
		return -ENOMEM;
	for (size_t i = 0; i < cfg->n_images && !ret; i++) {
		ret = load_one(&cfg->images[i], mem, reserved, &ext[n]);
		ext[n].image = i;
		if (!ret && ext[n].end > ext[n].start)
			n++;
	}
	/* Sorted by start, an image overlaps an earlier one exactly when it
	 * starts below the farthest end of those before it. */
	qsort(ext, n, sizeof(*ext), by_start);
	for (size_t i = 0; i < n && !ret; i++) {
		if (i && ext[i].start < reach) {
			const struct extent *a = &ext[reacher], *b = &ext[i];
			const struct vmm_image_cfg *later =
				&cfg->images[a->image > b->image ? a->image
								 : b->image];
			const struct vmm_image_cfg *earlier =
				&cfg->images[a->image > b->image ? b->image
								 : a->image];

			vmm_origin_error(&later->origin,
					 "image '%s' overlaps image '%s'",
					 later->name, earlier->name);
			ret = -EINVAL;
		}
		if (ext[i].end > reach) {
			reach = ext[i].end;
			reacher = i;
		}
	}
	free(ext);
	return ret;
}
