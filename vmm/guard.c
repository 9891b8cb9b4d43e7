// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * guard.c - broken plugins: the crash handler, the exit() hook, and the
 * registry of plugvm's threads for naming a callback that never returns.
 *
 * Everything the handler and vmm_guard_describe_holders() do is
 * async-signal-safe: they format with the helpers below (no stdio, no
 * malloc), read the thread-local records with relaxed atomic loads, and
 * write with write(2).
 */
#include "config.h"

#include "guard.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* si_code of a SIGSYS from a seccomp filter (<asm-generic/siginfo.h>;
 * glibc's <signal.h> has no name for it) */
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1
#endif

_Thread_local struct vmm_guard_now vmm_guard_now
	__attribute__((tls_model("initial-exec")));

/*
 * The console's crash-time functions (chardev.h). Weak: the guard works,
 * with nothing to restore or flush, in a program without the console
 * (unit tests) and before the console has them.
 */
void vmm_console_restore(void) __attribute__((weak));
void vmm_console_flush_async(int ms) __attribute__((weak));

/* How long a dying plugvm waits for stalled output consumers. */
#define GUARD_FLUSH_MS 500

/* Threads plugvm started, for the hang report. */
#define GUARD_MAX_THREADS 256

struct guard_thread {
	_Atomic(const char *) name; /* NULL: a free slot */
	/* the thread's record, set once it owns the slot */
	_Atomic(struct vmm_guard_now *) rec;
};

static struct guard_thread threads[GUARD_MAX_THREADS];

/* This thread's name, when plugvm started it (or it is main's). */
static _Thread_local const char *thread_name
	__attribute__((tls_model("initial-exec")));
static _Thread_local int thread_slot
	__attribute__((tls_model("initial-exec"))) = -1;
static _Thread_local void *thread_altstack
	__attribute__((tls_model("initial-exec")));

static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGILL,
				     SIGFPE,  SIGABRT, SIGSYS };
#define N_FATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))
static struct sigaction old_actions[N_FATAL];

static atomic_bool initialized;
static atomic_bool main_exits;
static atomic_bool dying; /* one report only, whichever thread is first */

static const char *const *syscall_names;
static size_t n_syscall_names;

/* ------------------------------------------------------------------------ */
/* Async-signal-safe formatting                                             */
/* ------------------------------------------------------------------------ */

struct text {
	char *buf;
	size_t len, cap; /* cap >= 1: room for the NUL */
};

static void put(struct text *t, const char *s)
{
	while (s && *s && t->len + 1 < t->cap)
		t->buf[t->len++] = *s++;
	t->buf[t->len] = '\0';
}

static void put_u64(struct text *t, uint64_t v, unsigned base)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (base == 16)
		put(t, "0x");
	while (n > 0) {
		char c[2] = { digits[--n], '\0' };

		put(t, c);
	}
}

static void put_int(struct text *t, long v)
{
	if (v < 0) {
		put(t, "-");
		put_u64(t, (uint64_t)-(v + 1) + 1, 10);
	} else {
		put_u64(t, (uint64_t)v, 10);
	}
}

static void write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

/* "device "ID" (plugin FILE)" or "plugin FILE", after "ORIGIN: ". */
static void put_who(struct text *t, const struct vmm_guard_who *who)
{
	if (who->origin && *who->origin) {
		put(t, who->origin);
		put(t, ": ");
	}
	if (who->device) {
		put(t, "device \"");
		put(t, who->device);
		put(t, "\" (plugin ");
		put(t, who->plugin);
		put(t, ")");
	} else {
		put(t, "plugin ");
		put(t, who->plugin);
	}
}

/* " in write()", or " while loading" (@what) for a plugin itself. */
static void put_what(struct text *t, const struct vmm_guard_who *who,
		     const char *what)
{
	if (!who->device) {
		put(t, " while ");
		put(t, what ? what : "loading");
		return;
	}
	put(t, " in ");
	put(t, what ? what : "a callback");
}

/* ------------------------------------------------------------------------ */
/* The end                                                                  */
/* ------------------------------------------------------------------------ */

