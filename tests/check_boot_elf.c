// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_boot_elf.c - the multiboot and ELF loaders (vmm/boot-elf.c) on
 * synthetic images built here byte by byte: what lands in guest RAM, the
 * multiboot information structure field by field, the CPU state the
 * kernel starts in, and every header a loader must refuse, with what it
 * says. Runs without /dev/kvm and without a machine.
 */
#include "config.h"

#include "boot.h"
#include "capture.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RAM_SIZE (4u << 20)
#define MB_MAGIC 0x1BADB002u
#define MBI 0xe0000u /* where boot-elf.c puts the information */

static uint8_t *ram;
static struct vmm_guestmem mem;
static struct vmm_memmap_entry entries[5];
static struct vmm_memmap map;
static struct vmm_linux_cfg lx;
static struct vmm_boot_ctx ctx;
static uint8_t img[64 * 1024];
static char tmpdir[64];

static uint32_t rd32(uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, ram + gpa, 4);
	return v;
}

static uint64_t rd64(uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, ram + gpa, 8);
	return v;
}

static void w16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void w32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void w64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void setup(void)
{
	ram = calloc(1, RAM_SIZE);
	ck_assert_ptr_nonnull(ram);
	memset(ram, 0xcc, RAM_SIZE); /* so that zeroed bss shows */
	mem.host = ram;
	mem.size = RAM_SIZE;
	/* RAM, the BIOS area, RAM to 3 MiB, 64 KiB plugvm keeps, RAM. */
	entries[0] = (struct vmm_memmap_entry){ 0, 0x9fc00, VMM_E820_RAM };
	entries[1] = (struct vmm_memmap_entry){ 0x9fc00, 0x60400,
						VMM_E820_RESERVED };
	entries[2] = (struct vmm_memmap_entry){ 1u << 20, 2u << 20,
						VMM_E820_RAM };
	entries[3] = (struct vmm_memmap_entry){ 3u << 20, 0x10000,
						VMM_E820_RESERVED };
	entries[4] = (struct vmm_memmap_entry){ (3u << 20) + 0x10000,
						(1u << 20) - 0x10000,
						VMM_E820_RAM };
	map.e = entries;
	map.n = map.cap = 5;
	memset(&lx, 0, sizeof(lx));
	lx.set = true;
	lx.kernel = "k.elf";
	lx.kernel_origin = (struct vmm_origin){ "m.ini", 7, "linux", "kernel" };
	lx.initrd_origin = (struct vmm_origin){ "m.ini", 8, "linux", "initrd" };
	lx.cmdline_origin =
		(struct vmm_origin){ "m.ini", 9, "linux", "cmdline" };
	lx.entry_origin = (struct vmm_origin){ "m.ini", 10, "linux", "entry" };
	memset(&ctx, 0, sizeof(ctx));
	ctx.lx = &lx;
	ctx.config_path = "m.ini";
	ctx.mem = &mem;
	ctx.map = &map;
	ctx.n_vcpus = 1;
	memset(img, 0, sizeof(img));
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_boot_elf.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	free(ram);
}

/* A file in tmpdir holding @len bytes of @fill; its path (static). */
static const char *module_file(const char *name, size_t len, int fill)
{
	static char path[4][128];
	static int next;
	char *p = path[next++ % 4];
	FILE *f;

	snprintf(p, 128, "%s/%s", tmpdir, name);
	f = fopen(p, "wb");
	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < len; i++)
		fputc(fill + (int)(i % 7), f);
	ck_assert_int_eq(fclose(f), 0);
	return p;
}

/* A multiboot header at @off of img with @flags; the a.out fields when
 * flags has bit 16. */
static void mb_header(size_t off, uint32_t flags, uint32_t header_addr,
		      uint32_t load_addr, uint32_t load_end, uint32_t bss_end,
		      uint32_t entry)
{
	uint8_t *p = img + off;

	w32(p, MB_MAGIC);
	w32(p + 4, flags);
	w32(p + 8, (uint32_t)-(MB_MAGIC + flags));
	w32(p + 12, header_addr);
	w32(p + 16, load_addr);
	w32(p + 20, load_end);
	w32(p + 24, bss_end);
	w32(p + 28, entry);
}

/* The a.out kernel most tests use: 4 KiB file loaded at 1 MiB, header at
 * offset 0x40, 4 KiB of bss, entry at 1 MiB + 0x100. */
static void aout_kernel(void)
{
	for (size_t i = 0x80; i < 0x1000; i++)
		img[i] = (uint8_t)(i * 3);
	mb_header(0x40, 0x10003, 0x100040, 0x100000, 0x101000, 0x102000,
		  0x100100);
}

