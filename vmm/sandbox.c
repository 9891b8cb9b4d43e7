// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sandbox.c - the seccomp filter (sandbox.h), through libseccomp.
 *
 * The lists below are what a running machine needs, found by reading what
 * each layer calls and checked by running the test suite under the filter:
 * a call missing here shows up as "SIGSYS ... NAME" in a test.
 */
#include "config.h"

#include "sandbox.h"

#include "guard.h"
#include "log.h"

#include <errno.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

/* What every running machine needs. */
static const char *const default_calls[] = {
	/* reads and writes on descriptors opened during set-up */
	"read", "write", "readv", "writev", "pread64", "pwrite64", "lseek",
	"close", "fstat", "newfstatat", "statx", "fcntl", "fsync",
	"fdatasync", "dup", "dup3",
	/* the event loop, the control loop, the console */
	"poll", "ppoll", "select", "pselect6", "epoll_wait", "epoll_pwait",
	"epoll_pwait2", "epoll_ctl", "timerfd_settime", "timerfd_gettime",
	/* memory: malloc, thread stacks going away, guest RAM */
	"brk", "mmap", "munmap", "mremap", "mprotect", "madvise",
	/* threads: locks, kicks, the end of a thread */
	"futex", "futex_waitv", "set_robust_list", "rseq", "sched_yield",
	"gettid", "getpid", "getpgrp", "tgkill", "rt_sigprocmask", "rt_sigreturn",
	"rt_sigtimedwait", "sigaltstack", "restart_syscall", "exit",
	"exit_group",
	/* a crash in plugvm's own code: guard.c gives the signal back to
	 * its default action (a core), which takes sigaction(). A plugin
	 * could replace guard.c's handlers with it too; code in the process
	 * can undo the guard in other ways anyway, and the call reaches
	 * nothing outside it. */
	"rt_sigaction",
	/* the clock, and sleeping on it */
	"clock_gettime", "clock_getres", "gettimeofday", "time",
	"nanosleep", "clock_nanosleep",
	/* plugvm's end: flushing files, the statistics, getrusage */
	"getrusage", "times",
	NULL,
};

/* Sanitizer builds: what AddressSanitizer's and LeakSanitizer's run-time
 * does at exit and on a report (a thread that stops the others with
 * ptrace, /proc/self/maps, symbolization). */
static const char *const sanitizer_calls[] = {
	"clone", "clone3", "ptrace", "wait4", "waitid", "prctl", "open",
	"openat", "getdents", "getdents64", "readlink", "readlinkat", "sched_getaffinity",
	"kill", "rt_sigaction", "getrlimit", "prlimit64", "setrlimit",
	"pipe2", "dup2", "mincore", "stat", "lstat", "access", "uname",
	"getppid", "execve", "msync", "unlink",
	NULL,
};

/* ioctl(), by request: KVM's (type 0xae) and the terminal's. */
#define IOCTL_TYPE_MASK 0xff00u
#define KVM_IOCTL_TYPE 0xae00u
static const uint32_t tty_ioctls[] = {
	0x5401, /* TCGETS */
	0x5402, /* TCSETS */
	0x5403, /* TCSETSW */
	0x5404, /* TCSETSF */
	0x540f, /* TIOCGPGRP: tcgetpgrp(), is the console in the foreground */
	0x5413, /* TIOCGWINSZ */
	0x541b, /* FIONREAD */
	0x5421, /* FIONBIO */
};

/* The names guard.c says in a SIGSYS report, by number. */
#define MAX_SYSCALL_NR 512
static const char *names[MAX_SYSCALL_NR];

int vmm_sandbox_check_names(const char *const *list, const char **bad)
{
	for (; list && *list; list++)
		if (seccomp_syscall_resolve_name(*list) == __NR_SCMP_ERROR) {
			*bad = *list;
			return -EINVAL;
		}
	return 0;
}

