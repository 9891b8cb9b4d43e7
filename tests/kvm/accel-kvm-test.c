// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * accel-kvm-test.c - vmm/accel-kvm.c against a real /dev/kvm.
 *
 * Links accel-kvm.c, cpu.c, guestmem.c and log.c, and hands each vCPU a
 * fake exit sink whose handler records every I/O and MMIO exit and answers
 * reads, and runs small guests
 * (assembled in this file) in real, protected and long mode: byte/word/long
 * port I/O, rep outsb/insb, MMIO reads and writes of 2, 4 and 8 bytes, HLT
 * with the registers read back, a triple fault, code fetched from outside
 * RAM, a refused register state, kicks (before and during KVM_RUN, and a
 * handler that stops the machine), and two vCPUs on two threads with their
 * own APIC IDs. Then it times I/O and MMIO round trips through vcpu_run().
 *
 * Built static by check-kvm.sh so that it runs inside the nested-KVM
 * initramfs; it also runs on any host with a usable /dev/kvm.
 *
 *   accel-kvm-test [BENCH_EXITS]    (default 20000)
 *
 * Prints "ok N - ..." / "not ok N - ..." lines, "bench: ..." lines and a
 * last line "N passed, N failed". Exit status 0, 1 on a failure, 77 when
 * /dev/kvm is unusable here.
 */
#include "config.h"

#include "accel.h"
#include "cpu.h"
#include "exit.h"
#include "log.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define ENTRY 0x1000
#define STRING_DATA 0x1800	/* rep outsb reads from here */
#define INSB_DEST 0x2000	/* rep insb writes here */
#define MMIO_BASE 0xd0000000ull /* nothing there: MMIO exits */
#define MAX_VCPUS 2

/*
 * The guests. Each is position-dependent only through ENTRY: a far jump
 * computes its target as ENTRY + (label - start).
 */
#define GUEST(name, code)                                                      \
	extern const uint8_t name[], name##_end[];                             \
	__asm__(".pushsection .rodata.guest,\"a\"\n"                           \
		".globl " #name "\n"                                           \
		".globl " #name "_end\n" #name ":\n" code "\n" #name "_end:\n" \
		".code64\n"                                                    \
		".popsection\n")

/* Real mode, cs = ds = 0. Port and MMIO exits of every shape, then HLT. */
GUEST(real_guest, ".code16\n"
		  "mov $0x10, %dx\n"
		  "mov $0x41, %al\n"
		  "out %al, %dx\n" /* 1: outb 0x10 = 0x41 */
		  "inc %dx\n"
		  "mov $0x1234, %ax\n"
		  "out %ax, %dx\n" /* 2: outw 0x11 = 0x1234 */
		  "inc %dx\n"
		  "mov $0xdeadbeef, %eax\n"
		  "out %eax, %dx\n" /* 3: outl 0x12 */
		  "mov $0x20, %dx\n"
		  "in %dx, %al\n" /* 4: inb 0x20, host says 0x5a */
		  "mov $0x10, %dx\n"
		  "out %al, %dx\n" /* 5: outb 0x10 = 0x5a */
		  "cld\n"
		  "mov $0x30, %dx\n"
		  "mov $0x1800, %si\n"
		  "mov $4, %cx\n"
		  "rep outsb\n" /* 6: outsb x4 0x30 "abcd" */
		  "mov $0x31, %dx\n"
		  "mov $0x2000, %di\n"
		  "mov $3, %cx\n"
		  "rep insb\n" /* 7: insb x3 0x31, host says "xyz" */
		  "mov $0x9000, %ax\n"
		  "mov %ax, %ds\n"
		  "movw $0xbeef, 0\n" /* 8: MMIO write 2 at 0x90000 */
		  "mov 4, %ax\n"      /* 9: MMIO read 2 at 0x90004 */
		  "mov $0x10, %dx\n"
		  "out %ax, %dx\n" /* 10: outw 0x10 = what 9 read */
		  "mov $0x7777, %bx\n"
		  "hlt\n");