struct seg {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

/* An ELF file of class @cls (1 or 2) in img with @n program headers. */
static size_t elf_image(int cls, uint16_t machine, uint64_t entry,
			const struct seg *s, unsigned n)
{
	bool is64 = cls == 2;
	size_t phoff = is64 ? 64 : 52, phent = is64 ? 56 : 32;

	memcpy(img, "\177ELF", 4);
	img[4] = (uint8_t)cls;
	img[5] = 1;
	img[6] = 1;
	w16(img + 16, 2); /* ET_EXEC */
	w16(img + 18, machine);
	w32(img + 20, 1);
	if (is64) {
		w64(img + 24, entry);
		w64(img + 32, phoff);
		w16(img + 52, 64);
		w16(img + 54, (uint16_t)phent);
		w16(img + 56, (uint16_t)n);
	} else {
		w32(img + 24, (uint32_t)entry);
		w32(img + 28, (uint32_t)phoff);
		w16(img + 40, 52);
		w16(img + 42, (uint16_t)phent);
		w16(img + 44, (uint16_t)n);
	}
	for (unsigned i = 0; i < n; i++) {
		uint8_t *p = img + phoff + i * phent;

		w32(p, s[i].type);
		if (is64) {
			w32(p + 4, 5);
			w64(p + 8, s[i].offset);
			w64(p + 16, s[i].vaddr);
			w64(p + 24, s[i].paddr);
			w64(p + 32, s[i].filesz);
			w64(p + 40, s[i].memsz);
		} else {
			w32(p + 4, (uint32_t)s[i].offset);
			w32(p + 8, (uint32_t)s[i].vaddr);
			w32(p + 12, (uint32_t)s[i].paddr);
			w32(p + 16, (uint32_t)s[i].filesz);
			w32(p + 20, (uint32_t)s[i].memsz);
		}
	}
	for (size_t i = 0x1000; i < 0x3000; i++)
		img[i] = (uint8_t)(i * 5 + 1);
	return 0x3000;
}

/* Two segments: text from file offset 0x1000 at 1 MiB, data+bss from
 * 0x2000 at 1 MiB + 0x10000. */
static const struct seg two_segs[] = {
	{ 1, 0x1000, 0x100000, 0x100000, 0x1000, 0x1000 },
	{ 4, 0, 0, 0, 0, 0 }, /* PT_NOTE: not loaded */
	{ 1, 0x2000, 0x110000, 0x110000, 0x1000, 0x3000 },
};

/* Run @stmt, expect it to return @err and to have said @text. */
#define REFUSED(stmt, err, text)                                         \
	do {                                                             \
		int r_;                                                  \
		CAPTURE_STDERR(r_ = (stmt));                             \
		ck_assert_int_eq(r_, (err));                             \
		ck_assert_msg(strstr(captured, (text)),                  \
			      "'%s' not in: %s", (text), captured);      \
	} while (0)

/* ---- multiboot: core ---------------------------------------------------- */

START_TEST(test_mb_detect)
{
	ck_assert(!vmm_boot_is_multiboot(img, sizeof(img)));
	mb_header(8180, 0, 0, 0, 0, 0, 0); /* ends at 8 KiB */
	ck_assert(vmm_boot_is_multiboot(img, sizeof(img)));
	ck_assert(!vmm_boot_is_multiboot(img, 8188)); /* cut short */
	memset(img, 0, sizeof(img));
	mb_header(8184, 0, 0, 0, 0, 0, 0); /* not wholly in 8 KiB */
	ck_assert(!vmm_boot_is_multiboot(img, sizeof(img)));
	memset(img, 0, sizeof(img));
	mb_header(0x42, 0, 0, 0, 0, 0, 0); /* not 32-bit aligned */
	ck_assert(!vmm_boot_is_multiboot(img, sizeof(img)));
	memset(img, 0, sizeof(img));
	mb_header(0x40, 0, 0, 0, 0, 0, 0);
	img[0x48] ^= 1; /* checksum */
	ck_assert(!vmm_boot_is_multiboot(img, sizeof(img)));
	ck_assert(!vmm_boot_is_multiboot(img, 0));
}
END_TEST

START_TEST(test_mb_aout)
{
	aout_kernel();
	ck_assert_int_eq(vmm_boot_load_multiboot(&ctx, img, 0x1000), 0);
	ck_assert_int_eq(ctx.format, VMM_KERNEL_MULTIBOOT);
	ck_assert_int_eq(ctx.setup.mode, VMM_CPU_PROTECTED);
	ck_assert_uint_eq(ctx.setup.entry, 0x100100);
	ck_assert_uint_eq(ctx.setup.gprs[VMM_RAX], 0x2BADB002);
	ck_assert_uint_eq(ctx.setup.gprs[VMM_RBX], MBI);
	ck_assert_uint_eq(ctx.setup.gprs_set,
			  (1u << VMM_RAX) | (1u << VMM_RBX));
	ck_assert_uint_eq(ctx.setup.n_vcpus, 1);
	ck_assert_uint_eq(ctx.layout.gdt, VMM_BOOT_GDT); /* boot.c's tables */
	ck_assert_uint_eq(ctx.layout.pml4, 0);
	/* the file from offset 0 at load_addr, then zeroed bss */
	ck_assert_mem_eq(ram + 0x100000, img, 0x1000);
	for (unsigned i = 0x101000; i < 0x102000; i++)
		ck_assert_uint_eq(ram[i], 0);
	ck_assert_uint_eq(ram[0x102000], 0xcc); /* nothing past bss_end */
	ck_assert_uint_eq(ram[0xfffff], 0xcc);
}
END_TEST

START_TEST(test_mb_aout_header_not_at_start)
{
	/* load_addr below header_addr: the load starts before the header */
	for (size_t i = 0; i < 0x2000; i++)
		img[i] = (uint8_t)(i + 9);
	mb_header(0x1000, 0x10000, 0x200000, 0x1ff800, 0, 0, 0x1ff800);
	ck_assert_int_eq(vmm_boot_load_multiboot(&ctx, img, 0x2000), 0);
	/* load_end 0: the file to its end from offset 0x800 */
	ck_assert_mem_eq(ram + 0x1ff800, img + 0x800, 0x1800);
	ck_assert_uint_eq(ram[0x201000], 0xcc);
	ck_assert_uint_eq(ctx.setup.entry, 0x1ff800);
}
END_TEST

START_TEST(test_mb_info)
{
	char cmd[] = "console=ttyS0 x=,y";
	uint32_t mods, mmap, n;
	const char *a, *b;
	char list[512];

	aout_kernel();
	a = module_file("first", 5000, 'a');
	b = module_file("sec,ond", 3, 'x');
	ck_assert_ptr_nonnull(strstr(b, "sec,ond"));
	/* the second path has a comma: ",," in the list */
	snprintf(list, sizeof(list), "%s,%s/sec,,ond arg1  arg2", a, tmpdir);
	lx.cmdline = cmd;
	lx.initrd = list;
	ck_assert_int_eq(vmm_boot_load_multiboot(&ctx, img, 0x1000), 0);

	ck_assert_uint_eq(rd32(MBI), (1u << 0) | (1u << 2) | (1u << 3) |
					     (1u << 6) | (1u << 9));
	ck_assert_uint_eq(rd32(MBI + 4), 0x9fc00 / 1024); /* mem_lower 639 */
	ck_assert_uint_eq(rd32(MBI + 8), 2048); /* 1 MiB to the hole at 3 */
	ck_assert_str_eq((char *)ram + rd32(MBI + 16),
			 "k.elf console=ttyS0 x=,y");
	ck_assert_str_eq((char *)ram + rd32(MBI + 64), "plugvm");

	/* modules: page-aligned after the bss, strings as given */
	ck_assert_uint_eq(rd32(MBI + 20), 2);
	mods = rd32(MBI + 24);
	ck_assert_uint_ge(mods, MBI);
	ck_assert_uint_lt(mods, 0xe9000);
	ck_assert_uint_eq(rd32(mods), 0x102000);
	ck_assert_uint_eq(rd32(mods + 4), 0x102000 + 5000);
	ck_assert_str_eq((char *)ram + rd32(mods + 8), a);
	ck_assert_uint_eq(rd32(mods + 12), 0);
	for (unsigned i = 0; i < 5000; i++)
		ck_assert_uint_eq(ram[0x102000 + i], 'a' + i % 7);
	ck_assert_uint_eq(rd32(mods + 16), 0x104000);
	ck_assert_uint_eq(rd32(mods + 20), 0x104003);
	ck_assert_mem_eq(ram + 0x104000, "xyz", 3);
	snprintf(list, sizeof(list), "%s/sec,ond arg1  arg2", tmpdir);
	ck_assert_str_eq((char *)ram + rd32(mods + 24), list);

	/* the memory map: every entry of ctx.map, 24 bytes each */
	n = rd32(MBI + 44);
	mmap = rd32(MBI + 48);
	ck_assert_uint_eq(n, 5 * 24);
	for (unsigned i = 0; i < 5; i++) {
		uint32_t e = mmap + i * 24;

		ck_assert_uint_eq(rd32(e), 20);
		ck_assert_uint_eq(rd64(e + 4), entries[i].addr);
		ck_assert_uint_eq(rd64(e + 12), entries[i].size);
		ck_assert_uint_eq(rd32(e + 20), entries[i].type);
	}
	/* fields plugvm does not give stay zero */
	ck_assert_uint_eq(rd32(MBI + 12), 0);
	ck_assert_uint_eq(rd32(MBI + 28), 0);
	ck_assert_uint_eq(rd32(MBI + 52), 0);
}
END_TEST

START_TEST(test_mb_info_defaults)
{
	/* no cmdline, no modules, no map: the kernel's path and a space,
	 * and a map of RAM, the BIOS area, RAM */
	ctx.map = NULL;
	aout_kernel();
	ck_assert_int_eq(vmm_boot_load_multiboot(&ctx, img, 0x1000), 0);
	ck_assert_uint_eq(rd32(MBI), (1u << 0) | (1u << 2) | (1u << 6) |
					     (1u << 9));
	ck_assert_str_eq((char *)ram + rd32(MBI + 16), "k.elf ");
	ck_assert_uint_eq(rd32(MBI + 8), 3072);
	ck_assert_uint_eq(rd32(MBI + 20), 0);
	ck_assert_uint_eq(rd32(MBI + 44), 3 * 24);
	ck_assert_uint_eq(rd64(rd32(MBI + 48) + 24 + 4), 0x9fc00);
	ck_assert_uint_eq(rd32(rd32(MBI + 48) + 24 + 20), VMM_E820_RESERVED);
}
END_TEST

START_TEST(test_mb_info_high_ram)
{
	/* 5 GiB split around the PCI hole: mem_upper stops at 3 GiB, the
	 * map goes on at 4 GiB (as vm.c's map for such a machine says) */
	static struct vmm_memmap_entry big[] = {
		{ 0, 0x9fc00, VMM_E820_RAM },
		{ 0x9fc00, 0x60400, VMM_E820_RESERVED },
		{ 1u << 20, (3ull << 30) - (1u << 20), VMM_E820_RAM },
		{ 0xfec00000, 0x1000, VMM_E820_RESERVED },
		{ 4ull << 30, 2ull << 30, VMM_E820_RAM },
	};
	struct vmm_memmap m = { big, 5, 5 };

	ctx.map = &m;
	aout_kernel();
	ck_assert_int_eq(vmm_boot_load_multiboot(&ctx, img, 0x1000), 0);
	ck_assert_uint_eq(rd32(MBI + 4), 639);
	ck_assert_uint_eq(rd32(MBI + 8), (3u << 20) - 1024);
	ck_assert_uint_eq(rd32(MBI + 44), 5 * 24);
	ck_assert_uint_eq(rd64(rd32(MBI + 48) + 4 * 24 + 4), 4ull << 30);
	ck_assert_uint_eq(rd64(rd32(MBI + 48) + 4 * 24 + 12), 2ull << 30);
}
END_TEST

START_TEST(test_mb_elf)
{
	size_t len = elf_image(1, 3, 0x100010, two_segs, 3);

	mb_header(0x1000, 0x3, 0, 0, 0, 0, 0); /* in the text segment */
	ck_assert(vmm_boot_is_multiboot(img, len));
	ck_assert_int_eq(vmm_boot_load_multiboot(&ctx, img, len), 0);
	ck_assert_int_eq(ctx.format, VMM_KERNEL_MULTIBOOT);
	ck_assert_uint_eq(ctx.setup.entry, 0x100010);
	ck_assert_mem_eq(ram + 0x100000, img + 0x1000, 0x1000);
	ck_assert_mem_eq(ram + 0x110000, img + 0x2000, 0x1000);
	for (unsigned i = 0x111000; i < 0x113000; i++)
		ck_assert_uint_eq(ram[i], 0);
	ck_assert_uint_eq(ram[0x101000], 0xcc); /* the gap is untouched */
}
END_TEST

START_TEST(test_mb_elf64)
{
	/* GRUB loads a 64-bit ELF with a multiboot header below 4 GiB, and
	 * so does plugvm: the kernel still starts in 32-bit mode */
	size_t len = elf_image(2, 62, 0x100000, two_segs, 3);

	mb_header(0x1000, 0x2, 0, 0, 0, 0, 0);
	ck_assert_int_eq(vmm_boot_load_multiboot(&ctx, img, len), 0);
	ck_assert_int_eq(ctx.setup.mode, VMM_CPU_PROTECTED);
	ck_assert_uint_eq(ctx.setup.entry, 0x100000);
}
END_TEST

START_TEST(test_mb_video_warns)
{
	aout_kernel();
	mb_header(0x40, 0x10007, 0x100040, 0x100000, 0x101000, 0x102000,
		  0x100100);
	CAPTURE_STDERR(ck_assert_int_eq(
		vmm_boot_load_multiboot(&ctx, img, 0x1000), 0));
	ck_assert_ptr_nonnull(strstr(captured, "video mode"));
	ck_assert_uint_eq(rd32(MBI) & (1u << 11), 0); /* no VBE info */
}
END_TEST

/* ---- multiboot: errors -------------------------------------------------- */

START_TEST(test_mb_bad_headers)
{
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -ENOEXEC,
		"m.ini:7: [linux] kernel: kernel 'k.elf': no multiboot header");
	mb_header(0x40, 0x10008, 0x100040, 0x100000, 0, 0, 0x100100);
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -ENOEXEC,
		"unknown 0x0008");
	mb_header(0x40, 0x10000, 0x100040, 0x100000, 0, 0, 0x100100);
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x50), -ENOEXEC,
		"cut short");
	/* header_addr below load_addr */
	mb_header(0x40, 0x10000, 0x100000, 0x100040, 0, 0, 0x100100);
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -ENOEXEC,
		"before the start of the file");
	/* load_addr more than the header's offset below header_addr */
	mb_header(0x40, 0x10000, 0x100040, 0xfff00, 0, 0, 0x100100);
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -ENOEXEC,
		"before the start of the file");
	mb_header(0x40, 0x10000, 0x100040, 0x100000, 0xfffff, 0, 0x100000);
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -ENOEXEC,
		"load_end_addr 0xfffff is below load_addr");
	mb_header(0x40, 0x10000, 0x100040, 0x100000, 0x102000, 0, 0x100000);
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -ENOEXEC,
		"runs past the end of the file");
	mb_header(0x40, 0x10000, 0x100040, 0x100000, 0x101000, 0x100800,
		  0x100000);
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -ENOEXEC,
		"bss_end_addr 0x100800 is below");
	mb_header(0x40, 0x10000, 0x100040, 0x100000, 0x101000, 0, 0x101000);
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -EINVAL,
		"entry point 0x101000 is outside");
	/* without the a.out kludge the file must be ELF */
	mb_header(0x40, 0x0, 0, 0, 0, 0, 0);
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -ENOEXEC,
		"not ELF");
	/* nothing was written anywhere */
	for (unsigned i = 0xe0000; i < 0xe9000; i++)
		ck_assert_uint_eq(ram[i], 0xcc);
	ck_assert_uint_eq(ram[0x100000], 0xcc);
}
END_TEST

