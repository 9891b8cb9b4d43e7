// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * accel-kvm.c - the kernel's vCPUs, through /dev/kvm.
 *
 * One VM with one memory slot: guest RAM at guest-physical 0, so every
 * access outside it comes back as an MMIO exit. Each vCPU is a KVM vCPU fd
 * and its mmap'd struct kvm_run, run on its own host thread (threaded).
 *
 * Port I/O and MMIO exits are handed to the vCPU's exit sink right
 * here and the vCPU re-entered without leaving vcpu_run(), as tcg does from
 * its hooks: an MMIO read must be answered in kvm_run before the next
 * KVM_RUN, and the loop above clears its exit record between calls.
 * vcpu_run() returns for everything else (HLT, SHUTDOWN, FAIL_ENTRY,
 * INTERNAL_ERROR, ...) and for a kick (VMM_EXIT_INTR).
 *
 * `chipset = pc` (cfg->irqchip) puts the PC's interrupt controllers and
 * PIT in the kernel (accel-kvm-irq.c). HLT then never comes back here:
 * the vCPU sleeps inside KVM_RUN until an interrupt, or a kick.
 *
 * Kicks: kick() sets kvm_run.immediate_exit, so a KVM_RUN that has not
 * started yet returns -EINTR at once, and sends KVM_KICK_SIGNAL (SIGUSR1)
 * to the vCPU's thread while it is inside vcpu_run(), so one running the
 * guest leaves it. vm_init() installs a no-op handler for that signal
 * unless the program already has one, and vcpu_run() unblocks the signal
 * on the vCPU thread, so nothing else needs wiring.
 */
#include "config.h"

#include "accel.h"
#include "accel-kvm.h"
#include "kvm-host.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Sent by kick() to pull a vCPU thread out of KVM_RUN. */
#define KVM_KICK_SIGNAL SIGUSR1

/*
 * Three pages KVM needs for real mode on Intel CPUs without unrestricted
 * guest, and the identity-map page just below them: where QEMU puts them,
 * under the BIOS at the top of the 4 GiB space.
 */
#define KVM_TSS_ADDR 0xfffbd000ull
#define KVM_IDENTITY_MAP_ADDR 0xfffbc000ull

#define PAGE_SIZE 4096ull

struct accel_vm {
	int kvm_fd; /* /dev/kvm */
	int vm_fd;
	size_t run_size;	  /* of each vCPU's kvm_run mapping */
	struct kvm_cpuid2 *cpuid; /* what KVM supports, for every vCPU */
	bool irqchip; /* the kernel's PC chipset (accel-kvm-irq.c) */
	bool aps_wait_sipi; /* vCPUs > 0 wait for INIT/SIPI (irqchip) */
	bool tsc_deadline; /* the in-kernel LAPIC has the TSC-deadline mode */
};

struct accel_vcpu {
	unsigned index;
	struct vmm_exit_sink *sink;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	/* @thread is the vCPU's thread while @in_run; kick() reads both. */
	pthread_mutex_t lock;
	pthread_t thread;
	bool in_run;
};

/*
 * Open /dev/kvm and check it speaks API 12 with immediate_exit. Returns
 * the fd, or -errno and a reason in *@why (a static buffer).
 */
static int kvm_open(const char **why)
{
	static char reason[160];
	/* Another device node, for tests of the fallback on KVM hosts. */
	const char *dev = getenv("PLUGVM_KVM_DEVICE");
	int fd, api, r;

	if (!dev || !*dev)
		dev = "/dev/kvm";
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(reason, sizeof(reason), "%s: %s", dev, strerror(-r));
		*why = reason;
		return r;
	}
	api = vmm_kvm_ioctl(fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		if (api < 0)
			snprintf(reason, sizeof(reason),
				 "%s: KVM_GET_API_VERSION: %s", dev,
				 strerror(-api));
		else
			snprintf(reason, sizeof(reason),
				 "%s: API version %d, plugvm needs %d", dev,
				 api, KVM_API_VERSION);
		r = -ENOTSUP;
		goto out_close;
	}
	if (vmm_kvm_ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_IMMEDIATE_EXIT) <= 0) {
		snprintf(reason, sizeof(reason),
			 "%s: no KVM_CAP_IMMEDIATE_EXIT (Linux 4.11 or "
			 "later needed)", dev);
		r = -ENOTSUP;
		goto out_close;
	}
	return fd;

