// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * raw-unicorn.c - a benchmark guest on a bare Unicorn engine: the floor
 * plugvm's tcg accelerator is measured against.
 *
 * It sets the engine up the way vmm/accel-tcg.c does for a protected-mode
 * machine, with nothing of plugvm in between:
 *  - one UC_MODE_32 engine; guest RAM is one page-aligned buffer handed to
 *    uc_mem_map_ptr() at 0;
 *  - the GDT plugvm writes (vmm/cpu.c) in the top page of RAM, and the same
 *    registers in the same order: GPRs, EFLAGS, GDTR, IDTR, CR4, CR3, CR0,
 *    then the segment selectors and EIP;
 *  - one catch-all uc_mmio_map() region from the end of RAM to 4 GiB, the
 *    same hooks (OUT, IN, interrupts, invalid instructions, unmapped
 *    memory), and exits enabled with none set instead of an "until".
 * The hooks only count: an OUT to port 0xf4 stops the engine with QEMU
 * isa-debug-exit's status ((value << 1) | 1), which becomes this program's
 * exit status, as it does for plugvm and QEMU.
 *
 * Usage: raw-unicorn [-c COUNT] [-m RAM_BYTES] [-v] GUEST.bin
 * The guest is loaded and entered at 0x100000 with ECX = COUNT.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unicorn/unicorn.h>

#define RAW_LOAD_ADDR 0x100000ull
#define RAW_EXIT_PORT 0xf4
#define RAW_PAGE 4096ull
#define RAW_GIB4 0x100000000ull

/* The selectors and descriptors of vmm/cpu.c. */
#define RAW_GDT_CODE32 0x08
#define RAW_GDT_DATA 0x10
#define RAW_GDT_CODE64 0x18
#define RAW_GDT_TSS 0x20
#define RAW_GDT_ENTRIES 6
#define RAW_CR0_PE 0x1ull
#define RAW_CR0_ET 0x10ull
#define RAW_RFLAGS_RESERVED 0x2ull

struct raw {
	uint64_t outs, ins, mmio_reads, mmio_writes;
	int status; /* -1 until the guest writes the exit port */
	bool faulted;
};

static void hook_out(uc_engine *uc, uint32_t port, int size, uint32_t value,
		     void *user)
{
	struct raw *r = user;

	r->outs++;
	if (port == RAW_EXIT_PORT) {
		r->status = (int)(((value << 1) | 1) & 0xff);
		uc_emu_stop(uc);
	}
}

static uint32_t hook_in(uc_engine *uc, uint32_t port, int size, void *user)
{
	struct raw *r = user;

	r->ins++;
	return ~0u;
}

static uint64_t mmio_read(uc_engine *uc, uint64_t offset, unsigned size,
			  void *user)
{
	struct raw *r = user;

	r->mmio_reads++;
	return 0;
}

static void mmio_write(uc_engine *uc, uint64_t offset, unsigned size,
		       uint64_t value, void *user)
{
	struct raw *r = user;

	r->mmio_writes++;
}

static void hook_intr(uc_engine *uc, uint32_t intno, void *user)
{
	struct raw *r = user;

	fprintf(stderr, "raw-unicorn: guest exception/interrupt %u\n", intno);
	r->faulted = true;
	uc_emu_stop(uc);
}

static bool hook_invalid(uc_engine *uc, void *user)
{
	struct raw *r = user;

	fprintf(stderr, "raw-unicorn: invalid instruction\n");
	r->faulted = true;
	(void)uc;
	return true;
}

static bool hook_unmapped(uc_engine *uc, uc_mem_type type, uint64_t address,
			  int size, int64_t value, void *user)
{
	struct raw *r = user;

	fprintf(stderr, "raw-unicorn: unmapped access at 0x%" PRIx64 "\n",
		address);
	r->faulted = true;
	return false;
}

static uint64_t gdt_entry(uint64_t access, uint64_t flags)
{
	return 0xffffull | (access << 40) | (0xfull << 48) | (flags << 52);
}

static void write_gdt(uint8_t *gdt)
{
	uint64_t e[RAW_GDT_ENTRIES] = { 0 };

	e[RAW_GDT_CODE32 / 8] = gdt_entry(0x9b, 0xc);
	e[RAW_GDT_DATA / 8] = gdt_entry(0x93, 0xc);
	e[RAW_GDT_CODE64 / 8] = gdt_entry(0x9b, 0xa);
	e[RAW_GDT_TSS / 8] = 0x67ull | (0x8bull << 40);
	memcpy(gdt, e, sizeof(e));
}

