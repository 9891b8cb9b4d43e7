// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kvm-bare.c - a benchmark guest on a bare KVM_RUN loop: the floor plugvm's
 * kvm accelerator is measured against.
 *
 * The seed's demo done minimally, with the state plugvm gives a
 * protected-mode machine (vmm/cpu.c is linked in, so the GDT and the
 * registers are computed by the same code):
 *  - /dev/kvm, KVM_CREATE_VM, KVM_SET_TSS_ADDR, one memory slot: guest RAM
 *    (one anonymous mapping, as vmm/vm.c makes it) at guest-physical 0;
 *  - the guest loaded at 0x100000, the GDT from vmm_cpu_write_tables() at
 *    the top of RAM, and KVM_CREATE_VCPU with the registers of
 *    vmm_cpu_initial_regs(): flat 32-bit segments (CS 0x08, the others
 *    0x10), CR0 = PE | ET, RFLAGS = 0x2, EIP = 0x100000 and ECX = COUNT,
 *    loaded the way vmm/accel-kvm.c does (KVM_GET_SREGS, the segments,
 *    KVM_SET_SREGS, KVM_SET_REGS);
 *  - then KVM_RUN in a loop that does nothing with a KVM_EXIT_IO, except
 *    that an OUT to port 0xf4 stops it with QEMU isa-debug-exit's status
 *    ((value << 1) | 1), which becomes this program's exit status, as it
 *    does for plugvm and QEMU. KVM_EXIT_HLT stops it too.
 * No KVM_SET_CPUID2, no vCPU thread, no signal handling: only what the
 * guest needs to run.
 *
 * Usage: kvm-bare [-c COUNT] [-m RAM_BYTES] [-v] GUEST.bin
 * Exit status: the guest's exit-port status; 1 when it halted without
 * writing it or the set-up failed; 3 for any other exit (a guest fault);
 * 77 when /dev/kvm is not usable (cannot be opened, or no VM can be
 * created). PLUGVM_KVM_DEVICE names another device node, as for plugvm.
 */
#include "config.h"

#include "cpu.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define BARE_LOAD_ADDR 0x100000ull
#define BARE_EXIT_PORT 0xf4
#define BARE_PAGE 4096ull
#define BARE_GIB4 0x100000000ull
#define BARE_TSS_ADDR 0xfffbd000ull /* as vmm/accel-kvm.c */
#define BARE_UNUSABLE 77

struct bare_counts {
	uint64_t outs, ins, hlts;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kvm-bare [-c COUNT] [-m RAM_BYTES] [-v] GUEST.bin\n"
		"Run a benchmark guest on a bare KVM_RUN loop, loaded and\n"
		"entered at 0x100000 in plugvm's protected mode with ECX = "
		"COUNT\n"
		"(default 0); exit with the guest's exit-port status (77: no\n"
		"usable /dev/kvm).\n");
}