out_close:
	close(fd);
	*why = reason;
	return r;
}

/*
 * Usable means a VM can be created: a /dev/kvm node can open and answer
 * KVM_GET_API_VERSION on a host whose CPU has no virtualization at all.
 */
static int kvm_probe(const char **why)
{
	static char reason[160];
	int fd = kvm_open(why);
	int vm;

	if (fd < 0)
		return fd;
	vm = vmm_kvm_ioctl(fd, KVM_CREATE_VM, 0);
	close(fd);
	if (vm < 0) {
		snprintf(reason, sizeof(reason), "/dev/kvm: KVM_CREATE_VM: %s",
			 strerror(-vm));
		*why = reason;
		return vm;
	}
	close(vm);
	return 0;
}

static void kick_handler(int sig)
{
	(void)sig; /* being delivered is the point: KVM_RUN returns EINTR */
}

/* Give KVM_KICK_SIGNAL a no-op handler unless the program has its own. */
static void install_kick_handler(void)
{
	struct sigaction old, sa;

	if (sigaction(KVM_KICK_SIGNAL, NULL, &old) == 0 &&
	    !(old.sa_flags & SA_SIGINFO) &&
	    (old.sa_handler == SIG_DFL || old.sa_handler == SIG_IGN)) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = kick_handler;
		sa.sa_flags = SA_RESTART; /* devices' syscalls carry on */
		sigemptyset(&sa.sa_mask);
		sigaction(KVM_KICK_SIGNAL, &sa, NULL);
	}
}

/* KVM_GET_SUPPORTED_CPUID, growing the table until it fits. */
static int get_supported_cpuid(int kvm_fd, struct kvm_cpuid2 **out)
{
	for (unsigned n = 64; n <= 4096; n *= 2) {
		struct kvm_cpuid2 *c;
		int r;

		c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		if (!c)
			return -ENOMEM;
		c->nent = n;
		r = vmm_kvm_ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID,
			      (unsigned long)c);
		if (r == 0) {
			*out = c;
			return 0;
		}
		free(c);
		if (r != -E2BIG)
			return r;
	}
	return -E2BIG;
}

/* CPUID leaves and bits vmm_kvm_cpuid_for_vcpu() sets. */
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_6_ECX_EPB (1u << 3)
#define CPUID_PERFMON 0xa
#define CPUID_KVM_SIGNATURE 0x40000000u
#define CPUID_KVM_FEATURES 0x40000001u

/* Leaf @function (subleaf @index) of @c, or NULL. */
static struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *c,
					   uint32_t function, uint32_t index)
{
	for (unsigned i = 0; i < c->nent; i++)
		if (c->entries[i].function == function &&
		    c->entries[i].index == index)
			return &c->entries[i];
	return NULL;
}

struct kvm_cpuid2 *vmm_kvm_cpuid_for_vcpu(const struct kvm_cpuid2 *supported,
					  unsigned index, bool tsc_deadline)
{
	/* room for the two KVM leaves, should KVM not list them */
	size_t size = sizeof(*supported) +
		      (supported->nent + 2) * sizeof(supported->entries[0]);
	struct kvm_cpuid2 *c = calloc(1, size);
	struct kvm_cpuid_entry2 *sig;

	if (!c)
		return NULL;
	memcpy(c, supported, sizeof(*supported) +
				     supported->nent *
					     sizeof(supported->entries[0]));
	for (unsigned i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		switch (e->function) {
		case 1:
			e->ebx = (e->ebx & 0x00ffffffu) | (index << 24);
			e->ecx |= CPUID_1_ECX_HYPERVISOR;
			if (tsc_deadline)
				e->ecx |= CPUID_1_ECX_TSC_DEADLINE;
			break;
		case 6: /* no energy-performance bias MSR to offer */
			e->ecx &= ~CPUID_6_ECX_EPB;
			break;
		case CPUID_PERFMON: /* no virtual PMU promised */
			e->eax = 0;
			break;
		case 0xb:
		case 0x1f:
			e->edx = index;
			break;
		case 0x8000001e:
			e->eax = index;
			break;
		}
	}
	/* KVM lists its leaves itself; a KVM that did not still gets its
	 * signature said, with no paravirtual features promised. */
	sig = cpuid_find(c, CPUID_KVM_SIGNATURE, 0);
	if (!sig) {
		sig = &c->entries[c->nent++];
		memset(sig, 0, sizeof(*sig));
		sig->function = CPUID_KVM_SIGNATURE;
		memcpy(&sig->ebx, "KVMK", 4);
		memcpy(&sig->ecx, "VMKV", 4);
		memcpy(&sig->edx, "M\0\0\0", 4);
	}
	if (sig->eax < CPUID_KVM_FEATURES)
		sig->eax = CPUID_KVM_FEATURES;
	if (!cpuid_find(c, CPUID_KVM_FEATURES, 0)) {
		struct kvm_cpuid_entry2 *f = &c->entries[c->nent++];

		memset(f, 0, sizeof(*f));
		f->function = CPUID_KVM_FEATURES;
	}
	return c;
}