static int load_file(const char *path, uint8_t *ram, uint64_t ram_size)
{
	FILE *f = fopen(path, "rb");
	size_t room = ram_size - RAW_LOAD_ADDR - RAW_PAGE, n;

	if (!f) {
		fprintf(stderr, "raw-unicorn: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(ram + RAW_LOAD_ADDR, 1, room, f);
	if (ferror(f) || (n == room && fgetc(f) != EOF)) {
		fprintf(stderr, "raw-unicorn: %s: cannot load it (too big?)\n",
			path);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static int set_regs(uc_engine *uc, uint64_t gdt_base, uint32_t count)
{
	static const int gprs[] = {
		UC_X86_REG_EAX, UC_X86_REG_EBX, UC_X86_REG_ECX, UC_X86_REG_EDX,
		UC_X86_REG_ESI, UC_X86_REG_EDI, UC_X86_REG_ESP, UC_X86_REG_EBP,
	};
	static const int data_segs[] = {
		UC_X86_REG_DS, UC_X86_REG_ES, UC_X86_REG_FS,
		UC_X86_REG_GS, UC_X86_REG_SS,
	};
	uc_x86_mmr gdt = { .base = gdt_base, .limit = RAW_GDT_ENTRIES * 8 - 1 };
	uc_x86_mmr idt = { .base = 0, .limit = 0 };
	uint64_t v;
	uc_err err = UC_ERR_OK;

	for (size_t i = 0; i < sizeof(gprs) / sizeof(gprs[0]); i++) {
		v = gprs[i] == UC_X86_REG_ECX ? count : 0;
		err |= uc_reg_write(uc, gprs[i], &v);
	}
	v = RAW_RFLAGS_RESERVED;
	err |= uc_reg_write(uc, UC_X86_REG_EFLAGS, &v);
	err |= uc_reg_write(uc, UC_X86_REG_GDTR, &gdt);
	err |= uc_reg_write(uc, UC_X86_REG_IDTR, &idt);
	v = 0;
	err |= uc_reg_write(uc, UC_X86_REG_CR4, &v);
	err |= uc_reg_write(uc, UC_X86_REG_CR3, &v);
	v = RAW_CR0_PE | RAW_CR0_ET;
	err |= uc_reg_write(uc, UC_X86_REG_CR0, &v);
	v = RAW_GDT_CODE32;
	err |= uc_reg_write(uc, UC_X86_REG_CS, &v);
	v = RAW_GDT_DATA;
	for (size_t i = 0; i < sizeof(data_segs) / sizeof(data_segs[0]); i++)
		err |= uc_reg_write(uc, data_segs[i], &v);
	v = RAW_LOAD_ADDR;
	err |= uc_reg_write(uc, UC_X86_REG_EIP, &v);
	return err == UC_ERR_OK ? 0 : -1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: raw-unicorn [-c COUNT] [-m RAM_BYTES] [-v] GUEST.bin\n"
		"Run a benchmark guest on a bare Unicorn engine, loaded and\n"
		"entered at 0x100000 with ECX = COUNT (default 0); exit with\n"
		"the guest's exit-port status.\n");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	uint64_t ram_size = 2ull << 20, count = 0;
	struct raw r = { .status = -1 };
	bool verbose = false;
	uc_engine *uc = NULL;
	uint8_t *ram;
	uc_hook h;
	uc_err err;
	double t0, t1;
	char *end;
	int c, ret = 1;

	while ((c = getopt(argc, argv, "c:m:vh")) != -1) {
		switch (c) {
		case 'c':
			count = strtoull(optarg, &end, 0);
			if (*end || count > UINT32_MAX) {
				fprintf(stderr, "raw-unicorn: bad count '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'm':
			ram_size = strtoull(optarg, &end, 0);
			if (*end || ram_size < RAW_LOAD_ADDR + 2 * RAW_PAGE ||
			    ram_size >= RAW_GIB4 || ram_size % RAW_PAGE) {
				fprintf(stderr,
					"raw-unicorn: bad RAM size '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}

	ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED) {
		perror("raw-unicorn: mmap");
		return 1;
	}
	if (load_file(argv[optind], ram, ram_size))
		goto out_unmap;
	write_gdt(ram + ram_size - RAW_PAGE);

	err = uc_open(UC_ARCH_X86, UC_MODE_32, &uc);
	if (err) {
		fprintf(stderr, "raw-unicorn: uc_open: %s\n", uc_strerror(err));
		goto out_unmap;
	}
	uc_ctl_exits_enable(uc); /* as plugvm: no "until" address */
	if (uc_mem_map_ptr(uc, 0, ram_size, UC_PROT_ALL, ram) ||
	    uc_mmio_map(uc, ram_size, RAW_GIB4 - ram_size, mmio_read, &r,
			mmio_write, &r) ||
	    uc_hook_add(uc, &h, UC_HOOK_INSN, hook_out, &r, 1, 0,
			UC_X86_INS_OUT) ||
	    uc_hook_add(uc, &h, UC_HOOK_INSN, hook_in, &r, 1, 0,
			UC_X86_INS_IN) ||
	    uc_hook_add(uc, &h, UC_HOOK_INTR, hook_intr, &r, 1, 0) ||
	    uc_hook_add(uc, &h, UC_HOOK_INSN_INVALID, hook_invalid, &r, 1, 0) ||
	    uc_hook_add(uc, &h, UC_HOOK_MEM_UNMAPPED, hook_unmapped, &r, 1,
			0)) {
		fprintf(stderr, "raw-unicorn: cannot set the engine up\n");
		goto out_close;
	}
	if (set_regs(uc, ram_size - RAW_PAGE, (uint32_t)count)) {
		fprintf(stderr, "raw-unicorn: cannot set the registers\n");
		goto out_close;
	}

	t0 = now();
	err = uc_emu_start(uc, RAW_LOAD_ADDR, UINT64_MAX, 0, 0);
	t1 = now();
	if (err) {
		fprintf(stderr, "raw-unicorn: uc_emu_start: %s\n",
			uc_strerror(err));
		goto out_close;
	}
	if (verbose)
		fprintf(stderr,
			"raw-unicorn: %.6f s in uc_emu_start; %" PRIu64
			" OUT, %" PRIu64 " IN, %" PRIu64 " MMIO reads, %" PRIu64
			" MMIO writes\n",
			t1 - t0, r.outs, r.ins, r.mmio_reads, r.mmio_writes);
	if (r.faulted)
		ret = 3;
	else if (r.status < 0) {
		fprintf(stderr, "raw-unicorn: the guest stopped without "
				"writing the exit port\n");
		ret = 1;
	} else {
		ret = r.status;
	}

out_close:
	uc_close(uc);
out_unmap:
	munmap(ram, ram_size);
	return ret;
}