/* Protected mode, flat. Reloads segments from plugvm's GDT on the way. */
GUEST(prot_guest, ".code32\n"
		  "mov $0x12, %dx\n"
		  "mov $0x12345678, %eax\n"
		  "out %eax, %dx\n"	   /* 1: outl 0x12 */
		  "mov 0xd0000000, %eax\n" /* 2: MMIO read 4 */
		  "out %eax, %dx\n"	   /* 3: outl 0x12 = what 2 read */
		  "movl $0x11223344, 0xd0000010\n" /* 4: MMIO write 4 */
		  "mov $0x10, %ax\n"
		  "mov %ax, %ds\n"
		  "mov %ax, %ss\n"
		  "ljmp $0x08, $(0x1000 + 2f - prot_guest)\n"
		  "2: mov %cs, %ax\n"
		  "out %ax, %dx\n" /* 5: outw 0x12 = 0x08 */
		  "hlt\n");

/*
 * Long mode, identity-mapped. 8-byte MMIO both ways, 64-bit arithmetic,
 * then %rsi OUTs to port 0x13 and %rdi 8-byte MMIO writes (the benchmark).
 */
GUEST(long_guest, ".code64\n"
		  "mov $0xd0000000, %ebx\n"
		  "movabs $0x1122334455667788, %rax\n"
		  "mov %rax, (%rbx)\n" /* 1: MMIO write 8 */
		  "mov 8(%rbx), %r8\n" /* 2: MMIO read 8 */
		  "mov $0x12, %dx\n"
		  "out %eax, %dx\n" /* 3: outl 0x12 = 0x55667788 */
		  "shr $32, %rax\n"
		  "out %eax, %dx\n" /* 4: outl 0x12 = 0x11223344 */
		  "mov $0x13, %dx\n"
		  "mov %rsi, %rcx\n"
		  "jrcxz 4f\n"
		  "3: out %al, %dx\n"
		  "loop 3b\n"
		  "4: mov %rdi, %rcx\n"
		  "jrcxz 6f\n"
		  "5: mov %rax, 0x20(%rbx)\n"
		  "loop 5b\n"
		  "6: hlt\n");

/* Long mode with no IDT: #UD cannot be delivered, so a triple fault. */
GUEST(fault_guest, ".code64\n"
		   "ud2\n");

/* Protected mode: jump into MMIO space, which KVM cannot execute. */
GUEST(fetch_guest, ".code32\n"
		   "mov $0xd0000000, %eax\n"
		   "jmp *%eax\n");

/* Real mode: spin until kicked; port 0x99 asks the handler to stop. */
GUEST(spin_guest, ".code16\n"
		  "1: jmp 1b\n");
GUEST(stop_guest, ".code16\n"
		  "mov $0x99, %dx\n"
		  "out %al, %dx\n"
		  "hlt\n");

/* Real mode, SMP: report %di (the vCPU index) and CPUID's APIC ID. */
GUEST(smp_guest, ".code16\n"
		 "mov $0x40, %dx\n"
		 "mov %di, %ax\n"
		 "out %ax, %dx\n"
		 "mov $1, %eax\n"
		 "cpuid\n"
		 "shr $24, %ebx\n"
		 "mov %bx, %ax\n"
		 "mov $0x41, %dx\n"
		 "out %ax, %dx\n"
		 "hlt\n");

/* ---- the fake exit sink ------------------------------------------- */

#define MAX_RECS 32

struct rec {
	enum vmm_exit_reason reason;
	uint8_t dir, size, is_write;
	uint16_t port;
	uint32_t count, len;
	uint64_t addr;
	uint8_t data[64];
};

/* What each vCPU's exits were, in order, and counters for the benchmark. */
static struct fake {
	struct vmm_exit_sink sink; /* what the vCPU reports to */
	struct rec recs[MAX_RECS];
	unsigned n;
	unsigned long io_exits, mmio_exits;
	unsigned in_seq; /* INS from port 0x31 reads 'x', 'y', 'z', ... */
} fakes[MAX_VCPUS];