static void kvm_vm_destroy(struct accel_vm *kv)
{
	if (!kv)
		return;
	if (kv->vm_fd >= 0)
		close(kv->vm_fd);
	if (kv->kvm_fd >= 0)
		close(kv->kvm_fd);
	free(kv->cpuid);
	free(kv);
}

/*
 * Where Intel's KVM keeps the three pages of its real-mode TSS and the
 * page of its EPT identity map (for a guest in real mode, or with paging
 * off, on CPUs without unrestricted guest): KVM_SET_TSS_ADDR and
 * KVM_SET_IDENTITY_MAP_ADDR, before the first vCPU, at QEMU's addresses
 * just under the BIOS at the top of the 4 GiB space, in the hole below
 * 4 GiB that RAM never covers (guestmem.h). AMD's KVM accepts both and
 * uses neither.
 */
static int set_tss_identity_map(struct accel_vm *kv)
{
	uint64_t map = KVM_IDENTITY_MAP_ADDR;
	int r;

	_Static_assert(VMM_GUESTMEM_LOW_MAX <= KVM_IDENTITY_MAP_ADDR,
		       "KVM's real-mode pages are in the hole below 4 GiB");
	r = vmm_kvm_ioctl(kv->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR);
	if (r) {
		vmm_err("kvm: KVM_SET_TSS_ADDR 0x%llx: %s", KVM_TSS_ADDR,
			strerror(-r));
		return r;
	}
	if (vmm_kvm_ioctl(kv->kvm_fd, KVM_CHECK_EXTENSION,
			  KVM_CAP_SET_IDENTITY_MAP_ADDR) <= 0)
		return 0; /* then KVM's default, the same address */
	r = vmm_kvm_ioctl(kv->vm_fd, KVM_SET_IDENTITY_MAP_ADDR,
			  (unsigned long)&map);
	if (r)
		vmm_err("kvm: KVM_SET_IDENTITY_MAP_ADDR 0x%llx: %s",
			KVM_IDENTITY_MAP_ADDR, strerror(-r));
	return r;
}

static int kvm_vm_create(const struct accel_vm_config *cfg,
			 struct accel_vm **out)
{
	static pthread_once_t handler_once = PTHREAD_ONCE_INIT;
	const struct vmm_guestmem *mem = cfg->mem;
	struct kvm_userspace_memory_region region;
	struct accel_vm *kv;
	const char *why;
	int r;

	if (mem->size == 0 || mem->size % PAGE_SIZE ||
	    (uintptr_t)mem->host % PAGE_SIZE) {
		vmm_err("kvm: guest RAM must be whole, aligned pages (%llu "
			"bytes at %p)",
			(unsigned long long)mem->size, (void *)mem->host);
		return -EINVAL;
	}
	kv = calloc(1, sizeof(*kv));
	if (!kv)
		return -ENOMEM;
	kv->vm_fd = -1;