START_TEST(test_mb_bad_places)
{
	/* into the BIOS area, where the information goes */
	mb_header(0x40, 0x10000, 0xe0040, 0xe0000, 0, 0, 0xe0100);
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -EINVAL,
		"multiboot load (0xe0000-0xe0fff) overlaps the boot information, "
		"CPU and MP tables plugvm keeps at 0xe0000-0xf0fff");
	mb_header(0x40, 0x10000, 0xdf040, 0xdf000, 0, 0xe0001, 0xdf100);
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -EINVAL,
		"(0xdf000-0xe0000) overlaps the boot information");
	mb_header(0x40, 0x10000, 0xf0040, 0xf0000, 0, 0xf1000, 0xf0100);
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -EINVAL,
		"(0xf0000-0xf0fff) overlaps the boot information");
	/* across the 64 KiB plugvm keeps at 3 MiB */
	mb_header(0x40, 0x10000, 0x2ff040, 0x2ff000, 0, 0x301000, 0x2ff100);
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -EINVAL,
		"not RAM at 0x300000");
	/* past the end of RAM, and far past it */
	mb_header(0x40, 0x10000, 0x3ff040, 0x3ff000, 0, 0x400100, 0x3ff100);
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -EINVAL,
		"does not fit in 4194304 bytes of RAM");
	mb_header(0x40, 0x10000, 0xfffff040, 0xfffff000, 0, 0, 0xfffff100);
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -EINVAL,
		"does not fit");
	/* RAM too small for the information */
	aout_kernel();
	mem.size = 0xe8000;
	mb_header(0x40, 0x10000, 0x10040, 0x10000, 0, 0, 0x10100);
	ctx.map = NULL;
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -EINVAL,
		"needs at least 0xe9000 bytes of RAM");
}
END_TEST