static int load_file(const char *path, uint8_t *ram, uint64_t limit)
{
	FILE *f = fopen(path, "rb");
	size_t room = limit - BARE_LOAD_ADDR, n;

	if (!f) {
		fprintf(stderr, "kvm-bare: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(ram + BARE_LOAD_ADDR, 1, room, f);
	if (ferror(f) || (n == room && fgetc(f) != EOF)) {
		fprintf(stderr, "kvm-bare: %s: cannot load it (too big?)\n",
			path);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static void segment_to_kvm(struct kvm_segment *k, const struct vmm_segment *s)
{
	memset(k, 0, sizeof(*k));
	k->base = s->base;
	k->limit = s->limit;
	k->selector = s->selector;
	k->type = s->type;
	k->present = s->present;
	k->dpl = s->dpl;
	k->db = s->db;
	k->s = s->s;
	k->l = s->l;
	k->g = s->g;
	k->avl = s->avl;
	k->unusable = !s->present;
}

static int set_regs(int vcpu, const struct vmm_regs *r)
{
	struct kvm_sregs sregs;
	struct kvm_regs kr;

	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return -1;
	segment_to_kvm(&sregs.cs, &r->cs);
	segment_to_kvm(&sregs.ds, &r->ds);
	segment_to_kvm(&sregs.es, &r->es);
	segment_to_kvm(&sregs.fs, &r->fs);
	segment_to_kvm(&sregs.gs, &r->gs);
	segment_to_kvm(&sregs.ss, &r->ss);
	segment_to_kvm(&sregs.tr, &r->tr);
	segment_to_kvm(&sregs.ldt, &r->ldt);
	sregs.gdt.base = r->gdt.base;
	sregs.gdt.limit = r->gdt.limit;
	sregs.idt.base = r->idt.base;
	sregs.idt.limit = r->idt.limit;
	sregs.cr0 = r->cr0;
	sregs.cr2 = r->cr2;
	sregs.cr3 = r->cr3;
	sregs.cr4 = r->cr4;
	sregs.efer = r->efer;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		return -1;

	memset(&kr, 0, sizeof(kr));
	kr.rax = r->rax;
	kr.rbx = r->rbx;
	kr.rcx = r->rcx;
	kr.rdx = r->rdx;
	kr.rsi = r->rsi;
	kr.rdi = r->rdi;
	kr.rsp = r->rsp;
	kr.rbp = r->rbp;
	kr.rip = r->rip;
	kr.rflags = r->rflags | X86_RFLAGS_RESERVED;
	return ioctl(vcpu, KVM_SET_REGS, &kr) < 0 ? -1 : 0;
}

/*
 * The loop being measured. Returns the exit-port status, -1 when the guest
 * halted without writing it, -2 for an unexpected exit, -3 when KVM_RUN
 * failed.
 */
static int run_loop(int vcpu, struct kvm_run *run, struct bare_counts *c)
{
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "kvm-bare: KVM_RUN: %s\n",
				strerror(errno));
			return -3;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			if (run->io.direction != KVM_EXIT_IO_OUT) {
				c->ins++;
				continue; /* IN reads whatever kvm_run holds */
			}
			c->outs++;
			if (run->io.port == BARE_EXIT_PORT) {
				uint32_t v = 0;

				memcpy(&v, (uint8_t *)run + run->io.data_offset,
				       run->io.size <= 4 ? run->io.size : 4);
				return (int)(((v << 1) | 1) & 0xff);
			}
			continue;
		case KVM_EXIT_HLT:
			c->hlts++;
			return -1;
		default:
			if (run->exit_reason == KVM_EXIT_FAIL_ENTRY)
				fprintf(stderr,
					"kvm-bare: entry failed, hardware "
					"reason 0x%llx\n",
					(unsigned long long)run->fail_entry
						.hardware_entry_failure_reason);
			else if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR)
				fprintf(stderr, "kvm-bare: internal error %u\n",
					run->internal.suberror);
			else
				fprintf(stderr,
					"kvm-bare: unexpected exit reason %u\n",
					run->exit_reason);
			return -2;
		}
	}
}