	kv->kvm_fd = kvm_open(&why);
	if (kv->kvm_fd < 0) {
		r = kv->kvm_fd;
		vmm_err("kvm: %s", why);
		goto out_destroy;
	}
	r = vmm_kvm_ioctl(kv->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (r < (int)sizeof(struct kvm_run)) {
		vmm_err("kvm: KVM_GET_VCPU_MMAP_SIZE: %s",
			r < 0 ? strerror(-r) : "too small");
		r = r < 0 ? r : -EINVAL;
		goto out_destroy;
	}
	kv->run_size = (size_t)r;
	r = get_supported_cpuid(kv->kvm_fd, &kv->cpuid);
	if (r) {
		vmm_err("kvm: KVM_GET_SUPPORTED_CPUID: %s", strerror(-r));
		goto out_destroy;
	}

	r = vmm_kvm_ioctl(kv->kvm_fd, KVM_CREATE_VM, 0);
	if (r < 0) {
		vmm_err("kvm: KVM_CREATE_VM: %s", strerror(-r));
		goto out_destroy;
	}
	kv->vm_fd = r;

	r = set_tss_identity_map(kv);
	if (r)
		goto out_destroy;

	/* Before the first vCPU, which gets a LAPIC then. */
	if (cfg->irqchip) {
		r = vmm_kvm_irqchip_create(kv->kvm_fd, kv->vm_fd);
		if (r)
			goto out_destroy;
		kv->irqchip = true;
		kv->aps_wait_sipi = cfg->aps_wait_sipi;
		/* KVM leaves this bit to user space, as it depends on its
		 * LAPIC: without it a kernel calibrates the LAPIC timer
		 * against the PIT, which fails when the host is slow (a
		 * nested VM), and it then ticks from the PIT */
		kv->tsc_deadline =
			vmm_kvm_ioctl(kv->kvm_fd, KVM_CHECK_EXTENSION,
				      KVM_CAP_TSC_DEADLINE_TIMER) > 0;
	}

	/* Slot 0: RAM at 0; slot 1: RAM above the hole, at 4 GiB. */
	for (unsigned slot = 0; slot < 2; slot++) {
		uint64_t size = slot ? mem->high : vmm_guestmem_low(mem);

		if (!size)
			continue;
		region = (struct kvm_userspace_memory_region){
			.slot = slot,
			.flags = 0,
			.guest_phys_addr = slot ? VMM_GUESTMEM_HIGH_BASE : 0,
			.memory_size = size,
			.userspace_addr = (uintptr_t)mem->host +
					  (slot ? vmm_guestmem_low(mem) : 0),
		};
		r = vmm_kvm_ioctl(kv->vm_fd, KVM_SET_USER_MEMORY_REGION,
				  (unsigned long)&region);
		if (r) {
			vmm_err("kvm: KVM_SET_USER_MEMORY_REGION (%llu bytes at 0x%llx): %s",
				(unsigned long long)size,
				(unsigned long long)region.guest_phys_addr,
				strerror(-r));
			goto out_destroy;
		}
	}
	pthread_once(&handler_once, install_kick_handler);
	*out = kv;
	return 0;

out_destroy:
	kvm_vm_destroy(kv);
	return r;
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

static void segment_from_kvm(struct vmm_segment *s, const struct kvm_segment *k)
{
	memset(s, 0, sizeof(*s));
	s->base = k->base;
	s->limit = k->limit;
	s->selector = k->selector;
	s->type = k->type;
	s->present = k->present && !k->unusable;
	s->dpl = k->dpl;
	s->db = k->db;
	s->s = k->s;
	s->l = k->l;
	s->g = k->g;
	s->avl = k->avl;
}

/*
 * Give vCPU @index what KVM supports, fixed up for a guest kernel
 * (vmm_kvm_cpuid_for_vcpu()), so long mode (CPUID.LM) is allowed and Linux
 * finds the hypervisor, kvm-clock and its own APIC ID.
 */
static int set_cpuid(struct accel_vcpu *kc, const struct accel_vm *kv,
		     unsigned index)
{
	struct kvm_cpuid2 *c =
		vmm_kvm_cpuid_for_vcpu(kv->cpuid, index, kv->tsc_deadline);
	int r;

	if (!c)
		return -ENOMEM;
	r = vmm_kvm_ioctl(kc->fd, KVM_SET_CPUID2, (unsigned long)c);
	free(c);
	return r;
}

/*
 * The MSRs a vCPU starts with, as kvmtool sets them (x86/kvm-cpu.c):
 * SYSENTER, SYSCALL and the TSC at 0, fast string operations on; and, as
 * Firecracker does, the MTRRs on with write-back as the default type, so
 * a kernel that reads its MTRRs does not take RAM for uncached.
 */
static const struct {
	uint32_t index;
	uint64_t value;
	const char *name;
} initial_msrs[] = {
	{ 0x174, 0, "IA32_SYSENTER_CS" },
	{ 0x175, 0, "IA32_SYSENTER_ESP" },
	{ 0x176, 0, "IA32_SYSENTER_EIP" },
	{ 0xc0000081, 0, "STAR" },
	{ 0xc0000083, 0, "CSTAR" },
	{ 0xc0000102, 0, "KERNEL_GS_BASE" },
	{ 0xc0000084, 0, "SYSCALL_MASK" },
	{ 0xc0000082, 0, "LSTAR" },
	{ 0x10, 0, "IA32_TSC" },
	{ 0x1a0, 1u << 0, "IA32_MISC_ENABLE (fast strings)" },
	{ 0x2ff, (1u << 11) | 6, "MTRRdefType (enabled, write-back)" },
};
#define N_INITIAL_MSRS (sizeof(initial_msrs) / sizeof(initial_msrs[0]))

/*
 * Load initial_msrs into vCPU @index. KVM_SET_MSRS stops at the first MSR
 * it refuses and returns how many it set: an MSR this KVM lacks is said
 * at -v and skipped, the others still set.
 */
static int set_msrs(struct accel_vcpu *kc, unsigned index)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[N_INITIAL_MSRS];
	} m;
	size_t done = 0;

