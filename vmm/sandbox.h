/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sandbox.h - the seccomp filter plugvm runs a machine under.
 *
 * Firecracker's model: the filter goes on once everything is set up (guest
 * RAM, devices, their files and sockets, the accelerator, the threads) and
 * before the first guest instruction, on every thread of the process at
 * once (SECCOMP_FILTER_FLAG_TSYNC: plugvm's, and those plugins started in
 * create()). It allows what running needs: KVM's ioctls and the
 * terminal's, reads and writes on descriptors already open, memory
 * (mmap, munmap, mprotect, madvise, brk), futex, the clock, sleeping, the
 * event loop (epoll, timerfd), signals to the process's own threads, and
 * exit; no new files, sockets, processes or programs. A plugin adds the
 * calls its descriptor lists (plugvm_plugin.syscalls). Any other call
 * raises SIGSYS on the thread that made it (SCMP_ACT_TRAP), which guard.c
 * reports naming the device and the call: status 4.
 *
 * Layer 6, with the machine (README.md, "Layout"): calls libseccomp, the
 * guard and the log.
 */
#ifndef VMM_SANDBOX_H
#define VMM_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Check the names in @names (a descriptor's syscalls, NULL-terminated; NULL
 * is none): 0, or -EINVAL with *@bad the first name this machine's kernel
 * ABI does not know.
 */
int vmm_sandbox_check_names(const char *const *names, const char **bad);

/*
 * Install the filter on every thread: the default set, KVM's ioctls when
 * @kvm, and every name of each of the @n lists in @extra (the plugins'
 * descriptors; a NULL list is none). Returns 0, or -errno after saying
 * why (the kernel has no seccomp, a thread has a filter of its own, ...).
 */
int vmm_sandbox_install(bool kvm, const char *const *const *extra, size_t n);

/*
 * Whether plugvm runs under valgrind, which makes system calls of its own
 * that no filter of plugvm's can foresee: the sandbox is then left off,
 * with a note (-v).
 */
bool vmm_sandbox_under_valgrind(void);

#endif
