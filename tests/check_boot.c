// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_boot.c - the kernel loaders (boot.c, boot-linux.c) and the memory
 * map (memmap.c) on synthetic bzImages, and the state they leave run on
 * tcg.
 *
 * tests/guests/bzimage.S is a bzImage whose "kernel" reports what it was
 * handed (registers, zero page, command line, initrd) on port 0x80; the
 * entry tests load it as plugvm would for kvm and run it on the tcg
 * accelerator straight, without a machine (plugvm itself refuses a bzImage
 * on tcg: Linux needs kvm, tested here too). The header tests build
 * headers in memory and check each refusal's message.
 */
#include "config.h"

#include "accel.h"
#include "boot.h"
#include "capture.h"
#include "cpu.h"
#include "exit.h"
#include "guestmem.h"
#include "iobus.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RAM_SIZE (4u << 20)
#define MAX_REPORTS 32

static char dir[] = "/tmp/check_boot.XXXXXX";
static struct vmm_guestmem mem;
static struct vmm_memmap map;
static struct vmm_linux_cfg lx;
static struct vmm_boot_ctx ctx;

static uint32_t reports[MAX_REPORTS];
static unsigned n_reports;
static _Atomic int stop;
static struct vmm_pio_port pio_map[VMM_PIO_PORTS]; /* all: io_slow() */

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	mem.size = RAM_SIZE;
	mem.high = 0;
	mem.host = aligned_alloc(4096, RAM_SIZE);
	ck_assert_ptr_nonnull(mem.host);
	memset(mem.host, 0xcc, RAM_SIZE);
	memset(&map, 0, sizeof(map));
	ck_assert_int_eq(vmm_memmap_pc(&map, &mem, NULL, true), 0);
	memset(&lx, 0, sizeof(lx));
	lx.set = true;
	lx.kernel_origin = (struct vmm_origin){ "t.ini", 3, "linux", "kernel" };
	lx.initrd_origin = (struct vmm_origin){ "t.ini", 4, "linux", "initrd" };
	lx.cmdline_origin =
		(struct vmm_origin){ "t.ini", 5, "linux", "cmdline" };
	lx.entry_origin = (struct vmm_origin){ "t.ini", 6, "linux", "entry" };
	memset(&ctx, 0, sizeof(ctx));
	ctx.lx = &lx;
	ctx.config_path = "t.ini";
	ctx.mem = &mem;
	ctx.map = &map;
	ctx.n_vcpus = 1;
	n_reports = 0;
	stop = 0;
}

static void teardown(void)
{
	char cmd[64];

	free(lx.kernel);
	free(lx.initrd);
	free(mem.host);
	vmm_memmap_free(&map);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(dir, "/tmp/check_boot.XXXXXX");
}