START_TEST(test_mb_bad_modules)
{
	static char list[256], big[40000];

	aout_kernel();
	lx.initrd = "/nonexistent/module";
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -ENOENT,
		"m.ini:8: [linux] initrd: cannot read module "
		"'/nonexistent/module': No such file or directory");
	lx.initrd = "/tmp";
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -EINVAL,
		"module '/tmp' is not a regular file");
	snprintf(list, sizeof(list), "%s, args", module_file("m", 1, 'a'));
	lx.initrd = list;
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -EINVAL,
		"module 2 has an empty path");
	/* a module that does not fit below 3 MiB, where RAM stops */
	lx.initrd = (char *)module_file("huge", 2u << 20, 'h');
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -EINVAL,
		"huge': 2097152 bytes (0x102000-0x301fff) overlaps memory "
		"that is not RAM at 0x300000 (the memory map reserves it");
	/* strings too long for the information area */
	memset(big, 'x', sizeof(big) - 1);
	lx.initrd = NULL;
	lx.cmdline = big;
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -ENOSPC,
		"do not fit in the 36864 bytes");
}
END_TEST

/* ---- plain ELF ----------------------------------------------------------- */

START_TEST(test_elf32)
{
	size_t len = elf_image(1, 3, 0x100010, two_segs, 3);

	ck_assert(vmm_boot_is_elf(img, len));
	ck_assert(!vmm_boot_is_multiboot(img, len));
	ctx.n_vcpus = 2;
	ck_assert_int_eq(vmm_boot_load_elf(&ctx, img, len), 0);
	ck_assert_int_eq(ctx.format, VMM_KERNEL_ELF);
	ck_assert_int_eq(ctx.setup.mode, VMM_CPU_PROTECTED);
	ck_assert_uint_eq(ctx.setup.entry, 0x100010);
	ck_assert_uint_eq(ctx.setup.gprs_set, 0);
	ck_assert_uint_eq(ctx.setup.n_vcpus, 2);
	ck_assert_mem_eq(ram + 0x100000, img + 0x1000, 0x1000);
	ck_assert_mem_eq(ram + 0x110000, img + 0x2000, 0x1000);
	for (unsigned i = 0x111000; i < 0x113000; i++)
		ck_assert_uint_eq(ram[i], 0);
	ck_assert_uint_eq(ram[0xe0000], 0xcc); /* no multiboot information */
}
END_TEST