	while (done < N_INITIAL_MSRS) {
		int r;

		memset(&m, 0, sizeof(m));
		m.hdr.nmsrs = (uint32_t)(N_INITIAL_MSRS - done);
		for (size_t i = done; i < N_INITIAL_MSRS; i++) {
			m.e[i - done].index = initial_msrs[i].index;
			m.e[i - done].data = initial_msrs[i].value;
		}
		r = vmm_kvm_ioctl(kc->fd, KVM_SET_MSRS, (unsigned long)&m);
		if (r < 0) {
			vmm_err("kvm: vCPU %u: KVM_SET_MSRS: %s", index,
				strerror(-r));
			return r;
		}
		done += (size_t)r;
		if (done < N_INITIAL_MSRS) {
			vmm_debug("kvm: vCPU %u: KVM refuses MSR 0x%x (%s); "
				  "left as KVM resets it",
				  index, initial_msrs[done].index,
				  initial_msrs[done].name);
			done++;
		}
	}
	return 0;
}

/* Load @regs into the vCPU: segments, tables, control registers, GPRs. */
static int set_regs(struct accel_vcpu *kc, const struct vmm_regs *regs,
		    unsigned index)
{
	struct kvm_sregs sregs;
	struct kvm_regs kr;
	int r;

	r = vmm_kvm_ioctl(kc->fd, KVM_GET_SREGS, (unsigned long)&sregs);
	if (r) {
		vmm_err("kvm: vCPU %u: KVM_GET_SREGS: %s", index, strerror(-r));
		return r;
	}
	segment_to_kvm(&sregs.cs, &regs->cs);
	segment_to_kvm(&sregs.ds, &regs->ds);
	segment_to_kvm(&sregs.es, &regs->es);
	segment_to_kvm(&sregs.fs, &regs->fs);
	segment_to_kvm(&sregs.gs, &regs->gs);
	segment_to_kvm(&sregs.ss, &regs->ss);
	segment_to_kvm(&sregs.tr, &regs->tr);
	segment_to_kvm(&sregs.ldt, &regs->ldt);
	sregs.gdt.base = regs->gdt.base;
	sregs.gdt.limit = regs->gdt.limit;
	sregs.idt.base = regs->idt.base;
	sregs.idt.limit = regs->idt.limit;
	sregs.cr0 = regs->cr0;
	sregs.cr2 = regs->cr2;
	sregs.cr3 = regs->cr3;
	sregs.cr4 = regs->cr4;
	sregs.efer = regs->efer;
	r = vmm_kvm_ioctl(kc->fd, KVM_SET_SREGS, (unsigned long)&sregs);
	if (r) {
		vmm_err("kvm: vCPU %u: KVM_SET_SREGS (cr0 0x%llx cr4 0x%llx "
			"efer 0x%llx): %s",
			index, (unsigned long long)regs->cr0,
			(unsigned long long)regs->cr4,
			(unsigned long long)regs->efer, strerror(-r));
		return r;
	}

	memset(&kr, 0, sizeof(kr));
	kr.rax = regs->rax;
	kr.rbx = regs->rbx;
	kr.rcx = regs->rcx;
	kr.rdx = regs->rdx;
	kr.rsi = regs->rsi;
	kr.rdi = regs->rdi;
	kr.rsp = regs->rsp;
	kr.rbp = regs->rbp;
	kr.r8 = regs->r8;
	kr.r9 = regs->r9;
	kr.r10 = regs->r10;
	kr.r11 = regs->r11;
	kr.r12 = regs->r12;
	kr.r13 = regs->r13;
	kr.r14 = regs->r14;
	kr.r15 = regs->r15;
	kr.rip = regs->rip;
	kr.rflags = regs->rflags | X86_RFLAGS_RESERVED;
	r = vmm_kvm_ioctl(kc->fd, KVM_SET_REGS, (unsigned long)&kr);
	if (r)
		vmm_err("kvm: vCPU %u: KVM_SET_REGS: %s", index, strerror(-r));
	return r;
}

