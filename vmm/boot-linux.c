// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot-linux.c - a Linux bzImage, by the x86 boot protocol
 * (Documentation/arch/x86/boot.rst), entered at its 32- or 64-bit entry
 * point: no real-mode setup code runs, so plugvm fills in the zero page
 * (struct boot_params) that setup would have.
 *
 *   file:  [setup: (setup_sects + 1) * 512 bytes][protected-mode kernel]
 *   RAM:   0xe0000 zero page: the file's setup header copied at 0x1f1,
 *                  then type_of_loader, cmd_line_ptr, the initrd, e820
 *          0xe1000 command line
 *          0xe9000 GDT: __BOOT_CS 0x10 (code), __BOOT_DS 0x18 (data)
 *          0xea000 identity page tables (64-bit entry)
 *          1 MiB   the protected-mode kernel (pref_address if relocatable)
 *          top     the initrd, as high as initrd_addr_max and RAM allow
 *
 * Entry: 64-bit at load address + 0x200 in long mode, or code32_start in
 * flat 32-bit protected mode; ESI/RSI = the zero page; EBX, EBP, EDI 0;
 * interrupts off.
 */
#include "config.h"

#include "boot.h"

#include "kvm-host.h"
#include "log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Offsets in the file's first sector and in the zero page alike. */
#define HDR_START 0x1f1 /* the setup header */
#define HDR_SETUP_SECTS 0x1f1 /* u8: 0 means 4 */
#define HDR_BOOT_FLAG 0x1fe /* u16: 0xaa55 */
#define HDR_JUMP 0x200 /* u16: a short jump; its byte 0x201 sizes the header */
#define HDR_MAGIC 0x202 /* "HdrS" */
#define HDR_VERSION 0x206 /* u16 */
#define HDR_TYPE_OF_LOADER 0x210 /* u8 */
#define HDR_LOADFLAGS 0x211 /* u8 */
#define HDR_CODE32_START 0x214 /* u32 */
#define HDR_RAMDISK_IMAGE 0x218 /* u32 */
#define HDR_RAMDISK_SIZE 0x21c /* u32 */
#define HDR_CMD_LINE_PTR 0x228 /* u32 */
#define HDR_INITRD_ADDR_MAX 0x22c /* u32 */
#define HDR_KERNEL_ALIGNMENT 0x230 /* u32 */
#define HDR_RELOCATABLE 0x234 /* u8 */
#define HDR_XLOADFLAGS 0x236 /* u16, 2.12+ */
#define HDR_CMDLINE_SIZE 0x238 /* u32, 2.06+ */
#define HDR_PREF_ADDRESS 0x258 /* u64, 2.10+ */
#define HDR_INIT_SIZE 0x260 /* u32, 2.10+ */
#define HDR_END_MAX 0x290 /* boot_params: the header ends before this */

#define BP_E820_ENTRIES 0x1e8 /* u8 */
#define BP_E820_TABLE 0x2d0 /* 20-byte entries */
#define BP_E820_MAX 128
#define BP_SIZE 4096

#define LOADED_HIGH 0x01 /* loadflags: protected-mode code at 1 MiB */
#define XLF_KERNEL_64 0x0001 /* xloadflags: 64-bit entry at +0x200 */
#define LOADER_UNDEFINED 0xff /* type_of_loader: no registered ID */

#define BOOT_CS 0x10
#define BOOT_DS 0x18

#define PAGE_SIZE 4096ULL

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

bool vmm_boot_is_bzimage(const uint8_t *img, size_t len)
{
	return len >= HDR_MAGIC + 4 && !memcmp(img + HDR_MAGIC, "HdrS", 4);
}