START_TEST(test_elf64)
{
	size_t len = elf_image(2, 62, 0x110020, two_segs, 3);

	ck_assert(vmm_boot_is_elf(img, len));
	ck_assert_int_eq(vmm_boot_load_elf(&ctx, img, len), 0);
	ck_assert_int_eq(ctx.setup.mode, VMM_CPU_LONG);
	ck_assert_uint_eq(ctx.setup.entry, 0x110020);
	ck_assert_uint_eq(ctx.layout.pml4, VMM_BOOT_PML4);
	ck_assert_uint_eq(ctx.layout.mapped, 4ULL << 30);
	ck_assert_mem_eq(ram + 0x110000, img + 0x2000, 0x1000);
}
END_TEST

START_TEST(test_elf64_high_half)
{
	/* linked at -2 GiB, loaded at 1 MiB: the entry is translated */
	const struct seg high[] = {
		{ 1, 0x1000, 0xffffffff80100000ull, 0x100000, 0x2000,
		  0x2000 },
	};
	size_t len = elf_image(2, 62, 0xffffffff80100040ull, high, 1);

	ck_assert_int_eq(vmm_boot_load_elf(&ctx, img, len), 0);
	ck_assert_uint_eq(ctx.setup.entry, 0x100040);
	ck_assert_mem_eq(ram + 0x100000, img + 0x1000, 0x2000);
}
END_TEST