static void kvm_vcpu_destroy(struct accel_vcpu *kc)
{
	if (!kc)
		return;
	if (kc->run)
		munmap(kc->run, kc->run_size);
	if (kc->fd >= 0)
		close(kc->fd);
	pthread_mutex_destroy(&kc->lock);
	free(kc);
}

static int kvm_vcpu_create(struct accel_vm *kv, unsigned index,
			   struct vmm_exit_sink *sink,
			   const struct vmm_regs *regs, struct accel_vcpu **out)
{
	struct accel_vcpu *kc;
	void *run;
	int r;

	kc = calloc(1, sizeof(*kc));
	if (!kc)
		return -ENOMEM;
	kc->index = index;
	kc->sink = sink;
	kc->fd = -1;
	pthread_mutex_init(&kc->lock, NULL);

	r = vmm_kvm_ioctl(kv->vm_fd, KVM_CREATE_VCPU, index);
	if (r < 0) {
		vmm_err("kvm: KVM_CREATE_VCPU %u: %s", index, strerror(-r));
		goto out_destroy;
	}
	kc->fd = r;
	run = mmap(NULL, kv->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   kc->fd, 0);
	if (run == MAP_FAILED) {
		r = -errno;
		vmm_err("kvm: vCPU %u: mmap of kvm_run: %s", index,
			strerror(-r));
		goto out_destroy;
	}
	kc->run = run;
	kc->run_size = kv->run_size;

	r = set_cpuid(kc, kv, index);
	if (r) {
		vmm_err("kvm: vCPU %u: KVM_SET_CPUID2: %s", index,
			strerror(-r));
		goto out_destroy;
	}
	r = set_msrs(kc, index);
	if (r)
		goto out_destroy;
	r = set_regs(kc, regs, index);
	if (r)
		goto out_destroy;
	if (kv->irqchip) {
		r = vmm_kvm_irqchip_vcpu_init(kc->fd, index,
					      kv->aps_wait_sipi);
		if (r)
			goto out_destroy;
	}
	*out = kc;
	return 0;

out_destroy:
	kvm_vcpu_destroy(kc);
	return r;
}

static const char *internal_error_name(uint32_t suberror)
{
	switch (suberror) {
	case KVM_INTERNAL_ERROR_EMULATION:
		return "KVM could not emulate an instruction (code outside RAM, or one its emulator lacks)";
	case KVM_INTERNAL_ERROR_SIMUL_EX:
		return "exception while delivering an exception";
	case KVM_INTERNAL_ERROR_DELIVERY_EV:
		return "event delivery failed";
	default:
		return "unexpected exit";
	}
}