static void record(struct fake *f, const struct vmm_exit *e)
{
	struct rec *r;

	if (f->n >= MAX_RECS)
		return;
	r = &f->recs[f->n++];
	memset(r, 0, sizeof(*r));
	r->reason = e->reason;
	if (e->reason == VMM_EXIT_IO) {
		size_t bytes = (size_t)e->io.size * e->io.count;

		r->dir = e->io.direction;
		r->size = e->io.size;
		r->port = e->io.port;
		r->count = e->io.count;
		if (e->io.direction == VMM_IO_OUT)
			memcpy(r->data, e->io.data,
			       bytes < sizeof(r->data) ? bytes
						       : sizeof(r->data));
	} else {
		r->addr = e->mmio.phys_addr;
		r->len = e->mmio.len;
		r->is_write = e->mmio.is_write;
		if (e->mmio.is_write)
			memcpy(r->data, e->mmio.data, sizeof(e->mmio.data));
	}
}

/* The machine's stop flag: never set here, kvm does not read it. */
static _Atomic int stop_flag;

/* Answers: IN 0x20 0x5a, INS 0x31 "xyz...", MMIO reads 0x0102..08. */
static enum vmm_exit_action fake_handle(struct vmm_exit_sink *sink,
					struct vmm_exit *e)
{
	struct fake *f =
		(struct fake *)((char *)sink - offsetof(struct fake, sink));
	static const uint8_t mmio_answer[8] = { 8, 7, 6, 5, 4, 3, 2, 1 };

	if (e->reason == VMM_EXIT_IO) {
		f->io_exits++;
		if (e->io.port == 0x13)
			return VMM_ACTION_CONTINUE; /* benchmark */
		if (e->io.direction == VMM_IO_IN)
			for (uint32_t i = 0; i < e->io.size * e->io.count; i++)
				e->io.data[i] =
					e->io.port == 0x20
						? 0x5a
						: (uint8_t)('x' + f->in_seq++);
		record(f, e);
		return e->io.port == 0x99 ? VMM_ACTION_STOP
					  : VMM_ACTION_CONTINUE;
	}
	if (e->reason == VMM_EXIT_MMIO) {
		f->mmio_exits++;
		if (e->mmio.phys_addr == MMIO_BASE + 0x20)
			return VMM_ACTION_CONTINUE; /* benchmark */
		if (!e->mmio.is_write)
			memcpy(e->mmio.data, mmio_answer, e->mmio.len);
		record(f, e);
		return VMM_ACTION_CONTINUE;
	}
	fprintf(stderr, "fake exit sink: unexpected exit %d\n", e->reason);
	return VMM_ACTION_STOP;
}

/* The inline paths are tcg's: kvm must never take the slow one. */
static enum vmm_exit_action fake_io_slow(struct vmm_exit_sink *sink,
					 enum plugvm_space space,
					 uint64_t addr, unsigned size,
					 bool is_write, uint64_t *value)
{
	(void)sink;
	(void)space;
	(void)size;
	(void)is_write;
	(void)value;
	fprintf(stderr, "fake exit sink: io_slow at 0x%" PRIx64 "\n", addr);
	return VMM_ACTION_STOP;
}

static void fakes_reset(void)
{
	memset(fakes, 0, sizeof(fakes));
	for (unsigned i = 0; i < MAX_VCPUS; i++) {
		fakes[i].sink.stop_flag = &stop_flag;
		fakes[i].sink.handle = fake_handle;
		fakes[i].sink.io_slow = fake_io_slow;
	}
}

/* ---- test plumbing ------------------------------------------------- */

static unsigned n_passed, n_failed, n_tests;

static bool check(bool ok, const char *fmt, ...) PLUGVM_PRINTF(2, 3);

/* One TAP line per check. */
static bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %u - ", ok ? "ok" : "not ok", ++n_tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (ok)
		n_passed++;
	else
		n_failed++;
	return ok;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

struct tvm {
	struct vmm_cpu_setup cfg;
	struct vmm_guestmem mem;
	struct vmm_boot_layout layout;
	struct accel_vm *vm;
	struct accel_vcpu *vcpus[MAX_VCPUS];
};

/*
 * A machine of @mode with @ram bytes and @n_vcpus, @code at ENTRY, the
 * boot tables written and each vCPU in vmm_cpu_initial_regs() state with
 * rsi/rdi = @rsi/@rdi for one vCPU. Returns 0 or -errno (vcpu_init's).
 */