START_TEST(test_elf_bad)
{
	struct seg s[2] = { two_segs[0], two_segs[2] };
	size_t len;

	ck_assert(!vmm_boot_is_elf(img, sizeof(img)));
	REFUSED(vmm_boot_load_elf(&ctx, img, 0x100), -ENOEXEC,
		"kernel 'k.elf': not an ELF file");
	len = elf_image(1, 3, 0x100010, s, 2);
	REFUSED(vmm_boot_load_elf(&ctx, img, 40), -ENOEXEC,
		"ELF header cut short (40 of 52 bytes)");
	img[5] = 2; /* big-endian */
	REFUSED(vmm_boot_load_elf(&ctx, img, len), -ENOEXEC, "little-endian");
	img[5] = 1;
	w16(img + 16, 3); /* ET_DYN */
	REFUSED(vmm_boot_load_elf(&ctx, img, len), -ENOEXEC,
		"ELF type 3 is not an executable");
	len = elf_image(1, 62, 0x100010, s, 2);
	REFUSED(vmm_boot_load_elf(&ctx, img, len), -ENOEXEC,
		"ELF32 machine 62 is not i386");
	len = elf_image(2, 3, 0x100010, s, 2);
	REFUSED(vmm_boot_load_elf(&ctx, img, len), -ENOEXEC,
		"ELF64 machine 3 is not x86-64");
	len = elf_image(1, 3, 0x100010, s, 2);
	w16(img + 42, 40); /* phentsize */
	REFUSED(vmm_boot_load_elf(&ctx, img, len), -ENOEXEC,
		"program headers: 2 of 40 bytes");
	len = elf_image(1, 3, 0x100010, s, 0);
	REFUSED(vmm_boot_load_elf(&ctx, img, len), -ENOEXEC,
		"program headers: 0 of 32 bytes");
	len = elf_image(1, 3, 0x100010, s, 2);
	w32(img + 28, (uint32_t)len - 40); /* phoff */
	REFUSED(vmm_boot_load_elf(&ctx, img, len), -ENOEXEC,
		"run past the end of the file");
	s[1].filesz = 0x2000; /* past the file's end */
	len = elf_image(1, 3, 0x100010, s, 2);
	REFUSED(vmm_boot_load_elf(&ctx, img, len), -ENOEXEC,
		"ELF segment 1 (offset 0x2000, 0x2000 bytes in the file");
	s[1].filesz = 0x4000; /* more than memsz */
	s[1].memsz = 0x3000;
	len = elf_image(1, 3, 0x100010, s, 2);
	REFUSED(vmm_boot_load_elf(&ctx, img, 0x10000), -ENOEXEC,
		"ELF segment 1");
	s[1] = two_segs[2];
	s[1].paddr = 0xfffffffffffff000ull; /* wraps */
	s[1].memsz = 0x2000;
	len = elf_image(2, 62, 0x100010, s, 2);
	REFUSED(vmm_boot_load_elf(&ctx, img, len), -ENOEXEC,
		"does not fit in the file or the address space");
	s[0].type = 4;
	s[1].type = 6;
	len = elf_image(1, 3, 0x100010, s, 2);
	REFUSED(vmm_boot_load_elf(&ctx, img, len), -ENOEXEC,
		"ELF file has nothing to load");
	len = elf_image(1, 3, 0x120000, two_segs, 3);
	REFUSED(vmm_boot_load_elf(&ctx, img, len), -EINVAL,
		"entry point 0x120000 is outside what it loads "
		"(0x100000-0x112fff)");
	/* nothing of all that was written */
	ck_assert_uint_eq(ram[0x100000], 0xcc);
	ck_assert_uint_eq(ram[0x110000], 0xcc);
}
END_TEST

START_TEST(test_elf_bad_places)
{
	struct seg s[1] = { { 1, 0x1000, 0x2f0000, 0x2f0000, 0x1000,
			      0x20000 } };
	size_t len = elf_image(1, 3, 0x2f0000, s, 1);

	REFUSED(vmm_boot_load_elf(&ctx, img, len), -EINVAL,
		"ELF segment 0 (0x2f0000-0x30ffff) overlaps memory that is "
		"not RAM at 0x300000 (the memory map reserves it: a device's "
		"range, or a hole)");
	s[0].paddr = s[0].vaddr = 0x3ff000;
	len = elf_image(1, 3, 0x3ff000, s, 1);
	REFUSED(vmm_boot_load_elf(&ctx, img, len), -EINVAL,
		"does not fit in 4194304 bytes of RAM");
	/* a 64-bit entry the identity map does not reach */
	s[0].paddr = s[0].vaddr = 0x100000000ull;
	len = elf_image(2, 62, 0x100000000ull, s, 1);
	REFUSED(vmm_boot_load_elf(&ctx, img, len), -EINVAL,
		"is above 4 GiB (what plugvm identity-maps)");
	ck_assert_uint_eq(ram[0x2f0000], 0xcc);
}
END_TEST

START_TEST(test_elf_refuses_cmdline_and_initrd)
{
	size_t len = elf_image(1, 3, 0x100010, two_segs, 3);

	lx.cmdline = "quiet";
	REFUSED(vmm_boot_load_elf(&ctx, img, len), -EINVAL,
		"m.ini:9: [linux] cmdline: kernel 'k.elf' is a plain ELF "
		"file, which has no way to receive a command line");
	lx.cmdline = NULL;
	lx.initrd = "x";
	REFUSED(vmm_boot_load_elf(&ctx, img, len), -EINVAL,
		"m.ini:8: [linux] initrd:");
	lx.initrd = NULL;
	lx.entry_bits = 64;
	REFUSED(vmm_boot_load_elf(&ctx, img, len), -EINVAL,
		"m.ini:10: [linux] entry: kernel 'k.elf' is an ELF file: it "
		"starts in the mode its format says");
	aout_kernel();
	REFUSED(vmm_boot_load_multiboot(&ctx, img, 0x1000), -EINVAL,
		"kernel 'k.elf' is a multiboot kernel: it starts");
	ck_assert_uint_eq(ram[0x100000], 0xcc);
}
END_TEST