/* Write @len bytes to DIR/@name; its path, to free(). */
static char *write_file(const char *name, const void *buf, size_t len)
{
	char *path;
	FILE *f;

	ck_assert_int_ge(asprintf(&path, "%s/%s", dir, name), 0);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

/* tests/guests/bzimage.bin, @extra bytes longer (zeros), in a new buffer. */
static uint8_t *guest_bzimage(size_t extra, size_t *len)
{
	const char *bdir = getenv("PLUGVM_BUILDDIR");
	char path[4096];
	uint8_t *img = calloc(1, 4096 + extra);
	FILE *f;

	ck_assert_ptr_nonnull(img);
	snprintf(path, sizeof(path), "%s/tests/guests/bzimage.bin",
		 bdir ? bdir : ".");
	f = fopen(path, "rb");
	ck_assert_msg(f, "cannot open %s", path);
	*len = fread(img, 1, 4096, f) + extra;
	fclose(f);
	ck_assert_uint_eq(*len, 2048 + extra);
	return img;
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint32_t get32(uint64_t gpa)
{
	uint32_t v;

	ck_assert_int_eq(vmm_guestmem_read(&mem, gpa, &v, 4), 0);
	return v;
}

/* Load @img as the kernel, with the log captured. */
static int load(const uint8_t *img, size_t len)
{
	int ret;

	free(lx.kernel);
	lx.kernel = write_file("vmlinuz", img, len);
	CAPTURE_STDERR(ret = vmm_boot_load(&ctx));
	return ret;
}

/* ---- running it on tcg ---------------------------------------------- */

static enum vmm_exit_action handle(struct vmm_exit_sink *sink,
				   struct vmm_exit *e)
{
	(void)sink;
	(void)e;
	return VMM_ACTION_STOP;
}

static enum vmm_exit_action io_slow(struct vmm_exit_sink *sink,
				    enum plugvm_space space, uint64_t addr,
				    unsigned size, bool is_write,
				    uint64_t *value)
{
	(void)sink;
	(void)size;
	if (!is_write) {
		*value = ~0ull;
		return VMM_ACTION_CONTINUE;
	}
	if (space == PLUGVM_SPACE_PIO && addr == 0x80 &&
	    n_reports < MAX_REPORTS)
		reports[n_reports++] = (uint32_t)*value;
	if (space == PLUGVM_SPACE_PIO && addr == 0xf4) {
		stop = 1;
		return VMM_ACTION_STOP;
	}
	return VMM_ACTION_CONTINUE;
}

/* Start a vCPU as ctx says and run it until the guest stops itself. */
static void run_on_tcg(void)
{
	const struct accel_ops *ops = &vmm_accel_tcg;
	struct accel_vm_config cfg = { .mem = &mem, .n_vcpus = 1,
				       .mode = ctx.setup.mode };
	struct vmm_exit_sink sink = { .pio_map = pio_map,
				      .stop_flag = &stop,
				      .handle = handle,
				      .io_slow = io_slow };
	struct accel_vcpu *tv;
	struct accel_vm *vm;
	struct vmm_regs regs;
	struct vmm_exit e;

	vmm_cpu_initial_regs(&ctx.setup, &ctx.layout, 0, &regs);
	ck_assert_int_eq(ops->vm_create(&cfg, &vm), 0);
	ck_assert_int_eq(ops->vcpu_create(vm, 0, &sink, &regs, &tv), 0);
	for (int i = 0; i < 100 && !stop; i++) {
		memset(&e, 0, sizeof(e));
		ck_assert_int_eq(ops->vcpu_run(tv, &e), 0);
		ck_assert_msg(e.reason != VMM_EXIT_EXCEPTION,
			      "guest fault: vector %u (%s) at 0x%llx after %u reports",
			      e.exception.vector, e.exception.what,
			      (unsigned long long)e.exception.address,
			      n_reports);
	}
	ops->vcpu_destroy(tv);
	ops->vm_destroy(vm);
	ck_assert_msg(stop, "the guest never reached its end");
}

/* ---- core ----------------------------------------------------------- */

/* Load bzimage.bin with an initrd and a command line; enter at @bits. */
static void boot_guest(unsigned bits)
{
	static const char initrd[] = "INITRD-CONTENTS";
	size_t len;
	uint8_t *img = guest_bzimage(0, &len);

	lx.initrd = write_file("initrd", initrd, sizeof(initrd));
	lx.cmdline = "console=ttyS0 quiet";
	lx.entry_bits = bits;
	ck_assert_int_eq(load(img, len), 0);
	free(img);
}

/* What bzimage.S reports, entered at @bits, with RAM_SIZE of RAM. */
static void check_reports(unsigned bits)
{
	uint32_t initrd_addr = get32(VMM_BOOT_ZEROPAGE + 0x218);

	ck_assert_uint_eq(n_reports, 15);
	ck_assert_uint_eq(reports[0], bits);
	ck_assert_uint_eq(reports[1], VMM_BOOT_ZEROPAGE); /* ESI */
	ck_assert_uint_eq(reports[2], 0x10); /* __BOOT_CS */
	ck_assert_uint_eq(reports[3], 0x18); /* __BOOT_DS */
	ck_assert_uint_eq(reports[4], 0x18);
	ck_assert_uint_eq(reports[5], 0x53726448); /* "HdrS" */
	ck_assert_uint_eq(reports[6], 0xff); /* type_of_loader */
	ck_assert_uint_eq(reports[7], 0x736e6f63); /* "cons" */
	ck_assert_uint_eq(reports[8], 5); /* e820: RAM, rsvd, RAM, 2 rsvd */
	ck_assert_uint_eq(reports[9], VMM_BOOT_EBDA); /* first: 0-EBDA */
	ck_assert_uint_eq(reports[10], initrd_addr);
	ck_assert_uint_eq(reports[11], 16); /* ramdisk_size */
	ck_assert_uint_eq(reports[12], 0x54494e49); /* "INIT" */
	ck_assert_uint_eq(reports[13] & 0x80000001,
			  bits == 64 ? 0x80000001 : 1); /* PG, PE */
	ck_assert_uint_eq(reports[14] & 0x500, bits == 64 ? 0x500 : 0);
}

START_TEST(test_entry64)
{
	boot_guest(0); /* auto: the kernel has XLF_KERNEL_64 */
	ck_assert_int_eq(ctx.format, VMM_KERNEL_BZIMAGE);
	ck_assert_int_eq(ctx.setup.mode, VMM_CPU_LONG);
	ck_assert_uint_eq(ctx.setup.entry, 0x100200);
	ck_assert_uint_eq(ctx.setup.gprs[VMM_RSI], VMM_BOOT_ZEROPAGE);
	ck_assert_uint_eq(ctx.layout.pml4, VMM_BOOT_PML4);
	run_on_tcg();
	check_reports(64);
}
END_TEST

START_TEST(test_entry32)
{
	boot_guest(32);
	ck_assert_int_eq(ctx.setup.mode, VMM_CPU_PROTECTED);
	ck_assert_uint_eq(ctx.setup.entry, 0x100000);
	ck_assert_uint_eq(get32(VMM_BOOT_ZEROPAGE + 0x214), 0x100000);
	run_on_tcg();
	check_reports(32);
}
END_TEST

/* The zero page: header copied, loader fields, e820 from the map. */
START_TEST(test_zero_page)
{
	uint8_t *bp = mem.host + VMM_BOOT_ZEROPAGE;
	size_t len;
	uint8_t *img = guest_bzimage(0, &len);
	uint32_t rd;

	boot_guest(0);
	ck_assert_mem_eq(bp + 0x1f1, img + 0x1f1, 0x210 - 0x1f1);
	ck_assert_mem_eq(bp + 0x211, img + 0x211, 0x218 - 0x211);
	ck_assert_uint_eq(bp[0x268], 0); /* past the header: zeros */
	ck_assert_uint_eq(bp[0x210], 0xff);
	ck_assert_uint_eq(get32(VMM_BOOT_ZEROPAGE + 0x228), VMM_BOOT_CMDLINE);
	ck_assert_str_eq((char *)mem.host + VMM_BOOT_CMDLINE,
			 "console=ttyS0 quiet");
	/* the initrd: page aligned, at the top of RAM, above the kernel */
	rd = get32(VMM_BOOT_ZEROPAGE + 0x218);
	ck_assert_uint_eq(rd % 4096, 0);
	ck_assert_uint_eq(rd, RAM_SIZE - 4096);
	ck_assert_str_eq((char *)mem.host + rd, "INITRD-CONTENTS");
	/* the kernel at 1 MiB */
	ck_assert_mem_eq(mem.host + 0x100000, img + 0x400, 0x400);
	/* e820 as the map says */
	ck_assert_uint_eq(bp[0x1e8], map.n);
	for (size_t i = 0; i < map.n; i++) {
		uint64_t a, s;
		uint32_t t;

		memcpy(&a, bp + 0x2d0 + 20 * i, 8);
		memcpy(&s, bp + 0x2d0 + 20 * i + 8, 8);
		memcpy(&t, bp + 0x2d0 + 20 * i + 16, 4);
		ck_assert_uint_eq(a, map.e[i].addr);
		ck_assert_uint_eq(s, map.e[i].size);
		ck_assert_uint_eq(t, map.e[i].type);
	}
	free(img);
}
END_TEST

/* A relocatable kernel goes to pref_address. */
START_TEST(test_pref_address)
{
	size_t len;
	uint8_t *img = guest_bzimage(0, &len);

	img[0x234] = 1;
	put32(img + 0x258, 0x200000);
	ck_assert_int_eq(load(img, len), 0);
	ck_assert_uint_eq(ctx.setup.entry, 0x200200);
	ck_assert_mem_eq(mem.host + 0x200000, img + 0x400, 0x400);
	/* not relocatable: loaded at 1 MiB, but it runs at pref_address,
	 * so init_size counts from there, and the initrd goes above it */
	img[0x234] = 0;
	ck_assert_int_eq(load(img, len), 0);
	ck_assert_uint_eq(ctx.setup.entry, 0x100200);
	put32(img + 0x260, RAM_SIZE - 0x200000 + 1);
	ck_assert_int_eq(load(img, len), -ENOSPC);
	ck_assert_ptr_nonnull(strstr(
		captured,
		"needs 2097153 bytes at 0x200000 (init_size, where it runs), but RAM below the PCI hole ends at 0x400000"));
	put32(img + 0x260, 0x100000);
	lx.initrd = write_file("initrd", "x", 1);
	ck_assert_int_eq(load(img, len), 0);
	ck_assert_uint_eq(get32(VMM_BOOT_ZEROPAGE + 0x218), RAM_SIZE - 4096);
	put32(img + 0x260, RAM_SIZE - 0x200000 - 4096);
	ck_assert_int_eq(load(img, len), 0);
	ck_assert_uint_eq(get32(VMM_BOOT_ZEROPAGE + 0x218), RAM_SIZE - 4096);
	put32(img + 0x260, RAM_SIZE - 0x200000);
	ck_assert_int_eq(load(img, len), -ENOSPC);
	ck_assert_ptr_nonnull(strstr(captured, "between the kernel's end (0x400000)"));
	free(img);
}
END_TEST

/* ---- the memory map ------------------------------------------------- */

START_TEST(test_memmap_carve)
{
	struct vmm_memmap m = { 0 };

	ck_assert_int_eq(vmm_memmap_add(&m, 0, 0x10000, VMM_E820_RAM), 0);
	ck_assert_int_eq(vmm_memmap_add(&m, 0x4000, 0x1000, VMM_E820_RESERVED),
			 0);
	ck_assert_uint_eq(m.n, 3);
	ck_assert_uint_eq(m.e[0].addr, 0);
	ck_assert_uint_eq(m.e[0].size, 0x4000);
	ck_assert_uint_eq(m.e[1].addr, 0x4000);
	ck_assert_uint_eq(m.e[1].type, VMM_E820_RESERVED);
	ck_assert_uint_eq(m.e[2].addr, 0x5000);
	ck_assert_uint_eq(m.e[2].size, 0xb000);
	/* a neighbour of the same type merges; one below everything sorts */
	ck_assert_int_eq(vmm_memmap_add(&m, 0x5000, 0x1000, VMM_E820_RESERVED),
			 0);
	ck_assert_uint_eq(m.n, 3);
	ck_assert_uint_eq(m.e[1].size, 0x2000);
	ck_assert_int_eq(vmm_memmap_add(&m, 0x20000, 0x1000, VMM_E820_ACPI),
			 0);
	ck_assert_int_eq(vmm_memmap_add(&m, 0x18000, 0x1000, VMM_E820_NVS), 0);
	ck_assert_uint_eq(m.n, 5);
	ck_assert_uint_eq(m.e[3].addr, 0x18000);
	ck_assert_uint_eq(m.e[4].addr, 0x20000);
	/* one over several: replaces them all */
	ck_assert_int_eq(vmm_memmap_add(&m, 0x1000, 0x30000, VMM_E820_RAM), 0);
	ck_assert_uint_eq(m.n, 1);
	ck_assert_uint_eq(m.e[0].size, 0x31000);
	ck_assert_int_eq(vmm_memmap_add(&m, 5, 0, VMM_E820_RAM), 0);
	ck_assert_int_eq(vmm_memmap_add(&m, ~0ull, 2, VMM_E820_RAM), -EINVAL);
	vmm_memmap_free(&m);
}
END_TEST

/* 4 GiB of RAM: 3 GiB at 0, 1 GiB at 4 GiB; the hole is not RAM. */
START_TEST(test_memmap_4g)
{
	struct vmm_guestmem big = { .host = (uint8_t *)0x10000,
				    .size = 4ull << 30 };
	struct vmm_memmap m = { 0 };

	big.high = vmm_guestmem_high_part(big.size);
	ck_assert_uint_eq(big.high, 1ull << 30);
	ck_assert_uint_eq(vmm_guestmem_low(&big), 3ull << 30);
	ck_assert_uint_eq(vmm_guestmem_top(&big), 5ull << 30);
	/* translation, without touching the (fake) buffer */
	ck_assert_ptr_eq(vmm_guestmem_ptr(&big, 0x1000, 8), big.host + 0x1000);
	ck_assert_ptr_eq(vmm_guestmem_ptr(&big, 4ull << 30, 8),
			 big.host + (3ull << 30));
	ck_assert_ptr_null(vmm_guestmem_ptr(&big, 3ull << 30, 1));
	ck_assert_ptr_null(vmm_guestmem_ptr(&big, (3ull << 30) - 4, 8));
	ck_assert_ptr_null(vmm_guestmem_ptr(&big, (5ull << 30) - 4, 8));
	ck_assert_ptr_nonnull(vmm_guestmem_ptr(&big, (5ull << 30) - 8, 8));

	ck_assert_int_eq(vmm_memmap_pc(&m, &big, NULL, true), 0);
	ck_assert_uint_eq(m.n, 6);
	ck_assert_uint_eq(m.e[2].addr, 0x100000);
	ck_assert_uint_eq(m.e[2].size, (3ull << 30) - 0x100000);
	ck_assert_uint_eq(m.e[2].type, VMM_E820_RAM);
	ck_assert_uint_eq(m.e[3].addr, 0xfec00000);
	ck_assert_uint_eq(m.e[4].addr, 0xfee00000);
	ck_assert_uint_eq(m.e[5].addr, 4ull << 30);
	ck_assert_uint_eq(m.e[5].size, 1ull << 30);
	ck_assert_uint_eq(m.e[5].type, VMM_E820_RAM);
	vmm_memmap_free(&m);
}
END_TEST

static uint64_t null_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)opaque;
	(void)offset;
	(void)size;
	return 0;
}