static int tvm_create(struct tvm *t, enum vmm_cpu_mode mode, uint64_t ram,
		      unsigned n_vcpus, const uint8_t *code, const uint8_t *end,
		      uint64_t rsi, uint64_t rdi)
{
	struct accel_vm_config ac = { .mem = &t->mem, .n_vcpus = n_vcpus,
				      .mode = mode };
	void *p;
	int r;

	memset(t, 0, sizeof(*t));
	fakes_reset();
	t->cfg.mode = mode;
	t->cfg.entry = ENTRY;
	t->cfg.n_vcpus = n_vcpus;
	t->cfg.gprs[VMM_RSP] = 0x8000;
	t->cfg.gprs[VMM_RSI] = rsi;
	t->cfg.gprs[VMM_RDI] = rdi;
	t->cfg.gprs_set = 1u << VMM_RSP | 1u << VMM_RSI | 1u << VMM_RDI;
	p = mmap(NULL, ram, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	t->mem.host = p;
	t->mem.size = ram;
	memcpy(t->mem.host + ENTRY, code, (size_t)(end - code));
	memcpy(t->mem.host + STRING_DATA, "abcd", 4);
	r = vmm_cpu_layout(mode, ram, &t->layout);
	if (r)
		return r;
	vmm_cpu_write_tables(mode, t->mem.host, &t->layout);
	r = vmm_accel_kvm.vm_create(&ac, &t->vm);
	if (r)
		return r;
	for (unsigned i = 0; i < n_vcpus; i++) {
		struct vmm_regs regs;

		vmm_cpu_initial_regs(&t->cfg, &t->layout, i, &regs);
		r = vmm_accel_kvm.vcpu_create(t->vm, i, &fakes[i].sink, &regs,
					      &t->vcpus[i]);
		if (r)
			return r;
	}
	return 0;
}

static void tvm_destroy(struct tvm *t)
{
	for (unsigned i = 0; i < MAX_VCPUS; i++)
		vmm_accel_kvm.vcpu_destroy(t->vcpus[i]);
	vmm_accel_kvm.vm_destroy(t->vm);
	if (t->mem.host)
		munmap(t->mem.host, t->mem.size);
	memset(t, 0, sizeof(*t));
}

/* vcpu_run() until a non-INTR exit; returns its reason or -1. */
static int run(struct accel_vcpu *vcpu, struct vmm_exit *e)
{
	do {
		memset(e, 0, sizeof(*e));
		if (vmm_accel_kvm.vcpu_run(vcpu, e))
			return -1;
	} while (e->reason == VMM_EXIT_INTR);
	return (int)e->reason;
}

static bool is_io(const struct rec *r, uint8_t dir, uint8_t size, uint16_t port,
		  uint32_t count)
{
	return r->reason == VMM_EXIT_IO && r->dir == dir && r->size == size &&
	       r->port == port && r->count == count;
}

static bool is_mmio(const struct rec *r, uint64_t addr, uint32_t len,
		    bool is_write)
{
	return r->reason == VMM_EXIT_MMIO && r->addr == addr && r->len == len &&
	       r->is_write == is_write;
}

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	memcpy(&v, p, n);
	return v;
}

static size_t guest_size(const uint8_t *start, const uint8_t *end)
{
	return (size_t)(end - start);
}

/* ---- the tests ----------------------------------------------------- */

/*
 * Consecutive string I/O exits on @port from record *@i on: their bytes
 * (as text, in @buf) and how many exits. KVM batches INS into one exit but
 * emulates OUTS one element per exit, so count either way.
 */
static void string_io(const struct fake *f, unsigned *i, uint16_t port,
		      uint8_t dir, char buf[static 64], unsigned *n_exits)
{
	size_t len = 0;

	*n_exits = 0;
	for (; *i < f->n && f->recs[*i].reason == VMM_EXIT_IO &&
	       f->recs[*i].port == port && f->recs[*i].dir == dir;
	     (*i)++) {
		const struct rec *r = &f->recs[*i];
		size_t bytes = (size_t)r->size * r->count;

		for (size_t b = 0; b < bytes && len < 63; b++)
			buf[len++] = dir == VMM_IO_OUT ? (char)r->data[b] : '?';
		(*n_exits)++;
	}
	buf[len] = 0;
}

