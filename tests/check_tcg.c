// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_tcg.c - the software vCPU's INTR input, HLT waits and host writes
 * into running code, driven straight through the tcg accelerator.
 *
 * No machine, no bus, no interrupt controller: a test is its own exit sink
 * (every port access comes to io_slow() here) and its own controller (INTA
 * answers one vector and lowers INTR, as an edge-triggered 8259A with one
 * request does). The guests (tests/guests/intr-*.S, smc.S) ask for INTR
 * through ports and report what they saw; INTR is always raised from
 * another thread, as timers and device threads do.
 */
#include "config.h"

#include "accel.h"
#include "capture.h"
#include "cpu.h"
#include "events.h"
#include "exit.h"
#include "guestmem.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RAM_SIZE (2u << 20)
#define GUEST_ADDR 0x1000
#define MAX_REPORTS 64

static const struct accel_ops *ops = &vmm_accel_tcg;

/* Something another thread does for a test, after @delay_ms. */
enum job_kind { JOB_RAISE, JOB_PULSE, JOB_STOP };

struct job {
	enum job_kind kind;
	unsigned delay_ms;
	pthread_t thread;
};

static struct {
	struct vmm_guestmem mem;
	struct accel_vm *vm;
	struct accel_vcpu *tv;
	struct accel_vcpu *tv1; /* a second vCPU, or NULL */
	struct vmm_exit_sink sink;
	_Atomic int stop;
	uint8_t vector; /* what INTA answers */
	atomic_uint n_inta;
	uint32_t reports[MAX_REPORTS];
	atomic_uint n_reports;
	struct job later; /* port 0x91's */
	bool later_started;
	/* smc: the last version written, and what the guest saw */
	atomic_uint written;
	uint32_t seen_max;
	bool went_back;
	/* borrowing: who made each report; accesses under way (two at once,
	 * or a vcpu_run() returning during one, is an overlap); how long a
	 * report takes */
	pthread_t report_thread[MAX_REPORTS];
	atomic_uint inside;
	atomic_bool overlap;
	atomic_uint slow_ms;
} h;

static struct vmm_pio_port pio_map[VMM_PIO_PORTS]; /* all: io_slow() */