/* Devices' MMIO ranges are reserved, rounded out to whole pages; ports
 * are not in the map. */
START_TEST(test_memmap_devices)
{
	static const struct plugvm_io_ops ops = { .read = null_read };
	struct vmm_guestmem m16 = { .host = (uint8_t *)0x10000,
				    .size = 16 << 20 };
	struct vmm_iobus *bus = vmm_iobus_new();
	struct vmm_memmap m = { 0 };

	ck_assert_ptr_nonnull(bus);
	ck_assert_int_eq(vmm_iobus_register(bus, PLUGVM_SPACE_MMIO,
					    0xd0000010, 0x20, &ops, NULL, NULL),
			 0);
	ck_assert_int_eq(vmm_iobus_register(bus, PLUGVM_SPACE_MMIO,
					    0xd0001ff0, 0x20, &ops, NULL, NULL),
			 0);
	ck_assert_int_eq(vmm_iobus_register(bus, PLUGVM_SPACE_PIO, 0x3f8, 8,
					    &ops, NULL, NULL),
			 0);
	vmm_iobus_freeze(bus);
	ck_assert_int_eq(vmm_memmap_pc(&m, &m16, bus, false), 0);
	ck_assert_uint_eq(m.n, 4);
	ck_assert_uint_eq(m.e[2].addr, 0x100000);
	ck_assert_uint_eq(m.e[2].size, (16 << 20) - 0x100000);
	ck_assert_uint_eq(m.e[3].addr, 0xd0000000);
	ck_assert_uint_eq(m.e[3].size, 0x3000); /* three pages, merged */
	ck_assert_uint_eq(m.e[3].type, VMM_E820_RESERVED);
	vmm_memmap_free(&m);
	vmm_iobus_free(bus);
}
END_TEST

