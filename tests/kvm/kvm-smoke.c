// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kvm-smoke.c - the smallest end-to-end proof that /dev/kvm works: open it,
 * check the API version, create a VM with 1 MiB of RAM and one vCPU, run a
 * real-mode guest that writes 0..4 to port 0x10 and halts, then time a loop
 * of port writes. Standalone (no plugvm code); built with `cc -static` so it
 * runs inside the nested-KVM initramfs.
 *
 * Output (stdout), one fact a line:
 *   kvm-smoke: api 12
 *   kvm-smoke: out port=0x10 size=1 value=0 ... (5 lines)
 *   kvm-smoke: hlt
 *   kvm-smoke: N exits, X ns/exit
 *   kvm-smoke: PASS
 * Exit status 0 on PASS, 1 otherwise (with the reason on stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define RAM_SIZE (1u << 20)
#define ENTRY 0x1000
#define LOOPS 5000

/*
 * At ENTRY: mov dx,0x10; xor ax,ax; 1: out dx,al; inc ax; cmp al,5; jne 1b;
 * hlt. Then: mov cx,LOOPS; 2: out dx,al; loop 2b; hlt.
 */
static const uint8_t guest[] = {
	0xba, 0x10,	    0x00,	/* mov $0x10,%dx */
	0x31, 0xc0,			/* xor %ax,%ax */
	0xee,				/* 1: out %al,(%dx) */
	0x40,				/* inc %ax */
	0x3c, 0x05,			/* cmp $5,%al */
	0x75, 0xfa,			/* jne 1b */
	0xf4,				/* hlt */
	0xb9, LOOPS & 0xff, LOOPS >> 8, /* mov $LOOPS,%cx */
	0xee,				/* 2: out %al,(%dx) */
	0xe2, 0xfd,			/* loop 2b */
	0xf4,				/* hlt */
};

static int fail(const char *what)
{
	fprintf(stderr, "kvm-smoke: FAIL: %s: %s\n", what, strerror(errno));
	return 1;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* One KVM_RUN, retrying EINTR; returns the exit reason or -1. */
static int run_once(int vcpu, struct kvm_run *run)
{
	int r;

	do
		r = ioctl(vcpu, KVM_RUN, 0);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -1 : (int)run->exit_reason;
}

int main(void)
{
	struct kvm_userspace_memory_region region;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_run *run;
	uint8_t *ram;
	int kvm, vm, vcpu, api, reason;
	long mmap_size;
	unsigned outs = 0, exits = 0;
	double t0, t1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return fail("/dev/kvm");
	api = ioctl(kvm, KVM_GET_API_VERSION, 0);
	printf("kvm-smoke: api %d\n", api);
	if (api != KVM_API_VERSION) {
		fprintf(stderr, "kvm-smoke: FAIL: API version %d, want %d\n",
			api, KVM_API_VERSION);
		return 1;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return fail("KVM_CREATE_VM");
	if (ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000ul) < 0)
		return fail("KVM_SET_TSS_ADDR");
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		return fail("mmap RAM");
	memcpy(ram + ENTRY, guest, sizeof(guest));
	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = RAM_SIZE,
		.userspace_addr = (uintptr_t)ram,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return fail("KVM_SET_USER_MEMORY_REGION");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return fail("KVM_CREATE_VCPU");
	mmap_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size < (long)sizeof(*run))
		return fail("KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu,
		   0);
	if (run == MAP_FAILED)
		return fail("mmap kvm_run");

	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return fail("KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		return fail("KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = ENTRY;
	regs.rflags = 0x2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		return fail("KVM_SET_REGS");

	/* Part 1: five OUTs, then HLT. */
	for (;;) {
		reason = run_once(vcpu, run);
		if (reason < 0)
			return fail("KVM_RUN");
		if (reason == KVM_EXIT_HLT) {
			printf("kvm-smoke: hlt\n");
			break;
		}
		if (reason != KVM_EXIT_IO ||
		    run->io.direction != KVM_EXIT_IO_OUT) {
			fprintf(stderr, "kvm-smoke: FAIL: exit reason %d\n",
				reason);
			return 1;
		}
		printf("kvm-smoke: out port=0x%x size=%u value=%u\n",
		       run->io.port, run->io.size,
		       *((uint8_t *)run + run->io.data_offset));
		outs++;
	}
	if (outs != 5) {
		fprintf(stderr, "kvm-smoke: FAIL: %u OUTs, want 5\n", outs);
		return 1;
	}

	/* Part 2: LOOPS OUTs back to back, timed. */
	t0 = now_ns();
	while ((reason = run_once(vcpu, run)) == KVM_EXIT_IO)
		exits++;
	t1 = now_ns();
	if (reason != KVM_EXIT_HLT || exits != LOOPS) {
		fprintf(stderr, "kvm-smoke: FAIL: loop: %u exits, reason %d\n",
			exits, reason);
		return 1;
	}
	printf("kvm-smoke: %u exits, %.0f ns/exit\n", exits, (t1 - t0) / exits);
	printf("kvm-smoke: PASS\n");
	return 0;
}
