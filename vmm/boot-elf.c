// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot-elf.c - multiboot v1 kernels, ELF kernels with a PVH note, and
 * plain ELF32/ELF64 kernels, as QEMU's -kernel boots them.
 *
 * Multiboot (the Multiboot Specification 0.6.96): the header lies 32-bit
 * aligned in the first 8 KiB of the file. With flags bit 16 (the "a.out
 * kludge") its address fields say what to load where; without it the file
 * must be ELF, loaded by its program headers. The kernel starts in flat
 * 32-bit protected mode, paging off, EAX = 0x2BADB002 and EBX = the
 * multiboot information structure, which holds mem_lower/mem_upper and
 * the memory map (both from ctx->map), the command line ("KERNEL CMDLINE",
 * the kernel's path first, as QEMU and GRUB pass it), the modules and the
 * boot loader's name.
 *
 * Modules come from the [linux] initrd value as QEMU's -initrd takes them:
 * a comma-separated list (",," for a comma in a name), each "PATH[ ARGS]";
 * the module's string is the whole element. They are loaded page-aligned
 * after the kernel's last byte.
 *
 * The information structure, its memory map, module list and strings
 * (built by boot-info.c, which shares boot-elf-int.h with this file) live
 * at MB_INFO_BASE..MB_INFO_END, in the reserved area below 1 MiB (the
 * bzImage loader's zero page and command line use the same place: one
 * kernel per machine), so that a kernel that frees the RAM its memory map
 * lists never frees its own boot information.
 *
 * ELF with a PVH note (Xen's XEN_ELFNOTE_PHYS32_ENTRY in a PT_NOTE
 * segment; Linux's vmlinux has one): what QEMU's -kernel boots an ELF file
 * by. Segments as below; the kernel starts at the note's address in flat
 * 32-bit protected mode with EBX = a struct hvm_start_info (version 1:
 * the command line as given, the modules as above, each with its ARGS as
 * its command line, the memory map; no ACPI tables), at the same place as
 * the multiboot information.
 *
 * Plain ELF (no multiboot header, no PVH note): QEMU refuses these, plugvm
 * boots them. The PT_LOAD segments are loaded at their physical addresses
 * (p_paddr), as QEMU's ELF loader does; an entry point inside a segment's
 * virtual range is translated to the physical address below it. An ELF32
 * kernel starts in flat 32-bit protected mode (no information: EAX = EBX
 * = 0); an ELF64 kernel starts in 64-bit long mode with the low 4 GiB
 * identity-mapped. Such a kernel has no way to receive a command line or
 * modules, so naming them is an error.
 *
 * Both loaders check every address before writing a byte there (guest
 * RAM; the RAM entries of ctx->map, or the BIOS area below 1 MiB, which
 * QEMU lets kernels load into too; never plugvm's own 0xe0000-0xf0fff),
 * and every offset against the file: they take any bytes
 * (tests/check_boot_elf.c, the loader fuzz target).
 */
#include "config.h"

#include "boot-elf-int.h"

#include "log.h"
#include "mptable.h"
#include "parse.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The multiboot header. */
#define MB_HEADER_MAGIC 0x1BADB002u
#define MB_SEARCH 8192 /* bytes of the file the header must start in */
#define MB_PAGE_ALIGN 0x00000001u /* modules page-aligned (always) */
#define MB_MEMORY_INFO 0x00000002u /* mem_* and mmap_* (always given) */
#define MB_VIDEO_MODE 0x00000004u /* a video mode: plugvm has no display */
#define MB_MUST_KNOW 0x0000ffffu /* a loader must know these or fail */
#define MB_AOUT_KLUDGE 0x00010000u /* load by the header's addresses */

/* ELF. */
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define EM_386 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_NOTE 4
#define ELF_MAX_PHDRS 256 /* more program headers than any kernel has */


static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* ctx->map, or for a context without one (a fuzzer's, a test's) the map
 * plugvm gives a machine without devices: RAM below the EBDA and from
 * 1 MiB to the end of RAM. */
const struct vmm_memmap *
vmm_boot_effective_map(const struct vmm_boot_ctx *ctx, struct vmm_memmap_entry e[3],
	      struct vmm_memmap *map)
{
	uint64_t size = ctx->mem->size;

	if (ctx->map && ctx->map->n)
		return ctx->map;

	map->e = e;
	map->n = 0;
	map->cap = 3;
	e[map->n++] = (struct vmm_memmap_entry){
		0, size < VMM_BOOT_EBDA ? size : VMM_BOOT_EBDA, VMM_E820_RAM };
	if (size > VMM_BOOT_EBDA)
		e[map->n++] = (struct vmm_memmap_entry){
			VMM_BOOT_EBDA, ONE_MIB - VMM_BOOT_EBDA,
			VMM_E820_RESERVED };
	if (size > ONE_MIB)
		e[map->n++] = (struct vmm_memmap_entry){
			ONE_MIB, size - ONE_MIB, VMM_E820_RAM };
	return map;
}

/* The end of what plugvm keeps from VMM_BOOT_ZEROPAGE up: this file's
 * information, the GDT, the page tables, and (chipset pc) the MP table at
 * VMM_BOOT_MPTABLE, as large as the most vCPUs make it, page-rounded. */
static uint64_t kept_end(void)
{
	return (VMM_BOOT_MPTABLE + vmm_mptable_size(VMM_VCPUS_MAX) +
		PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/*
 * Whether guest-physical [@addr, @addr + @size) is RAM something may be
 * loaded to: inside guest RAM, clear of what plugvm keeps from
 * VMM_BOOT_ZEROPAGE to kept_end(), and covered by RAM entries of the memory map or by
 * the rest of the BIOS area below 1 MiB. QEMU loads kernels there too:
 * GNU ld's default layout for `-Ttext=0x100000` puts a segment holding
 * only the ELF headers at 0xff000. On refusal print why at @o:
 * "@who: @what (range) ...".
 */
bool vmm_boot_usable_ram(const struct vmm_boot_ctx *ctx,
			 const struct vmm_origin *o, const char *who,
			 uint64_t addr, uint64_t size, const char *what)
{
	struct vmm_memmap_entry def[3];
	struct vmm_memmap defmap;
	const struct vmm_memmap *map = vmm_boot_effective_map(ctx, def, &defmap);
	uint64_t at = addr, end = addr + size;

	if (end < addr || !vmm_guestmem_ptr(ctx->mem, addr, size)) {
		vmm_origin_error(o,
				 "%s: %s (0x%" PRIx64 "+0x%" PRIx64
				 ") does not fit in %" PRIu64 " bytes of RAM",
				 who, what, addr, size, ctx->mem->size);
		return false;
	}
	if (size && addr < kept_end() && end > VMM_BOOT_ZEROPAGE) {
		vmm_origin_error(o,
				 "%s: %s (0x%" PRIx64 "-0x%" PRIx64
				 ") overlaps the boot information, CPU and MP "
				 "tables plugvm keeps at 0x%llx-0x%" PRIx64,
				 who, what, addr, end - 1, VMM_BOOT_ZEROPAGE,
				 kept_end() - 1);
		return false;
	}
	/* The map is sorted without overlaps: walk the entries that cover
	 * [at, end) one after the other. */
	for (size_t i = 0; i < map->n && at < end; i++) {
		const struct vmm_memmap_entry *e = &map->e[i];
		uint64_t e_end = e->addr + e->size;

		if (e_end <= at)
			continue;
		if (e->addr > at)
			break;
		if (e->type == VMM_E820_RAM)
			at = e_end;
		else if (at >= VMM_BOOT_EBDA && at < ONE_MIB)
			at = e_end < ONE_MIB ? e_end : ONE_MIB;
		else
			break;
	}
	if (at < end) {
		vmm_origin_error(o,
				 "%s: %s (0x%" PRIx64 "-0x%" PRIx64
				 ") overlaps memory that is not RAM at 0x%" PRIx64
				 " (the memory map reserves it: a device's "
				 "range, or a hole)",
				 who, what, addr, end - 1, at);
		return false;
	}
	return true;
}

/* The same for a part of the kernel. */
static bool kernel_fits(const struct vmm_boot_ctx *ctx, uint64_t addr,
			uint64_t size, const char *what)
{
	char who[512];

	snprintf(who, sizeof(who), "kernel '%s'", kernel_name(ctx));
	return vmm_boot_usable_ram(ctx, kernel_origin(ctx), who, addr, size, what);
}

/* A [linux] entry key picks a bzImage's entry point: any other format
 * decides its own mode, so the key is an error there. */
static bool no_entry_key(const struct vmm_boot_ctx *ctx, const char *format)
{
	if (!ctx->lx || !ctx->lx->entry_bits)
		return true;
	vmm_origin_error(&ctx->lx->entry_origin,
			 "kernel '%s' is %s: it starts in the mode its format "
			 "says; entry picks a bzImage's entry point only",
			 kernel_name(ctx), format);
	return false;
}

/* ---- ELF ---------------------------------------------------------------- */

struct elf_seg {
	uint64_t paddr, vaddr, offset, filesz, memsz;
};

struct elf_image {
	int cls; /* ELFCLASS32 or ELFCLASS64 */
	uint64_t entry; /* physical, translated */
	bool pvh; /* has a XEN_ELFNOTE_PHYS32_ENTRY note: */
	uint64_t pvh_entry; /* its (physical, 32-bit) entry point */
	uint64_t low, high; /* lowest and past-the-highest byte loaded */
	size_t n;
	struct elf_seg seg[ELF_MAX_PHDRS];
};

bool vmm_boot_is_elf(const uint8_t *img, size_t len)
{
	return len >= 16 && !memcmp(img, "\177ELF", 4) &&
	       (img[EI_CLASS] == ELFCLASS32 || img[EI_CLASS] == ELFCLASS64);
}

/* One program header at @ph into @s. */
static void elf_phdr(int cls, const uint8_t *ph, struct elf_seg *s)
{
	if (cls == ELFCLASS32) {
		s->offset = get32(ph + 4);
		s->vaddr = get32(ph + 8);
		s->paddr = get32(ph + 12);
		s->filesz = get32(ph + 16);
		s->memsz = get32(ph + 20);
	} else {
		s->offset = get64(ph + 8);
		s->vaddr = get64(ph + 16);
		s->paddr = get64(ph + 24);
		s->filesz = get64(ph + 32);
		s->memsz = get64(ph + 40);
	}
}

/*
 * Look through the notes of the PT_NOTE segment at [@off, @off + @size)
 * of @img for Xen's PHYS32_ENTRY (name "Xen", a 4- or 8-byte address),
 * as QEMU does to boot an ELF kernel by PVH. Returns 0 (found or not, in
 * @e), or -ENOEXEC for a malformed one.
 */
static int elf_notes(const struct vmm_boot_ctx *ctx, const uint8_t *img,
		     size_t len, uint64_t off, uint64_t size,
		     struct elf_image *e)
{
	uint64_t end, namesz, descsz, desc;

	if (off > len || size > len - off) {
		kernel_error(ctx,
			     "ELF note segment (offset 0x%" PRIx64
			     ", 0x%" PRIx64 " bytes) runs past the end of the "
			     "file",
			     off, size);
		return -ENOEXEC;
	}
	for (end = off + size; end - off >= 12; off = desc + descsz) {
		namesz = get32(img + off);
		descsz = get32(img + off + 4);
		desc = off + 12 + ((namesz + 3) & ~3ULL);
		if (desc > end || ((descsz + 3) & ~3ULL) > end - desc)
			break; /* cut short: not our note, whatever it is */
		descsz = (descsz + 3) & ~3ULL;
		if (namesz != 4 || memcmp(img + off + 12, "Xen", 4) ||
		    get32(img + off + 8) != XEN_ELFNOTE_PHYS32_ENTRY)
			continue;
		if (get32(img + off + 4) == 4) {
			e->pvh_entry = get32(img + desc);
		} else if (get32(img + off + 4) == 8) {
			e->pvh_entry = get64(img + desc);
		} else {
			kernel_error(ctx,
				     "Xen PHYS32_ENTRY note of %u bytes (want "
				     "4 or 8)",
				     get32(img + off + 4));
			return -ENOEXEC;
		}
		e->pvh = true;
	}
	return 0;
}

/*
 * Check the ELF header and program headers of @img and list what it loads
 * in @e, without writing guest RAM. Returns 0 or -ENOEXEC after saying why.
 */
static int elf_parse(const struct vmm_boot_ctx *ctx, const uint8_t *img,
		     size_t len, struct elf_image *e)
{
	uint64_t phoff, entry;
	unsigned phentsize, phnum, machine, want_ent;
	size_t ehsize;

	if (!vmm_boot_is_elf(img, len)) {
		kernel_error(ctx, "%s", "not an ELF file");
		return -ENOEXEC;
	}
	e->cls = img[EI_CLASS];
	ehsize = e->cls == ELFCLASS32 ? 52 : 64;
	want_ent = e->cls == ELFCLASS32 ? 32 : 56;
	if (len < ehsize) {
		kernel_error(ctx, "ELF header cut short (%zu of %zu bytes)", len,
			     ehsize);
		return -ENOEXEC;
	}
	if (img[EI_DATA] != ELFDATA2LSB || img[EI_VERSION] != 1 ||
	    get32(img + 20) != 1) {
		kernel_error(ctx, "%s",
			     "not a little-endian ELF version 1 file");
		return -ENOEXEC;
	}
	machine = get16(img + 18);
	if (get16(img + 16) != ET_EXEC) {
		kernel_error(ctx,
			     "ELF type %u is not an executable (ET_EXEC = 2)",
			     get16(img + 16));
		return -ENOEXEC;
	}
	if (e->cls == ELFCLASS32 && machine != EM_386) {
		kernel_error(ctx, "ELF32 machine %u is not i386 (3)", machine);
		return -ENOEXEC;
	}
	if (e->cls == ELFCLASS64 && machine != EM_X86_64) {
		kernel_error(ctx, "ELF64 machine %u is not x86-64 (62)",
			     machine);
		return -ENOEXEC;
	}
	if (e->cls == ELFCLASS32) {
		entry = get32(img + 24);
		phoff = get32(img + 28);
		phentsize = get16(img + 42);
		phnum = get16(img + 44);
	} else {
		entry = get64(img + 24);
		phoff = get64(img + 32);
		phentsize = get16(img + 54);
		phnum = get16(img + 56);
	}
	if (phentsize != want_ent || phnum == 0 || phnum > ELF_MAX_PHDRS) {
		kernel_error(ctx,
			     "ELF program headers: %u of %u bytes each (want "
			     "1-%u of %u bytes)",
			     phnum, phentsize, ELF_MAX_PHDRS, want_ent);
		return -ENOEXEC;
	}
	if (phoff > len || (uint64_t)phnum * phentsize > len - phoff) {
		kernel_error(ctx,
			     "ELF program headers at offset 0x%" PRIx64
			     " run past the end of the file (%zu bytes)",
			     phoff, len);
		return -ENOEXEC;
	}

	e->n = 0;
	e->low = UINT64_MAX;
	e->high = 0;
	e->entry = entry;
	e->pvh = false;
	for (unsigned i = 0; i < phnum; i++) {
		struct elf_seg *s = &e->seg[e->n];
		uint32_t type = get32(img + phoff + (uint64_t)i * phentsize);

		elf_phdr(e->cls, img + phoff + (uint64_t)i * phentsize, s);
		if (type == PT_NOTE && elf_notes(ctx, img, len, s->offset,
						 s->filesz, e))
			return -ENOEXEC;
		if (type != PT_LOAD || !s->memsz)
			continue;
		if (s->filesz > s->memsz || s->offset > len ||
		    s->filesz > len - s->offset ||
		    s->paddr + s->memsz < s->paddr) {
			kernel_error(ctx,
				     "ELF segment %u (offset 0x%" PRIx64
				     ", 0x%" PRIx64 " bytes in the file, 0x%" PRIx64
				     " in memory) does not fit in the file or "
				     "the address space",
				     i, s->offset, s->filesz, s->memsz);
			return -ENOEXEC;
		}
		if (s->paddr < e->low)
			e->low = s->paddr;
		if (s->paddr + s->memsz > e->high)
			e->high = s->paddr + s->memsz;
		/* An entry in this segment's virtual range: its physical
		 * address (a kernel linked high, loaded low). */
		if (entry >= s->vaddr && entry - s->vaddr < s->memsz)
			e->entry = s->paddr + (entry - s->vaddr);
		e->n++;
	}
	if (!e->n) {
		kernel_error(ctx, "%s", "ELF file has nothing to load");
		return -ENOEXEC;
	}
	return 0;
}

/* Copy the segments of @e into guest RAM, after checking every one. */
static int elf_load(const struct vmm_boot_ctx *ctx, const uint8_t *img,
		    const struct elf_image *e)
{
	char what[64];

	for (size_t i = 0; i < e->n; i++) {
		snprintf(what, sizeof(what), "ELF segment %zu", i);
		if (!kernel_fits(ctx, e->seg[i].paddr, e->seg[i].memsz, what))
			return -EINVAL;
	}
	for (size_t i = 0; i < e->n; i++) {
		const struct elf_seg *s = &e->seg[i];
		uint8_t *dst = vmm_guestmem_ptr(ctx->mem, s->paddr, s->memsz);

		memcpy(dst, img + s->offset, s->filesz);
		memset(dst + s->filesz, 0, s->memsz - s->filesz);
	}
	return 0;
}

/* The entry point must be code the kernel loaded. */
static bool entry_loaded(const struct vmm_boot_ctx *ctx, uint64_t entry,
			 uint64_t low, uint64_t high)
{
	if (entry >= low && entry < high)
		return true;
	kernel_error(ctx,
		     "entry point 0x%" PRIx64
		     " is outside what it loads (0x%" PRIx64 "-0x%" PRIx64 ")",
		     entry, low, high - 1);
	return false;
}

/* ---- multiboot ------------------------------------------------------- */

struct mb_header {
	size_t off; /* in the file */
	uint32_t flags;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr;
	uint32_t entry_addr;
};

/* The first multiboot header in @img's first 8 KiB, or false. */
static bool mb_find(const uint8_t *img, size_t len, struct mb_header *h)
{
	size_t end = len < MB_SEARCH ? len : MB_SEARCH;

	for (size_t off = 0; off + 12 <= end; off += 4) {
		const uint8_t *p = img + off;

		if (get32(p) != MB_HEADER_MAGIC ||
		    (uint32_t)(get32(p) + get32(p + 4) + get32(p + 8)))
			continue;
		memset(h, 0, sizeof(*h));
		h->off = off;
		h->flags = get32(p + 4);
		if ((h->flags & MB_AOUT_KLUDGE) && off + 32 <= len) {
			h->header_addr = get32(p + 12);
			h->load_addr = get32(p + 16);
			h->load_end_addr = get32(p + 20);
			h->bss_end_addr = get32(p + 24);
			h->entry_addr = get32(p + 28);
		}
		return true;
	}
	return false;
}

bool vmm_boot_is_multiboot(const uint8_t *img, size_t len)
{
	struct mb_header h;

	return mb_find(img, len, &h);
}

/* What a multiboot kernel takes up: [low, high) and its entry. */
struct mb_kernel {
	uint64_t low, high, entry;
};

/* Load by the a.out kludge's addresses. */
static int mb_load_aout(const struct vmm_boot_ctx *ctx, const uint8_t *img,
			size_t len, const struct mb_header *h,
			struct mb_kernel *k)
{
	uint64_t off, size, bss_end;
	uint8_t *dst;

	if (h->off + 32 > len) {
		kernel_error(ctx,
			     "multiboot header at offset 0x%zx cut short by "
			     "the end of the file",
			     h->off);
		return -ENOEXEC;
	}
	if (h->header_addr < h->load_addr ||
	    h->header_addr - h->load_addr > h->off) {
		kernel_error(ctx,
			     "multiboot header_addr 0x%x and load_addr 0x%x "
			     "put the load before the start of the file "
			     "(header at offset 0x%zx)",
			     h->header_addr, h->load_addr, h->off);
		return -ENOEXEC;
	}
	off = h->off - (h->header_addr - h->load_addr);
	if (!h->load_end_addr) {
		size = len - off;
	} else if (h->load_end_addr < h->load_addr) {
		kernel_error(ctx,
			     "multiboot load_end_addr 0x%x is below load_addr "
			     "0x%x",
			     h->load_end_addr, h->load_addr);
		return -ENOEXEC;
	} else {
		size = h->load_end_addr - h->load_addr;
		if (size > len - off) {
			kernel_error(ctx,
				     "multiboot load of 0x%" PRIx64
				     " bytes from offset 0x%" PRIx64
				     " runs past the end of the file (%zu "
				     "bytes)",
				     size, off, len);
			return -ENOEXEC;
		}
	}
	bss_end = h->load_addr + size;
	if (h->bss_end_addr) {
		if (h->bss_end_addr < bss_end) {
			kernel_error(ctx,
				     "multiboot bss_end_addr 0x%x is below "
				     "the end of the load 0x%" PRIx64,
				     h->bss_end_addr, bss_end);
			return -ENOEXEC;
		}
		bss_end = h->bss_end_addr;
	}
	k->low = h->load_addr;
	k->high = bss_end;
	k->entry = h->entry_addr;
	if (k->high == k->low) {
		kernel_error(ctx, "%s", "multiboot kernel loads nothing");
		return -ENOEXEC;
	}
	if (!entry_loaded(ctx, k->entry, k->low, k->high) ||
	    !kernel_fits(ctx, k->low, k->high - k->low, "multiboot load"))
		return -EINVAL;
	dst = vmm_guestmem_ptr(ctx->mem, k->low, k->high - k->low);
	memcpy(dst, img + off, size);
	memset(dst + size, 0, k->high - k->low - size);
	return 0;
}

/* Load an ELF multiboot kernel: 32-bit, or 64-bit below 4 GiB as GRUB. */
static int mb_load_elf(const struct vmm_boot_ctx *ctx, const uint8_t *img,
		       size_t len, struct mb_kernel *k)
{
	struct elf_image *e;
	int ret;

	if (!vmm_boot_is_elf(img, len)) {
		kernel_error(ctx, "%s",
			     "multiboot header without the a.out kludge "
			     "(flags bit 16) in a file that is not ELF");
		return -ENOEXEC;
	}
	e = malloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	ret = elf_parse(ctx, img, len, e);
	if (ret)
		goto out;
	ret = -EINVAL;
	if (e->high > FOUR_GIB) {
		kernel_error(ctx,
			     "multiboot ELF kernel loads up to 0x%" PRIx64
			     ", above the 4 GiB a 32-bit kernel reaches",
			     e->high - 1);
		goto out;
	}
	if (!entry_loaded(ctx, e->entry, e->low, e->high))
		goto out;
	ret = elf_load(ctx, img, e);
	k->low = e->low;
	k->high = e->high;
	k->entry = e->entry;
out:
	free(e);
	return ret;
}

int vmm_boot_load_multiboot(struct vmm_boot_ctx *ctx, const uint8_t *img,
			    size_t len)
{
	struct mb_header h;
	struct mb_kernel k;
	int ret;

	if (!mb_find(img, len, &h)) {
		kernel_error(ctx, "%s",
			     "no multiboot header in the first 8 KiB");
		return -ENOEXEC;
	}
	if (!no_entry_key(ctx, "a multiboot kernel"))
		return -EINVAL;
	if (h.flags & MB_MUST_KNOW &
	    ~(MB_PAGE_ALIGN | MB_MEMORY_INFO | MB_VIDEO_MODE)) {
		kernel_error(ctx,
			     "multiboot header asks for features plugvm does "
			     "not know (flags 0x%08x, unknown 0x%04x)",
			     h.flags,
			     h.flags & MB_MUST_KNOW &
				     ~(MB_PAGE_ALIGN | MB_MEMORY_INFO |
				       MB_VIDEO_MODE));
		return -ENOEXEC;
	}
	if (h.flags & MB_VIDEO_MODE)
		vmm_warn("kernel '%s': multiboot header asks for a video mode; "
			 "plugvm has no display and passes no video "
			 "information",
			 kernel_name(ctx));
	if (h.flags & MB_AOUT_KLUDGE)
		ret = mb_load_aout(ctx, img, len, &h, &k);
	else
		ret = mb_load_elf(ctx, img, len, &k);
	if (ret)
		return ret;
	ret = vmm_boot_mb_info(ctx, k.high);
	if (!ret)
		ret = vmm_boot_cpu_tables(ctx, VMM_CPU_PROTECTED);
	if (ret)
		return ret;
	memset(&ctx->setup, 0, sizeof(ctx->setup));
	ctx->format = VMM_KERNEL_MULTIBOOT;
	ctx->setup.mode = VMM_CPU_PROTECTED;
	ctx->setup.entry = k.entry;
	ctx->setup.gprs[VMM_RAX] = MB_BOOT_MAGIC;
	ctx->setup.gprs[VMM_RBX] = MB_INFO_BASE;
	ctx->setup.gprs_set = 1u << VMM_RAX | 1u << VMM_RBX;
	ctx->setup.n_vcpus = ctx->n_vcpus;
	vmm_debug("%s: multiboot kernel (%s), 0x%" PRIx64 "-0x%" PRIx64
		  ", entry 0x%" PRIx64 ", information at 0x%x",
		  kernel_name(ctx),
		  h.flags & MB_AOUT_KLUDGE ? "a.out kludge" : "ELF", k.low,
		  k.high - 1, k.entry, MB_INFO_BASE);
	return 0;
}

/* ---- plain ELF, and ELF with a PVH note ------------------------------ */

int vmm_boot_load_elf(struct vmm_boot_ctx *ctx, const uint8_t *img,
		      size_t len)
{
	struct elf_image *e;
	enum vmm_cpu_mode mode;
	uint64_t entry;
	int ret;

	e = malloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	ret = elf_parse(ctx, img, len, e);
	if (ret)
		goto out;
	ret = -EINVAL;
	if (!no_entry_key(ctx, e->pvh ? "an ELF file with a PVH note"
				      : "an ELF file"))
		goto out;
	if (!e->pvh && ctx->lx && ctx->lx->cmdline) {
		vmm_origin_error(&ctx->lx->cmdline_origin,
				 "kernel '%s' is a plain ELF file, which has "
				 "no way to receive a command line (a "
				 "multiboot header, a PVH note or a bzImage "
				 "has)",
				 kernel_name(ctx));
		goto out;
	}
	if (!e->pvh && ctx->lx && ctx->lx->initrd) {
		vmm_origin_error(&ctx->lx->initrd_origin,
				 "kernel '%s' is a plain ELF file, which has "
				 "no way to receive an initrd or modules (a "
				 "multiboot header, a PVH note or a bzImage "
				 "has)",
				 kernel_name(ctx));
		goto out;
	}
	entry = e->pvh ? e->pvh_entry : e->entry;
	if (!entry_loaded(ctx, entry, e->low, e->high))
		goto out;
	if ((e->cls == ELFCLASS64 || e->pvh) && entry >= FOUR_GIB) {
		kernel_error(ctx,
			     "entry point 0x%" PRIx64 " is above 4 GiB (%s)",
			     entry,
			     e->pvh ? "a PVH entry is 32-bit"
				    : "what plugvm identity-maps");
		goto out;
	}
	mode = e->cls == ELFCLASS64 && !e->pvh ? VMM_CPU_LONG
					       : VMM_CPU_PROTECTED;
	ret = elf_load(ctx, img, e);
	if (!ret && e->pvh)
		ret = vmm_boot_pvh_info(ctx, e->high);
	if (!ret)
		ret = vmm_boot_cpu_tables(ctx, mode);
	if (ret)
		goto out;
	memset(&ctx->setup, 0, sizeof(ctx->setup));
	ctx->format = VMM_KERNEL_ELF;
	ctx->setup.mode = mode;
	ctx->setup.entry = entry;
	if (e->pvh) {
		ctx->setup.gprs[VMM_RBX] = MB_INFO_BASE;
		ctx->setup.gprs_set = 1u << VMM_RBX;
	}
	ctx->setup.n_vcpus = ctx->n_vcpus;
	vmm_debug("%s: ELF%d kernel%s, 0x%" PRIx64 "-0x%" PRIx64
		  ", entry 0x%" PRIx64,
		  kernel_name(ctx), e->cls == ELFCLASS64 ? 64 : 32,
		  e->pvh ? " (PVH)" : "", e->low, e->high - 1, entry);
out:
	free(e);
	return ret;
}