static void test_real(void)
{
	struct fake *f = &fakes[0];
	struct vmm_regs regs;
	struct vmm_exit e;
	unsigned i, n_exits;
	char buf[64];
	struct tvm t;
	int r;

	r = tvm_create(&t, VMM_CPU_REAL, 512 << 10, 1, real_guest,
		       real_guest_end, 0, 0);
	if (!check(r == 0, "real: vm and vCPU created (%d)", r))
		goto out;
	r = run(t.vcpus[0], &e);
	check(r == VMM_EXIT_HLT, "real: HLT exit (%d)", r);
	check(f->n >= 10, "real: at least 10 I/O and MMIO exits (%u)", f->n);
	check(is_io(&f->recs[0], VMM_IO_OUT, 1, 0x10, 1) &&
		      f->recs[0].data[0] == 0x41,
	      "real: outb 0x10 = 0x41");
	check(is_io(&f->recs[1], VMM_IO_OUT, 2, 0x11, 1) &&
		      le(f->recs[1].data, 2) == 0x1234,
	      "real: outw 0x11 = 0x1234");
	check(is_io(&f->recs[2], VMM_IO_OUT, 4, 0x12, 1) &&
		      le(f->recs[2].data, 4) == 0xdeadbeef,
	      "real: outl 0x12 = 0xdeadbeef");
	check(is_io(&f->recs[3], VMM_IO_IN, 1, 0x20, 1), "real: inb 0x20");
	check(is_io(&f->recs[4], VMM_IO_OUT, 1, 0x10, 1) &&
		      f->recs[4].data[0] == 0x5a,
	      "real: IN data reached the guest (0x%02x)", f->recs[4].data[0]);
	i = 5;
	string_io(f, &i, 0x30, VMM_IO_OUT, buf, &n_exits);
	check(memcmp(buf, "abcd", 5) == 0,
	      "real: rep outsb x4 to 0x30: \"%s\" in %u exit(s)", buf, n_exits);
	string_io(f, &i, 0x31, VMM_IO_IN, buf, &n_exits);
	check(strlen(buf) == 3 && memcmp(t.mem.host + INSB_DEST, "xyz", 3) == 0,
	      "real: rep insb x3 from 0x31: \"%.3s\" in guest RAM, %u exit(s)",
	      (const char *)t.mem.host + INSB_DEST, n_exits);
	check(is_mmio(&f->recs[i], 0x90000, 2, true) &&
		      le(f->recs[i].data, 2) == 0xbeef,
	      "real: MMIO write of 2 bytes at 0x90000 = 0xbeef");
	i++;
	check(is_mmio(&f->recs[i], 0x90004, 2, false),
	      "real: MMIO read of 2 bytes at 0x90004");
	i++;
	check(is_io(&f->recs[i], VMM_IO_OUT, 2, 0x10, 1) &&
		      le(f->recs[i].data, 2) == 0x0708 && i + 1 == f->n,
	      "real: MMIO read data reached the guest (0x%04" PRIx64 ")",
	      le(f->recs[i].data, 2));
	r = vmm_accel_kvm.get_regs(t.vcpus[0], &regs);
	check(r == 0 &&
		      regs.rip ==
			      ENTRY + guest_size(real_guest, real_guest_end) &&
		      (regs.rbx & 0xffff) == 0x7777 &&
		      regs.ds.selector == 0x9000 && regs.ds.base == 0x90000 &&
		      !(regs.cr0 & X86_CR0_PE),
	      "real: get_regs after HLT: rip 0x%" PRIx64 " bx 0x%" PRIx64
	      " ds %04x/%" PRIx64 " cr0 %" PRIx64,
	      regs.rip, regs.rbx, regs.ds.selector, regs.ds.base, regs.cr0);
out:
	tvm_destroy(&t);
}

