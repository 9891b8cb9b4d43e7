// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stats.c - the exit statistics of a machine that ran (--stats, -v).
 */
#include "config.h"

#include "vm.h"

#include "log.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const io_kind_names[VMM_NR_IO_KINDS] = {
	[VMM_IO_PIO_IN] = "port in",
	[VMM_IO_PIO_OUT] = "port out",
	[VMM_IO_MMIO_READ] = "mmio read",
	[VMM_IO_MMIO_WRITE] = "mmio write",
};

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

void vmm_vm_print_stats(const struct vmm_vm *vm, uint64_t wall_ns)
{
	bool kvm = !strcmp(vm->accel->name, "kvm");
	struct vmm_log_block b;
	/* Asked for (--stats or -v): shown at every verbosity. */
	FILE *f = vmm_log_block_begin(&b, PLUGVM_LOG_ERROR);

	if (!f)
		return;
	fprintf(f, "exit statistics (accel %s, %u vCPU%s, %.3f ms):\n",
		vm->accel->name, vm->n_vcpus, vm->n_vcpus > 1 ? "s" : "",
		ms(wall_ns));
	fprintf(f, "  %-12s %-10s %12s %12s %10s\n", "device", "exit", "count",
		"host ms", "ns/exit");
	/* The devices in machine order, then accesses nobody took. */
	for (size_t s = 1; s <= vm->n_devices + 1; s++) {
		size_t d = s % (vm->n_devices + 1);
		const char *name = d ? vm->devices[d - 1]->id : "(nobody)";

		for (int k = 0; k < VMM_NR_IO_KINDS; k++) {
			uint64_t n = 0, ns = 0;

			for (unsigned i = 0; i < vm->n_vcpus; i++) {
				n += vm->vcpus[i].io_stats[d].count[k];
				ns += vm->vcpus[i].io_stats[d].ns[k];
			}
			if (!n)
				continue;
			fprintf(f,
				"  %-12s %-10s %12" PRIu64 " %12.3f %10.0f\n",
				name, io_kind_names[k], n, ms(ns),
				(double)ns / (double)n);
		}
	}
	for (unsigned i = 0; i < vm->n_vcpus; i++) {
		const struct vmm_vcpu *v = &vm->vcpus[i];

		fprintf(f, "  vCPU %u: %" PRIu64 " hlt, %" PRIu64 " irq, ", i,
			v->stats[VMM_STAT_HLT], v->stats[VMM_STAT_IRQ]);
		if (v->sink.borrowed)
			fprintf(f, "%" PRIu64 " of them from HLT on the event thread, ",
				v->sink.borrowed);
		fprintf(f, "%" PRIu64 " unmapped, %" PRIu64 " other; ",
			v->stats[VMM_STAT_UNMAPPED], v->stats[VMM_STAT_OTHER]);
		if (kvm)
			fprintf(f,
				"%.3f ms in KVM_RUN, %.3f ms in plugvm's exit "
				"handling\n",
				ms(v->sink.run_ns), ms(v->exit_ns));
		else
			fprintf(f,
				"%.3f ms running the guest, %.3f ms in "
				"plugvm's exit handling\n",
				ms(v->sink.run_ns > v->exit_ns
					   ? v->sink.run_ns - v->exit_ns
					   : 0),
				ms(v->exit_ns));
	}
	vmm_log_block_end(&b);
}
