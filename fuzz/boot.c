// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz/boot.c - libFuzzer target: the kernel loaders of vmm/boot.h (bzImage,
 * multiboot, ELF) on any bytes, as a [linux] section's kernel file would
 * hand them over, with the PC memory map a machine of that size gets.
 *
 * Guest RAM is one malloc()ed buffer per size (not an mmap), so that
 * AddressSanitizer sees a loader that writes past it. What counts as a
 * finding besides a sanitizer report, a crash or a leak (check()): a
 * return value that is neither 0 nor a negative errno, a refusal that
 * says nothing, a message about the file that does not name it, and an
 * accepted kernel whose start state is no CPU mode or whose entry lies
 * outside guest RAM.
 *
 * Input format: byte 0 picks the loader (bits 0-1: bzImage, multiboot,
 * ELF, or the first whose is_*() test says yes), the accelerator (bit 2:
 * tcg; bit 3: kvm that only emulates), an initrd or module file (bit 4),
 * the RAM size (bits 5-6) and 1 or 2 vCPUs (bit 7); byte 1's bits 0-5
 * are the length of the command line that follows (63: a 40,000-byte
 * one), its bits 6-7 the bzImage entry asked for ([linux] entry = 0, 32,
 * 64, or 16, which the machine file refuses); the rest is the kernel file.
 * Layer: test code, outside plugvm.
 */
#include "config.h"

#include "boot.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NAME "fuzz.ini"
#define KERNEL "fuzz-kernel"

/* RAM sizes: below what a bzImage needs, small, one that ends off a
 * page, and 64M of which 32M lie at 4 GiB (RAM above the PCI hole, as a
 * machine with more than 3 GiB has it, only smaller). */
static const uint64_t ram_sizes[4] = { 768 << 10, 2 << 20, (16 << 20) - 4096,
				       64 << 20 };
static uint8_t *ram[4];
static char initrd_path[64];
static unsigned errors; /* ERROR messages of the current input */

static void fail(const char *what, const char *text)
{
	fprintf(stderr, "fuzz boot: %s: '%s'\n", what, text ? text : "(null)");
	abort();
}

static void sink(void *ctx, const struct vmm_log_msg *m)
{
	(void)ctx;
	if (!m->text || !*m->text)
		fail("empty message", m->origin);
	if (m->level == PLUGVM_LOG_ERROR)
		errors++;
	if (m->origin && *m->origin && strncmp(m->origin, NAME, strlen(NAME)) &&
	    strncmp(m->origin, KERNEL, strlen(KERNEL)) &&
	    strncmp(m->origin, initrd_path, strlen(initrd_path)))
		fail("an error names neither the machine file nor the kernel",
		     m->origin);
}

static void remove_initrd(void)
{
	unlink(initrd_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct vmm_log_sink s = { .emit = sink, .level = PLUGVM_LOG_DEBUG };
	static const char initrd[4096] = "an initrd";
	int fd;

	(void)argc;
	(void)argv;
	vmm_log_set_sink(&s);
	for (int i = 0; i < 4; i++) {
		ram[i] = malloc(ram_sizes[i]);
		if (!ram[i])
			exit(1);
	}
	/* an initrd (multiboot: a module) for inputs that ask for one */
	snprintf(initrd_path, sizeof(initrd_path), "/tmp/fuzz-boot-initrd-%ld",
		 (long)getpid());
	fd = open(initrd_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, initrd, sizeof(initrd)) != sizeof(initrd))
		exit(1);
	close(fd);
	atexit(remove_initrd);
	return 0;
}