/* Describe the exit in @run as @exit. */
static void translate_exit(const struct accel_vcpu *kc, struct kvm_run *run,
			   struct vmm_exit *exit)
{
	memset(exit, 0, sizeof(*exit));
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		exit->reason = VMM_EXIT_IO;
		exit->io.direction = run->io.direction == KVM_EXIT_IO_OUT
					     ? VMM_IO_OUT
					     : VMM_IO_IN;
		exit->io.size = run->io.size;
		exit->io.port = run->io.port;
		exit->io.count = run->io.count;
		exit->io.data = (uint8_t *)run + run->io.data_offset;
		break;
	case KVM_EXIT_MMIO:
		exit->reason = VMM_EXIT_MMIO;
		exit->mmio.phys_addr = run->mmio.phys_addr;
		exit->mmio.len = run->mmio.len;
		exit->mmio.is_write = run->mmio.is_write;
		if (run->mmio.is_write && run->mmio.len <= 8)
			memcpy(exit->mmio.data, run->mmio.data, run->mmio.len);
		break;
	case KVM_EXIT_HLT:
		exit->reason = VMM_EXIT_HLT;
		break;
	case KVM_EXIT_SHUTDOWN:
		exit->reason = VMM_EXIT_SHUTDOWN;
		break;
	case KVM_EXIT_FAIL_ENTRY:
		exit->reason = VMM_EXIT_FAIL_ENTRY;
		exit->fail_entry.hardware_entry_failure_reason =
			run->fail_entry.hardware_entry_failure_reason;
		break;
	case KVM_EXIT_INTERNAL_ERROR: {
		const char *why;

		exit->reason = VMM_EXIT_INTERNAL_ERROR;
		exit->internal.suberror = run->internal.suberror;
		vmm_err("kvm: vCPU %u: %s (internal error %u, %u data "
			"words%s%llx)",
			kc->index,
			internal_error_name(run->internal.suberror),
			run->internal.suberror, run->internal.ndata,
			run->internal.ndata ? ", first 0x" : "",
			run->internal.ndata
				? (unsigned long long)run->internal.data[0]
				: 0ull);
		/* Name the likely cause where it is the host, not the guest. */
		if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION &&
		    vmm_kvm_host_detect(&why) == VMM_KVM_HOST_EMULATED)
			vmm_err("kvm: the likely cause is this host: %s; run the machine with accel = tcg (or auto)",
				why);
		break;
	}
	case KVM_EXIT_INTR:
		exit->reason = VMM_EXIT_INTR;
		break;
	default:
		exit->reason = VMM_EXIT_UNKNOWN;
		exit->unknown.code = run->exit_reason;
		break;
	}
}