int main(int argc, char **argv)
{
	uint64_t ram_size = 2ull << 20, count = 0;
	struct kvm_userspace_memory_region region;
	struct vmm_boot_layout layout;
	struct vmm_cpu_setup cfg;
	struct vmm_regs regs;
	struct bare_counts counts = { 0 };
	struct kvm_run *run = MAP_FAILED;
	const char *dev = getenv("PLUGVM_KVM_DEVICE");
	bool verbose = false;
	uint8_t *ram;
	long run_size = 0;
	int kvm = -1, vm = -1, vcpu = -1, c, r, ret = 1;
	double t0, t1;
	char *end;

	while ((c = getopt(argc, argv, "c:m:vh")) != -1) {
		switch (c) {
		case 'c':
			count = strtoull(optarg, &end, 0);
			if (*end || count > UINT32_MAX) {
				fprintf(stderr, "kvm-bare: bad count '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'm':
			ram_size = strtoull(optarg, &end, 0);
			if (*end || ram_size < BARE_LOAD_ADDR + 2 * BARE_PAGE ||
			    ram_size >= BARE_GIB4 || ram_size % BARE_PAGE) {
				fprintf(stderr, "kvm-bare: bad RAM size '%s'\n",
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

	/* The machine: what vmm/vm.c and vmm/cpu.c make of run.sh's file. */
	memset(&cfg, 0, sizeof(cfg));
	cfg.n_vcpus = 1;
	cfg.mode = VMM_CPU_PROTECTED;
	cfg.entry = BARE_LOAD_ADDR;
	cfg.gprs[VMM_RCX] = count;
	cfg.gprs_set = 1u << VMM_RCX;
	if (vmm_cpu_layout(cfg.mode, ram_size, &layout) ||
	    layout.base < BARE_LOAD_ADDR + BARE_PAGE) {
		fprintf(stderr, "kvm-bare: too little RAM\n");
		return 2;
	}
	ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED) {
		perror("kvm-bare: mmap");
		return 1;
	}
	if (load_file(argv[optind], ram, layout.base))
		goto out;
	vmm_cpu_write_tables(cfg.mode, ram, &layout);
	vmm_cpu_initial_regs(&cfg, &layout, 0, &regs);

	if (!dev || !*dev)
		dev = "/dev/kvm";
	kvm = open(dev, O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		fprintf(stderr, "kvm-bare: %s: %s\n", dev, strerror(errno));
		ret = BARE_UNUSABLE;
		goto out;
	}
	r = ioctl(kvm, KVM_GET_API_VERSION, 0);
	if (r != KVM_API_VERSION) {
		fprintf(stderr, "kvm-bare: %s: API version %d, want %d\n", dev,
			r, KVM_API_VERSION);
		ret = BARE_UNUSABLE;
		goto out;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		fprintf(stderr, "kvm-bare: KVM_CREATE_VM: %s\n",
			strerror(errno));
		ret = BARE_UNUSABLE;
		goto out;
	}
	if (ioctl(vm, KVM_SET_TSS_ADDR, (unsigned long)BARE_TSS_ADDR) < 0) {
		perror("kvm-bare: KVM_SET_TSS_ADDR");
		goto out;
	}
	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = ram_size,
		.userspace_addr = (uintptr_t)ram,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		perror("kvm-bare: KVM_SET_USER_MEMORY_REGION");
		goto out;
	}
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0) {
		perror("kvm-bare: KVM_CREATE_VCPU");
		goto out;
	}
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (long)sizeof(*run)) {
		fprintf(stderr, "kvm-bare: KVM_GET_VCPU_MMAP_SIZE: %ld\n",
			run_size);
		goto out;
	}
	run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu, 0);
	if (run == MAP_FAILED) {
		perror("kvm-bare: mmap of kvm_run");
		goto out;
	}
	if (set_regs(vcpu, &regs)) {
		perror("kvm-bare: setting the registers");
		goto out;
	}

	t0 = now();
	r = run_loop(vcpu, run, &counts);
	t1 = now();
	if (verbose) {
		uint64_t n = counts.outs + counts.ins;

		fprintf(stderr,
			"kvm-bare: %.6f s in the KVM_RUN loop; %" PRIu64
			" OUT, %" PRIu64 " IN, %" PRIu64 " HLT exits; "
			"%.0f ns/exit\n",
			t1 - t0, counts.outs, counts.ins, counts.hlts,
			n ? (t1 - t0) * 1e9 / (double)n : 0.0);
	}
	if (r >= 0) {
		ret = r;
	} else if (r == -1) {
		fprintf(stderr, "kvm-bare: the guest halted without writing "
				"the exit port\n");
		ret = 1;
	} else {
		ret = r == -2 ? 3 : 1;
	}

out:
	if (run != MAP_FAILED)
		munmap(run, (size_t)run_size);
	if (vcpu >= 0)
		close(vcpu);
	if (vm >= 0)
		close(vm);
	if (kvm >= 0)
		close(kvm);
	munmap(ram, ram_size);
	return ret;
}