static void test_protected(void)
{
	struct fake *f = &fakes[0];
	struct vmm_regs regs;
	struct vmm_exit e;
	struct tvm t;
	int r;

	r = tvm_create(&t, VMM_CPU_PROTECTED, 2 << 20, 1, prot_guest,
		       prot_guest_end, 0, 0);
	if (!check(r == 0, "protected: vm and vCPU created (%d)", r))
		goto out;
	r = run(t.vcpus[0], &e);
	check(r == VMM_EXIT_HLT, "protected: HLT exit (%d)", r);
	check(f->n == 5, "protected: 5 exits (%u)", f->n);
	check(is_io(&f->recs[0], VMM_IO_OUT, 4, 0x12, 1) &&
		      le(f->recs[0].data, 4) == 0x12345678,
	      "protected: outl 0x12 = 0x12345678");
	check(is_mmio(&f->recs[1], MMIO_BASE, 4, false),
	      "protected: MMIO read of 4 bytes at 0xd0000000");
	check(is_io(&f->recs[2], VMM_IO_OUT, 4, 0x12, 1) &&
		      le(f->recs[2].data, 4) == 0x05060708,
	      "protected: MMIO read data reached the guest (0x%08" PRIx64 ")",
	      le(f->recs[2].data, 4));
	check(is_mmio(&f->recs[3], MMIO_BASE + 0x10, 4, true) &&
		      le(f->recs[3].data, 4) == 0x11223344,
	      "protected: MMIO write of 4 bytes = 0x11223344");
	check(is_io(&f->recs[4], VMM_IO_OUT, 2, 0x12, 1) &&
		      le(f->recs[4].data, 2) == VMM_GDT_CODE32,
	      "protected: far jump through plugvm's GDT, cs = 0x%04" PRIx64,
	      le(f->recs[4].data, 2));
	r = vmm_accel_kvm.get_regs(t.vcpus[0], &regs);
	check(r == 0 && (regs.cr0 & X86_CR0_PE) && regs.cs.db && !regs.cs.l &&
		      regs.cs.limit == 0xffffffff && regs.cs.g,
	      "protected: get_regs: cr0 %" PRIx64 " cs db %u l %u limit %x",
	      regs.cr0, regs.cs.db, regs.cs.l, regs.cs.limit);
out:
	tvm_destroy(&t);
}

static void test_long(unsigned long bench)
{
	struct fake *f = &fakes[0];
	struct vmm_regs regs;
	struct vmm_exit e;
	struct tvm t;
	double t0, t1, t2;
	int r;

	r = tvm_create(&t, VMM_CPU_LONG, 4 << 20, 1, long_guest, long_guest_end,
		       bench, bench / 2);
	if (!check(r == 0, "long: vm and vCPU created (%d)", r))
		goto out;
	r = run(t.vcpus[0], &e);
	check(r == VMM_EXIT_HLT, "long: HLT exit (%d)", r);
	check(f->n == 4, "long: 4 recorded exits (%u)", f->n);
	check(is_mmio(&f->recs[0], MMIO_BASE, 8, true) &&
		      le(f->recs[0].data, 8) == 0x1122334455667788ull,
	      "long: MMIO write of 8 bytes = 0x%016" PRIx64,
	      le(f->recs[0].data, 8));
	check(is_mmio(&f->recs[1], MMIO_BASE + 8, 8, false),
	      "long: MMIO read of 8 bytes");
	check(is_io(&f->recs[2], VMM_IO_OUT, 4, 0x12, 1) &&
		      le(f->recs[2].data, 4) == 0x55667788 &&
		      is_io(&f->recs[3], VMM_IO_OUT, 4, 0x12, 1) &&
		      le(f->recs[3].data, 4) == 0x11223344,
	      "long: 64-bit arithmetic");
	check(f->io_exits == bench + 2 + 0 && f->mmio_exits == bench / 2 + 2,
	      "long: %lu I/O and %lu MMIO exits (want %lu, %lu)", f->io_exits,
	      f->mmio_exits, bench + 2, bench / 2 + 2);
	r = vmm_accel_kvm.get_regs(t.vcpus[0], &regs);
	check(r == 0 && regs.r8 == 0x0102030405060708ull &&
		      (regs.efer & X86_EFER_LMA) && regs.cs.l &&
		      regs.cr3 == t.layout.pml4,
	      "long: get_regs: r8 0x%016" PRIx64 " efer %" PRIx64 " cs.l %u",
	      regs.r8, regs.efer, regs.cs.l);
	tvm_destroy(&t);

	/* The benchmark: the same guest, timed, OUTs then MMIO writes. */
	if (!bench)
		return;
	r = tvm_create(&t, VMM_CPU_LONG, 4 << 20, 1, long_guest, long_guest_end,
		       bench, 0);
	t0 = now_ns();
	r = r ? r : run(t.vcpus[0], &e);
	t1 = now_ns();
	tvm_destroy(&t);
	r = tvm_create(&t, VMM_CPU_LONG, 4 << 20, 1, long_guest, long_guest_end,
		       0, bench);
	t2 = now_ns();
	r = r ? r : run(t.vcpus[0], &e);
	t2 = now_ns() - t2;
	check(r == VMM_EXIT_HLT && f->mmio_exits == bench + 2,
	      "long: benchmark ran");
	printf("bench: port I/O exit round trip through vcpu_run: %.0f ns (%lu "
	       "exits)\n",
	       (t1 - t0) / bench, bench);
	printf("bench: MMIO write exit round trip through vcpu_run: %.0f ns "
	       "(%lu exits)\n",
	       t2 / bench, bench);
out:
	tvm_destroy(&t);
}