static bool sanitized(void)
{
#if defined(PLUGVM_SANITIZERS) || defined(__SANITIZE_ADDRESS__) || \
	defined(__SANITIZE_THREAD__)
	return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
	return true;
#else
	return false;
#endif
#else
	return false;
#endif
}

bool vmm_sandbox_under_valgrind(void)
{
	const char *p = getenv("LD_PRELOAD");

	return p && strstr(p, "vgpreload");
}

/* Allow every call of @list; a name this kernel ABI lacks is skipped
 * (glibc's choice of calls differs between versions and kernels). */
static int allow_list(scmp_filter_ctx ctx, const char *const *list,
		      bool must_know)
{
	for (; list && *list; list++) {
		int nr = seccomp_syscall_resolve_name(*list);
		int ret;

		if (nr == __NR_SCMP_ERROR) {
			if (must_know) {
				vmm_err("sandbox: unknown system call '%s'",
					*list);
				return -EINVAL;
			}
			continue;
		}
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		if (ret && ret != -EEXIST) {
			vmm_err("sandbox: cannot allow %s: %s", *list,
				strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* Whether any @extra list names @call. */
static bool listed(const char *call, const char *const *const *extra,
		   size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (const char *const *l = extra[i]; l && *l; l++)
			if (!strcmp(*l, call))
				return true;
	return false;
}

static int allow_ioctls(scmp_filter_ctx ctx, bool kvm)
{
	int ret = 0;

	if (kvm)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				       SCMP_A1(SCMP_CMP_MASKED_EQ,
					       IOCTL_TYPE_MASK,
					       KVM_IOCTL_TYPE));
	for (size_t i = 0; !ret && i < sizeof(tty_ioctls) / sizeof(*tty_ioctls);
	     i++)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				       SCMP_A1(SCMP_CMP_EQ, tty_ioctls[i]));
	if (ret)
		vmm_err("sandbox: cannot allow ioctl(): %s", strerror(-ret));
	return ret;
}

/* The names of the native calls, for guard.c's SIGSYS report. */
static void name_syscalls(void)
{
	for (int nr = 0; nr < MAX_SYSCALL_NR; nr++)
		if (!names[nr])
			names[nr] = seccomp_syscall_resolve_num_arch(
				SCMP_ARCH_NATIVE, nr);
	vmm_guard_set_syscall_names(names, MAX_SYSCALL_NR);
}

int vmm_sandbox_install(bool kvm, const char *const *const *extra, size_t n)
{
	scmp_filter_ctx ctx;
	int ret;

	name_syscalls();
	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!ctx) {
		vmm_err("sandbox: cannot make a seccomp filter (out of memory)");
		return -ENOMEM;
	}
	ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (!ret)
		ret = allow_list(ctx, default_calls, false);
	if (!ret && sanitized())
		ret = allow_list(ctx, sanitizer_calls, false);
	/* the event thread's first call may come after the filter */
	if (!ret && !listed("prctl", extra, n))
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
				       SCMP_A0(SCMP_CMP_EQ, PR_SET_TIMERSLACK));
	/*
	 * A new thread: a plugin's pthread_create() in a callback. glibc
	 * makes the call with every signal blocked, where a SIGSYS would
	 * kill plugvm unseen: it fails instead (clone3 as the kernels that
	 * lack it, so that glibc tries clone), and the plugin sees the error.
	 */
	if (!ret && !sanitized() && !listed("clone3", extra, n))
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				       SCMP_SYS(clone3), 0);
	if (!ret && !sanitized() && !listed("clone", extra, n))
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
				       SCMP_SYS(clone), 0);
	/* a plugin that lists ioctl gets every request */
	if (!ret && !listed("ioctl", extra, n))
		ret = allow_ioctls(ctx, kvm);
	for (size_t i = 0; !ret && i < n; i++)
		ret = allow_list(ctx, extra[i], true);
	if (!ret) {
		ret = seccomp_load(ctx);
		if (ret)
			vmm_err("sandbox: cannot install the seccomp filter: %s (--no-sandbox runs without it)",
				strerror(-ret));
	}
	seccomp_release(ctx);
	return ret;
}
