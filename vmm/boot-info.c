// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot-info.c - what the multiboot and ELF loader (boot-elf.c) tells the
 * kernel it boots: multiboot v1's information structure (memory sizes and
 * map, "KERNEL CMDLINE", the modules, the boot loader's name) or PVH's
 * struct hvm_start_info (version 1), and the modules both list, loaded
 * page-aligned after the kernel. Built in host memory and copied whole to
 * MB_INFO_BASE..MB_INFO_END (the head of boot-elf.c says why there);
 * every string and table is checked to fit first.
 */
#include "config.h"

#include "boot-elf-int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the information structure -------------------------------------- */

/* The information structure and what it points to, built in host memory
 * and copied to MB_INFO_BASE at the end. */
struct mb_info {
	uint8_t buf[MB_INFO_END - MB_INFO_BASE];
	size_t used;
	bool full;
};

/* Reserve @size bytes (8-aligned) in @mi; their guest address, or 0. */
static uint32_t mbi_alloc(struct mb_info *mi, size_t size)
{
	size_t at = (mi->used + 7) & ~(size_t)7;

	if (at > sizeof(mi->buf) || size > sizeof(mi->buf) - at) {
		mi->full = true;
		return 0;
	}
	mi->used = at + size;
	return MB_INFO_BASE + (uint32_t)at;
}

static uint8_t *mbi_ptr(struct mb_info *mi, uint32_t gpa)
{
	return mi->buf + (gpa - MB_INFO_BASE);
}

/* Copy @n bytes of @s and a NUL into @mi; the guest address, or 0. */
static uint32_t mbi_strn(struct mb_info *mi, const char *s, size_t n)
{
	uint32_t at = mbi_alloc(mi, n + 1);

	if (at) {
		memcpy(mbi_ptr(mi, at), s, n);
		mbi_ptr(mi, at)[n] = 0;
	}
	return at;
}

/*
 * mem_lower: KiB of RAM from 0 (at most 640); mem_upper: KiB of RAM from
 * 1 MiB up to the first hole; both from the memory map.
 */
static void mb_mem_sizes(const struct vmm_memmap *map, uint32_t *lower,
			 uint32_t *upper)
{
	uint64_t low_end = 0, high_end = ONE_MIB;

	for (size_t i = 0; i < map->n; i++) {
		const struct vmm_memmap_entry *e = &map->e[i];

		if (e->type != VMM_E820_RAM)
			continue;
		if (e->addr <= low_end && e->addr + e->size > low_end)
			low_end = e->addr + e->size;
		if (e->addr <= high_end && e->addr + e->size > high_end)
			high_end = e->addr + e->size;
	}
	if (low_end > 640 * 1024)
		low_end = 640 * 1024;
	if (high_end > FOUR_GIB)
		high_end = FOUR_GIB;
	*lower = (uint32_t)(low_end / 1024);
	*upper = (uint32_t)((high_end - ONE_MIB) / 1024);
}

static int mb_add_mmap(struct mb_info *mi, uint8_t *info,
		       const struct vmm_memmap *map)
{
	uint32_t at = mbi_alloc(mi, map->n * MB_MMAP_SIZE);

	if (!at)
		return -ENOSPC;
	for (size_t i = 0; i < map->n; i++) {
		uint8_t *p = mbi_ptr(mi, at) + i * MB_MMAP_SIZE;

		put32(p, MB_MMAP_SIZE - 4);
		put64(p + 4, map->e[i].addr);
		put64(p + 12, map->e[i].size);
		put32(p + 20, map->e[i].type);
	}
	put32(info + MBI_MMAP_LENGTH, (uint32_t)(map->n * MB_MMAP_SIZE));
	put32(info + MBI_MMAP_ADDR, at);
	return 0;
}

/* ---- modules ------------------------------------------------------------ */

/*
 * The next element of the module list @s (QEMU's -initrd: elements split
 * at ',', ",," a literal comma) into a new string in *@out; returns where
 * the next element starts, or NULL at the end. -ENOMEM as NULL *@out.
 */
static const char *next_module(const char *s, char **out)
{
	size_t n = 0;
	char *p;

	*out = NULL;
	if (!s)
		return NULL;
	p = malloc(strlen(s) + 1);
	if (!p)
		return NULL;
	while (*s) {
		if (*s == ',' && s[1] == ',') {
			p[n++] = ',';
			s += 2;
		} else if (*s == ',') {
			s++;
			break;
		} else {
			p[n++] = *s++;
		}
	}
	p[n] = 0;
	*out = p;
	return s;
}

