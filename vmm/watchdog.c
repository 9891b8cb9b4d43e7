// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * watchdog.c - the stop signals and the --timeout deadline, from plugvm's
 * first millisecond to its last (watchdog.h says what each phase does).
 *
 * The thread polls a signalfd for the stop signals and an eventfd that the
 * other calls write to wake it, with the nearer of two deadlines as its
 * poll timeout: the --timeout one and, once a stop was requested, the end
 * of the grace period. Ending plugvm itself happens on a helper thread (the
 * last message and the flush of stdio's buffers), bounded in time: the
 * thread that holds plugvm may hold stderr's or stdout's lock too.
 */
#include "config.h"

#include "watchdog.h"

#include "guard.h"
#include "log.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* How long the last message and the flush of stdio may take. */
#define FINISH_WAIT_MS 1000

/* The console's (chardev.h), when it is linked in: the terminal back to
 * cooked mode (async-signal-safe), and its sinks flushed within a bound. */
void vmm_console_restore(void) __attribute__((weak));
void vmm_console_flush_async(int ms) __attribute__((weak));

static struct {
	pthread_mutex_t lock; /* phase, stop, ctx */
	bool started;
	int sfd, efd;
	uint64_t deadline_ns; /* 0: no --timeout */
	uint64_t timeout_ms;
	char phase[200];
	void (*stop)(void *ctx, enum vmm_watchdog_event ev, int signo);
	void *ctx;
	bool timed_out; /* the deadline fired (once) */
	atomic_bool ending; /* vmm_watchdog_end(): the thread returns */
	atomic_bool stopping;
	atomic_int status; /* the stop's exit status */
	_Atomic(size_t (*)(char *, size_t)) holder;
	pthread_t thread;
} wd = { .lock = PTHREAD_MUTEX_INITIALIZER, .sfd = -1, .efd = -1 };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t vmm_watchdog_grace_ms(void)
{
	const char *s = getenv("PLUGVM_STOP_GRACE");
	char *end;
	double v;

	if (!s || !*s)
		return VMM_WATCHDOG_GRACE_MS;
	v = strtod(s, &end);
	if (*end || !(v >= 0) || v > 1e6)
		return VMM_WATCHDOG_GRACE_MS;
	return (uint64_t)(v * 1000.0 + 0.5);
}

void vmm_watchdog_phase(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&wd.lock);
	va_start(ap, fmt);
	vsnprintf(wd.phase, sizeof(wd.phase), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&wd.lock);
}

static void wake(void)
{
	uint64_t one = 1;

	if (wd.efd >= 0 && write(wd.efd, &one, sizeof(one)) < 0) {
		/* full (2^64 - 2 wake-ups pending): it is awake anyway */
	}
}

void vmm_watchdog_attach(void (*stop)(void *ctx, enum vmm_watchdog_event ev,
				      int signo),
			 void *ctx)
{
	pthread_mutex_lock(&wd.lock);
	wd.stop = stop;
	wd.ctx = ctx;
	pthread_mutex_unlock(&wd.lock);
	/* a deadline or signal that came while starting up is acted on */
	wake();
}

void vmm_watchdog_detach(void)
{
	pthread_mutex_lock(&wd.lock);
	wd.stop = NULL;
	wd.ctx = NULL;
	pthread_mutex_unlock(&wd.lock);
}

void vmm_watchdog_stopping(int status)
{
	bool was = false;

	if (!atomic_compare_exchange_strong(&wd.stopping, &was, true))
		return;
	atomic_store(&wd.status, status);
	wake();
}

void vmm_watchdog_set_holder(size_t (*fn)(char *buf, size_t len))
{
	atomic_store(&wd.holder, fn);
}

/*
 * The end: the last message and the flush of the output, on a thread made
 * at start (under the sandbox no thread can be made later), waited for a
 * bounded time.
 */
static struct {
	sem_t go;
	atomic_bool ready; /* the thread exists */
	atomic_bool quit; /* posted by vmm_watchdog_end(): nothing to say */
	atomic_bool done;
	enum plugvm_log_level level;
	char msg[512];
	pthread_t thread;
} fin;

