// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * run.c - run control: the vCPU threads, the control loop that waits for
 * them, signals, the timeout, tcg's time slices, and stopping.
 */
#include "config.h"

#include "vm.h"

#include "guard.h"
#include "log.h"
#include "sandbox.h"
#include "watchdog.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

void vmm_vm_request_stop(struct vmm_vm *vm, enum vmm_stop_reason reason,
			 int status)
{
	int none = VMM_STOP_NONE;

	if (!atomic_compare_exchange_strong(&vm->stop_reason, &none,
					    (int)reason))
		return;
	if (reason == VMM_STOP_DEVICE_EXIT)
		vm->exit_status = status;
	atomic_store(&vm->stop_settled, true);
	/* from now on plugvm has a bounded time to end (watchdog.h) */
	vmm_watchdog_stopping(vmm_vm_exit_status(vm, reason));
	for (unsigned i = 0; i < vm->n_vcpus; i++)
		vmm_vcpu_kick(&vm->vcpus[i]);
	if (vm->wake_fd >= 0) {
		uint64_t one = 1;

		/* the control loop: kick again until the runners are gone */
		if (write(vm->wake_fd, &one, sizeof(one)) < 0) {
			/* full: it is awake anyway */
		}
	}
}

/* Round-robin: every vCPU on this one thread (software accelerators). */
static void run_round_robin(struct vmm_vm *vm)
{
	bool any = true;

	while (any && !vmm_vm_stopping(vm)) {
		any = false;
		for (unsigned i = 0; i < vm->n_vcpus; i++) {
			struct vmm_vcpu *vcpu = &vm->vcpus[i];

			if (vcpu->halted || vmm_vm_stopping(vm))
				continue;
			any = true;
			vmm_vcpu_run_once(vcpu);
		}
	}
}

/* Held shut until the sandbox is on: no guest instruction before it. */
struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool open;
};

static void gate_wait(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	while (!g->open)
		pthread_cond_wait(&g->cond, &g->lock);
	pthread_mutex_unlock(&g->lock);
}

static void gate_open(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->open = true;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

struct runner {
	struct vmm_vm *vm;
	struct gate *gate;
	struct vmm_vcpu *vcpu; /* NULL: round-robin over all */
	pthread_t thread;
	char name[32]; /* "vCPU 0", for guard.h's reports */
	char comm[16]; /* "vCPU 0" or "vCPUs", for ps and top -H */
};

static void *runner_thread(void *arg)
{
	struct runner *r = arg;
	uint64_t one = 1;

	vmm_guard_thread(r->name);
	gate_wait(r->gate);
	if (r->vcpu)
		vmm_vcpu_loop(r->vcpu);
	else
		run_round_robin(r->vm);
	vmm_guard_thread_end();
	if (write(r->vm->done_fd, &one, sizeof(one)) != sizeof(one))
		vmm_vm_request_stop(r->vm, VMM_STOP_ERROR, 0);
	return NULL;
}

static uint64_t now_ms(void)
{
	return vmm_now_ns() / 1000000;
}

/*
 * The watchdog's stop signals and deadline while the machine runs: stop it
 * the clean way (on the watchdog's thread; vmm_vm_request_stop() wakes the
 * control loop).
 */
static void watchdog_stop(void *ctx, enum vmm_watchdog_event ev, int signo)
{
	struct vmm_vm *vm = ctx;

	if (ev == VMM_WATCHDOG_TIMEOUT) {
		vmm_err("timeout: the guest ran for %" PRIu64
			" ms; stopping it",
			now_ms() - vm->run_start_ms);
		vmm_vm_request_stop(vm, VMM_STOP_TIMEOUT, 0);
	} else {
		vmm_info("signal %d: stopping the machine", signo);
		vmm_vm_request_stop(vm, VMM_STOP_SIGNAL, 0);
	}
}

/* Longest wait between two preempt() calls while slices do not matter. */
#define IDLE_SLICE_MAX_MS 64

/* Wait for @n runners; the watchdog's thread or anyone asking for a stop
 * wakes it through @vm's wake_fd. */
static void control_loop(struct vmm_vm *vm, unsigned n)
{
	bool slicing = !vm->accel->threaded && vm->n_vcpus > 1 &&
		       vm->accel->preempt;
	int slice = VMM_TIME_SLICE_MS;

	while (n > 0) {
		struct pollfd fds[2] = { { .fd = vm->done_fd, .events = POLLIN },
					 { .fd = vm->wake_fd, .events = POLLIN } };
		int wait = slicing ? slice : -1;
		int ready;

		/*
		 * Once stopping, kick again every few milliseconds until the
		 * runners are gone: a kick that lands in the instant before
		 * an accelerator re-enters the guest can be lost (tcg clears
		 * Unicorn's stop request on entry), and a guest that never
		 * exits by itself would then never stop.
		 */
		if (vmm_vm_stopping(vm)) {
			for (unsigned i = 0; i < vm->n_vcpus; i++)
				vmm_vcpu_kick(&vm->vcpus[i]);
			wait = VMM_TIME_SLICE_MS;
		}
		ready = poll(fds, vm->wake_fd >= 0 ? 2 : 1, wait);
		if (ready < 0)
			continue; /* EINTR */
		/*
		 * While at most one vCPU can run (the others wait in HLT),
		 * look less and less often, up to IDLE_SLICE_MAX_MS: an idle
		 * SMP guest then costs no 500 wake-ups a second. An
		 * interrupt that wakes a vCPU from HLT ends the running one's
		 * slice itself (tcg's set_intr()), so only the fairness
		 * between two busy vCPUs waits for this, once, at most that
		 * long.
		 */
		if (ready == 0 && slicing) {
			if (vm->accel->preempt(vm->accel_vm))
				slice = VMM_TIME_SLICE_MS;
			else if (slice < IDLE_SLICE_MAX_MS)
				slice *= 2;
		}
		if (fds[0].revents & POLLIN) {
			uint64_t v;

			if (read(vm->done_fd, &v, sizeof(v)) == sizeof(v))
				n = v >= n ? 0 : n - (unsigned)v;
		}
		if (vm->wake_fd >= 0 && (fds[1].revents & POLLIN)) {
			uint64_t v;

			if (read(vm->wake_fd, &v, sizeof(v)) < 0) {
				/* nothing to read: someone else's wake-up */
			}
		}
	}
}

/* The seccomp filter, with what the machine's plugins list. 0 or -errno,
 * said. */
static int sandbox_on(struct vmm_vm *vm)
{
	const char *const **extra;
	int ret;

	if (vmm_sandbox_under_valgrind()) {
		vmm_info("sandbox: off under valgrind, which makes system calls of its own");
		return 0;
	}
	extra = calloc(vm->n_plugins + 1, sizeof(*extra));
	if (!extra)
		return -ENOMEM;
	for (size_t i = 0; i < vm->n_plugins; i++)
		extra[i] = vm->plugins[i]->desc->syscalls;
	ret = vmm_sandbox_install(!strcmp(vm->accel->name, "kvm"), extra,
				  vm->n_plugins);
	free(extra);
	if (!ret)
		vmm_info("sandbox: seccomp filter installed");
	return ret;
}

void vmm_stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
}