/* ---- errors --------------------------------------------------------- */

START_TEST(test_not_bzimage)
{
	uint8_t junk[1024] = { 0x7f, 'E', 'L', 'G' };

	ck_assert_int_eq(load(junk, sizeof(junk)), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(captured, "t.ini:3: [linux] kernel: '"));
	ck_assert_ptr_nonnull(strstr(
		captured,
		"vmlinuz' is not a kernel plugvm can boot (not a Linux bzImage: no \"HdrS\" setup header at 0x202; no multiboot header in its first 8 KiB; not an ELF file)"));
	/* too short to hold a header at all */
	ck_assert_int_eq(load(junk, 10), -ENOEXEC);
}
END_TEST

/* The loader itself takes any bytes (fuzz-boot's finding): no header, or
 * "HdrS" in a file that ends inside the setup header. */
START_TEST(test_bzimage_short)
{
	uint8_t *img = calloc(1, 0x290);
	int ret;

	lx.kernel = strdup("short");
	CAPTURE_STDERR(ret = vmm_boot_load_bzimage(&ctx, img, 500));
	ck_assert_int_eq(ret, -ENOEXEC);
	ck_assert_str_eq(captured,
			 "t.ini:3: [linux] kernel: 'short' is not a Linux bzImage (no \"HdrS\" setup header at 0x202)\n");
	memcpy(img + 0x202, "HdrS", 4);
	CAPTURE_STDERR(ret = vmm_boot_load_bzimage(&ctx, img, 0x210));
	ck_assert_int_eq(ret, -ENOEXEC);
	ck_assert_str_eq(captured,
			 "t.ini:3: [linux] kernel: 'short' is cut short: 528 bytes, not even a whole setup header (0x290)\n");
	free(img);
}
END_TEST