START_TEST(test_elf_bios_area)
{
	/* `ld -Ttext=0x100000` without a script: the ELF headers alone in
	 * a segment at 0xff000, the BIOS area; QEMU loads it, and so does
	 * plugvm (only 0xe0000-0xf0fff is its own) */
	const struct seg s[] = {
		{ 1, 0, 0xff000, 0xff000, 0xd4, 0xd4 },
		{ 1, 0x1000, 0x100000, 0x100000, 0x1000, 0x1000 },
		{ 1, 0x2000, 0xa0000, 0xa0000, 0x100, 0x100 },
	};
	size_t len = elf_image(1, 3, 0x100000, s, 3);

	ck_assert_int_eq(vmm_boot_load_elf(&ctx, img, len), 0);
	ck_assert_mem_eq(ram + 0xff000, img, 0xd4);
	ck_assert_mem_eq(ram + 0xa0000, img + 0x2000, 0x100);
	mb_header(0x1000, 0x3, 0, 0, 0, 0, 0);
	ck_assert_int_eq(vmm_boot_load_multiboot(&ctx, img, len), 0);
	ck_assert_uint_eq(rd32(MBI + 8), 2048); /* the map as before */
}
END_TEST

START_TEST(test_no_config)
{
	/* a fuzzer's context: no [linux] section, no map */
	size_t len = elf_image(1, 3, 0x100010, two_segs, 3);

	ctx.lx = NULL;
	ctx.map = NULL;
	ck_assert_int_eq(vmm_boot_load_elf(&ctx, img, len), 0);
	mb_header(0x1000, 0x3, 0, 0, 0, 0, 0);
	ck_assert_int_eq(vmm_boot_load_multiboot(&ctx, img, len), 0);
	ck_assert_str_eq((char *)ram + rd32(MBI + 16), "kernel ");
	REFUSED(vmm_boot_load_elf(&ctx, img, 3), -ENOEXEC,
		"kernel 'kernel': not an ELF file");
	/* RAM too small for boot.c's tables: said, without a [linux] */
	mem.size = 0xe8000;
	len = elf_image(1, 3, 0x10010, (struct seg[]){ { 1, 0x1000, 0x10000,
						       0x10000, 0x100,
						       0x100 } },
			1);
	REFUSED(vmm_boot_load_elf(&ctx, img, len), -ENOSPC,
		"a kernel needs at least 1 MiB of RAM");
}
END_TEST

/* ---- PVH ------------------------------------------------------------------ */

/* A note at img + 0x800: @name, @type, @desc of @descsz bytes; returns
 * its size. Another note before it, which must be skipped. */
static size_t note(const char *name, uint32_t type, uint64_t desc,
		   uint32_t descsz)
{
	uint8_t *p = img + 0x800;

	w32(p, 4); /* a GNU note first */
	w32(p + 4, 5);
	w32(p + 8, 3);
	memcpy(p + 12, "GNU", 4);
	p += 12 + 4 + 8;
	w32(p, (uint32_t)strlen(name) + 1);
	w32(p + 4, descsz);
	w32(p + 8, type);
	memcpy(p + 12, name, strlen(name) + 1);
	w64(p + 12 + ((strlen(name) + 1 + 3) & ~3u), desc);
	return 24 + 12 + ((strlen(name) + 1 + 3) & ~3u) + ((descsz + 3) & ~3u);
}

static const struct seg *pvh_segs(size_t notesz)
{
	static struct seg s[4];

	memcpy(s, two_segs, sizeof(two_segs));
	s[1] = (struct seg){ 4, 0x800, 0, 0, notesz, notesz };
	return s;
}

START_TEST(test_pvh)
{
	size_t n = note("Xen", 18, 0x100020, 4), len;
	char list[512];
	uint64_t mods, mmap;

	len = elf_image(1, 3, 0x100010, pvh_segs(n), 3);
	note("Xen", 18, 0x100020, 4); /* elf_image wrote the headers */
	snprintf(list, sizeof(list), "%s initrd args,%s",
		 module_file("initrd", 100, 'i'), module_file("x", 1, 'x'));
	lx.initrd = list;
	lx.cmdline = "console=ttyS0";
	ck_assert_int_eq(vmm_boot_load_elf(&ctx, img, len), 0);
	ck_assert_int_eq(ctx.format, VMM_KERNEL_ELF);
	ck_assert_int_eq(ctx.setup.mode, VMM_CPU_PROTECTED);
	ck_assert_uint_eq(ctx.setup.entry, 0x100020); /* the note's */
	ck_assert_uint_eq(ctx.setup.gprs[VMM_RBX], MBI);
	ck_assert_uint_eq(ctx.setup.gprs_set, 1u << VMM_RBX);
	ck_assert_uint_eq(rd32(MBI), 0x336ec578);
	ck_assert_uint_eq(rd32(MBI + 4), 1);
	ck_assert_uint_eq(rd32(MBI + 8), 0);
	ck_assert_str_eq((char *)ram + rd64(MBI + 24), "console=ttyS0");
	ck_assert_uint_eq(rd64(MBI + 32), 0); /* no ACPI */
	ck_assert_uint_eq(rd32(MBI + 12), 2);
	mods = rd64(MBI + 16);
	ck_assert_uint_eq(rd64(mods), 0x113000); /* after the bss */
	ck_assert_uint_eq(rd64(mods + 8), 100);
	ck_assert_str_eq((char *)ram + rd64(mods + 16), "initrd args");
	ck_assert_uint_eq(ram[0x113000], 'i');
	ck_assert_uint_eq(rd64(mods + 32), 0x114000);
	ck_assert_uint_eq(rd64(mods + 40), 1);
	ck_assert_uint_eq(rd64(mods + 48), 0); /* no args: no cmdline */
	ck_assert_uint_eq(rd32(MBI + 48), 5);
	mmap = rd64(MBI + 40);
	for (unsigned i = 0; i < 5; i++) {
		ck_assert_uint_eq(rd64(mmap + i * 24), entries[i].addr);
		ck_assert_uint_eq(rd64(mmap + i * 24 + 8), entries[i].size);
		ck_assert_uint_eq(rd32(mmap + i * 24 + 16), entries[i].type);
	}
}
END_TEST