static void test_faults(void)
{
	struct vmm_regs regs;
	struct vmm_exit e;
	struct tvm t;
	int r;

	r = tvm_create(&t, VMM_CPU_LONG, 4 << 20, 1, fault_guest,
		       fault_guest_end, 0, 0);
	if (check(r == 0, "fault: vm created (%d)", r)) {
		r = run(t.vcpus[0], &e);
		check(r == VMM_EXIT_SHUTDOWN,
		      "fault: ud2 without an IDT is a SHUTDOWN exit (%d)", r);
	}
	tvm_destroy(&t);

	r = tvm_create(&t, VMM_CPU_PROTECTED, 2 << 20, 1, fetch_guest,
		       fetch_guest_end, 0, 0);
	if (check(r == 0, "fetch: vm created (%d)", r)) {
		fprintf(stderr, "(the next error is expected)\n");
		r = run(t.vcpus[0], &e);
		check(r == VMM_EXIT_INTERNAL_ERROR && e.internal.suberror == 1,
		      "fetch: code in MMIO space is INTERNAL_ERROR/emulation "
		      "(%d, %u)",
		      r, e.internal.suberror);
	}
	tvm_destroy(&t);

	/* A register state KVM refuses: long mode without PAE. */
	r = tvm_create(&t, VMM_CPU_REAL, 1 << 20, 1, spin_guest, spin_guest_end,
		       0, 0);
	if (check(r == 0, "bad state: vm created (%d)", r)) {
		/* KVM never frees a vCPU id: use the next one. */
		vmm_cpu_initial_regs(&t.cfg, &t.layout, 1, &regs);
		regs.cr0 |= X86_CR0_PE | X86_CR0_PG;
		regs.efer = X86_EFER_LME | X86_EFER_LMA;
		fprintf(stderr, "(the next error is expected)\n");
		r = vmm_accel_kvm.vcpu_create(t.vm, 1, &fakes[1].sink, &regs,
					      &t.vcpus[1]);
		check(r == -EINVAL && !t.vcpus[1],
		      "bad state: vcpu_init says -EINVAL and cleans up (%d)",
		      r);
	}
	tvm_destroy(&t);
}

struct runner {
	struct accel_vcpu *vcpu;
	struct vmm_exit e;
	int ret;
	double done;
};

static void *run_once_thread(void *arg)
{
	struct runner *rn = arg;

	rn->ret = vmm_accel_kvm.vcpu_run(rn->vcpu, &rn->e);
	rn->done = now_ns();
	return NULL;
}