START_TEST(test_old_protocol)
{
	size_t len;
	uint8_t *img = guest_bzimage(0, &len);

	put16(img + 0x206, 0x0205);
	ck_assert_int_eq(load(img, len), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(
		captured,
		"Linux boot protocol 2.05 is too old (plugvm needs 2.06 or later"));
	put16(img + 0x206, 0x020f);
	img[0x211] = 0; /* a zImage */
	ck_assert_int_eq(load(img, len), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(captured, "is a zImage"));
	free(img);
}
END_TEST

START_TEST(test_cut_short)
{
	size_t len;
	uint8_t *img = guest_bzimage(0, &len);

	img[0x1f1] = 10; /* setup claims 11 sectors, the file has 4 */
	ck_assert_int_eq(load(img, len), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(
		captured,
		"is cut short: 2048 bytes, but its setup code alone takes 5632"));
	free(img);
}
END_TEST

START_TEST(test_no_entry64)
{
	size_t len;
	uint8_t *img = guest_bzimage(0, &len);

	put16(img + 0x236, 0);
	lx.entry_bits = 64;
	ck_assert_int_eq(load(img, len), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(captured, "t.ini:6: [linux] entry: '"));
	ck_assert_ptr_nonnull(strstr(
		captured,
		"has no 64-bit entry point (boot protocol 2.15, XLF_KERNEL_64 clear): use entry = 32 or auto"));
	/* auto takes code32_start then */
	lx.entry_bits = 0;
	ck_assert_int_eq(load(img, len), 0);
	ck_assert_int_eq(ctx.setup.mode, VMM_CPU_PROTECTED);
	free(img);
}
END_TEST

