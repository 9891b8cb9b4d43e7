/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vm.h - a machine: built from its config (vm.c), run (run.c), its
 * statistics printed (stats.c).
 *
 * Layer 6 (README.md, "Layout"): may call every layer below (the image
 * loader, vCPUs, devices and plugins, accelerators, the bus, guest memory,
 * cpu set-up, the config); only main.c calls it. The vCPUs report to it
 * through the events it hands them, the devices through their env hooks.
 */
#ifndef VMM_VM_H
#define VMM_VM_H

#include "accel.h"
#include "boot.h"
#include "cpu.h"
#include "device.h"
#include "guestmem.h"
#include "machine.h"
#include "plugin.h"
#include "vcpu.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct vmm_vm {
	const struct vmm_config *cfg;
	const struct accel_ops *accel;
	struct accel_vm *accel_vm; /* the accelerator's per-VM state */

	struct vmm_guestmem mem; /* guest RAM: one mmap, shared by the
				  * accelerator */
	struct vmm_boot_layout layout;
	struct vmm_cpu_setup setup; /* how the vCPUs start: [cpu], or what
				     * the [linux] kernel's loader says */
	enum vmm_kernel_format boot_format; /* with [linux] (cfg->boot.set) */

	struct vmm_iobus *bus;
	/* timers and fd watches: the event thread runs from before the
	 * vCPUs start until after they stopped (run.c) */
	struct vmm_events *events;
	/* stdout, stdin and the console's terminal (chardev.h) */
	struct vmm_chardevs *chardevs;
	struct vmm_device_env env;
	struct vmm_plugin **plugins; /* one per distinct type */
	size_t n_plugins;
	/* the chipset's first (n_chipset_devices of them), then the
	 * file's in file order; device i has statistics slot i + 1 */
	struct vmm_device **devices;
	size_t n_devices;
	size_t n_chipset_devices;
	struct vmm_irq *irq; /* interrupt routing; NULL: chipset none */
	atomic_bool vcpus_ready; /* INTR may reach the vCPUs (chipset.c) */

	struct vmm_vcpu *vcpus;
	unsigned n_vcpus;
	/* Count exits per device and time them (--stats, -v). Off, the I/O
	 * paths skip both, so statistics cost nothing unless asked for.
	 * Set it before vmm_vm_run(). */
	bool collect_stats;
	/* Run under the seccomp filter (sandbox.h), from just before the
	 * first guest instruction. Set it before vmm_vm_run(). */
	bool sandbox;

	/* Stopping: the first reason recorded wins; the vCPUs' stop flag. */
	_Atomic int stop_reason; /* enum vmm_stop_reason */
	int exit_status; /* for VMM_STOP_DEVICE_EXIT */
	atomic_bool stop_settled; /* exit_status written by the winner */
	atomic_uint running; /* vCPUs not halted */
	int done_fd; /* eventfd: a runner thread finished */
	/* eventfd: a stop was requested, the control loop must look (run.c);
	 * -1 until vmm_vm_run() */
	int wake_fd;
	uint64_t run_start_ms; /* when vmm_vm_run() started, for messages */
	atomic_uint unmapped_warnings; /* rate limit for the -v warning */
};

/*
 * Build the machine @cfg describes with accelerator @accel (already chosen):
 * guest RAM, plugins from @pp, devices, images, boot tables, accelerator VM
 * and vCPUs. Returns 0 and *@out or -errno after printing why (file, line
 * and key where the machine file is at fault). Nothing runs yet.
 */
int vmm_vm_create(const struct vmm_config *cfg, const struct accel_ops *accel,
		  const struct vmm_plugin_path *pp, struct vmm_vm **out);

/*
 * The signals that stop a machine cleanly (status 130): SIGINT, SIGTERM,
 * and SIGHUP and SIGQUIT, which would otherwise kill plugvm mid-line. main
 * blocks them first thing, in every thread; the watchdog (watchdog.h)
 * takes them, from plugvm's first millisecond to its last. (run.c)
 */
void vmm_stop_signals(sigset_t *set);

/*
 * Run every vCPU until the machine stops; returns the stop reason. vCPUs run
 * on threads of their own (kvm: one each; tcg: one for all, round-robin)
 * while the calling thread waits for them. Meanwhile the watchdog's stop
 * signals and --timeout deadline stop the machine (vmm_watchdog_attach()),
 * and every stop request starts its grace period. (run.c)
 */
enum vmm_stop_reason vmm_vm_run(struct vmm_vm *vm);

/*
 * The exit status main should return for @reason: 0 halt or reboot (a
 * kernel's triple fault), the device's status (the i8042's reset: 0), 1 host failure (the accelerator could not go on), 3 guest
 * fault, 124 timeout, 130 signal.
 */
int vmm_vm_exit_status(const struct vmm_vm *vm, enum vmm_stop_reason reason);

/* Ask the machine to stop for @reason (first caller wins) and kick the
 * vCPUs; any thread. @status: the device's, for VMM_STOP_DEVICE_EXIT.
 * (run.c) */
void vmm_vm_request_stop(struct vmm_vm *vm, enum vmm_stop_reason reason,
			 int status);

/* Destroy devices (flushing their output), vCPUs, accelerator, RAM. */
void vmm_vm_destroy(struct vmm_vm *vm);

/* Print the exit statistics on stderr: per device and exit kind the count
 * and host time, per vCPU the time in the accelerator against the time in
 * plugvm. @wall_ns: how long the machine ran. (stats.c) */
void vmm_vm_print_stats(const struct vmm_vm *vm, uint64_t wall_ns);

/* True once a stop was requested. */
static inline bool vmm_vm_stopping(const struct vmm_vm *vm)
{
	return atomic_load_explicit(&vm->stop_reason, memory_order_relaxed) !=
	       VMM_STOP_NONE;
}

#endif