/* What a loader promised, checked after it returned @ret. */
static void check(const struct vmm_boot_ctx *ctx, int ret)
{
	const struct vmm_cpu_setup *s = &ctx->setup;

	if (ret > 0)
		fail("a loader returned a positive value", NULL);
	if (ret < 0 && !errors)
		fail("a loader refused a kernel without saying why", NULL);
	if (ret)
		return;
	if (s->mode != VMM_CPU_REAL && s->mode != VMM_CPU_PROTECTED &&
	    s->mode != VMM_CPU_LONG)
		fail("an accepted kernel starts in no CPU mode", NULL);
	if (!vmm_guestmem_ptr(ctx->mem, s->entry, 1))
		fail("an accepted kernel's entry point is outside RAM", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmm_linux_cfg lx = { .set = true, .kernel = KERNEL };
	struct vmm_memmap map = { 0 };
	struct vmm_guestmem mem = { 0 };
	struct vmm_boot_ctx ctx;
	const uint8_t *img;
	char *cmdline = NULL;
	static const unsigned entries[4] = { 0, 32, 64, 16 };
	size_t cmd_len, len;
	bool long_cmdline;
	unsigned which;
	int ret;

	if (size < 2)
		return 0;
	which = data[0] & 3;
	mem.host = ram[(data[0] >> 5) & 3];
	mem.size = ram_sizes[(data[0] >> 5) & 3];
#ifdef VMM_GUESTMEM_HIGH_BASE
	if (((data[0] >> 5) & 3) == 3)
		mem.high = 32 << 20;
#endif
	long_cmdline = (data[1] & 63) == 63;
	cmd_len = long_cmdline ? 40000 : data[1] & 63;
	if (!long_cmdline && cmd_len > size - 2)
		cmd_len = size - 2;
	cmdline = malloc(cmd_len + 1);
	if (!cmdline)
		return 0;
	if (long_cmdline)
		memset(cmdline, 'x', cmd_len);
	else
		memcpy(cmdline, data + 2, cmd_len);
	cmdline[cmd_len] = '\0';
	img = data + 2 + (long_cmdline ? 0 : cmd_len);
	len = size - (size_t)(img - data);

	lx.cmdline = cmdline;
	lx.initrd = data[0] & 0x10 ? initrd_path : NULL;
	lx.kernel_origin = (struct vmm_origin){ .file = NAME, .line = 2,
						.section = "linux",
						.key = "kernel" };
	lx.initrd_origin = (struct vmm_origin){ .file = NAME, .line = 3,
						.section = "linux",
						.key = "initrd" };
	lx.cmdline_origin = (struct vmm_origin){ .file = NAME, .line = 4,
						 .section = "linux",
						 .key = "cmdline" };
	lx.entry_origin = (struct vmm_origin){ .file = NAME, .line = 5,
					       .section = "linux",
					       .key = "entry" };
	lx.entry_bits = entries[data[1] >> 6];
	lx.section_line = 1;

	errors = 0;
	ret = vmm_memmap_pc(&map, &mem, NULL, data[0] & 0x80);
	if (ret)
		fail("no memory map", NULL);
	memset(&ctx, 0, sizeof(ctx));
	ctx.lx = &lx;
	ctx.config_path = NAME;
	ctx.mem = &mem;
	ctx.map = &map;
	ctx.n_vcpus = data[0] & 0x80 ? 2 : 1;
	ctx.accel_is_tcg = data[0] & 4;
	ctx.kvm_emulated = data[0] & 8;

	if (which == 3) /* as boot.c picks one */
		which = vmm_boot_is_bzimage(img, len)	  ? 0
			: vmm_boot_is_multiboot(img, len) ? 1
			: vmm_boot_is_elf(img, len)	  ? 2
							  : 3;
	switch (which) {
	case 0:
		ret = vmm_boot_load_bzimage(&ctx, img, len);
		break;
	case 1:
		ret = vmm_boot_load_multiboot(&ctx, img, len);
		break;
	case 2:
		ret = vmm_boot_load_elf(&ctx, img, len);
		break;
	default:
		ret = 0;
		break;
	}
	if (which < 3)
		check(&ctx, ret);
	vmm_memmap_free(&map);
	free(cmdline);
	return 0;
}