START_TEST(test_kernel_too_big)
{
	size_t len;
	uint8_t *img = guest_bzimage(0, &len);

	put32(img + 0x260, RAM_SIZE); /* init_size */
	ck_assert_int_eq(load(img, len), -ENOSPC);
	ck_assert_ptr_nonnull(strstr(
		captured,
		"needs 4194304 bytes at 0x100000 (init_size, where it runs), but RAM below the PCI hole ends at 0x400000: give the machine more memory"));
	free(img);
}
END_TEST

START_TEST(test_initrd_too_big)
{
	size_t len, big = RAM_SIZE - 0x100000 - 0x20000 + 1;
	uint8_t *img = guest_bzimage(0, &len);
	uint8_t *rd = calloc(1, big);

	lx.initrd = write_file("initrd", rd, big);
	ck_assert_int_eq(load(img, len), -ENOSPC);
	ck_assert_ptr_nonnull(strstr(captured, "t.ini:4: [linux] initrd: initrd '"));
	ck_assert_ptr_nonnull(strstr(
		captured,
		"(3014657 bytes) does not fit: 3014656 bytes are free between the kernel's end (0x120000) and 0x400000 (the end of RAM below the PCI hole)"));
	/* one byte less fits, at the kernel's end */
	free(lx.initrd);
	lx.initrd = write_file("initrd", rd, big - 1);
	ck_assert_int_eq(load(img, len), 0);
	ck_assert_uint_eq(get32(VMM_BOOT_ZEROPAGE + 0x218), 0x120000);
	/* initrd_addr_max lower than RAM */
	put32(img + 0x22c, 0x2fffff);
	ck_assert_int_eq(load(img, len), -ENOSPC);
	ck_assert_ptr_nonnull(strstr(captured,
				     "and 0x300000 (the kernel's initrd_addr_max)"));
	free(rd);
	free(img);
}
END_TEST

