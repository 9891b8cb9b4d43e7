// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot.c - a [linux] section's kernel: read it, find its format, call its
 * loader; and what the loaders share (file reading, the CPU tables in low
 * memory).
 */
#include "config.h"

#include "boot.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int vmm_boot_open(const char *path, const struct vmm_origin *o,
		  const char *what, int *fd, uint64_t *size)
{
	struct stat st;
	int ret;

	/* O_NONBLOCK: a FIFO is refused below, not waited on here */
	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (*fd < 0 || fstat(*fd, &st)) {
		ret = -errno;
		vmm_origin_error(o, "cannot read %s '%s': %s", what, path,
				 strerror(errno));
		if (*fd >= 0)
			close(*fd);
		return ret;
	}
	if (!S_ISREG(st.st_mode)) {
		vmm_origin_error(o, "%s '%s' is not a regular file", what,
				 path);
		close(*fd);
		return -EINVAL;
	}
	*size = (uint64_t)st.st_size;
	return 0;
}

int vmm_boot_read(int fd, const char *path, const struct vmm_origin *o,
		  void *dst, uint64_t size)
{
	uint8_t *p = dst;

	for (uint64_t done = 0; done < size;) {
		ssize_t n = pread(fd, p + done, (size_t)(size - done),
				  (off_t)done);

		if (n <= 0) {
			vmm_origin_error(o, "cannot read '%s': %s", path,
					 n ? strerror(errno) : "short read");
			return n ? -errno : -EIO;
		}
		done += (uint64_t)n;
	}
	return 0;
}

int vmm_boot_cpu_tables(struct vmm_boot_ctx *ctx, enum vmm_cpu_mode mode)
{
	struct vmm_boot_layout *l = &ctx->layout;
	uint64_t end = VMM_BOOT_PML4 + 6 * 4096; /* PML4, PDPT, 4 PDs */
	uint8_t *ram = vmm_guestmem_ptr(ctx->mem, 0, end);

	memset(l, 0, sizeof(*l));
	if (!ram) {
		vmm_origin_error(ctx->lx ? &ctx->lx->kernel_origin : NULL,
				 "a kernel needs at least 1 MiB of RAM (plugvm keeps its boot tables at 0x%llx-0x%llx)",
				 VMM_BOOT_ZEROPAGE, VMM_BOOT_HIGH - 1);
		return -ENOSPC;
	}
	if (mode == VMM_CPU_REAL)
		return 0;
	l->base = VMM_BOOT_GDT;
	l->gdt = VMM_BOOT_GDT;
	l->size = 4096;
	if (mode == VMM_CPU_LONG) {
		l->pml4 = VMM_BOOT_PML4;
		l->mapped = 4ULL << 30;
		l->size = end - VMM_BOOT_GDT;
	}
	/* the tables follow one another: GDT page, then the PML4 page */
	vmm_cpu_write_tables(mode, ram, l);
	return 0;
}

/* Read the whole kernel file into a new buffer. */
static int read_kernel(const struct vmm_boot_ctx *ctx, uint8_t **img,
		       size_t *len)
{
	const struct vmm_linux_cfg *lx = ctx->lx;
	uint64_t size;
	int fd, ret;

	ret = vmm_boot_open(lx->kernel, &lx->kernel_origin, "kernel", &fd,
			    &size);
	if (ret)
		return ret;
	if (size > ctx->mem->size) {
		vmm_origin_error(&lx->kernel_origin,
				 "kernel '%s' (%" PRIu64 " bytes) is larger than the machine's %" PRIu64 " bytes of RAM",
				 lx->kernel, size, ctx->mem->size);
		close(fd);
		return -EFBIG;
	}
	*img = malloc(size ? size : 1);
	if (!*img) {
		close(fd);
		return -ENOMEM;
	}
	ret = vmm_boot_read(fd, lx->kernel, &lx->kernel_origin, *img, size);
	close(fd);
	if (ret) {
		free(*img);
		return ret;
	}
	*len = (size_t)size;
	return 0;
}

int vmm_boot_load(struct vmm_boot_ctx *ctx)
{
	const struct vmm_linux_cfg *lx = ctx->lx;
	uint8_t *img;
	size_t len;
	int ret;

	ret = read_kernel(ctx, &img, &len);
	if (ret)
		return ret;
	if (vmm_boot_is_bzimage(img, len)) {
		ctx->format = VMM_KERNEL_BZIMAGE;
		ret = vmm_boot_load_bzimage(ctx, img, len);
	}
	/* mboot: a multiboot kernel is often an ELF file too: first */
	else if (vmm_boot_is_multiboot(img, len))
		ret = vmm_boot_load_multiboot(ctx, img, len);
	else if (vmm_boot_is_elf(img, len))
		ret = vmm_boot_load_elf(ctx, img, len);
	else {
		vmm_origin_error(&lx->kernel_origin,
				 "'%s' is not a kernel plugvm can boot (not a Linux bzImage: no \"HdrS\" setup header at 0x202; no multiboot header in its first 8 KiB; not an ELF file)",
				 lx->kernel);
		ret = -ENOEXEC;
	}
	free(img);
	return ret;
}