static uint64_t now_ns(void)
{
	return vmm_now_ns();
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---- another thread ------------------------------------------------- */


static void *job_thread(void *arg)
{
	struct job *j = arg;

	sleep_ms(j->delay_ms);
	switch (j->kind) {
	case JOB_RAISE:
		ops->set_intr(h.tv, true);
		break;
	case JOB_PULSE:
		ops->set_intr(h.tv, true);
		ops->set_intr(h.tv, false);
		break;
	case JOB_STOP:
		atomic_store(&h.stop, 1);
		ops->kick(h.tv);
		if (h.tv1)
			ops->kick(h.tv1);
		break;
	}
	return NULL;
}

static void job_start(struct job *j, enum job_kind kind, unsigned delay_ms)
{
	j->kind = kind;
	j->delay_ms = delay_ms;
	ck_assert_int_eq(pthread_create(&j->thread, NULL, job_thread, j), 0);
}

static void job_run(enum job_kind kind)
{
	struct job j;

	job_start(&j, kind, 0);
	pthread_join(j.thread, NULL);
}

/* ---- the sink ------------------------------------------------------- */

static enum vmm_exit_action handle(struct vmm_exit_sink *sink,
				   struct vmm_exit *e)
{
	(void)sink;
	(void)e;
	return VMM_ACTION_CONTINUE;
}

/* smc: what the guest's `patch` returned, on the vCPU thread */
static void smc_report(uint32_t v)
{
	uint32_t max = __atomic_load_n(&h.seen_max, __ATOMIC_RELAXED);

	if (v < max || v > atomic_load(&h.written))
		h.went_back = true;
	if (v > max)
		__atomic_store_n(&h.seen_max, v, __ATOMIC_RELAXED);
}

static enum vmm_exit_action io_slow(struct vmm_exit_sink *sink,
				    enum plugvm_space space, uint64_t addr,
				    unsigned size, bool is_write,
				    uint64_t *value)
{
	(void)sink;
	(void)size;
	if (space != PLUGVM_SPACE_PIO || !is_write) {
		if (!is_write)
			*value = ~0ull;
		return VMM_ACTION_CONTINUE;
	}
	switch (addr) {
	case 0x80: {
		unsigned n = atomic_load(&h.n_reports);

		if (atomic_fetch_add(&h.inside, 1))
			atomic_store(&h.overlap, true);
		if (atomic_load(&h.slow_ms))
			sleep_ms(atomic_load(&h.slow_ms));
		if (n < MAX_REPORTS) {
			h.reports[n] = (uint32_t)*value;
			h.report_thread[n] = pthread_self();
		}
		atomic_store(&h.n_reports, n + 1);
		smc_report((uint32_t)*value);
		atomic_fetch_sub(&h.inside, 1);
		break;
	}
	case 0x90:
		job_run(JOB_RAISE);
		break;
	case 0x91:
		job_start(&h.later, JOB_RAISE, 10);
		h.later_started = true;
		break;
	case 0x92:
		job_run(JOB_PULSE);
		break;
	case 0xf4:
		atomic_store(&h.stop, 1);
		return VMM_ACTION_STOP;
	}
	return atomic_load(&h.stop) ? VMM_ACTION_STOP : VMM_ACTION_CONTINUE;
}

/* The controller: one request, edge-triggered. */
static uint8_t inta(struct vmm_exit_sink *sink)
{
	(void)sink;
	atomic_fetch_add(&h.n_inta, 1);
	ops->set_intr(h.tv, false);
	return h.vector;
}

/* How many reports and INTA cycles so far. */
static unsigned reports(void)
{
	return atomic_load(&h.n_reports);
}

static unsigned intas(void)
{
	return atomic_load(&h.n_inta);
}

/* ---- set-up --------------------------------------------------------- */

static void load_guest(const char *name)
{
	const char *dir = getenv("PLUGVM_BUILDDIR");
	char path[4096];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/tests/guests/%s.bin", dir ? dir : ".",
		 name);
	f = fopen(path, "rb");
	ck_assert_msg(f, "cannot open %s", path);
	n = fread(h.mem.host + GUEST_ADDR, 1, RAM_SIZE / 2, f);
	fclose(f);
	ck_assert_uint_gt(n, 0);
}

/* A vCPU in @mode running guest @name, with INTA (or none). */
static void setup_vcpu(enum vmm_cpu_mode mode, const char *name,
		       bool with_inta, uint8_t vector)
{
	struct vmm_cpu_setup cs = { .mode = mode, .entry = GUEST_ADDR,
				    .n_vcpus = 1 };
	struct accel_vm_config cfg = { .n_vcpus = 1, .mode = mode,
				       .irqchip = true };
	struct vmm_boot_layout layout;
	struct vmm_regs regs;

	memset(&h, 0, sizeof(h));
	h.mem.size = RAM_SIZE;
	h.mem.host = aligned_alloc(4096, RAM_SIZE);
	ck_assert_ptr_nonnull(h.mem.host);
	memset(h.mem.host, 0, RAM_SIZE);
	ck_assert_int_eq(vmm_cpu_layout(mode, RAM_SIZE, &layout), 0);
	vmm_cpu_write_tables(mode, h.mem.host, &layout);
	vmm_cpu_initial_regs(&cs, &layout, 0, &regs);
	load_guest(name);

	h.vector = vector;
	h.sink.pio_map = pio_map;
	h.sink.stop_flag = &h.stop;
	h.sink.handle = handle;
	h.sink.io_slow = io_slow;
	h.sink.inta = with_inta ? inta : NULL;
	cfg.mem = &h.mem;
	ck_assert_int_eq(ops->vm_create(&cfg, &h.vm), 0);
	ck_assert_int_eq(ops->vcpu_create(h.vm, 0, &h.sink, &regs, &h.tv), 0);
}