START_TEST(test_cmdline_too_long)
{
	size_t len;
	uint8_t *img = guest_bzimage(0, &len);

	put32(img + 0x238, 8); /* cmdline_size */
	lx.cmdline = "console=ttyS0";
	ck_assert_int_eq(load(img, len), -E2BIG);
	ck_assert_ptr_nonnull(strstr(captured, "t.ini:5: [linux] cmdline: the command line is 13 bytes; '"));
	ck_assert_ptr_nonnull(strstr(captured, "vmlinuz' takes at most 8"));
	lx.cmdline = "12345678";
	ck_assert_int_eq(load(img, len), 0);
	free(img);
}
END_TEST

START_TEST(test_tcg_refused)
{
	size_t len;
	uint8_t *img = guest_bzimage(0, &len);

	ctx.accel_is_tcg = true;
	ck_assert_int_eq(load(img, len), -ENOTSUP);
	ck_assert_ptr_nonnull(strstr(captured, "is a Linux bzImage, and Linux needs kvm"));
	/* nothing was written */
	ck_assert_uint_eq(mem.host[0x100000], 0xcc);
	ctx.accel_is_tcg = false;
	ctx.kvm_emulated = true;
	ck_assert_int_eq(load(img, len), -ENOTSUP);
	ck_assert_ptr_nonnull(strstr(captured, "Linux needs kvm with hardware virtualization"));
	free(img);
}
END_TEST

START_TEST(test_missing_files)
{
	size_t len;
	uint8_t *img = guest_bzimage(0, &len);

	lx.initrd = strdup("/nonexistent/initrd");
	ck_assert_int_eq(load(img, len), -ENOENT);
	ck_assert_ptr_nonnull(strstr(
		captured,
		"t.ini:4: [linux] initrd: cannot read initrd '/nonexistent/initrd': No such file or directory"));
	/* a list is for multiboot modules; ",," is a comma in the name */
	free(lx.initrd);
	lx.initrd = strdup("a,b");
	ck_assert_int_eq(load(img, len), -EINVAL);
	ck_assert_ptr_nonnull(strstr(
		captured,
		"t.ini:4: [linux] initrd: a bzImage takes one initrd, not a list ('a,b'; a comma in a file name is written ',,')"));
	free(lx.initrd);
	lx.initrd = strdup("/nonexistent/a,,b");
	ck_assert_int_eq(load(img, len), -ENOENT);
	ck_assert_ptr_nonnull(strstr(captured, "cannot read initrd '/nonexistent/a,b'"));
	free(lx.initrd);
	lx.initrd = strdup(dir); /* a directory */
	ck_assert_int_eq(load(img, len), -EINVAL);
	ck_assert_ptr_nonnull(strstr(captured, "' is not a regular file"));
	free(img);
}
END_TEST

START_TEST(test_small_ram)
{
	size_t len;
	uint8_t *img = guest_bzimage(0, &len);

	mem.size = 512 << 10;
	ck_assert_int_eq(load(img, len), -ENOSPC);
	ck_assert_ptr_nonnull(strstr(captured, "a kernel needs at least 1 MiB of RAM"));
	free(img);
}
END_TEST

static Suite *boot_suite(void)
{
	Suite *s = suite_create("boot");
	TCase *core = tcase_create("core");
	TCase *limits = tcase_create("limits");
	TCase *errors = tcase_create("errors");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_test(core, test_entry64);
	tcase_add_test(core, test_entry32);
	tcase_add_test(core, test_zero_page);
	tcase_add_test(core, test_pref_address);
	suite_add_tcase(s, core);

	tcase_add_test(limits, test_memmap_carve);
	tcase_add_test(limits, test_memmap_4g);
	tcase_add_test(limits, test_memmap_devices);
	suite_add_tcase(s, limits);

	tcase_add_checked_fixture(errors, setup, teardown);
	tcase_add_test(errors, test_not_bzimage);
	tcase_add_test(errors, test_bzimage_short);
	tcase_add_test(errors, test_old_protocol);
	tcase_add_test(errors, test_cut_short);
	tcase_add_test(errors, test_no_entry64);
	tcase_add_test(errors, test_kernel_too_big);
	tcase_add_test(errors, test_initrd_too_big);
	tcase_add_test(errors, test_cmdline_too_long);
	tcase_add_test(errors, test_tcg_refused);
	tcase_add_test(errors, test_missing_files);
	tcase_add_test(errors, test_small_ram);
	suite_add_tcase(s, errors);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(boot_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