static void test_kick(void)
{
	struct runner rn = { 0 };
	struct vmm_exit e;
	pthread_t th;
	struct tvm t;
	double t0;
	int r;

	r = tvm_create(&t, VMM_CPU_REAL, 1 << 20, 1, spin_guest, spin_guest_end,
		       0, 0);
	if (!check(r == 0, "kick: vm created (%d)", r))
		goto out;

	/* Before KVM_RUN: immediate_exit. */
	vmm_accel_kvm.kick(t.vcpus[0]);
	memset(&e, 0, sizeof(e));
	r = vmm_accel_kvm.vcpu_run(t.vcpus[0], &e);
	check(r == 0 && e.reason == VMM_EXIT_INTR,
	      "kick: before vcpu_run, the next run returns INTR at once");

	/* During KVM_RUN: the signal, from another thread. */
	for (int round = 0; round < 2; round++) {
		rn.vcpu = t.vcpus[0];
		pthread_create(&th, NULL, run_once_thread, &rn);
		usleep(50000);
		t0 = now_ns();
		vmm_accel_kvm.kick(t.vcpus[0]);
		pthread_join(th, NULL);
		check(rn.ret == 0 && rn.e.reason == VMM_EXIT_INTR,
		      "kick: a spinning guest leaves KVM_RUN, round %d (%d, "
		      "%d)",
		      round + 1, rn.ret, rn.e.reason);
		printf("bench: kick to vcpu_run return: %.0f us\n",
		       (rn.done - t0) / 1000);
	}
	tvm_destroy(&t);

	/* The handler asks to stop: vcpu_run returns INTR, no re-dispatch. */
	r = tvm_create(&t, VMM_CPU_REAL, 1 << 20, 1, stop_guest, stop_guest_end,
		       0, 0);
	if (check(r == 0, "stop: vm created (%d)", r)) {
		memset(&e, 0, sizeof(e));
		r = vmm_accel_kvm.vcpu_run(t.vcpus[0], &e);
		check(r == 0 && e.reason == VMM_EXIT_INTR && fakes[0].n == 1,
		      "stop: handler's STOP ends vcpu_run with INTR (%d, %d, "
		      "%u)",
		      r, e.reason, fakes[0].n);
		r = run(t.vcpus[0], &e);
		check(r == VMM_EXIT_HLT && fakes[0].n == 1,
		      "stop: the next run resumes after the OUT (%d)", r);
	}
out:
	tvm_destroy(&t);
}

static void *run_thread(void *arg)
{
	struct runner *rn = arg;

	rn->ret = run(rn->vcpu, &rn->e);
	return NULL;
}

static void test_smp(void)
{
	struct runner rn[MAX_VCPUS] = { { 0 } };
	pthread_t th[MAX_VCPUS];
	struct tvm t;
	int r;

	r = tvm_create(&t, VMM_CPU_REAL, 1 << 20, MAX_VCPUS, smp_guest,
		       smp_guest_end, 0, 0);
	if (!check(r == 0, "smp: vm and %d vCPUs created (%d)", MAX_VCPUS, r))
		goto out;
	for (unsigned i = 0; i < MAX_VCPUS; i++) {
		rn[i].vcpu = t.vcpus[i];
		pthread_create(&th[i], NULL, run_thread, &rn[i]);
	}
	for (unsigned i = 0; i < MAX_VCPUS; i++) {
		struct fake *f = &fakes[i];

		pthread_join(th[i], NULL);
		check(rn[i].ret == VMM_EXIT_HLT && f->n == 2 &&
			      le(f->recs[0].data, 2) == i &&
			      le(f->recs[1].data, 2) == i,
		      "smp: vCPU %u on its own thread: rdi %" PRIu64
		      ", APIC ID %" PRIu64,
		      i, le(f->recs[0].data, 2), le(f->recs[1].data, 2));
	}
out:
	tvm_destroy(&t);
}

int main(int argc, char **argv)
{
	unsigned long bench = argc > 1 ? strtoul(argv[1], NULL, 0) : 20000;
	const char *why = NULL;
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	r = vmm_accel_kvm.probe(&why);
	if (r) {
		printf("SKIP: kvm probe: %s\n", why ? why : "?");
		return 77;
	}
	check(r == 0, "probe: /dev/kvm usable");
	test_real();
	test_protected();
	test_long(bench);
	test_faults();
	test_kick();
	test_smp();
	printf("%u passed, %u failed\n", n_passed, n_failed);
	return n_failed ? 1 : 0;
}