/* Console back, buffered guest output out, and gone with @status. */
static void die(int status)
{
	if (vmm_console_restore)
		vmm_console_restore();
	if (vmm_console_flush_async)
		vmm_console_flush_async(GUARD_FLUSH_MS);
	_exit(status);
}

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGSEGV:
		return "SIGSEGV (invalid memory access";
	case SIGBUS:
		return "SIGBUS (bus error";
	case SIGILL:
		return "SIGILL (illegal instruction";
	case SIGFPE:
		return "SIGFPE (arithmetic error";
	case SIGABRT:
		return "SIGABRT (abort() or a failed assert";
	case SIGSYS:
		return "SIGSYS (a system call the sandbox forbids";
	default:
		return "a fatal signal (";
	}
}

/* The details after the signal's name, up to the closing parenthesis. */
static void put_signal(struct text *t, int sig, const siginfo_t *si)
{
	put(t, signal_name(sig));
	if ((sig == SIGSEGV || sig == SIGBUS) && si->si_code > 0) {
		put(t, " at ");
		put_u64(t, (uint64_t)(uintptr_t)si->si_addr, 16);
	}
	if (sig == SIGSYS && si->si_code == SYS_SECCOMP) {
		unsigned nr = (unsigned)si->si_syscall;

		put(t, ": ");
		if (syscall_names && nr < n_syscall_names &&
		    syscall_names[nr])
			put(t, syscall_names[nr]);
		else
			put(t, "system call");
		put(t, " (number ");
		put_u64(t, nr, 10);
		put(t, "); a plugin lists the calls it needs in its descriptor's `syscalls`, or run with --no-sandbox");
	}
	put(t, ")");
}

/* Let the handler that was there before have signal @i's @sig. */
static void pass_on(size_t i, int sig, const siginfo_t *si)
{
	sigaction(sig, &old_actions[i], NULL);
	/* a fault comes back when the instruction runs again; a raised
	 * signal (abort()) or a trapped call does not */
	if (si->si_code <= 0 || sig == SIGSYS || sig == SIGABRT)
		raise(sig);
}

static void crash_handler(int sig, siginfo_t *si, void *uc)
{
	const struct vmm_guard_who *who =
		atomic_load_explicit(&vmm_guard_now.who, memory_order_relaxed);
	const char *what =
		atomic_load_explicit(&vmm_guard_now.what, memory_order_relaxed);
	int saved_errno = errno;
	char buf[1024];
	struct text t = { buf, 0, sizeof(buf) };
	size_t i;

	(void)uc;
	for (i = 0; i < N_FATAL && fatal_signals[i] != sig; i++)
		;
	/* the sandbox refused plugvm itself a call: its list lacks one */
	if (!who && thread_name && sig == SIGSYS &&
	    si->si_code == SYS_SECCOMP && !atomic_exchange(&dying, true)) {
		put(&t, "plugvm: the sandbox refused plugvm itself, on ");
		put(&t, thread_name);
		put(&t, ", ");
		put_signal(&t, sig, si);
		put(&t, "; a plugvm bug: please report it; exit status 1\n");
		write_all(STDERR_FILENO, t.buf, t.len);
		die(1);
	}
	/* plugvm's own code, on a thread of its own: not a plugin's doing */
	if (!who && thread_name) {
		if (i < N_FATAL)
			pass_on(i, sig, si);
		errno = saved_errno;
		return;
	}
	/* a second thread crashing meanwhile waits for the first's _exit() */
	if (atomic_exchange(&dying, true))
		for (;;)
			pause();
	put(&t, "plugvm: ");
	if (who) {
		put_who(&t, who);
		put(&t, " crashed");
		put_what(&t, who, what);
	} else {
		put(&t, "a thread plugvm did not start (a plugin's own) crashed");
	}
	put(&t, ": ");
	put_signal(&t, sig, si);
	put(&t, "; exit status ");
	put_u64(&t, VMM_GUARD_EXIT_STATUS, 10);
	put(&t, "\n");
	write_all(STDERR_FILENO, t.buf, t.len);
	die(VMM_GUARD_EXIT_STATUS);
}

