/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vm.h - a running machine: guest RAM, devices, the iobus and the vCPUs.
 */
#ifndef VMM_VM_H
#define VMM_VM_H

#include "accel.h"
#include "cpu.h"
#include "device.h"
#include "machine.h"
#include "plugin.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Why the machine stopped; main turns this into the exit status. */
enum vmm_stop_reason {
	VMM_STOP_NONE = 0,
	VMM_STOP_HALT, /* every vCPU halted with no interrupt possible: 0 */
	VMM_STOP_EXIT, /* a device asked: its status */
	VMM_STOP_FAULT, /* guest fault: 3 */
	VMM_STOP_ERROR, /* strict-mode miss or host failure: 1 */
	VMM_STOP_TIMEOUT, /* --timeout: 124 */
	VMM_STOP_SIGNAL, /* SIGINT/SIGTERM: 130 */
};

/* I/O exits by kind, for the statistics. */
enum vmm_io_kind {
	VMM_IO_PIO_IN,
	VMM_IO_PIO_OUT,
	VMM_IO_MMIO_READ,
	VMM_IO_MMIO_WRITE,
	VMM_NR_IO_KINDS
};

/* Exits of one kind to one device: how many, and the host time they took
 * (collected only when vm->collect_stats is set). */
struct vmm_io_stat {
	uint64_t count[VMM_NR_IO_KINDS];
	uint64_t ns[VMM_NR_IO_KINDS];
};

/* Other exits of one vCPU. */
enum vmm_stat {
	VMM_STAT_UNMAPPED, /* I/O nobody took */
	VMM_STAT_HLT,
	VMM_STAT_OTHER, /* faults and failures */
	VMM_NR_STATS
};

struct vmm_vcpu {
	struct vmm_vm *vm;
	/* For the inline I/O paths (vcpu.h): the bus's port map, one load
	 * nearer, and the MMIO range this vCPU used last (NULL at first). */
	const struct vmm_pio_port *pio_map;
	const struct vmm_io_range *mmio_hint;
	unsigned index;
	void *accel; /* the accelerator's per-vCPU state */
	pthread_t thread;
	bool halted;
	/* Statistics, written only by the thread running this vCPU. */
	uint64_t stats[VMM_NR_STATS];
	struct vmm_io_stat *io_stats; /* [1 + device index]; [0]: nobody
				      * (the range's slot) */
	uint64_t run_ns; /* inside KVM_RUN / uc_emu_start */
	uint64_t exit_ns; /* handling I/O exits */
};

struct vmm_vm {
	const struct vmm_config *cfg;
	const struct vmm_accel_ops *accel;
	void *accel_priv; /* the accelerator's per-VM state */

	uint8_t *ram; /* one mmap, shared by the accelerator */
	uint64_t ram_size;
	struct vmm_boot_layout layout;

	struct vmm_iobus *bus;
	struct vmm_device_env env;
	struct vmm_plugin **plugins; /* one per distinct type */
	size_t n_plugins;
	struct vmm_device **devices; /* in machine-file order */
	size_t n_devices;

	struct vmm_vcpu *vcpus;
	unsigned n_vcpus;
	/* Count exits per device and time them (--stats, -v). Off, the I/O
	 * paths skip both, so statistics cost nothing unless asked for. */
	bool collect_stats;

	/* Stopping: the first reason recorded wins. */
	_Atomic int stop_reason; /* enum vmm_stop_reason */
	int exit_status; /* for VMM_STOP_EXIT */
	atomic_uint running; /* vCPUs not halted */
	int done_fd; /* eventfd: a runner thread finished */
	atomic_uint unmapped_warnings; /* rate limit for the -v warning */
};

/*
 * Build the machine @cfg describes with accelerator @accel (already chosen):
 * guest RAM, plugins from @pp, devices, images, boot tables, accelerator VM
 * and vCPUs. Returns 0 and *@out or -errno after printing why (file, line
 * and key where the machine file is at fault). Nothing runs yet.
 */
int vmm_vm_create(const struct vmm_config *cfg,
		  const struct vmm_accel_ops *accel,
		  const struct vmm_plugin_path *pp, struct vmm_vm **out);

/*
 * Run every vCPU until the machine stops; returns the stop reason. vCPUs run
 * on threads of their own (kvm: one each; tcg: one for all, round-robin)
 * while the calling thread waits for them, for SIGINT/SIGTERM and for
 * @timeout_ms (0: none). SIGINT and SIGTERM are blocked in the calling
 * thread while this runs and consumed here.
 */
enum vmm_stop_reason vmm_vm_run(struct vmm_vm *vm, uint64_t timeout_ms);

/* The exit status main should return for @reason. */
int vmm_vm_exit_status(const struct vmm_vm *vm, enum vmm_stop_reason reason);

/* Ask the machine to stop for @reason (first caller wins); any thread,
 * async-signal-safe except for the kick of vCPUs. */
void vmm_vm_request_stop(struct vmm_vm *vm, enum vmm_stop_reason reason,
			 int status);

/* Destroy devices (flushing their output), vCPUs, accelerator, RAM. */
void vmm_vm_destroy(struct vmm_vm *vm);

/* Print the exit statistics on stderr: per device and exit kind the count
 * and host time, per vCPU the time in the accelerator against the time in
 * plugvm. @wall_ns: how long the machine ran. */
void vmm_vm_print_stats(const struct vmm_vm *vm, uint64_t wall_ns);

/* CLOCK_MONOTONIC in nanoseconds. */
static inline uint64_t vmm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* True once a stop was requested. */
static inline bool vmm_vm_stopping(const struct vmm_vm *vm)
{
	return atomic_load_explicit(&vm->stop_reason, memory_order_relaxed) !=
	       VMM_STOP_NONE;
}

#endif