/* What the loader takes from the setup header. */
struct bzimage {
	uint16_t version;
	uint64_t setup_len; /* bytes of setup code and header in the file */
	const uint8_t *kernel; /* the protected-mode kernel */
	uint64_t kernel_len;
	uint64_t hdr_end; /* the setup header ends here (offset) */
	uint64_t load; /* where the kernel goes */
	uint64_t runtime; /* where it runs: pref_address, unless it is
			   * relocatable (then where it is loaded) */
	uint64_t init_size; /* how much it needs there, decompressed */
	uint32_t initrd_max; /* highest address of an initrd byte */
	uint32_t cmdline_size; /* longest command line, NUL excluded */
	bool entry64;
};

/* Check the header and take what is needed from it. */
static int parse_header(const struct vmm_boot_ctx *ctx, const uint8_t *img,
			size_t len, struct bzimage *bz)
{
	const struct vmm_linux_cfg *lx = ctx->lx;
	const struct vmm_origin *o = &lx->kernel_origin;
	unsigned sects;

	memset(bz, 0, sizeof(*bz));
	/* first: every header field read below lies inside @img */
	if (!vmm_boot_is_bzimage(img, len)) {
		vmm_origin_error(o,
				 "'%s' is not a Linux bzImage (no \"HdrS\" setup header at 0x202)",
				 lx->kernel);
		return -ENOEXEC;
	}
	if (len < HDR_END_MAX) {
		vmm_origin_error(o,
				 "'%s' is cut short: %zu bytes, not even a whole setup header (0x%x)",
				 lx->kernel, len, HDR_END_MAX);
		return -ENOEXEC;
	}
	bz->version = get16(img + HDR_VERSION);
	if (bz->version < 0x0206) {
		vmm_origin_error(o,
				 "'%s': Linux boot protocol %u.%02u is too old (plugvm needs 2.06 or later: Linux 2.6.22, 2007)",
				 lx->kernel, bz->version >> 8,
				 bz->version & 0xff);
		return -ENOEXEC;
	}
	if (!(img[HDR_LOADFLAGS] & LOADED_HIGH)) {
		vmm_origin_error(o,
				 "'%s' is a zImage (its kernel loads at 0x10000, LOADED_HIGH is clear); plugvm boots bzImages",
				 lx->kernel);
		return -ENOEXEC;
	}
	sects = img[HDR_SETUP_SECTS] ? img[HDR_SETUP_SECTS] : 4;
	bz->setup_len = (sects + 1ULL) * 512;
	bz->hdr_end = HDR_MAGIC + (uint64_t)img[HDR_JUMP + 1];
	if (bz->hdr_end > HDR_END_MAX)
		bz->hdr_end = HDR_END_MAX;
	if (len <= bz->setup_len) {
		vmm_origin_error(o,
				 "'%s' is cut short: %zu bytes, but its setup code alone takes %" PRIu64,
				 lx->kernel, len, bz->setup_len);
		return -ENOEXEC;
	}
	bz->kernel = img + bz->setup_len;
	bz->kernel_len = len - bz->setup_len;
	bz->initrd_max = get32(img + HDR_INITRD_ADDR_MAX);
	bz->cmdline_size = get32(img + HDR_CMDLINE_SIZE);
	bz->entry64 = bz->version >= 0x020c &&
		      (get16(img + HDR_XLOADFLAGS) & XLF_KERNEL_64);
	bz->load = VMM_BOOT_HIGH;
	bz->runtime = VMM_BOOT_HIGH;
	if (bz->version >= 0x020a) {
		uint64_t pref = get64(img + HDR_PREF_ADDRESS);

		/* a kernel that cannot move decompresses itself to
		 * pref_address (LOAD_PHYSICAL_ADDR) wherever it is loaded */
		if (pref >= VMM_BOOT_HIGH && img[HDR_RELOCATABLE])
			bz->load = pref;
		if (pref >= VMM_BOOT_HIGH)
			bz->runtime = pref;
	}
	bz->init_size = bz->kernel_len;
	if (bz->version >= 0x020a &&
	    get32(img + HDR_INIT_SIZE) > bz->init_size)
		bz->init_size = get32(img + HDR_INIT_SIZE);
	return 0;
}

