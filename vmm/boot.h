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

/*
 * Fixed places in a [linux] machine's low memory. Everything from
 * VMM_BOOT_EBDA to 1 MiB is reserved in the memory map; kernels load at
 * 1 MiB and up.
 */
#define VMM_BOOT_EBDA 0x9fc00ULL /* reserved from here to 1 MiB */
#define VMM_BOOT_ZEROPAGE 0xe0000ULL /* Linux: boot_params; multiboot:
				      * free for the loader to use */
#define VMM_BOOT_CMDLINE 0xe1000ULL /* the command line, NUL-terminated */
#define VMM_BOOT_CMDLINE_MAX 0x8000ULL /* bytes, with the NUL */
#define VMM_BOOT_GDT 0xe9000ULL /* the GDT page */
#define VMM_BOOT_PML4 0xea000ULL /* PML4, PDPT, 4 PDs: 0-4 GiB identity */
#define VMM_BOOT_MPTABLE 0xf0000ULL /* the MP floating pointer and table */
#define VMM_BOOT_HIGH 0x100000ULL /* 1 MiB: where kernels go */

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
	bool kvm_emulated; /* kvm, but the host's only emulates: refused
			    * for a bzImage, as tcg is */
	/* out */
	enum vmm_kernel_format format;
	struct vmm_cpu_setup setup; /* mode, entry, preset registers */
	struct vmm_boot_layout layout; /* the GDT and page tables the vCPUs
					* start with (vmm_boot_cpu_tables()) */
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

/*
 * For the loaders (boot.c): write plugvm's GDT (VMM_GDT_* selectors) at
 * VMM_BOOT_GDT and, for long mode, identity page tables for the lowest
 * 4 GiB at VMM_BOOT_PML4, and point ctx->layout at them. 0, or -ENOSPC
 * (said) when RAM ends below 1 MiB.
 */
int vmm_boot_cpu_tables(struct vmm_boot_ctx *ctx, enum vmm_cpu_mode mode);

/*
 * Open @path (a regular file; a FIFO is refused, not waited on) for a
 * loader: *@fd and its size in *@size. @what ("kernel", "initrd") and @o
 * for the message. 0 or -errno (said).
 */
int vmm_boot_open(const char *path, const struct vmm_origin *o,
		  const char *what, int *fd, uint64_t *size);

/* Read @size bytes of @fd (opened by vmm_boot_open()) into @dst. 0 or
 * -errno (said, naming @path at @o). */
int vmm_boot_read(int fd, const char *path, const struct vmm_origin *o,
		  void *dst, uint64_t size);

/* Memory map helpers (memmap.c): add a range (merged with neighbours of
 * the same type; a later range replaces what it overlaps, so a reserved
 * range carves RAM), free. 0, -ENOMEM, or -EINVAL for a range that wraps
 * past 2^64. A size of 0 adds nothing. */
int vmm_memmap_add(struct vmm_memmap *map, uint64_t addr, uint64_t size,
		   uint32_t type);
void vmm_memmap_free(struct vmm_memmap *map);

struct vmm_iobus;

/*
 * The PC memory map of a machine (memmap.c): RAM at 0 to VMM_BOOT_EBDA,
 * reserved from there to 1 MiB (what plugvm keeps there), RAM from 1 MiB
 * to the end of low RAM, RAM at 4 GiB when the machine has more than
 * 3 GiB, and every MMIO range on @bus reserved (whole pages); with
 * @chipset_pc the IOAPIC and LAPIC pages too. 0 or -ENOMEM.
 */
int vmm_memmap_pc(struct vmm_memmap *map, const struct vmm_guestmem *mem,
		  const struct vmm_iobus *bus, bool chipset_pc);

#endif