/* The calling thread runs @kc from now on: kick() may signal it. */
static void enter_run(struct accel_vcpu *kc)
{
	sigset_t set;

	/* Cheap next to KVM_RUN; vcpu_run() returns only for rare exits. */
	sigemptyset(&set);
	sigaddset(&set, KVM_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	pthread_mutex_lock(&kc->lock);
	kc->thread = pthread_self();
	kc->in_run = true;
	pthread_mutex_unlock(&kc->lock);
}

static void leave_run(struct accel_vcpu *kc)
{
	pthread_mutex_lock(&kc->lock);
	kc->in_run = false;
	pthread_mutex_unlock(&kc->lock);
}

static int kvm_vcpu_run(struct accel_vcpu *kc, struct vmm_exit *exit)
{
	struct vmm_exit_sink *sink = kc->sink;
	struct kvm_run *run = kc->run;
	int ret = 0;

	enter_run(kc);
	for (;;) {
		enum vmm_exit_action act;
		uint64_t t0 = sink->collect_stats ? vmm_now_ns() : 0;
		int r = ioctl(kc->fd, KVM_RUN, 0);

		if (t0)
			sink->run_ns += vmm_now_ns() - t0;

		if (r < 0) {
			/* An AP that waited for INIT/SIPI got them: run it. */
			if (errno == EAGAIN)
				continue;
			if (errno == EINTR) {
				/* Kicked: a signal, or immediate_exit. */
				__atomic_store_n(&run->immediate_exit, 0,
						 __ATOMIC_SEQ_CST);
				memset(exit, 0, sizeof(*exit));
				exit->reason = VMM_EXIT_INTR;
				break;
			}
			ret = -errno;
			vmm_err("kvm: vCPU %u: KVM_RUN: %s", kc->index,
				strerror(errno));
			break;
		}
		translate_exit(kc, run, exit);
		if (exit->reason != VMM_EXIT_IO &&
		    exit->reason != VMM_EXIT_MMIO)
			break;
		act = vmm_exit_handle(sink, exit);
		/* IN data went straight into kvm_run; MMIO reads go back. */
		if (exit->reason == VMM_EXIT_MMIO && !exit->mmio.is_write &&
		    exit->mmio.len <= 8)
			memcpy(run->mmio.data, exit->mmio.data, exit->mmio.len);
		if (act == VMM_ACTION_STOP) {
			/* The handler asked the machine to stop: say why we
			 * return, without dispatching the access again. */
			memset(exit, 0, sizeof(*exit));
			exit->reason = VMM_EXIT_INTR;
			break;
		}
	}
	leave_run(kc);
	return ret;
}

static int kvm_get_regs(struct accel_vcpu *kc, struct vmm_regs *regs)
{
	struct kvm_sregs sregs;
	struct kvm_regs kr;
	int r;

	r = vmm_kvm_ioctl(kc->fd, KVM_GET_REGS, (unsigned long)&kr);
	if (!r)
		r = vmm_kvm_ioctl(kc->fd, KVM_GET_SREGS, (unsigned long)&sregs);
	if (r) {
		vmm_err("kvm: vCPU %u: reading registers: %s", kc->index,
			strerror(-r));
		return r;
	}
	memset(regs, 0, sizeof(*regs));
	regs->rax = kr.rax;
	regs->rbx = kr.rbx;
	regs->rcx = kr.rcx;
	regs->rdx = kr.rdx;
	regs->rsi = kr.rsi;
	regs->rdi = kr.rdi;
	regs->rsp = kr.rsp;
	regs->rbp = kr.rbp;
	regs->r8 = kr.r8;
	regs->r9 = kr.r9;
	regs->r10 = kr.r10;
	regs->r11 = kr.r11;
	regs->r12 = kr.r12;
	regs->r13 = kr.r13;
	regs->r14 = kr.r14;
	regs->r15 = kr.r15;
	regs->rip = kr.rip;
	regs->rflags = kr.rflags;
	segment_from_kvm(&regs->cs, &sregs.cs);
	segment_from_kvm(&regs->ds, &sregs.ds);
	segment_from_kvm(&regs->es, &sregs.es);
	segment_from_kvm(&regs->fs, &sregs.fs);
	segment_from_kvm(&regs->gs, &sregs.gs);
	segment_from_kvm(&regs->ss, &sregs.ss);
	segment_from_kvm(&regs->tr, &sregs.tr);
	segment_from_kvm(&regs->ldt, &sregs.ldt);
	regs->gdt.base = sregs.gdt.base;
	regs->gdt.limit = sregs.gdt.limit;
	regs->idt.base = sregs.idt.base;
	regs->idt.limit = sregs.idt.limit;
	regs->cr0 = sregs.cr0;
	regs->cr2 = sregs.cr2;
	regs->cr3 = sregs.cr3;
	regs->cr4 = sregs.cr4;
	regs->efer = sregs.efer;
	return 0;
}

static void kvm_kick(struct accel_vcpu *kc)
{
	if (!kc || !kc->run)
		return;
	/* Seen by the next KVM_RUN even if the signal comes too early. */
	__atomic_store_n(&kc->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&kc->lock);
	if (kc->in_run && !pthread_equal(kc->thread, pthread_self()))
		pthread_kill(kc->thread, KVM_KICK_SIGNAL);
	pthread_mutex_unlock(&kc->lock);
}

static int kvm_irq_line(struct accel_vm *kv, unsigned gsi, bool level)
{
	if (!kv->irqchip)
		return -ENOTSUP;
	return vmm_kvm_irq_line(kv->vm_fd, gsi, level);
}

const struct accel_ops vmm_accel_kvm = {
	.name = "kvm",
	.threaded = true,
	.probe = kvm_probe,
	.vm_create = kvm_vm_create,
	.vm_destroy = kvm_vm_destroy,
	.vcpu_create = kvm_vcpu_create,
	.vcpu_destroy = kvm_vcpu_destroy,
	.vcpu_run = kvm_vcpu_run,
	.get_regs = kvm_get_regs,
	.kick = kvm_kick,
	.ram_written = NULL,
	.irq_line = kvm_irq_line,
	.set_intr = NULL,
};
