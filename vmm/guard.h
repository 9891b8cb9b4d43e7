/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guard.h - broken plugins: what plugvm says when a plugin crashes, calls
 * exit() or never returns, and which device's callback each thread is in.
 *
 * Every call into a plugin is wrapped in vmm_guard_enter() and
 * vmm_guard_leave(): a thread-local record of the device and the callback,
 * two stores each way. A fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE,
 * SIGABRT, SIGSYS from the sandbox) on a thread inside a plugin, or on a
 * thread plugvm did not start (a plugin's own), prints one line naming the
 * device, its plugin file and the callback (or "while loading"), puts the
 * console back, writes out the guest's buffered output and ends plugvm
 * with VMM_GUARD_EXIT_STATUS. The handler is async-signal-safe. A fault in
 * plugvm's own code goes to the handler that was there before (the
 * default, or a sanitizer's).
 *
 * A plugin that calls exit() is caught the same way (an on_exit() hook,
 * quiet once main() says it exits). A callback that never returns is
 * named by vmm_guard_describe_holders(), for the watchdog.
 *
 * Layer 1, base (README.md, "Layout"): calls the C library and the
 * console's crash-time functions (chardev.h) only.
 */
#ifndef VMM_GUARD_H
#define VMM_GUARD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/* plugvm(1): 4, a broken plugin (crash, hang, exit(), forbidden call). */
#define VMM_GUARD_EXIT_STATUS 4

/* Whose code a thread runs: lives as long as the device (or the load). */
struct vmm_guard_who {
	const char *device; /* the [device "ID"]; NULL while loading */
	const char *plugin; /* the plugin's file */
	/* "FILE:LINE" of its section or `type` key, or NULL */
	const char *origin;
};

/* A thread's record; vmm_guard_enter() returns the one it replaces. */
struct vmm_guard_frame {
	const struct vmm_guard_who *who; /* NULL: in plugvm's own code */
	const char *what; /* "write()", "create()", "timer callback", ... */
};

struct vmm_guard_now {
	_Atomic(const struct vmm_guard_who *) who;
	_Atomic(const char *) what;
};

extern _Thread_local struct vmm_guard_now vmm_guard_now
	__attribute__((tls_model("initial-exec")));

/*
 * This thread calls @what of @who's plugin now. Returns the record to hand
 * back to vmm_guard_leave() when the call returns (calls nest: a device's
 * set_irq() runs the interrupt controller's).
 */
static inline struct vmm_guard_frame
vmm_guard_enter(const struct vmm_guard_who *who, const char *what)
{
	struct vmm_guard_frame old = {
		atomic_load_explicit(&vmm_guard_now.who, memory_order_relaxed),
		atomic_load_explicit(&vmm_guard_now.what, memory_order_relaxed),
	};

	atomic_store_explicit(&vmm_guard_now.what, what, memory_order_relaxed);
	atomic_store_explicit(&vmm_guard_now.who, who, memory_order_relaxed);
	return old;
}

static inline void vmm_guard_leave(struct vmm_guard_frame old)
{
	atomic_store_explicit(&vmm_guard_now.who, old.who,
			      memory_order_relaxed);
	atomic_store_explicit(&vmm_guard_now.what, old.what,
			      memory_order_relaxed);
}

/*
 * Install the crash handlers and the exit() hook, and register the calling
 * (main) thread. Idempotent. Returns 0 or -errno.
 */
int vmm_guard_init(void);

/*
 * Register the calling thread, started by plugvm, as @name ("vCPU 0",
 * "event thread"; a string that outlives the thread): its record is read
 * by vmm_guard_describe_holders(), it gets an alternate signal stack so
 * that a plugin's runaway recursion is reported too, and a crash on it
 * outside any plugin is plugvm's own, never blamed on a plugin. Call
 * vmm_guard_thread_end() before the thread returns. Its creator names it
 * for ps, top -H and gdb (pthread_setname_np(), before the sandbox is on:
 * the thread itself might run only after).
 */
void vmm_guard_thread(const char *name);
void vmm_guard_thread_end(void);

/*
 * What every registered thread inside a plugin is in, one line each:
 * `device "ID" (plugin FILE) is still in write() on vCPU 0`, into @buf
 * (NUL-terminated, cut at @len). Returns the length, 0 when no thread is
 * inside a plugin. Async-signal-safe, no locks: for a watchdog.
 */
size_t vmm_guard_describe_holders(char *buf, size_t len);

/* main() is about to exit(): the exit() hook stays quiet from now on. */
void vmm_guard_main_exits(void);

/*
 * Name system call @nr in the crash report of a SIGSYS (the sandbox's
 * table; NULL: by number). Set before the filter is installed.
 */
void vmm_guard_set_syscall_names(const char *const *names, size_t n);

#endif
