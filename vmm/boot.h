/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * boot.h - kernels a [linux] section names: their formats, the memory map
 * they are told about, and the state the vCPUs start in.
 *
 * boot.c reads the kernel file whole, finds its format and calls one
 * loader: boot-linux.c (bzImage, the Linux x86 boot protocol), boot-elf.c
 * (multiboot v1, and plain ELF32/ELF64, QEMU's -kernel conventions). A
 * loader works on bytes in memory, never on the file, so that a fuzzer can
 * feed it any header. Each loader writes guest RAM and fills ctx->setup;
 * the machine (vm.c) then starts the vCPUs from it as from a [cpu]
 * section.
 *
 * Layer 5 (README.md, "Layout"), beside the image loader: calls guest
 * memory, cpu.h, the config and the log.
 */
#ifndef VMM_BOOT_H
#define VMM_BOOT_H

#include "cpu.h"
#include "guestmem.h"
#include "machine.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* E820 / multiboot memory types. */
#define VMM_E820_RAM 1
#define VMM_E820_RESERVED 2
#define VMM_E820_ACPI 3
#define VMM_E820_NVS 4

struct vmm_memmap_entry {
	uint64_t addr, size;
	uint32_t type; /* VMM_E820_* */
};

/*
 * What the guest is told about its physical address space, sorted by
 * address, no overlaps: RAM (split around the PCI hole above 3 GiB),
 * what plugvm keeps in RAM (boot tables, the BIOS area 0x9fc00-0xfffff,
 * where the MP table lives), and the devices' MMIO windows, reserved.
 */
struct vmm_memmap {
	struct vmm_memmap_entry *e;
	size_t n, cap;
};

/* Fixed places in a [linux] machine's low memory. */
#define VMM_BOOT_EBDA 0x9fc00ULL /* reserved from here to 1 MiB */
#define VMM_BOOT_MPTABLE 0xf0000ULL /* the MP floating pointer and table */

enum vmm_kernel_format {
	VMM_KERNEL_BZIMAGE,
	VMM_KERNEL_MULTIBOOT,
	VMM_KERNEL_ELF,
};

struct vmm_boot_ctx {
	/* in */
	const struct vmm_linux_cfg *lx; /* paths, cmdline, origins */
	const char *config_path; /* for messages */
	const struct vmm_guestmem *mem;
	const struct vmm_memmap *map;
	unsigned n_vcpus;
	bool accel_is_tcg; /* a bzImage needs kvm: refused on tcg */
	/* out */
	enum vmm_kernel_format format;
	struct vmm_cpu_setup setup; /* mode, entry, preset registers */
};

/*
 * Load ctx->lx->kernel (and initrd or modules) into ctx->mem, build what
 * the format passes to the kernel (boot_params and its e820 copy, the
 * multiboot info), and fill ctx->format and ctx->setup. Returns 0 or
 * -errno after printing why, naming the file, and the machine file's line
 * and key where the cause is there.
 */
int vmm_boot_load(struct vmm_boot_ctx *ctx);

/* One per format: whether @img looks like it (the cheap header test), and
 * the loader itself, on the whole file's bytes. Same returns as above. */
bool vmm_boot_is_bzimage(const uint8_t *img, size_t len);
int vmm_boot_load_bzimage(struct vmm_boot_ctx *ctx, const uint8_t *img,
			  size_t len);
bool vmm_boot_is_multiboot(const uint8_t *img, size_t len);
int vmm_boot_load_multiboot(struct vmm_boot_ctx *ctx, const uint8_t *img,
			    size_t len);
bool vmm_boot_is_elf(const uint8_t *img, size_t len);
int vmm_boot_load_elf(struct vmm_boot_ctx *ctx, const uint8_t *img,
		      size_t len);

/* Memory map helpers (memmap.c): add a range (merged with neighbours of
 * the same type; a later reserved range carves RAM), free. -ENOMEM. */
int vmm_memmap_add(struct vmm_memmap *map, uint64_t addr, uint64_t size,
		   uint32_t type);
void vmm_memmap_free(struct vmm_memmap *map);

#endif