START_TEST(test_pvh_elf64)
{
	/* a 64-bit ELF with the note (Linux's vmlinux): 8-byte address,
	 * entered in 32-bit mode all the same; no cmdline: address 0 */
	size_t n = note("Xen", 18, 0x110008, 8), len;

	len = elf_image(2, 62, 0xffffffff81000000ull, pvh_segs(n), 3);
	note("Xen", 18, 0x110008, 8);
	ck_assert_int_eq(vmm_boot_load_elf(&ctx, img, len), 0);
	ck_assert_int_eq(ctx.setup.mode, VMM_CPU_PROTECTED);
	ck_assert_uint_eq(ctx.setup.entry, 0x110008);
	ck_assert_uint_eq(rd64(MBI + 24), 0);
	ck_assert_uint_eq(rd32(MBI + 12), 0);
	ck_assert_uint_eq(rd64(MBI + 16), 0);
}
END_TEST

START_TEST(test_pvh_bad)
{
	size_t n = note("Xen", 18, 0x100020, 6), len;

	len = elf_image(1, 3, 0x100010, pvh_segs(n), 3);
	note("Xen", 18, 0x100020, 6);
	REFUSED(vmm_boot_load_elf(&ctx, img, len), -ENOEXEC,
		"Xen PHYS32_ENTRY note of 6 bytes (want 4 or 8)");
	note("Xen", 18, 0x200000, 4);
	REFUSED(vmm_boot_load_elf(&ctx, img, len), -EINVAL,
		"entry point 0x200000 is outside");
	/* a note segment past the file */
	len = elf_image(1, 3, 0x100010, pvh_segs(0x10000), 3);
	REFUSED(vmm_boot_load_elf(&ctx, img, len), -ENOEXEC,
		"ELF note segment (offset 0x800, 0x10000 bytes) runs past");
	/* other notes, or a cut-short one, are no PVH note: plain ELF */
	n = note("Xen", 17, 0x100020, 4);
	len = elf_image(1, 3, 0x100010, pvh_segs(n), 3);
	note("Xen", 17, 0x100020, 4);
	ck_assert_int_eq(vmm_boot_load_elf(&ctx, img, len), 0);
	ck_assert_uint_eq(ctx.setup.entry, 0x100010);
	n = note("Xen", 18, 0x100020, 4);
	len = elf_image(1, 3, 0x100010, pvh_segs(n - 4), 3);
	note("Xen", 18, 0x100020, 4);
	ck_assert_int_eq(vmm_boot_load_elf(&ctx, img, len), 0);
	ck_assert_uint_eq(ctx.setup.entry, 0x100010);
	ck_assert_uint_eq(ctx.setup.gprs_set, 0);
}
END_TEST

static Suite *boot_elf_suite(void)
{
	Suite *s = suite_create("boot_elf");
	TCase *tc;

	tc = tcase_create("multiboot");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_mb_detect);
	tcase_add_test(tc, test_mb_aout);
	tcase_add_test(tc, test_mb_aout_header_not_at_start);
	tcase_add_test(tc, test_mb_info);
	tcase_add_test(tc, test_mb_info_defaults);
	tcase_add_test(tc, test_mb_info_high_ram);
	tcase_add_test(tc, test_mb_elf);
	tcase_add_test(tc, test_mb_elf64);
	tcase_add_test(tc, test_mb_video_warns);
	suite_add_tcase(s, tc);

	tc = tcase_create("multiboot errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_mb_bad_headers);
	tcase_add_test(tc, test_mb_bad_places);
	tcase_add_test(tc, test_mb_bad_modules);
	suite_add_tcase(s, tc);

	tc = tcase_create("elf");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_elf32);
	tcase_add_test(tc, test_elf64);
	tcase_add_test(tc, test_elf64_high_half);
	tcase_add_test(tc, test_elf_bios_area);
	tcase_add_test(tc, test_no_config);
	suite_add_tcase(s, tc);

	tc = tcase_create("elf errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_elf_bad);
	tcase_add_test(tc, test_elf_bad_places);
	tcase_add_test(tc, test_elf_refuses_cmdline_and_initrd);
	suite_add_tcase(s, tc);

	tc = tcase_create("pvh");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pvh);
	tcase_add_test(tc, test_pvh_elf64);
	tcase_add_test(tc, test_pvh_bad);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(boot_elf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
