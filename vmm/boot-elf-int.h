/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * boot-elf-int.h - what the multiboot/ELF loader (boot-elf.c) and the boot
 * information it hands a kernel (boot-info.c: multiboot's information
 * structure, PVH's start_info, the modules) share. Private to the two;
 * boot.h is the interface.
 *
 * Layer 5, as boot.h.
 */
#ifndef VMM_BOOT_ELF_INT_H
#define VMM_BOOT_ELF_INT_H

#include "boot.h"

#include "log.h"
#include "parse.h"

#include <stdbool.h>
#include <stdint.h>

/* The multiboot information structure. */
#define MB_BOOT_MAGIC 0x2BADB002u /* in EAX at entry */
#define MBI_MEM (1u << 0)
#define MBI_CMDLINE (1u << 2)
#define MBI_MODS (1u << 3)
#define MBI_MMAP (1u << 6)
#define MBI_LOADER_NAME (1u << 9)
#define MBI_FLAGS 0
#define MBI_MEM_LOWER 4
#define MBI_MEM_UPPER 8
#define MBI_CMDLINE_ADDR 16
#define MBI_MODS_COUNT 20
#define MBI_MODS_ADDR 24
#define MBI_MMAP_LENGTH 44
#define MBI_MMAP_ADDR 48
#define MBI_LOADER_NAME_ADDR 64
#define MBI_SIZE 120 /* through the framebuffer fields, left zero */
#define MB_MOD_SIZE 16 /* mod_start, mod_end, string, reserved */
#define MB_MMAP_SIZE 24 /* size (= 20, itself not counted), addr, len, type */

/* PVH (Xen's x86/HVM direct boot ABI, xen/include/public/arch-x86/hvm/
 * start_info.h), which QEMU uses for ELF kernels with the note. */
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define PVH_START_MAGIC 0x336ec578u
#define PVH_START_SIZE 56 /* version 1: with the memory map */
#define PVH_MOD_SIZE 32 /* paddr, size, cmdline_paddr, reserved */
#define PVH_MMAP_SIZE 24 /* addr, size, type, reserved */

/* Where the information goes (see the head of boot-elf.c). */
#define MB_INFO_BASE 0xe0000u
#define MB_INFO_END 0xe9000u
#define MB_LOADER_NAME "plugvm"

#define PAGE_SIZE 4096ULL
#define FOUR_GIB (1ULL << 32)
#define ONE_MIB (1ULL << 20)

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* The kernel's path for messages (a fuzzer's context may have none). */
static inline const char *kernel_name(const struct vmm_boot_ctx *ctx)
{
	return ctx->lx && ctx->lx->kernel ? ctx->lx->kernel : "kernel";
}

static inline const struct vmm_origin *kernel_origin(const struct vmm_boot_ctx *ctx)
{
	return ctx->lx ? &ctx->lx->kernel_origin : NULL;
}

#define kernel_error(ctx, fmt, ...)                                         \
	vmm_origin_error(kernel_origin(ctx), "kernel '%s': " fmt,           \
			 kernel_name(ctx), __VA_ARGS__)

/* ctx->map, or for a context without one (a fuzzer's, a test's) the map
 * plugvm gives a machine without devices (@e and @map are its storage). */
const struct vmm_memmap *
vmm_boot_effective_map(const struct vmm_boot_ctx *ctx,
		       struct vmm_memmap_entry e[3], struct vmm_memmap *map);

/* Whether guest-physical [@addr, @addr + @size) is RAM something may be
 * loaded to; on refusal say why at @o (boot-elf.c). */
bool vmm_boot_usable_ram(const struct vmm_boot_ctx *ctx,
			 const struct vmm_origin *o, const char *who,
			 uint64_t addr, uint64_t size, const char *what);

/* Build the multiboot information structure, or PVH's start_info, at
 * MB_INFO_BASE for a kernel whose last byte is below @high; modules go
 * page-aligned from @high up. 0 or a negative errno, said at the origin. */
int vmm_boot_mb_info(const struct vmm_boot_ctx *ctx, uint64_t high);
int vmm_boot_pvh_info(const struct vmm_boot_ctx *ctx, uint64_t high);

#endif
