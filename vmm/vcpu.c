// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vcpu.c - a vCPU and the exit handler shared by every accelerator.
 *
 * accel->vcpu_run() runs the guest until it needs the host and describes
 * why in a struct vmm_exit; the handler here (the vCPU's exit sink) routes
 * I/O to the owning device through the iobus and decides what every other
 * exit means. tcg calls the sink from its I/O hooks and kvm from inside
 * vcpu_run(), so both accelerators share this one path. What the machine
 * must hear of (a halt, a stop) goes up through the vCPU's events.
 */
#include "config.h"

#include "vcpu.h"

#include "log.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Unmapped accesses reported with -v before the warning goes quiet. */
#define UNMAPPED_WARN_LIMIT 10

static const char *const io_result_names[] = {
	[VMM_IO_OK] = "ok",
	[VMM_IO_UNMAPPED] = "unmapped",
	[VMM_IO_STRADDLE] = "straddles the end of its range",
	[VMM_IO_BAD_SIZE] = "has a size the device does not accept",
};

static struct vmm_vcpu *sink_vcpu(struct vmm_exit_sink *sink)
{
	return (struct vmm_vcpu *)((char *)sink -
				   offsetof(struct vmm_vcpu, sink));
}

static bool stopping(const struct vmm_vcpu *vcpu)
{
	return vmm_exit_stopping(&vcpu->sink);
}

static enum vmm_exit_action request_stop(struct vmm_vcpu *vcpu,
					 enum vmm_stop_reason reason)
{
	vcpu->events->stop(vcpu->ctx, reason);
	return VMM_ACTION_STOP;
}

/* Print the vCPU's registers after a fault; best effort. */
static void dump_regs(struct vmm_vcpu *vcpu)
{
	struct vmm_log_block b;
	struct vmm_regs regs;
	FILE *f;

	if (vcpu->accel->get_regs(vcpu->accel_vcpu, &regs))
		return;
	f = vmm_log_block_begin(&b, PLUGVM_LOG_ERROR);
	if (!f)
		return;
	fprintf(f, "vCPU %u registers:\n", vcpu->index);
	vmm_regs_dump(f, &regs);
	vmm_log_block_end(&b);
}

/*
 * An access nobody could take. Strict machines stop with a guest fault;
 * others read all-ones and drop writes, with a rate-limited warning.
 */
static enum vmm_exit_action io_miss(struct vmm_vcpu *vcpu,
				    enum plugvm_space space, uint64_t addr,
				    unsigned size, bool is_write,
				    enum vmm_io_result res,
				    const struct vmm_io_range *r, uint64_t *value)
{
	const char *what = space == PLUGVM_SPACE_PIO ? "port" : "MMIO address";
	const char *owner = r && r->owner ? r->owner->name : NULL;

	vcpu->stats[VMM_STAT_UNMAPPED]++;
	if (vcpu->strict) {
		vmm_err("strict: guest %s of %u byte%s at %s 0x%" PRIx64
			" %s%s%s%s; stopping",
			is_write ? "write" : "read", size, size > 1 ? "s" : "",
			what, addr, io_result_names[res], owner ? " (" : "",
			owner ? owner : "", owner ? ")" : "");
		dump_regs(vcpu);
		return request_stop(vcpu, VMM_STOP_FAULT);
	}
	if (!is_write)
		*value = vmm_io_mask(size);	/* all-ones */
	if (vmm_log_enabled(PLUGVM_LOG_INFO)) { /* warnings, but only with -v */
		unsigned n = atomic_fetch_add(vcpu->unmapped_warnings, 1);

		if (n < UNMAPPED_WARN_LIMIT)
			vmm_warn("guest %s of %u byte%s at %s 0x%" PRIx64
				 " %s%s%s%s: %s",
				 is_write ? "write" : "read", size,
				 size > 1 ? "s" : "", what, addr,
				 io_result_names[res], owner ? " (" : "",
				 owner ? owner : "", owner ? ")" : "",
				 is_write ? "dropped" : "reads all-ones");
		else if (n == UNMAPPED_WARN_LIMIT)
			vmm_warn("further accesses to unmapped addresses are not reported");
	}
	return VMM_ACTION_CONTINUE;
}

/* Little-endian loads and stores of 1, 2 or 4 bytes, without a call to
 * memcpy() for a size only known at run time. */
static inline uint64_t load_io(const uint8_t *p, unsigned size)
{
	uint32_t v4;
	uint16_t v2;

	switch (size) {
	case 1:
		return *p;
	case 2:
		memcpy(&v2, p, 2);
		return v2;
	default:
		memcpy(&v4, p, 4);
		return v4;
	}
}

static inline void store_io(uint8_t *p, unsigned size, uint64_t v)
{
	uint32_t v4 = (uint32_t)v;
	uint16_t v2 = (uint16_t)v;

	switch (size) {
	case 1:
		*p = (uint8_t)v;
		break;
	case 2:
		memcpy(p, &v2, 2);
		break;
	default:
		memcpy(p, &v4, 4);
		break;
	}
}

/* Count an access to @r's owner (or to nobody) and its time since @t0,
 * when statistics are collected. */
static inline void account(struct vmm_vcpu *vcpu, const struct vmm_io_range *r,
			   enum vmm_io_kind kind, uint64_t t0)
{
	size_t slot = r && r->stat_slot < vcpu->n_stat_slots ? r->stat_slot : 0;
	struct vmm_io_stat *st = &vcpu->io_stats[slot];
	uint64_t dt;

	if (!vcpu->sink.collect_stats)
		return;
	dt = vmm_now_ns() - t0;
	st->count[kind]++;
	st->ns[kind] += dt;
	vcpu->exit_ns += dt;
}

/* Every element of a (rep) IN or OUT exit, until the machine stops. */
static enum vmm_exit_action handle_io(struct vmm_vcpu *vcpu,
				      struct vmm_exit *e)
{
	bool out = e->io.direction == VMM_IO_OUT;
	unsigned size = e->io.size;
	uint8_t *p = e->io.data;

	for (uint32_t i = 0; i < e->io.count; i++, p += size) {
		uint64_t v = out ? load_io(p, size) : 0;
		enum vmm_exit_action act =
			vmm_exit_pio(&vcpu->sink, e->io.port, size, out, &v);

		if (!out)
			store_io(p, size, v);
		/* A device asked to stop: no more elements reach it. */
		if (act == VMM_ACTION_STOP)
			return VMM_ACTION_STOP;
	}
	return VMM_ACTION_CONTINUE;
}

/*
 * The slow way of vmm_exit_pio() and vmm_exit_mmio() (the sink's io_slow,
 * see exit.h). An access the bus refused (nobody there, or one that runs
 * past its range's end) is counted once, as unmapped: never as an access
 * to the range's owner, which was not called.
 */
static enum vmm_exit_action exit_slow(struct vmm_exit_sink *sink,
				      enum plugvm_space space, uint64_t addr,
				      unsigned size, bool is_write,
				      uint64_t *value)
{
	static const enum vmm_io_kind kinds[2][2] = {
		[PLUGVM_SPACE_PIO] = { VMM_IO_PIO_IN, VMM_IO_PIO_OUT },
		[PLUGVM_SPACE_MMIO] = { VMM_IO_MMIO_READ, VMM_IO_MMIO_WRITE },
	};
	struct vmm_vcpu *vcpu = sink_vcpu(sink);
	uint64_t t0 = sink->collect_stats ? vmm_now_ns() : 0;
	const struct vmm_io_range *r;
	enum vmm_io_result res;

	res = vmm_iobus_access(vcpu->bus, space, addr, size, is_write, value,
			       &r);
	if (space == PLUGVM_SPACE_MMIO && r)
		sink->mmio_hint = r;
	if (res != VMM_IO_OK && io_miss(vcpu, space, addr, size, is_write, res,
					r, value) == VMM_ACTION_STOP)
		return VMM_ACTION_STOP;
	account(vcpu, res == VMM_IO_OK ? r : NULL, kinds[space][is_write], t0);
	return stopping(vcpu) ? VMM_ACTION_STOP : VMM_ACTION_CONTINUE;
}

static enum vmm_exit_action handle_mmio(struct vmm_vcpu *vcpu,
					struct vmm_exit *e)
{
	unsigned len = e->mmio.len;
	bool is_write = e->mmio.is_write;
	enum vmm_exit_action act;
	uint64_t v = 0;

	if (len == 0 || len > 8) {
		vmm_err("vCPU %u: MMIO exit with length %u at 0x%" PRIx64,
			vcpu->index, len, e->mmio.phys_addr);
		return request_stop(vcpu, VMM_STOP_ERROR);
	}
	if (is_write)
		memcpy(&v, e->mmio.data, len);
	act = vmm_exit_mmio(&vcpu->sink, e->mmio.phys_addr, len, is_write,
			    &v);
	if (!is_write)
		memcpy(e->mmio.data, &v, len);
	return act;
}

/* Say "vCPU N: @what@fmt...", dump the registers, and stop for @why. */
static enum vmm_exit_action stop_saying(struct vmm_vcpu *vcpu,
					enum vmm_stop_reason why,
					const char *what, const char *fmt,
					va_list ap)
{
	char msg[256];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	vmm_err("vCPU %u: %s%s", vcpu->index, what, msg);
	dump_regs(vcpu);
	return request_stop(vcpu, why);
}

/* A guest fault: say what happened, dump registers, stop with status 3. */
static enum vmm_exit_action guest_fault(struct vmm_vcpu *vcpu,
					const char *fmt, ...)
	PLUGVM_PRINTF(2, 3);

static enum vmm_exit_action guest_fault(struct vmm_vcpu *vcpu,
					const char *fmt, ...)
{
	enum vmm_exit_action act;
	va_list ap;

	va_start(ap, fmt);
	act = stop_saying(vcpu, VMM_STOP_FAULT, "guest fault: ", fmt, ap);
	va_end(ap);
	return act;
}

/* The accelerator failed in a way that is not the guest's doing: the
 * machine stops with VMM_STOP_ERROR (exit status 1). */
static enum vmm_exit_action host_failure(struct vmm_vcpu *vcpu,
					 const char *fmt, ...)
	PLUGVM_PRINTF(2, 3);

static enum vmm_exit_action host_failure(struct vmm_vcpu *vcpu,
					 const char *fmt, ...)
{
	enum vmm_exit_action act;
	va_list ap;

	va_start(ap, fmt);
	act = stop_saying(vcpu, VMM_STOP_ERROR, "", fmt, ap);
	va_end(ap);
	return act;
}

enum vmm_exit_action vmm_vcpu_handle_exit(struct vmm_vcpu *vcpu,
					  struct vmm_exit *e)
{
	switch (e->reason) {
	case VMM_EXIT_IO:
		return handle_io(vcpu, e);
	case VMM_EXIT_MMIO:
		return handle_mmio(vcpu, e);
	case VMM_EXIT_HLT:
		vcpu->stats[VMM_STAT_HLT]++;
		/* An interrupt controller: the accelerator waits for it. */
		if (vcpu->irqchip)
			return stopping(vcpu) ? VMM_ACTION_STOP
					      : VMM_ACTION_CONTINUE;
		/* None: nothing can wake a halted vCPU. */
		vcpu->halted = true;
		vcpu->events->halted(vcpu->ctx, vcpu);
		return VMM_ACTION_STOP;
	case VMM_EXIT_INTR:
		return stopping(vcpu) ? VMM_ACTION_STOP : VMM_ACTION_CONTINUE;
	case VMM_EXIT_YIELD:
	case VMM_EXIT_NONE:
		return VMM_ACTION_CONTINUE;
	case VMM_EXIT_SHUTDOWN:
		vcpu->stats[VMM_STAT_OTHER]++;
		if (vcpu->shutdown_is_reboot) {
			vmm_info("vCPU %u: triple fault: the guest reboots; plugvm stops the machine (status 0)",
				 vcpu->index);
			return request_stop(vcpu, VMM_STOP_REBOOT);
		}
		return guest_fault(vcpu, "triple fault (shutdown)");
	case VMM_EXIT_EXCEPTION:
		vcpu->stats[VMM_STAT_OTHER]++;
		/* VMM_EXC_FETCH_OUTSIDE_RAM, VMM_EXC_ENGINE_ERROR: no x86
		 * vector, a description of their own */
		if (e->exception.vector >= VMM_EXC_FETCH_OUTSIDE_RAM)
			return guest_fault(vcpu, "%s at 0x%" PRIx64,
					   e->exception.what,
					   e->exception.address);
		return guest_fault(vcpu, "unhandled exception %u (%s)",
				   e->exception.vector, e->exception.what);
	case VMM_EXIT_FAIL_ENTRY:
		vcpu->stats[VMM_STAT_OTHER]++;
		return host_failure(vcpu,
				    "the CPU refused to enter the guest (hardware entry failure reason 0x%" PRIx64
				    ")",
				    e->fail_entry.hardware_entry_failure_reason);
	case VMM_EXIT_INTERNAL_ERROR:
		vcpu->stats[VMM_STAT_OTHER]++;
		return host_failure(vcpu,
				    "the accelerator could not go on (internal error, suberror %u)",
				    e->internal.suberror);
	case VMM_EXIT_UNKNOWN:
	default:
		vcpu->stats[VMM_STAT_OTHER]++;
		return host_failure(vcpu, "unexpected exit reason %u",
				    e->unknown.code);
	}
}

static enum vmm_exit_action sink_handle(struct vmm_exit_sink *sink,
					struct vmm_exit *e)
{
	return vmm_vcpu_handle_exit(sink_vcpu(sink), e);
}

/* INTA (the sink's inta): the controller's vector, counted. */
static uint8_t sink_inta(struct vmm_exit_sink *sink)
{
	struct vmm_vcpu *vcpu = sink_vcpu(sink);

	vcpu->stats[VMM_STAT_IRQ]++;
	return vcpu->inta(vcpu->inta_ctx, vcpu->index);
}

int vmm_vcpu_init(struct vmm_vcpu *vcpu, const struct vmm_vcpu_config *cfg)
{
	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->sink.pio_map = vmm_iobus_pio_map(cfg->bus);
	vcpu->sink.stop_flag = cfg->stop_flag;
	vcpu->sink.handle = sink_handle;
	vcpu->sink.io_slow = exit_slow;
	vcpu->index = cfg->index;
	vcpu->bus = cfg->bus;
	vcpu->accel = cfg->accel;
	vcpu->strict = cfg->strict;
	vcpu->unmapped_warnings = cfg->unmapped_warnings;
	vcpu->events = cfg->events;
	vcpu->ctx = cfg->ctx;
	vcpu->irqchip = cfg->irqchip;
	vcpu->shutdown_is_reboot = cfg->shutdown_is_reboot;
	vcpu->inta = cfg->inta;
	vcpu->inta_ctx = cfg->inta_ctx;
	vcpu->sink.inta = cfg->inta ? sink_inta : NULL;
	vcpu->n_stat_slots = cfg->n_stat_slots ? cfg->n_stat_slots : 1;
	vcpu->io_stats = calloc(vcpu->n_stat_slots, sizeof(*vcpu->io_stats));
	if (!vcpu->io_stats)
		return -ENOMEM;
	return cfg->accel->vcpu_create(cfg->accel_vm, cfg->index, &vcpu->sink,
				       cfg->regs, &vcpu->accel_vcpu);
}

void vmm_vcpu_destroy(struct vmm_vcpu *vcpu)
{
	if (vcpu->accel_vcpu)
		vcpu->accel->vcpu_destroy(vcpu->accel_vcpu);
	vcpu->accel_vcpu = NULL;
	free(vcpu->io_stats);
	vcpu->io_stats = NULL;
}

void vmm_vcpu_kick(struct vmm_vcpu *vcpu)
{
	if (vcpu->accel_vcpu)
		vcpu->accel->kick(vcpu->accel_vcpu);
}

enum vmm_exit_action vmm_vcpu_run_once(struct vmm_vcpu *vcpu)
{
	struct vmm_exit e;

	memset(&e, 0, sizeof(e));
	if (vcpu->accel->vcpu_run(vcpu->accel_vcpu, &e))
		return request_stop(vcpu, VMM_STOP_ERROR);
	return vmm_vcpu_handle_exit(vcpu, &e);
}

/* Run @vcpu until it halts or the machine stops. */
void vmm_vcpu_loop(struct vmm_vcpu *vcpu)
{
	while (!stopping(vcpu))
		if (vmm_vcpu_run_once(vcpu) == VMM_ACTION_STOP)
			break;
}