static void *finisher_thread(void *arg)
{
	(void)arg;
	vmm_guard_thread("the finisher thread");
	while (sem_wait(&fin.go) && errno == EINTR)
		;
	if (!atomic_load(&fin.quit)) {
		vmm_log(fin.level, "%s", fin.msg);
		if (vmm_console_flush_async)
			vmm_console_flush_async(FINISH_WAIT_MS / 2);
		fflush(NULL);
	}
	vmm_guard_thread_end();
	atomic_store(&fin.done, true);
	return NULL;
}

static _Noreturn void finish(int status, enum plugvm_log_level level,
			     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static _Noreturn void finish(int status, enum plugvm_log_level level,
			     const char *fmt, ...)
{
	struct timespec tick = { 0, 10 * 1000000 };
	va_list ap;

	if (vmm_console_restore)
		vmm_console_restore();
	fin.level = level;
	va_start(ap, fmt);
	vsnprintf(fin.msg, sizeof(fin.msg), fmt, ap);
	va_end(ap);
	if (atomic_load(&fin.ready)) {
		sem_post(&fin.go);
		for (int i = 0; i < FINISH_WAIT_MS / 10 && !atomic_load(&fin.done);
		     i++)
			nanosleep(&tick, NULL);
	}
	/*
	 * The system call itself, not _exit(): ThreadSanitizer's _exit()
	 * flushes stdout first, and stdout may be what is stuck.
	 */
	syscall(SYS_exit_group, status);
	_exit(status);
}

/* " (while PHASE)" or "", for the start-up messages. */
static const char *phase_text(char *buf, size_t len)
{
	pthread_mutex_lock(&wd.lock);
	if (wd.phase[0])
		snprintf(buf, len, " (while %s)", wd.phase);
	else
		buf[0] = '\0';
	pthread_mutex_unlock(&wd.lock);
	return buf;
}

/* The grace period ran out, or a second signal came: end plugvm now. */
static _Noreturn void force(const char *why)
{
	size_t (*holder)(char *, size_t) = atomic_load(&wd.holder);
	int status = atomic_load(&wd.status);
	char what[256] = "";

	if (holder && holder(what, sizeof(what))) {
		/* a plugin's callback that never returns: a broken plugin */
		status = 4;
	} else {
		snprintf(what, sizeof(what),
			 "a vCPU or the teardown is stuck in a device callback or on output nobody reads");
		/* a stop that meant success cannot end this way as one */
		if (!status)
			status = 1;
	}
	finish(status, PLUGVM_LOG_ERROR, "%s: %s; ending plugvm with status %d",
	       why, what, status);
}

/* A stop signal arrived. */
static void on_signal(int signo)
{
	char phase[sizeof(wd.phase) + 16];
	char why[64];

	if (atomic_load(&wd.stopping)) {
		snprintf(why, sizeof(why), "signal %d (%s) while stopping", signo,
			 strsignal(signo));
		atomic_store(&wd.status, 130);
		force(why);
	}
	pthread_mutex_lock(&wd.lock);
	if (wd.stop) {
		wd.stop(wd.ctx, VMM_WATCHDOG_SIGNAL, signo);
		pthread_mutex_unlock(&wd.lock);
		return;
	}
	pthread_mutex_unlock(&wd.lock);
	finish(130, PLUGVM_LOG_WARN, "signal %d (%s) during start-up%s: stopping",
	       signo, strsignal(signo), phase_text(phase, sizeof(phase)));
}

/* The --timeout deadline passed. */
static void on_deadline(void)
{
	char phase[sizeof(wd.phase) + 16];

	wd.timed_out = true;
	if (atomic_load(&wd.stopping))
		return; /* stopping already: the grace period decides */
	pthread_mutex_lock(&wd.lock);
	if (wd.stop) {
		wd.stop(wd.ctx, VMM_WATCHDOG_TIMEOUT, 0);
		pthread_mutex_unlock(&wd.lock);
		return;
	}
	pthread_mutex_unlock(&wd.lock);
	finish(124, PLUGVM_LOG_ERROR,
	       "timeout: start-up did not finish within %" PRIu64 " ms%s",
	       wd.timeout_ms, phase_text(phase, sizeof(phase)));
}

/* Milliseconds from @now to @t for poll(), rounded up; -1 for none. */
static int wait_ms(uint64_t now, uint64_t t, int wait)
{
	uint64_t ms;

	if (!t)
		return wait;
	ms = t > now ? (t - now + 999999) / 1000000 : 0;
	if (ms > INT32_MAX)
		ms = INT32_MAX;
	return wait < 0 || (int)ms < wait ? (int)ms : wait;
}

static void *watchdog_thread(void *arg)
{
	uint64_t grace_ms = vmm_watchdog_grace_ms();
	uint64_t force_at = 0;

	(void)arg;
	vmm_guard_thread("the watchdog thread");
	while (!atomic_load(&wd.ending)) {
		struct pollfd fds[2] = { { .fd = wd.sfd, .events = POLLIN },
					 { .fd = wd.efd, .events = POLLIN } };
		uint64_t now = now_ns();
		int wait = -1;

		if (wd.deadline_ns && !wd.timed_out) {
			if (now >= wd.deadline_ns)
				on_deadline();
			else
				wait = wait_ms(now, wd.deadline_ns, wait);
		}
		if (atomic_load(&wd.stopping)) {
			if (!force_at)
				force_at = now + grace_ms * 1000000;
			if (now >= force_at) {
				char why[96];

				snprintf(why, sizeof(why),
					 "plugvm did not stop within %" PRIu64
					 " ms of being asked to",
					 grace_ms);
				force(why);
			}
			wait = wait_ms(now, force_at, wait);
		}
		if (poll(fds, 2, wait) <= 0)
			continue;
		if (fds[1].revents & POLLIN) {
			uint64_t v;

			if (read(wd.efd, &v, sizeof(v)) < 0) {
				/* EAGAIN: someone else's wake-up, read */
			}
		}
		if (fds[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(wd.sfd, &si, sizeof(si)) == sizeof(si))
				on_signal((int)si.ssi_signo);
		}
	}
	vmm_guard_thread_end();
	return NULL;
}

void vmm_watchdog_end(void)
{
	struct timespec tick = { 0, 1000000 };

	if (!wd.started)
		return;
	atomic_store(&wd.ending, true);
	wake();
	pthread_join(wd.thread, NULL);
	atomic_store(&fin.quit, true);
	sem_post(&fin.go);
	/* detached: wait (a little) for it to have read the semaphore */
	for (int i = 0; i < 100 && !atomic_load(&fin.done); i++)
		nanosleep(&tick, NULL);
	close(wd.sfd);
	close(wd.efd);
	wd.sfd = wd.efd = -1;
	wd.started = false;
}

int vmm_watchdog_start(const sigset_t *signals, uint64_t timeout_ms,
		       uint64_t start_ns)
{
	int err;

	if (wd.started)
		return -EBUSY;
	wd.sfd = signalfd(-1, signals, SFD_CLOEXEC | SFD_NONBLOCK);
	wd.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (wd.sfd < 0 || wd.efd < 0) {
		err = -errno;
		goto out_close;
	}
	wd.timeout_ms = timeout_ms;
	wd.deadline_ns = timeout_ms ? start_ns + timeout_ms * 1000000 : 0;
	if (sem_init(&fin.go, 0, 0)) {
		err = -errno;
		goto out_close;
	}
	err = -pthread_create(&fin.thread, NULL, finisher_thread, NULL);
	if (err)
		goto out_close;
	pthread_setname_np(fin.thread, "finisher"); /* for ps, top -H, gdb */
	/* never joined when plugvm ends by _exit(): detached, it is no
	 * leaked thread to ThreadSanitizer */
	pthread_detach(fin.thread);
	atomic_store(&fin.ready, true);
	err = -pthread_create(&wd.thread, NULL, watchdog_thread, NULL);
	if (err)
		goto out_close; /* the finisher waits for ever: harmless */
	pthread_setname_np(wd.thread, "watchdog");
	wd.started = true;
	return 0;

out_close:
	if (wd.sfd >= 0)
		close(wd.sfd);
	if (wd.efd >= 0)
		close(wd.efd);
	wd.sfd = wd.efd = -1;
	return err;
}