enum vmm_stop_reason vmm_vm_run(struct vmm_vm *vm)
{
	unsigned n_threads = vm->accel->threaded ? vm->n_vcpus : 1;
	struct gate gate = { .lock = PTHREAD_MUTEX_INITIALIZER,
			     .cond = PTHREAD_COND_INITIALIZER };
	struct runner *runners;
	unsigned started = 0;
	int err;

	vm->run_start_ms = now_ms();
	vm->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->wake_fd < 0) {
		vmm_err("cannot make an eventfd: %s", strerror(errno));
		vmm_vm_request_stop(vm, VMM_STOP_ERROR, 0);
	}
	/* signals and the deadline now stop the machine */
	vmm_watchdog_attach(watchdog_stop, vm);

	for (unsigned i = 0; i < vm->n_vcpus; i++)
		vm->vcpus[i].sink.collect_stats = vm->collect_stats;
	/* The console's terminal is raw while the machine runs. */
	vmm_chardevs_start(vm->chardevs);
	/* Timers and watches run from before the first vCPU instruction,
	 * once the sandbox is on. */
	vmm_events_hold(vm->events, true);
	err = vmm_events_start(vm->events);
	if (err) {
		vmm_err("cannot start the event thread: %s", strerror(-err));
		vmm_vm_request_stop(vm, VMM_STOP_ERROR, 0);
	}
	runners = calloc(n_threads, sizeof(*runners));
	if (!runners) {
		vmm_err("out of memory");
		vmm_vm_request_stop(vm, VMM_STOP_ERROR, 0);
	}
	for (unsigned i = 0; runners && i < n_threads; i++) {
		struct vmm_vcpu *vcpu = vm->accel->threaded ? &vm->vcpus[i] : NULL;

		runners[i].vm = vm;
		runners[i].gate = &gate;
		runners[i].vcpu = vcpu;
		if (vcpu) {
			snprintf(runners[i].name, sizeof(runners[i].name),
				 "vCPU %u", i);
			snprintf(runners[i].comm, sizeof(runners[i].comm),
				 "vCPU %u", i);
		} else {
			snprintf(runners[i].name, sizeof(runners[i].name),
				 vm->n_vcpus > 1 ? "the vCPUs' thread" : "vCPU 0");
			snprintf(runners[i].comm, sizeof(runners[i].comm),
				 vm->n_vcpus > 1 ? "vCPUs" : "vCPU 0");
		}
		err = pthread_create(&runners[i].thread, NULL, runner_thread,
				     &runners[i]);
		if (err) {
			vmm_err("cannot start a vCPU thread: %s", strerror(err));
			vmm_vm_request_stop(vm, VMM_STOP_ERROR, 0);
			break;
		}
		pthread_setname_np(runners[i].thread, runners[i].comm);
		started++;
	}
	/* Everything is set up, every thread started: the sandbox goes on
	 * before the first guest instruction. */
	if (vm->sandbox && !vmm_vm_stopping(vm) && sandbox_on(vm))
		vmm_vm_request_stop(vm, VMM_STOP_ERROR, 0);
	vmm_events_hold(vm->events, false);
	gate_open(&gate);
	control_loop(vm, started);
	for (unsigned i = 0; i < started; i++)
		pthread_join(runners[i].thread, NULL);
	/* The vCPUs stopped: now the timers and watches, before the
	 * devices go. */
	vmm_events_stop(vm->events);
	vmm_chardevs_stop(vm->chardevs);
	free(runners);
	vmm_watchdog_detach();
	if (!vmm_vm_stopping(vm))
		vmm_vm_request_stop(vm, VMM_STOP_HALT, 0);
	/* A plugin's own thread may have won the stop an instant ago. */
	while (!atomic_load(&vm->stop_settled))
		sched_yield();
	return (enum vmm_stop_reason)atomic_load(&vm->stop_reason);
}

