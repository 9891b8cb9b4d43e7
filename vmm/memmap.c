// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memmap.c - the guest's physical memory map, as e820 and multiboot tell
 * it: RAM, what plugvm keeps in RAM, and the devices' MMIO windows.
 *
 * The map stays sorted by address without overlaps. Adding a range
 * replaces whatever it overlaps and merges it with neighbours of its type,
 * so the PC map is built as "RAM everywhere, then carve": a reserved
 * range added after RAM punches its hole.
 */
#include "config.h"

#include "boot.h"

#include "iobus.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_SIZE 4096ULL
#define PC_IOAPIC 0xfec00000ULL
#define PC_LAPIC 0xfee00000ULL

/* Room for @need entries. */
static int reserve(struct vmm_memmap *map, size_t need)
{
	struct vmm_memmap_entry *e;
	size_t cap;

	if (need <= map->cap)
		return 0;
	cap = map->cap ? map->cap : 8;
	while (cap < need)
		cap *= 2;
	e = reallocarray(map->e, cap, sizeof(*e));
	if (!e)
		return -ENOMEM;
	map->e = e;
	map->cap = cap;
	return 0;
}

static void put(struct vmm_memmap *map, size_t *n, uint64_t addr,
		uint64_t end, uint32_t type)
{
	struct vmm_memmap_entry *last = *n ? &map->e[*n - 1] : NULL;

	if (end <= addr)
		return;
	if (last && last->type == type && last->addr + last->size == addr) {
		last->size += end - addr;
		return;
	}
	map->e[(*n)++] = (struct vmm_memmap_entry){ addr, end - addr, type };
}

int vmm_memmap_add(struct vmm_memmap *map, uint64_t addr, uint64_t size,
		   uint32_t type)
{
	struct vmm_memmap_entry *old;
	uint64_t end = addr + size;
	size_t n_old = map->n, n = 0;
	bool placed = false;

	if (!size)
		return 0;
	if (end < addr)
		return -EINVAL;
	/* at most one old entry splits in two, plus the new one */
	if (reserve(map, n_old + 2))
		return -ENOMEM;
	old = malloc((n_old ? n_old : 1) * sizeof(*old));
	if (!old)
		return -ENOMEM;
	memcpy(old, map->e, n_old * sizeof(*old));
	for (size_t i = 0; i < n_old; i++) {
		uint64_t a = old[i].addr, b = old[i].addr + old[i].size;

		if (!placed && a >= addr) {
			put(map, &n, addr, end, type);
			placed = true;
		}
		/* the parts of old[i] outside [addr, end) */
		put(map, &n, a, b < addr ? b : addr, old[i].type);
		if (!placed && b > addr) {
			put(map, &n, addr, end, type);
			placed = true;
		}
		put(map, &n, a > end ? a : end, b, old[i].type);
	}
	if (!placed)
		put(map, &n, addr, end, type);
	map->n = n;
	free(old);
	return 0;
}

void vmm_memmap_free(struct vmm_memmap *map)
{
	free(map->e);
	memset(map, 0, sizeof(*map));
}

int vmm_memmap_pc(struct vmm_memmap *map, const struct vmm_guestmem *mem,
		  const struct vmm_iobus *bus, bool chipset_pc)
{
	uint64_t low = vmm_guestmem_low(mem);
	const struct vmm_io_range *r;
	size_t n;
	int ret;

	ret = vmm_memmap_add(map, 0, low, VMM_E820_RAM);
	if (!ret && mem->high)
		ret = vmm_memmap_add(map, VMM_GUESTMEM_HIGH_BASE, mem->high,
				     VMM_E820_RAM);
	if (!ret)
		ret = vmm_memmap_add(map, VMM_BOOT_EBDA,
				     VMM_BOOT_HIGH - VMM_BOOT_EBDA,
				     VMM_E820_RESERVED);
	if (!ret && chipset_pc)
		ret = vmm_memmap_add(map, PC_IOAPIC, PAGE_SIZE,
				     VMM_E820_RESERVED);
	if (!ret && chipset_pc)
		ret = vmm_memmap_add(map, PC_LAPIC, PAGE_SIZE,
				     VMM_E820_RESERVED);
	r = bus ? vmm_iobus_ranges(bus, PLUGVM_SPACE_MMIO, &n) : NULL;
	for (size_t i = 0; r && i < n && !ret; i++) {
		uint64_t a = r[i].base & ~(PAGE_SIZE - 1);
		uint64_t last = r[i].last | (PAGE_SIZE - 1);

		/* last + 1 wraps only for a range ending at 2^64 - 1 */
		ret = vmm_memmap_add(map, a, last - a + (last != UINT64_MAX),
				     VMM_E820_RESERVED);
	}
	return ret;
}