static void teardown_vcpu(void)
{
	if (h.later_started)
		pthread_join(h.later.thread, NULL);
	ops->vcpu_destroy(h.tv);
	ops->vm_destroy(h.vm);
	free(h.mem.host);
}

/* Under valgrind (tests/valgrind-wrap.sh): one thread at a time, and CPU
 * times that are its translator's. */
static bool under_valgrind(void)
{
	const char *v = getenv("VALGRIND");

	return v && !strcmp(v, "1");
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One vcpu_run(); a guest fault fails the test. */
static enum vmm_exit_reason run(void)
{
	struct vmm_exit e;

	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(ops->vcpu_run(h.tv, &e), 0);
	ck_assert_msg(e.reason != VMM_EXIT_EXCEPTION,
		      "guest fault: vector %u (%s) at 0x%llx",
		      e.exception.vector, e.exception.what,
		      (unsigned long long)e.exception.address);
	return e.reason;
}

/* Run until the next HLT the accelerator reports, or a stop. */
static enum vmm_exit_reason run_to_exit(void)
{
	enum vmm_exit_reason r;

	do
		r = run();
	while (r == VMM_EXIT_NONE || r == VMM_EXIT_YIELD);
	return r;
}

/* ---- the INTR guests ------------------------------------------------ */

/*
 * The protocol of tests/guests/intr-real.S in @mode: masked pulse and
 * level, `sti; hlt` with INTR pending, a HLT that waits, INTR while
 * running, and `cli; hlt` ended by a stop from another thread.
 */
static void intr_protocol(enum vmm_cpu_mode mode, const char *guest,
			  uint8_t vector)
{
	static const uint32_t expect[] = { 0, 0, 1, 1, 1, 0, 2, 1, 3, 4 };
	struct job raise, stop;
	uint64_t t0, c0;
	char *log;
	struct capture cap;

	setup_vcpu(mode, guest, true, vector);
	capture_begin(&cap);

	/* up to the waiting HLT: no HLT exit before it (the first `sti;
	 * hlt` took its pending interrupt at once) */
	ck_assert_int_eq(run_to_exit(), VMM_EXIT_HLT);
	ck_assert_uint_eq(reports(), 6);
	ck_assert_uint_eq(intas(), 1);

	/* the vCPU waits, without spinning, until INTR comes */
	job_start(&raise, JOB_RAISE, 300);
	t0 = now_ns();
	c0 = thread_cpu_ns();
	ck_assert_int_eq(run_to_exit(), VMM_EXIT_HLT); /* `cli; hlt` */
	ck_assert_uint_ge(now_ns() - t0, 250000000u);
	/* not under valgrind: there the run after the wake-up (translating
	 * the rest of the guest, instrumented) alone took 0.8-1.3 s of CPU
	 * on an otherwise idle host */
	if (!under_valgrind())
		ck_assert_msg(thread_cpu_ns() - c0 < 150000000u,
			      "the wait in HLT used %llu ms of CPU",
			      (unsigned long long)(thread_cpu_ns() - c0) /
				      1000000);
	pthread_join(raise.thread, NULL);

	/* HLT with IF = 0: waits until stopped */
	job_start(&stop, JOB_STOP, 50);
	ck_assert_int_eq(run_to_exit(), VMM_EXIT_INTR);
	pthread_join(stop.thread, NULL);
	log = capture_end(&cap);

	ck_assert_uint_eq(reports(), 10);
	for (unsigned i = 0; i < 10; i++)
		ck_assert_msg(h.reports[i] == expect[i],
			      "report %u: %u, expected %u", i, h.reports[i],
			      expect[i]);
	ck_assert_uint_eq(intas(), 4);
	ck_assert_msg(strstr(log, "vCPU 0 halted with interrupts disabled"),
		      "the IF = 0 warning: %s", log);
	free(log);
	teardown_vcpu();
}

START_TEST(test_real_mode)
{
	intr_protocol(VMM_CPU_REAL, "intr-real", 0x20);
}
END_TEST

START_TEST(test_protected_mode)
{
	intr_protocol(VMM_CPU_PROTECTED, "intr-pm", 0x40);
}
END_TEST

START_TEST(test_long_mode)
{
	intr_protocol(VMM_CPU_LONG, "intr-lm", 0x40);
}
END_TEST

/* No INTA (no controller): INTR is ignored, with a warning; `sti; hlt`
 * waits for ever, until a stop. */
START_TEST(test_no_inta)
{
	struct job stop;
	struct capture cap;
	char *log;

	setup_vcpu(VMM_CPU_REAL, "intr-real", false, 0x20);
	capture_begin(&cap);
	ck_assert_int_eq(run_to_exit(), VMM_EXIT_HLT);
	job_start(&stop, JOB_STOP, 50);
	ck_assert_int_eq(run_to_exit(), VMM_EXIT_INTR);
	pthread_join(stop.thread, NULL);
	log = capture_end(&cap);
	ck_assert_uint_eq(reports(), 2);
	ck_assert_uint_eq(h.reports[0], 0);
	ck_assert_uint_eq(h.reports[1], 0);
	ck_assert_msg(strstr(log, "without an interrupt controller"),
		      "the warning: %s", log);
	free(log);
	teardown_vcpu();
}
END_TEST

/* A stop (kick) reaches a vCPU that waits with IF = 1 too. */
START_TEST(test_stop_while_waiting)
{
	struct job raise, stop;

	setup_vcpu(VMM_CPU_PROTECTED, "intr-pm", true, 0x40);
	ck_assert_int_eq(run_to_exit(), VMM_EXIT_HLT); /* `sti; hlt` */
	job_start(&stop, JOB_STOP, 50);
	ck_assert_int_eq(run_to_exit(), VMM_EXIT_INTR);
	pthread_join(stop.thread, NULL);
	/* INTR after the stop: the vCPU stays stopped */
	job_start(&raise, JOB_RAISE, 0);
	pthread_join(raise.thread, NULL);
	ck_assert_int_eq(run(), VMM_EXIT_INTR);
	ck_assert_uint_eq(reports(), 6);
	teardown_vcpu();
}
END_TEST

/*
 * Two vCPUs taking turns on this thread, as run.c does, with no time
 * slices: vCPU 0 waits for its INTR; vCPU 1 waits for ever (@spin false)
 * and then, while both wait, the thread blocks; or vCPU 1 spins (@spin),
 * and the INTR that wakes vCPU 0 must end vCPU 1's turn.
 */
static void two_vcpus(bool spin)
{
	struct vmm_cpu_setup cs = { .mode = VMM_CPU_PROTECTED,
				    .entry = GUEST_ADDR, .n_vcpus = 2 };
	struct accel_vm_config cfg = { .n_vcpus = 2,
				       .mode = VMM_CPU_PROTECTED,
				       .irqchip = true };
	struct vmm_boot_layout layout;
	struct vmm_regs regs;
	struct accel_vcpu *tv1;
	struct vmm_exit_sink sink1;
	struct job raise, stop;
	enum vmm_exit_reason r[2] = { VMM_EXIT_NONE, VMM_EXIT_NONE };
	unsigned hlts = 0;
	uint64_t t0, c0, cpu = 0, wall = 0;

	setup_vcpu(VMM_CPU_PROTECTED, "intr-smp", true, 0x40);
	/* setup_vcpu() made a one-vCPU VM: make it two */
	ops->vcpu_destroy(h.tv);
	ops->vm_destroy(h.vm);
	cfg.mem = &h.mem;
	ck_assert_int_eq(vmm_cpu_layout(VMM_CPU_PROTECTED, RAM_SIZE, &layout),
			 0);
	ck_assert_int_eq(ops->vm_create(&cfg, &h.vm), 0);
	vmm_cpu_initial_regs(&cs, &layout, 0, &regs);
	ck_assert_int_eq(ops->vcpu_create(h.vm, 0, &h.sink, &regs, &h.tv), 0);
	sink1 = h.sink;
	vmm_cpu_initial_regs(&cs, &layout, 1, &regs);
	regs.rax = spin;
	ck_assert_int_eq(ops->vcpu_create(h.vm, 1, &sink1, &regs, &tv1), 0);
	h.tv1 = tv1;

	/* round-robin until vCPU 0 reports its HLT, twice (IF = 1, then
	 * IF = 0); INTR comes 300 ms after the first, a stop 50 ms after
	 * the second */
	while (r[0] != VMM_EXIT_INTR || r[1] != VMM_EXIT_INTR) {
		for (unsigned i = 0; i < 2; i++) {
			struct vmm_exit e;

			if (r[i] == VMM_EXIT_INTR)
				continue;
			memset(&e, 0, sizeof(e));
			t0 = now_ns();
			c0 = thread_cpu_ns();
			ck_assert_int_eq(ops->vcpu_run(i ? tv1 : h.tv, &e), 0);
			if (hlts == 1) {
				wall += now_ns() - t0;
				cpu += thread_cpu_ns() - c0;
			}
			ck_assert_int_ne(e.reason, VMM_EXIT_EXCEPTION);
			r[i] = e.reason;
			if (i == 0 && e.reason == VMM_EXIT_HLT) {
				if (++hlts == 1)
					job_start(&raise, JOB_RAISE, 300);
				else
					job_start(&stop, JOB_STOP, 50);
			}
		}
	}
	pthread_join(raise.thread, NULL);
	pthread_join(stop.thread, NULL);
	ck_assert_uint_eq(hlts, 2);
	ck_assert_uint_eq(reports(), 3);
	ck_assert_uint_eq(h.reports[0], 1);
	ck_assert_uint_eq(h.reports[1], 2);
	ck_assert_uint_eq(h.reports[2], 3);
	ck_assert_uint_eq(intas(), 1);
	ck_assert_uint_ge(wall, 250000000u);
	ck_assert_msg(spin || cpu < wall / 2,
		      "both vCPUs waiting used %llu of %llu ms",
		      (unsigned long long)cpu / 1000000,
		      (unsigned long long)wall / 1000000);
	ops->vcpu_destroy(tv1);
	teardown_vcpu();
}

START_TEST(test_two_vcpus_wait)
{
	two_vcpus(false);
}
END_TEST

START_TEST(test_two_vcpus_spin)
{
	two_vcpus(true);
}
END_TEST

/* ---- the event thread runs a halted vCPU's interrupt (borrowing) ---- */

#define BORROW_SPIN 0x30000 /* tests/guests/borrow.S's SPIN */

static struct {
	struct vmm_events *ev;
	struct vmm_events_owner owner;
	pthread_mutex_t lock;
	struct vmm_timer *raise;
	pthread_t runner;
	atomic_uint runs; /* vcpu_run() calls the runner saw return */
	_Atomic int last; /* why its last one returned */
} b;

/* A device's timer raising INTR, on the event thread. */
static void borrow_raise(void *opaque)
{
	(void)opaque;
	ops->set_intr(h.tv, true);
}

/* The vCPUs' thread: vcpu_run() until a stop. */
static void *borrow_runner(void *arg)
{
	(void)arg;
	for (;;) {
		struct vmm_exit e;

		memset(&e, 0, sizeof(e));
		if (ops->vcpu_run(h.tv, &e))
			break;
		if (atomic_load(&h.inside))
			atomic_store(&h.overlap, true);
		atomic_fetch_add(&b.runs, 1);
		if (e.reason == VMM_EXIT_INTR ||
		    e.reason == VMM_EXIT_EXCEPTION) {
			atomic_store(&b.last, (int)e.reason);
			break;
		}
	}
	return NULL;
}

/* Wait (at most 10 s) until *@v reaches @want. */
static bool wait_uint(atomic_uint *v, unsigned want)
{
	for (int i = 0; i < 10000 && atomic_load(v) < want; i++)
		sleep_ms(1);
	return atomic_load(v) >= want;
}

/* The runner is asleep in its wait by now (valgrind runs one thread at a
 * time, slowly). */
static void settle(void)
{
	sleep_ms(under_valgrind() ? 1000 : 200);
}

static void tick(void)
{
	vmm_timer_arm(b.raise, vmm_events_now(b.ev));
}

/*
 * A timer raises INTR for a vCPU waiting in HLT on a thread asleep: the
 * event thread runs the handler itself and the vCPU's thread sleeps on; a
 * handler longer than the budget is handed back and finished on the
 * vCPU's thread; a kick during a borrowed device access returns from
 * vcpu_run() only once that access is over.
 */
START_TEST(test_borrow)
{
	unsigned runs, on_event_thread = 0;

	setup_vcpu(VMM_CPU_PROTECTED, "borrow", true, 0x40);
	memset(&b, 0, sizeof(b));
	pthread_mutex_init(&b.lock, NULL);
	b.owner.lock = &b.lock;
	ck_assert_int_eq(vmm_events_new(false, &b.ev), 0);
	ck_assert_int_eq(vmm_events_start(b.ev), 0);
	ck_assert_int_eq(vmm_timer_new(b.ev, &b.owner, borrow_raise, NULL,
				       &b.raise), 0);
	ck_assert_int_eq(pthread_create(&b.runner, NULL, borrow_runner, NULL),
			 0);
	ck_assert(wait_uint(&b.runs, 1)); /* the first HLT */

	/*
	 * Short handlers (after one that translates them): each is
	 * borrowed, and runs to its HLT on the event thread, the runner
	 * asleep throughout, unless the event thread took longer than
	 * TCG_BORROW_NS (a loaded host, a sanitizer; valgrind always does):
	 * then it is handed back, and the runner finishes it.
	 */
	settle();
	tick();
	ck_assert(wait_uint(&h.n_reports, 1));
	for (unsigned i = 2; i <= 6; i++) {
		settle();
		runs = atomic_load(&b.runs);
		tick();
		ck_assert(wait_uint(&h.n_reports, i));
		ck_assert_uint_eq(h.reports[i - 1], i);
		ck_assert(!pthread_equal(h.report_thread[i - 1],
					 pthread_self()));
		settle();
		if (!pthread_equal(h.report_thread[i - 1], b.runner) &&
		    atomic_load(&b.runs) == runs)
			on_event_thread++;
	}
	ck_assert_uint_eq(h.sink.borrowed, 6);
	if (!under_valgrind())
		ck_assert_msg(on_event_thread > 0,
			      "no handler ran to its HLT on the event thread");

	/* past the budget: handed back, finished on the runner */
	settle();
	runs = atomic_load(&b.runs);
	*(volatile uint32_t *)(h.mem.host + BORROW_SPIN) = 1000;
	tick();
	ck_assert(wait_uint(&h.n_reports, 7));
	ck_assert(pthread_equal(h.report_thread[6], b.runner));
	ck_assert_uint_eq(h.sink.borrowed, 7);
	ck_assert_uint_gt(atomic_load(&b.runs), runs);
	*(volatile uint32_t *)(h.mem.host + BORROW_SPIN) = 0;

	/* a kick while the borrowed run is in a device access */
	settle();
	atomic_store(&h.slow_ms, 300);
	tick();
	ck_assert(wait_uint(&h.inside, 1));
	atomic_store(&h.stop, 1);
	ops->kick(h.tv);
	pthread_join(b.runner, NULL);
	ck_assert_msg(!atomic_load(&h.overlap),
		      "the vCPU's thread ran while the event thread did");
	ck_assert_int_eq(atomic_load(&b.last), VMM_EXIT_INTR);
	ck_assert_uint_eq(h.sink.borrowed, 8);
	ck_assert_uint_eq(reports(), 8);

	vmm_events_stop(b.ev);
	vmm_timer_free(b.raise);
	vmm_events_owner_release(b.ev, &b.owner);
	vmm_events_free(b.ev);
	pthread_mutex_destroy(&b.lock);
	teardown_vcpu();
}
END_TEST

/* ---- host writes into running code (issue 10's crash) --------------- */

#define SMC_PATCH 0x1040
#define SMC_DATA 0x100000
/* Code versions the writer makes: a tenth under valgrind, which runs one
 * thread at a time (500 took it ten minutes a mode). */
static uint32_t smc_versions(void)
{
	return under_valgrind() ? 50 : 500;
}
#define SMC_VERSIONS smc_versions()

static void *writer_thread(void *arg)
{
	(void)arg;
	for (uint32_t v = 1; v <= SMC_VERSIONS; v++) {
		/* as plugvm's mem_write(): the bytes, then the accelerator;
		 * one aligned store, so that no translation sees half */
		atomic_store(&h.written, v);
		__atomic_store_n((uint32_t *)(h.mem.host + SMC_PATCH), v,
				 __ATOMIC_RELEASE);
		ops->ram_written(h.vm, SMC_PATCH, 4);
		/* and RAM the guest never touched, page by page (what a
		 * device's DMA does): the old cross-thread flush walked the
		 * engine's TLB for it while the engine ran */
		memset(h.mem.host + SMC_DATA + (v % 64) * 4096, (int)v, 64);
		ops->ram_written(h.vm, SMC_DATA + (v % 64) * 4096, 64);
		usleep(200);
	}
	return NULL;
}

/*
 * Stop once the guest returned the last version, or 30 s after it was
 * written (the writer may take long under valgrind, which runs one thread
 * at a time).
 */
static void *watch_thread(void *arg)
{
	uint64_t t0 = 0;

	(void)arg;
	while (__atomic_load_n(&h.seen_max, __ATOMIC_RELAXED) < SMC_VERSIONS) {
		if (!t0 && atomic_load(&h.written) == SMC_VERSIONS)
			t0 = now_ns();
		if (t0 && now_ns() - t0 > 30000000000ull)
			break;
		sleep_ms(1);
	}
	atomic_store(&h.stop, 1);
	ops->kick(h.tv);
	return NULL;
}

/* smc.S's code is the same in 32- and 64-bit mode: both, with paging
 * (long mode) and without. */
static void write_running_code(enum vmm_cpu_mode mode)
{
	pthread_t writer, watch;

	setup_vcpu(mode, "smc", true, 0x40);
	ck_assert_int_eq(pthread_create(&writer, NULL, writer_thread, NULL), 0);
	ck_assert_int_eq(pthread_create(&watch, NULL, watch_thread, NULL), 0);
	ck_assert_int_eq(run_to_exit(), VMM_EXIT_INTR);
	pthread_join(writer, NULL);
	pthread_join(watch, NULL);
	ck_assert_msg(h.seen_max == SMC_VERSIONS,
		      "the guest never ran the last code written: it saw %u of %u written",
		      h.seen_max, atomic_load(&h.written));
	ck_assert_msg(!h.went_back,
		      "the guest ran older code after newer code, or code never written");
	ck_assert_uint_gt(reports(), SMC_VERSIONS / 10);
	teardown_vcpu();
}

START_TEST(test_write_running_code_pm)
{
	write_running_code(VMM_CPU_PROTECTED);
}
END_TEST

START_TEST(test_write_running_code_lm)
{
	write_running_code(VMM_CPU_LONG);
}
END_TEST

static Suite *tcg_suite(void)
{
	Suite *s = suite_create("tcg");
	TCase *tc = tcase_create("intr");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_real_mode);
	tcase_add_test(tc, test_protected_mode);
	tcase_add_test(tc, test_long_mode);
	tcase_add_test(tc, test_no_inta);
	tcase_add_test(tc, test_stop_while_waiting);
	tcase_add_test(tc, test_two_vcpus_wait);
	tcase_add_test(tc, test_two_vcpus_spin);
	tcase_add_test(tc, test_borrow);
	suite_add_tcase(s, tc);
	tc = tcase_create("ram_written");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_write_running_code_pm);
	tcase_add_test(tc, test_write_running_code_lm);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tcg_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