/* The entry point @lx asks for, if the kernel has it. */
static int choose_entry(const struct vmm_boot_ctx *ctx,
			const struct bzimage *bz, bool *entry64)
{
	const struct vmm_linux_cfg *lx = ctx->lx;

	*entry64 = lx->entry_bits ? lx->entry_bits == 64 : bz->entry64;
	if (*entry64 && !bz->entry64) {
		vmm_origin_error(&lx->entry_origin,
				 "'%s' has no 64-bit entry point (boot protocol %u.%02u, XLF_KERNEL_64 %s): use entry = 32 or auto",
				 lx->kernel, bz->version >> 8, bz->version & 0xff,
				 bz->version >= 0x020c ? "clear"
						       : "needs 2.12");
		return -ENOEXEC;
	}
	return 0;
}

/* The end of what the kernel occupies: its file at bz->load and
 * init_size at where it runs. */
static uint64_t kernel_end(const struct bzimage *bz)
{
	uint64_t a = bz->load + bz->kernel_len;
	uint64_t b = bz->runtime + bz->init_size;

	return a > b ? a : b;
}

/* The kernel at bz->load, with room for init_size where it runs, in low
 * RAM. */
static int place_kernel(const struct vmm_boot_ctx *ctx,
			const struct bzimage *bz)
{
	const struct vmm_linux_cfg *lx = ctx->lx;
	uint64_t low = vmm_guestmem_low(ctx->mem);
	uint8_t *dst = vmm_guestmem_ptr(ctx->mem, bz->load, bz->kernel_len);

	if (!dst || !vmm_guestmem_ptr(ctx->mem, bz->runtime, bz->init_size)) {
		vmm_origin_error(&lx->kernel_origin,
				 "kernel '%s' needs %" PRIu64 " bytes at 0x%" PRIx64 " (init_size, where it runs), but RAM below the PCI hole ends at 0x%" PRIx64 ": give the machine more memory",
				 lx->kernel, bz->init_size, bz->runtime, low);
		return -ENOSPC;
	}
	memcpy(dst, bz->kernel, bz->kernel_len);
	vmm_info("kernel %s: bzImage, boot protocol %u.%02u, at 0x%" PRIx64 "-0x%" PRIx64 " (%" PRIu64 " bytes once unpacked)",
		 lx->kernel, bz->version >> 8, bz->version & 0xff, bz->load,
		 bz->load + bz->kernel_len - 1, bz->init_size);
	return 0;
}

/*
 * The one file lx->initrd names: the key takes a list for multiboot
 * modules, as QEMU's -initrd, where ",," is a comma in a path. A copy, or
 * NULL after saying why (a list, or no memory).
 */
static char *initrd_path(const struct vmm_linux_cfg *lx)
{
	char *path = strdup(lx->initrd), *d = path;

	if (!path)
		return NULL;
	for (const char *s = lx->initrd; *s; s++) {
		if (s[0] == ',' && s[1] != ',') {
			vmm_origin_error(&lx->initrd_origin,
					 "a bzImage takes one initrd, not a list ('%s'; a comma in a file name is written ',,')",
					 lx->initrd);
			free(path);
			return NULL;
		}
		*d++ = *s;
		if (s[0] == ',')
			s++;
	}
	*d = '\0';
	return path;
}

/*
 * The initrd, page aligned, as high as both initrd_addr_max and low RAM
 * allow and above the kernel's init_size; its place and size in the zero
 * page @bp.
 */
