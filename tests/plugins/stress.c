// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stress.c - a test-only plugin whose own threads call the host functions
 * while the guest runs: the proof of plugin.h's rule that every host
 * function may be called from any thread (tests/stress.sh, with the guest
 * tests/guests/stress.S).
 *
 * It owns 16 ports at `port` (4-byte accesses):
 *   +0  write: the guest-physical address of the 4-byte immediate the
 *       guest's loop executes; starts the threads (once)
 *   +4  write: the immediate's value the guest has just seen
 *   +8  read: bit 8 set when `irq-expected` is yes (the guest then sets up
 *       the PICs and enables interrupts), bits 0-7 the line `irq`
 *   +12 write: the address of the guest's mailbox (below), before +0
 * The mailbox: u32 loop count, u32 interrupts taken, both only ever
 * incremented by the guest; then up to `scratch` bytes from mailbox + 2 KiB
 * the guest never touches.
 *
 * The threads, started by the write to +0, stopped and joined in destroy():
 *   patcher   about every millisecond: the next number into the immediate,
 *             with mem_write(), into code the guest is executing. The
 *             guest must see the numbers in order, and see them change:
 *             on tcg that needs the translated code kept coherent.
 *   dma       mem_write() of a pattern into the scratch area, mem_read()
 *             back, compared (about 10 kHz)
 *   reader    mem_read() of the mailbox: the counts must never go down
 *   irq       set_irq(`irq`) pulses (about 2 kHz): each must return 0 when
 *             irq-expected, -ENOTSUP when not
 *   logger    log() at INFO (shown with -v) about every 2 ms
 *   exit x2   once the guest has seen `changes` numbers (and, when
 *             irq-expected, taken an interrupt), both call
 *             request_exit(`status`): the first request wins
 * The threads go on until destroy(), so they also call the host while the
 * machine stops and after the vCPUs have stopped.
 *
 * destroy() writes one line per check to `output`, "NAME: ok" or
 * "NAME: FAILED (why)": code, dma, read, irq (or "irq: refused, as
 * expected" when irq-expected is no), log.
 */
#include "config.h"

#include <plugvm/plugin.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STRESS_PORTS 16
#define STRESS_MAILBOX_SCRATCH 2048 /* scratch offset in the mailbox */
#define STRESS_EXITERS 2

enum { S_PORT, S_IRQ, S_IRQ_EXPECTED, S_CHANGES, S_STATUS, S_SCRATCH,
       S_OUTPUT };

enum { T_PATCHER, T_DMA, T_READER, T_IRQ, T_LOGGER, T_EXIT,
       T_COUNT = T_EXIT + STRESS_EXITERS };

struct stress {
	struct plugvm_device *dev;
	const struct plugvm_host *host;
	struct plugvm_chardev *out;
	unsigned irq;
	bool irq_expected;
	uint64_t changes, scratch;
	int status;

	/* set by the guest before the start */
	uint64_t mailbox;
	/* the immediate's address; 0 until the guest starts the threads */
	_Atomic uint64_t code;
	pthread_t threads[T_COUNT];
	unsigned started; /* threads to join: main thread and vCPU only */
	atomic_bool stop;

	/* the last number the patcher wrote, and what the guest saw */
	atomic_uint_fast32_t written;
	atomic_uint_fast32_t seen, seen_count;
	/* the first failure of each check, as a message; NULL while ok */
	_Atomic(const char *) code_fail, dma_fail, read_fail, irq_fail, log_fail;
	atomic_uint_fast64_t irq_calls, logs;

	/* the exit threads wait here for the guest to see enough changes */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
};

/* Record @why as @check's failure (the first one stays) and say it. */
static void stress_fail(struct stress *s, _Atomic(const char *) *check,
			const char *why)
{
	const char *none = NULL;

	if (atomic_compare_exchange_strong(check, &none, why))
		s->host->log(s->dev, PLUGVM_LOG_ERROR, "%s", why);
}

static bool stopping(struct stress *s)
{
	return atomic_load(&s->stop);
}

/* Sleep about @us microseconds. */
static void pause_us(long us)
{
	struct timespec ts = { .tv_sec = us / 1000000,
			       .tv_nsec = (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void *patcher_thread(void *arg)
{
	struct stress *s = arg;
	uint32_t n = 0;

	while (!stopping(s)) {
		n++;
		/* published first: the guest can only see a number <= it */
		atomic_store(&s->written, n);
		if (s->host->mem_write(s->dev, atomic_load(&s->code), &n,
				       sizeof(n)))
			stress_fail(s, &s->code_fail,
				    "code: mem_write() into the guest's code failed");
		pause_us(1000);
	}
	return NULL;
}

static void *dma_thread(void *arg)
{
	struct stress *s = arg;
	uint64_t gpa = s->mailbox + STRESS_MAILBOX_SCRATCH;
	uint8_t *out = malloc(s->scratch), *in = malloc(s->scratch);
	unsigned round = 0;

	if (!out || !in) {
		stress_fail(s, &s->dma_fail, "dma: out of memory");
		goto out_free;
	}
	while (!stopping(s)) {
		round++;
		for (size_t i = 0; i < s->scratch; i++)
			out[i] = (uint8_t)(round * 31 + i);
		if (s->host->mem_write(s->dev, gpa, out, s->scratch) ||
		    s->host->mem_read(s->dev, gpa, in, s->scratch)) {
			stress_fail(s, &s->dma_fail,
				    "dma: mem_write() or mem_read() failed");
			break;
		}
		if (memcmp(in, out, s->scratch)) {
			stress_fail(s, &s->dma_fail,
				    "dma: mem_read() did not return what mem_write() wrote");
			break;
		}
		pause_us(100);
	}
out_free:
	free(out);
	free(in);
	return NULL;
}

static void *reader_thread(void *arg)
{
	struct stress *s = arg;
	uint32_t last[2] = { 0, 0 }, now[2];

	while (!stopping(s)) {
		if (s->host->mem_read(s->dev, s->mailbox, now, sizeof(now))) {
			stress_fail(s, &s->read_fail,
				    "read: mem_read() of the mailbox failed");
			break;
		}
		if (now[0] < last[0] || now[1] < last[1]) {
			stress_fail(s, &s->read_fail,
				    "read: a count in the mailbox went down");
			break;
		}
		memcpy(last, now, sizeof(last));
		pause_us(200);
	}
	return NULL;
}

static void *irq_thread(void *arg)
{
	struct stress *s = arg;
	int want = s->irq_expected ? 0 : -ENOTSUP;

	while (!stopping(s)) {
		int up = s->host->set_irq(s->dev, s->irq, true);
		int down = s->host->set_irq(s->dev, s->irq, false);

		atomic_fetch_add(&s->irq_calls, 2);
		if (up != want || down != want) {
			stress_fail(s, &s->irq_fail,
				    s->irq_expected
					    ? "irq: set_irq() failed on a pc machine"
					    : "irq: set_irq() did not return -ENOTSUP without a chipset");
			break;
		}
		pause_us(500);
	}
	return NULL;
}

static void *logger_thread(void *arg)
{
	struct stress *s = arg;

	/* at least once, however late the thread gets a CPU */
	do {
		uint64_t n = atomic_fetch_add(&s->logs, 1) + 1;

		s->host->log(s->dev, PLUGVM_LOG_INFO,
			     "log %llu from a thread of the plugin's own",
			     (unsigned long long)n);
		pause_us(2000);
	} while (!stopping(s));
	return NULL;
}

/* Has the guest shown what the machine is for? */
static bool guest_done(struct stress *s)
{
	uint32_t irqs = 0;

	if (atomic_load(&s->seen_count) < s->changes)
		return false;
	if (!s->irq_expected)
		return true;
	if (s->host->mem_read(s->dev, s->mailbox + 4, &irqs, sizeof(irqs)))
		return false;
	return irqs > 0;
}

static void *exit_thread(void *arg)
{
	struct stress *s = arg;
	struct timespec until;

	pthread_mutex_lock(&s->lock);
	while (!s->done && !stopping(s)) {
		/* interrupts are not signalled: look again every millisecond */
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&s->cond, &s->lock, &until);
		if (!s->done && guest_done(s))
			s->done = true;
	}
	pthread_mutex_unlock(&s->lock);
	if (!stopping(s))
		s->host->request_exit(s->dev, s->status);
	return NULL;
}

static void *(*const thread_fns[T_COUNT])(void *) = {
	[T_PATCHER] = patcher_thread, [T_DMA] = dma_thread,
	[T_READER] = reader_thread,   [T_IRQ] = irq_thread,
	[T_LOGGER] = logger_thread,   [T_EXIT] = exit_thread,
	[T_EXIT + 1] = exit_thread,
};

/* On the vCPU thread, under the device's lock. */
static void stress_start(struct stress *s, uint64_t code)
{
	if (atomic_load(&s->code)) {
		s->host->log(s->dev, PLUGVM_LOG_GUEST_ERROR,
			     "started twice: ignored");
		return;
	}
	if (!s->mailbox) {
		s->host->log(s->dev, PLUGVM_LOG_GUEST_ERROR,
			     "started before the mailbox was set: ignored");
		return;
	}
	atomic_store(&s->code, code);
	for (unsigned i = 0; i < T_COUNT; i++) {
		int err = pthread_create(&s->threads[i], NULL, thread_fns[i], s);

		if (err) {
			s->host->log(s->dev, PLUGVM_LOG_ERROR,
				     "cannot start thread %u: %s", i,
				     strerror(err));
			s->host->request_exit(s->dev, 1);
			return;
		}
		s->started++;
	}
}

/* The guest saw the immediate change to @value. */
static void stress_seen(struct stress *s, uint32_t value)
{
	uint32_t last = (uint32_t)atomic_load(&s->seen);

	if (value <= last || value > atomic_load(&s->written)) {
		static const char *const why =
			"code: the guest saw a number out of order, or one never written";

		s->host->log(s->dev, PLUGVM_LOG_ERROR,
			     "guest saw %u after %u; %u written so far", value,
			     last, (unsigned)atomic_load(&s->written));
		stress_fail(s, &s->code_fail, why);
		return;
	}
	atomic_store(&s->seen, value);
	if (atomic_fetch_add(&s->seen_count, 1) + 1 == s->changes) {
		pthread_mutex_lock(&s->lock);
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->lock);
	}
}

static uint64_t stress_read(void *opaque, uint64_t offset, unsigned size)
{
	struct stress *s = opaque;

	(void)size;
	if (offset == 8)
		return (s->irq_expected ? 0x100u : 0) | s->irq;
	return 0;
}

static void stress_write(void *opaque, uint64_t offset, unsigned size,
			 uint64_t value)
{
	struct stress *s = opaque;

	(void)size;
	switch (offset) {
	case 0:
		stress_start(s, value);
		break;
	case 4:
		stress_seen(s, (uint32_t)value);
		break;
	case 12:
		s->mailbox = value;
		break;
	default:
		s->host->log(s->dev, PLUGVM_LOG_GUEST_ERROR,
			     "write of %#llx to +%llu: no such register",
			     (unsigned long long)value,
			     (unsigned long long)offset);
	}
}

static const struct plugvm_io_ops stress_ops = {
	.read = stress_read,
	.write = stress_write,
	.sizes = PLUGVM_ACCESS_4,
};

static const struct plugvm_setting stress_settings[] = {
	[S_PORT] = { .name = "port", .type = PLUGVM_SETTING_U64,
		     .def = "0x500", .help = "first of 16 ports",
		     .max = 0x10000 - STRESS_PORTS },
	[S_IRQ] = { .name = "irq", .type = PLUGVM_SETTING_U64, .def = "5",
		    .help = "the line the irq thread pulses (master PIC)",
		    .min = 3, .max = 7 },
	[S_IRQ_EXPECTED] = { .name = "irq-expected",
			     .type = PLUGVM_SETTING_BOOL, .def = "no",
			     .help = "set_irq() must work (chipset = pc) and "
				     "the guest take interrupts" },
	[S_CHANGES] = { .name = "changes", .type = PLUGVM_SETTING_U64,
			.def = "20",
			.help = "code changes the guest must see before the exit",
			.min = 1, .max = 1000000 },
	[S_STATUS] = { .name = "status", .type = PLUGVM_SETTING_U64,
		       .def = "42", .help = "the exit status requested",
		       .max = 255 },
	[S_SCRATCH] = { .name = "scratch", .type = PLUGVM_SETTING_SIZE,
			.def = "256", .help = "bytes the dma thread copies",
			.min = 1, .max = 2048 },
	[S_OUTPUT] = { .name = "output", .type = PLUGVM_SETTING_STRING,
		       .def = "stdout", .help = "where the results go" },
	{ .name = NULL },
};

static int stress_create(struct plugvm_device *dev,
			 const struct plugvm_host *host,
			 const struct plugvm_value *v, void **state)
{
	struct stress *s;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->dev = dev;
	s->host = host;
	s->irq = (unsigned)v[S_IRQ].u64;
	s->irq_expected = v[S_IRQ_EXPECTED].u64;
	s->changes = v[S_CHANGES].u64;
	s->status = (int)v[S_STATUS].u64;
	s->scratch = v[S_SCRATCH].u64;
	ret = pthread_mutex_init(&s->lock, NULL);
	if (ret) {
		ret = -ret;
		goto out_free;
	}
	ret = pthread_cond_init(&s->cond, NULL);
	if (ret) {
		ret = -ret;
		goto out_mutex;
	}
	ret = host->chardev_open(dev, "output", v[S_OUTPUT].str,
				 PLUGVM_CHARDEV_OUTPUT, &s->out);
	if (ret)
		goto out_cond;
	ret = host->register_range(dev, PLUGVM_SPACE_PIO, v[S_PORT].u64,
				   STRESS_PORTS, &stress_ops, s);
	if (ret)
		goto out_cond;
	*state = s;
	return 0;

out_cond:
	pthread_cond_destroy(&s->cond);
out_mutex:
	pthread_mutex_destroy(&s->lock);
out_free:
	free(s);
	return ret;
}

/* One result line: "NAME: ok", @okay instead of "ok", or the failure. */
static void report(struct stress *s, _Atomic(const char *) *check,
		   const char *name, const char *okay)
{
	const char *why = atomic_load(check);
	char line[160];
	int n;

	if (why)
		n = snprintf(line, sizeof(line), "%s: FAILED (%s)\n", name, why);
	else
		n = snprintf(line, sizeof(line), "%s: %s\n", name, okay);
	if (n > 0)
		s->host->chardev_write(s->out, line,
				       (size_t)n < sizeof(line) ? (size_t)n
								: sizeof(line) - 1);
}

static void stress_destroy(void *state)
{
	struct stress *s = state;

	atomic_store(&s->stop, true);
	pthread_mutex_lock(&s->lock);
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	for (unsigned i = 0; i < s->started; i++)
		pthread_join(s->threads[i], NULL);
	if (!s->started)
		stress_fail(s, &s->code_fail, "code: the guest never started");
	else if (atomic_load(&s->seen_count) < s->changes)
		stress_fail(s, &s->code_fail,
			    "code: the guest saw too few changes");
	if (s->started && !atomic_load(&s->logs))
		stress_fail(s, &s->log_fail, "log: the logger never ran");
	report(s, &s->code_fail, "code", "ok");
	report(s, &s->dma_fail, "dma", "ok");
	report(s, &s->read_fail, "read", "ok");
	report(s, &s->irq_fail, "irq",
	       s->irq_expected ? "ok" : "refused, as expected");
	report(s, &s->log_fail, "log", "ok");
	s->host->log(s->dev, PLUGVM_LOG_INFO,
		     "%u numbers seen, %llu set_irq() calls, %llu logs",
		     (unsigned)atomic_load(&s->seen_count),
		     (unsigned long long)atomic_load(&s->irq_calls),
		     (unsigned long long)atomic_load(&s->logs));
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* Its threads start when the guest says so, under plugvm's sandbox. */
static const char *const stress_syscalls[] = { "clone", "clone3", NULL };

static const struct plugvm_plugin stress_plugin = {
	.abi_version = PLUGVM_ABI_VERSION,
	.min_api_version = PLUGVM_API_VERSION,
	.name = "stress",
	.description = "test device whose own threads call every host function",
	.settings = stress_settings,
	.create = stress_create,
	.destroy = stress_destroy,
	.syscalls = stress_syscalls,
};

PLUGVM_PLUGIN_DEFINE(stress_plugin)