/* exit() from anywhere but main(): a plugin's. */
static void exit_hook(int status, void *arg)
{
	const struct vmm_guard_who *who =
		atomic_load_explicit(&vmm_guard_now.who, memory_order_relaxed);
	const char *what =
		atomic_load_explicit(&vmm_guard_now.what, memory_order_relaxed);
	char buf[1024];
	struct text t = { buf, 0, sizeof(buf) };

	(void)arg;
	if (atomic_load(&main_exits) || atomic_exchange(&dying, true))
		return;
	put(&t, "plugvm: ");
	if (who) {
		put_who(&t, who);
		put(&t, " called exit(");
		put_int(&t, status);
		put(&t, ")");
		put_what(&t, who, what);
	} else {
		put(&t, "exit(");
		put_int(&t, status);
		put(&t, ") was called outside plugvm's main(), by ");
		put(&t, thread_name ? "code on " : "a thread plugvm did not start (a plugin's own?)");
		put(&t, thread_name ? thread_name : "");
	}
	put(&t, ": a plugin must never end plugvm; exit status ");
	put_u64(&t, VMM_GUARD_EXIT_STATUS, 10);
	put(&t, "\n");
	write_all(STDERR_FILENO, t.buf, t.len);
	die(VMM_GUARD_EXIT_STATUS);
}

/* ------------------------------------------------------------------------ */
/* Threads                                                                  */
/* ------------------------------------------------------------------------ */

/* An alternate stack for the handler: a plugin's runaway recursion
 * overflows the thread's own. */
#define GUARD_ALTSTACK (64 * 1024)

static void altstack_on(void)
{
	stack_t ss = { .ss_size = GUARD_ALTSTACK };

	if (thread_altstack)
		return;
	ss.ss_sp = malloc(GUARD_ALTSTACK);
	if (!ss.ss_sp)
		return;
	if (sigaltstack(&ss, NULL)) {
		free(ss.ss_sp);
		return;
	}
	thread_altstack = ss.ss_sp;
}

static void altstack_off(void)
{
	stack_t ss = { .ss_flags = SS_DISABLE };

	if (!thread_altstack)
		return;
	sigaltstack(&ss, NULL);
	free(thread_altstack);
	thread_altstack = NULL;
}

void vmm_guard_thread(const char *name)
{
	sigset_t fatal;

	/* named first: a signal already pending comes in at the unblock,
	 * and must find the thread plugvm's */
	thread_name = name;
	altstack_on();
	/* a synchronous signal that is blocked kills the process unseen
	 * (the event thread starts with every signal blocked) */
	sigemptyset(&fatal);
	for (size_t i = 0; i < N_FATAL; i++)
		sigaddset(&fatal, fatal_signals[i]);
	pthread_sigmask(SIG_UNBLOCK, &fatal, NULL);
	for (int i = 0; i < GUARD_MAX_THREADS; i++) {
		const char *none = NULL;

		if (atomic_compare_exchange_strong(&threads[i].name, &none,
						   name)) {
			atomic_store(&threads[i].rec, &vmm_guard_now);
			thread_slot = i;
			return;
		}
	}
}

void vmm_guard_thread_end(void)
{
	if (thread_slot >= 0) {
		atomic_store(&threads[thread_slot].rec, NULL);
		atomic_store(&threads[thread_slot].name, NULL);
	}
	thread_slot = -1;
	altstack_off();
	thread_name = NULL;
}

size_t vmm_guard_describe_holders(char *buf, size_t len)
{
	struct text t = { buf, 0, len };

	if (!len)
		return 0;
	buf[0] = '\0';
	for (int i = 0; i < GUARD_MAX_THREADS; i++) {
		const char *name = atomic_load(&threads[i].name);
		struct vmm_guard_now *rec = atomic_load(&threads[i].rec);
		const struct vmm_guard_who *who;
		const char *what;

		if (!name || !rec)
			continue;
		who = atomic_load_explicit(&rec->who, memory_order_relaxed);
		what = atomic_load_explicit(&rec->what, memory_order_relaxed);
		if (!who)
			continue;
		if (t.len)
			put(&t, "\n");
		put_who(&t, who);
		put(&t, " is still");
		put_what(&t, who, what);
		put(&t, " on ");
		put(&t, name);
	}
	return t.len;
}

/* ------------------------------------------------------------------------ */
/* Set-up                                                                   */
/* ------------------------------------------------------------------------ */

int vmm_guard_init(void)
{
	struct sigaction sa;

	if (atomic_exchange(&initialized, true))
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = crash_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < N_FATAL; i++)
		if (sigaction(fatal_signals[i], &sa, &old_actions[i]))
			return -errno;
	if (on_exit(exit_hook, NULL))
		return -ENOMEM;
	vmm_guard_thread("the main thread");
	return 0;
}

void vmm_guard_main_exits(void)
{
	atomic_store(&main_exits, true);
}

void vmm_guard_set_syscall_names(const char *const *names, size_t n)
{
	syscall_names = names;
	n_syscall_names = n;
}