static int place_initrd(const struct vmm_boot_ctx *ctx,
			const struct bzimage *bz, uint8_t *bp)
{
	const struct vmm_linux_cfg *lx = ctx->lx;
	uint64_t size, top, floor, addr;
	char *path;
	int fd, ret;

	if (!lx->initrd)
		return 0;
	path = initrd_path(lx);
	if (!path)
		return -EINVAL;
	ret = vmm_boot_open(path, &lx->initrd_origin, "initrd", &fd, &size);
	free(path);
	if (ret)
		return ret;
	top = vmm_guestmem_low(ctx->mem);
	if ((uint64_t)bz->initrd_max + 1 < top)
		top = (uint64_t)bz->initrd_max + 1;
	floor = (kernel_end(bz) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	addr = top >= size ? (top - size) & ~(PAGE_SIZE - 1) : 0;
	if (top < size || addr < floor) {
		vmm_origin_error(&lx->initrd_origin,
				 "initrd '%s' (%" PRIu64 " bytes) does not fit: %" PRIu64 " bytes are free between the kernel's end (0x%" PRIx64 ") and 0x%" PRIx64 " (%s); give the machine more memory",
				 lx->initrd, size, top > floor ? top - floor : 0,
				 floor, top,
				 top == vmm_guestmem_low(ctx->mem)
					 ? "the end of RAM below the PCI hole"
					 : "the kernel's initrd_addr_max");
		close(fd);
		return -ENOSPC;
	}
	ret = vmm_boot_read(fd, lx->initrd, &lx->initrd_origin,
			    vmm_guestmem_ptr(ctx->mem, addr, size), size);
	close(fd);
	if (ret)
		return ret;
	put32(bp + HDR_RAMDISK_IMAGE, (uint32_t)addr);
	put32(bp + HDR_RAMDISK_SIZE, (uint32_t)size);
	vmm_info("initrd %s at 0x%" PRIx64 "-0x%" PRIx64, lx->initrd, addr,
		 addr + size - 1);
	return 0;
}

/* The command line at VMM_BOOT_CMDLINE. */
static int put_cmdline(const struct vmm_boot_ctx *ctx,
		       const struct bzimage *bz, uint8_t *bp)
{
	const struct vmm_linux_cfg *lx = ctx->lx;
	const char *s = lx->cmdline ? lx->cmdline : "";
	size_t n = strlen(s);
	uint64_t max = VMM_BOOT_CMDLINE_MAX - 1;

	if (bz->cmdline_size < max)
		max = bz->cmdline_size;
	if (n > max) {
		vmm_origin_error(&lx->cmdline_origin,
				 "the command line is %zu bytes; '%s' takes at most %" PRIu64,
				 n, lx->kernel, max);
		return -E2BIG;
	}
	memcpy(vmm_guestmem_ptr(ctx->mem, VMM_BOOT_CMDLINE, n + 1), s, n + 1);
	put32(bp + HDR_CMD_LINE_PTR, (uint32_t)VMM_BOOT_CMDLINE);
	return 0;
}

/* ctx->map as the zero page's e820 table. */
static int put_e820(const struct vmm_boot_ctx *ctx, uint8_t *bp)
{
	const struct vmm_memmap *map = ctx->map;

	if (map->n > BP_E820_MAX) {
		vmm_origin_error(&ctx->lx->kernel_origin,
				 "the memory map has %zu ranges; the zero page holds %d (fewer MMIO devices, or ranges next to each other)",
				 map->n, BP_E820_MAX);
		return -E2BIG;
	}
	for (size_t i = 0; i < map->n; i++) {
		uint8_t *e = bp + BP_E820_TABLE + 20 * i;

		put64(e, map->e[i].addr);
		put64(e + 8, map->e[i].size);
		put32(e + 16, map->e[i].type);
	}
	bp[BP_E820_ENTRIES] = (uint8_t)map->n;
	return 0;
}

/* The GDT the boot protocol asks for: __BOOT_CS and __BOOT_DS, flat. */
static void boot_gdt(const struct vmm_boot_ctx *ctx, bool entry64)
{
	uint8_t *gdt = vmm_guestmem_ptr(ctx->mem, ctx->layout.gdt, 0x30);
	/* base 0, limit 0xfffff pages; access, then flags (G, D/B or L) */
	uint64_t code = 0xffffULL | 0x9bULL << 40 | 0xfULL << 48 |
			(entry64 ? 0xaULL : 0xcULL) << 52;
	uint64_t data = 0xffffULL | 0x93ULL << 40 | 0xfULL << 48 |
			0xcULL << 52;

	put64(gdt + 0x08, 0);
	put64(gdt + BOOT_CS, code);
	put64(gdt + BOOT_DS, data);
	/* VMM_GDT_TSS (0x20) stays, as plugvm wrote it */
}

/* Refuse what cannot run Linux: tcg, and a KVM that only emulates. */
static int needs_kvm(const struct vmm_boot_ctx *ctx)
{
	const struct vmm_linux_cfg *lx = ctx->lx;
	const char *why = NULL;

	if (ctx->accel_is_tcg) {
		vmm_origin_error(&lx->kernel_origin,
				 "'%s' is a Linux bzImage, and Linux needs kvm: tcg (Unicorn) has no local APIC and no privilege changes in interrupt delivery (use accel = kvm on a host with VMX or SVM)",
				 lx->kernel);
		return -ENOTSUP;
	}
	if (ctx->kvm_emulated) {
		vmm_kvm_host_detect(&why);
		vmm_origin_error(&lx->kernel_origin,
				 "'%s' is a Linux bzImage, and Linux needs kvm with hardware virtualization: %s",
				 lx->kernel, why ? why : "this host's KVM only emulates");
		return -ENOTSUP;
	}
	return 0;
}

int vmm_boot_load_bzimage(struct vmm_boot_ctx *ctx, const uint8_t *img,
			  size_t len)
{
	struct vmm_cpu_setup *s = &ctx->setup;
	struct bzimage bz;
	uint8_t *bp;
	bool entry64;
	int ret;

	ret = needs_kvm(ctx);
	if (!ret)
		ret = parse_header(ctx, img, len, &bz);
	if (!ret)
		ret = choose_entry(ctx, &bz, &entry64);
	if (!ret)
		ret = vmm_boot_cpu_tables(ctx, entry64 ? VMM_CPU_LONG
						       : VMM_CPU_PROTECTED);
	if (!ret)
		ret = place_kernel(ctx, &bz);
	if (ret)
		return ret;

	/* the zero page: zeros, then the file's setup header */
	bp = vmm_guestmem_ptr(ctx->mem, VMM_BOOT_ZEROPAGE, BP_SIZE);
	if (!bp) /* cannot be: vmm_boot_cpu_tables() checked 1 MiB */
		return -EFAULT;
	memset(bp, 0, BP_SIZE);
	memcpy(bp + HDR_START, img + HDR_START, bz.hdr_end - HDR_START);
	bp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	put32(bp + HDR_CODE32_START, (uint32_t)bz.load);
	ret = put_cmdline(ctx, &bz, bp);
	if (!ret)
		ret = place_initrd(ctx, &bz, bp);
	if (!ret)
		ret = put_e820(ctx, bp);
	if (ret)
		return ret;
	boot_gdt(ctx, entry64);

	memset(s, 0, sizeof(*s));
	s->mode = entry64 ? VMM_CPU_LONG : VMM_CPU_PROTECTED;
	s->entry = entry64 ? bz.load + 0x200 : bz.load;
	s->gprs[VMM_RSI] = VMM_BOOT_ZEROPAGE;
	s->gprs_set = 1u << VMM_RSI;
	s->n_vcpus = ctx->n_vcpus;
	s->code_sel = BOOT_CS;
	s->data_sel = BOOT_DS;
	vmm_info("kernel %s: %s entry at 0x%" PRIx64 ", boot_params at 0x%llx",
		 ctx->lx->kernel, entry64 ? "64-bit" : "32-bit", s->entry,
		 VMM_BOOT_ZEROPAGE);
	return 0;
}