/*
 * Load the modules page-aligned from @high up and list them in @mi: for
 * multiboot (@pvh false) as {mod_start, mod_end, string, 0} with the
 * element's whole "PATH ARGS" as string, for PVH as {paddr, size,
 * cmdline_paddr, 0} with ARGS (or 0) as the command line. The list's
 * address and length in *@list and *@count (0 without modules).
 */
static int add_modules(const struct vmm_boot_ctx *ctx, struct mb_info *mi,
		       uint64_t high, bool pvh, uint32_t *list,
		       uint32_t *count)
{
	const struct vmm_linux_cfg *lx = ctx->lx;
	uint64_t next = (high + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	size_t entry = pvh ? PVH_MOD_SIZE : MB_MOD_SIZE;
	const char *s;
	int ret = 0;

	*list = *count = 0;
	if (!lx || !lx->initrd)
		return 0;
	/* Count first: the list is one array. */
	for (s = lx->initrd; s && *s;) {
		char *m;

		s = next_module(s, &m);
		if (!m)
			return -ENOMEM;
		free(m);
		(*count)++;
	}
	*list = mbi_alloc(mi, (size_t)*count * entry);
	if (!*list)
		return -ENOSPC;
	s = lx->initrd;
	for (uint32_t i = 0; i < *count; i++) {
		uint8_t *p = mbi_ptr(mi, *list) + (size_t)i * entry;
		char *m, *sp, what[64], who[512];
		uint64_t size = 0;
		uint32_t str;
		int fd;

		s = next_module(s, &m);
		if (!m)
			return -ENOMEM;
		sp = strchr(m, ' ');
		if (!pvh)
			str = mbi_strn(mi, m, strlen(m));
		else
			str = sp ? mbi_strn(mi, sp + 1, strlen(sp + 1)) : 0;
		if (sp)
			*sp = 0;
		if (!*m) {
			vmm_origin_error(&lx->initrd_origin,
					 "module %u has an empty path", i + 1);
			ret = -EINVAL;
		} else if (!(ret = vmm_boot_open(m, &lx->initrd_origin,
						 "module", &fd, &size))) {
			snprintf(who, sizeof(who), "module '%s'", m);
			snprintf(what, sizeof(what), "%" PRIu64 " bytes", size);
			if (next + size > FOUR_GIB) {
				vmm_origin_error(&lx->initrd_origin,
						 "%s: %s at 0x%" PRIx64
						 " would end above 4 GiB",
						 who, what, next);
				ret = -EINVAL;
			} else if (!vmm_boot_usable_ram(ctx, &lx->initrd_origin, who,
					       next, size, what)) {
				ret = -EINVAL;
			} else {
				ret = vmm_boot_read(
					fd, m, &lx->initrd_origin,
					vmm_guestmem_ptr(ctx->mem, next, size),
					size);
			}
			close(fd);
		}
		if (!ret) {
			if (pvh) {
				put64(p, next);
				put64(p + 8, size);
				put64(p + 16, str);
			} else {
				put32(p, (uint32_t)next);
				put32(p + 4, (uint32_t)(next + size));
				put32(p + 8, str);
			}
			next = (next + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		}
		free(m);
		if (ret)
			return ret;
	}
	return 0;
}

/* A new information area, after checking that RAM has room for it. */
static int info_begin(const struct vmm_boot_ctx *ctx, const char *what,
		      struct mb_info **out)
{
	if (!vmm_guestmem_ptr(ctx->mem, MB_INFO_BASE,
			      MB_INFO_END - MB_INFO_BASE)) {
		kernel_error(ctx,
			     "a %s kernel needs at least 0x%x bytes of RAM "
			     "for its boot information at 0x%x",
			     what, MB_INFO_END, MB_INFO_BASE);
		return -EINVAL;
	}
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

/* Write @mi to guest RAM, or say that it did not fit (@ret -ENOSPC or
 * a string that did not fit). Frees @mi. */
static int info_end(const struct vmm_boot_ctx *ctx, const char *what,
		    struct mb_info *mi, int ret)
{
	if (ret == -ENOSPC || (!ret && mi->full)) {
		vmm_origin_error(ctx->lx ? &ctx->lx->initrd_origin : NULL,
				 "the command line, module strings and memory "
				 "map do not fit in the %u bytes plugvm keeps "
				 "for the %s information",
				 MB_INFO_END - MB_INFO_BASE, what);
		ret = -ENOSPC;
	}
	if (!ret)
		ret = vmm_guestmem_write(ctx->mem, MB_INFO_BASE, mi->buf,
					 mi->used);
	free(mi);
	return ret;
}

/* Build the information structure for a kernel below @high at
 * MB_INFO_BASE. */
int vmm_boot_mb_info(const struct vmm_boot_ctx *ctx, uint64_t high)
{
	const struct vmm_linux_cfg *lx = ctx->lx;
	struct vmm_memmap_entry def[3];
	struct vmm_memmap defmap;
	const struct vmm_memmap *map = vmm_boot_effective_map(ctx, def, &defmap);
	struct mb_info *mi;
	uint32_t lower, upper, flags, list, count;
	uint8_t *info;
	const char *kpath = kernel_name(ctx);
	const char *cmd = lx && lx->cmdline ? lx->cmdline : "";
	char *cmdline = NULL;
	int ret;

	ret = info_begin(ctx, "multiboot", &mi);
	if (ret)
		return ret;
	info = mbi_ptr(mi, mbi_alloc(mi, MBI_SIZE));
	flags = MBI_MEM | MBI_CMDLINE | MBI_MMAP | MBI_LOADER_NAME;

	mb_mem_sizes(map, &lower, &upper);
	put32(info + MBI_MEM_LOWER, lower);
	put32(info + MBI_MEM_UPPER, upper);
	ret = mb_add_mmap(mi, info, map);
	if (ret)
		goto out;

	/* "KERNEL CMDLINE", as QEMU and GRUB pass it. */
	ret = -ENOMEM;
	cmdline = malloc(strlen(kpath) + strlen(cmd) + 2);
	if (!cmdline)
		goto out;
	sprintf(cmdline, "%s %s", kpath, cmd);
	put32(info + MBI_CMDLINE_ADDR, mbi_strn(mi, cmdline, strlen(cmdline)));
	put32(info + MBI_LOADER_NAME_ADDR,
	      mbi_strn(mi, MB_LOADER_NAME, strlen(MB_LOADER_NAME)));

	ret = add_modules(ctx, mi, high, false, &list, &count);
	if (ret)
		goto out;
	if (count) {
		flags |= MBI_MODS;
		put32(info + MBI_MODS_COUNT, count);
		put32(info + MBI_MODS_ADDR, list);
	}
	put32(info + MBI_FLAGS, flags);
out:
	free(cmdline);
	return info_end(ctx, "multiboot", mi, ret);
}

/*
 * Build the PVH start_info (version 1) for a kernel ending at @high at
 * MB_INFO_BASE: the command line as given (no kernel path: Linux reads it
 * whole), the modules, the memory map. No ACPI tables: rsdp_paddr 0.
 */
int vmm_boot_pvh_info(const struct vmm_boot_ctx *ctx, uint64_t high)
{
	const struct vmm_linux_cfg *lx = ctx->lx;
	struct vmm_memmap_entry def[3];
	struct vmm_memmap defmap;
	const struct vmm_memmap *map = vmm_boot_effective_map(ctx, def, &defmap);
	struct mb_info *mi;
	uint32_t list, count, mmap;
	uint8_t *info;
	int ret;

	ret = info_begin(ctx, "PVH", &mi);
	if (ret)
		return ret;
	info = mbi_ptr(mi, mbi_alloc(mi, PVH_START_SIZE));
	put32(info, PVH_START_MAGIC);
	put32(info + 4, 1); /* version */
	if (lx && lx->cmdline)
		put64(info + 24, mbi_strn(mi, lx->cmdline,
					  strlen(lx->cmdline)));
	mmap = mbi_alloc(mi, map->n * PVH_MMAP_SIZE);
	if (!mmap) {
		ret = -ENOSPC;
		goto out;
	}
	for (size_t i = 0; i < map->n; i++) {
		uint8_t *p = mbi_ptr(mi, mmap) + i * PVH_MMAP_SIZE;

		put64(p, map->e[i].addr);
		put64(p + 8, map->e[i].size);
		put32(p + 16, map->e[i].type);
	}
	put64(info + 40, mmap);
	put32(info + 48, (uint32_t)map->n);
	ret = add_modules(ctx, mi, high, true, &list, &count);
	if (ret)
		goto out;
	put32(info + 12, count);
	put64(info + 16, count ? list : 0);
out:
	return info_end(ctx, "PVH", mi, ret);
}
