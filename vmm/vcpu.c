// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vcpu.c - the exit loop shared by every accelerator.
 *
 * accel->vcpu_run() runs the guest until it needs the host and describes
 * why in a struct vmm_exit; vmm_exit_handle() routes I/O to the owning
 * device through the iobus and decides what every other exit means. tcg
 * calls vmm_exit_handle() from its I/O hooks, so both accelerators share
 * this one path.
 */
#include "config.h"

#include "vcpu.h"

#include "log.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Unmapped accesses reported with -v before the warning goes quiet. */
#define UNMAPPED_WARN_LIMIT 10

static const char *const io_result_names[] = {
	[VMM_IO_OK] = "ok",
	[VMM_IO_UNMAPPED] = "unmapped",
	[VMM_IO_STRADDLE] = "straddles the end of its range",
	[VMM_IO_BAD_SIZE] = "has a size the device does not accept",
};

/* Print the vCPU's registers after a fault; best effort. */
static void dump_regs(struct vmm_vcpu *vcpu)
{
	struct vmm_log_block b;
	struct vmm_regs regs;
	FILE *f;

	if (vcpu->vm->accel->get_regs(vcpu, &regs))
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
	struct vmm_vm *vm = vcpu->vm;
	const char *what = space == PLUGVM_SPACE_PIO ? "port" : "MMIO address";
	const char *owner = r && r->dev ? r->dev->id : NULL;

	vcpu->stats[VMM_STAT_UNMAPPED]++;
	if (vm->cfg->strict) {
		vmm_err("strict: guest %s of %u byte%s at %s 0x%" PRIx64
			" %s%s%s%s; stopping",
			is_write ? "write" : "read", size, size > 1 ? "s" : "",
			what, addr, io_result_names[res], owner ? " (" : "",
			owner ? owner : "", owner ? ")" : "");
		dump_regs(vcpu);
		vmm_vm_request_stop(vm, VMM_STOP_FAULT, 0);
		return VMM_EXIT_STOP;
	}
	if (!is_write)
		*value = vmm_io_mask(size);	/* all-ones */
	if (vmm_log_enabled(PLUGVM_LOG_INFO)) { /* warnings, but only with -v */
		unsigned n = atomic_fetch_add(&vm->unmapped_warnings, 1);

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
	return VMM_EXIT_CONTINUE;
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
	struct vmm_io_stat *st = &vcpu->io_stats[r ? r->slot : 0];
	uint64_t dt;

	if (!vcpu->vm->collect_stats)
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
			vmm_exit_pio(vcpu, e->io.port, size, out, &v);

		if (!out)
			store_io(p, size, v);
		/* A device asked to stop: no more elements reach it. */
		if (act == VMM_EXIT_STOP)
			return VMM_EXIT_STOP;
	}
	return VMM_EXIT_CONTINUE;
}

/* The slow way of vmm_exit_pio() and vmm_exit_mmio() (see vcpu.h). */
static enum vmm_exit_action exit_slow(struct vmm_vcpu *vcpu,
				      enum plugvm_space space, uint64_t addr,
				      unsigned size, bool is_write,
				      uint64_t *value)
{
	static const enum vmm_io_kind kinds[2][2] = {
		[PLUGVM_SPACE_PIO] = { VMM_IO_PIO_IN, VMM_IO_PIO_OUT },
		[PLUGVM_SPACE_MMIO] = { VMM_IO_MMIO_READ, VMM_IO_MMIO_WRITE },
	};
	struct vmm_vm *vm = vcpu->vm;
	uint64_t t0 = vm->collect_stats ? vmm_now_ns() : 0;
	const struct vmm_io_range *r;
	enum vmm_io_result res;

	res = vmm_iobus_access(vm->bus, space, addr, size, is_write, value,
			       &r);
	if (space == PLUGVM_SPACE_MMIO && r)
		vcpu->mmio_hint = r;
	if (res != VMM_IO_OK && io_miss(vcpu, space, addr, size, is_write, res,
					r, value) == VMM_EXIT_STOP)
		return VMM_EXIT_STOP;
	account(vcpu, r, kinds[space][is_write], t0);
	return vmm_vm_stopping(vm) ? VMM_EXIT_STOP : VMM_EXIT_CONTINUE;
}

enum vmm_exit_action vmm_exit_pio_slow(struct vmm_vcpu *vcpu, uint64_t port,
				       unsigned size, bool out, uint64_t *value)
{
	return exit_slow(vcpu, PLUGVM_SPACE_PIO, port, size, out, value);
}

enum vmm_exit_action vmm_exit_mmio_slow(struct vmm_vcpu *vcpu, uint64_t addr,
					unsigned size, bool is_write,
					uint64_t *value)
{
	return exit_slow(vcpu, PLUGVM_SPACE_MMIO, addr, size, is_write, value);
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
		vmm_vm_request_stop(vcpu->vm, VMM_STOP_ERROR, 0);
		return VMM_EXIT_STOP;
	}
	if (is_write)
		memcpy(&v, e->mmio.data, len);
	act = vmm_exit_mmio(vcpu, e->mmio.phys_addr, len, is_write, &v);
	if (!is_write)
		memcpy(e->mmio.data, &v, len);
	return act;
}

/* A guest fault: say what happened, dump registers, stop with status 3. */
static enum vmm_exit_action guest_fault(struct vmm_vcpu *vcpu,
					const char *fmt, ...)
	PLUGVM_PRINTF(2, 3);

static enum vmm_exit_action guest_fault(struct vmm_vcpu *vcpu,
					const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vmm_err("vCPU %u: guest fault: %s", vcpu->index, msg);
	dump_regs(vcpu);
	vmm_vm_request_stop(vcpu->vm, VMM_STOP_FAULT, 0);
	return VMM_EXIT_STOP;
}

/* The accelerator failed in a way that is not the guest's doing. */
static enum vmm_exit_action host_failure(struct vmm_vcpu *vcpu,
					 const char *fmt, ...)
	PLUGVM_PRINTF(2, 3);

static enum vmm_exit_action host_failure(struct vmm_vcpu *vcpu,
					 const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vmm_err("vCPU %u: %s", vcpu->index, msg);
	dump_regs(vcpu);
	vmm_vm_request_stop(vcpu->vm, VMM_STOP_FAULT, 0);
	return VMM_EXIT_STOP;
}

enum vmm_exit_action vmm_exit_handle(struct vmm_vcpu *vcpu,
				     struct vmm_exit *e)
{
	switch (e->reason) {
	case VMM_EXIT_IO:
		return handle_io(vcpu, e);
	case VMM_EXIT_MMIO:
		return handle_mmio(vcpu, e);
	case VMM_EXIT_HLT:
		/* No interrupt controller yet: nothing can wake a halted vCPU. */
		vcpu->stats[VMM_STAT_HLT]++;
		vcpu->halted = true;
		vmm_vcpu_halted(vcpu);
		return VMM_EXIT_STOP;
	case VMM_EXIT_INTR:
		return vmm_vm_stopping(vcpu->vm) ? VMM_EXIT_STOP
						 : VMM_EXIT_CONTINUE;
	case VMM_EXIT_YIELD:
	case VMM_EXIT_NONE:
		return VMM_EXIT_CONTINUE;
	case VMM_EXIT_SHUTDOWN:
		vcpu->stats[VMM_STAT_OTHER]++;
		return guest_fault(vcpu, "triple fault (shutdown)");
	case VMM_EXIT_EXCEPTION:
		vcpu->stats[VMM_STAT_OTHER]++;
		if (e->exception.vector >= 256)
			return guest_fault(vcpu, "%s at 0x%" PRIx64,
					   e->exception.what,
					   e->exception.address);
		return guest_fault(vcpu, "unhandled exception %u (%s)",
				   e->exception.vector, e->exception.what);
	case VMM_EXIT_FAIL_ENTRY:
		return host_failure(vcpu,
				    "the CPU refused to enter the guest (hardware entry failure reason 0x%" PRIx64
				    ")",
				    e->fail_entry.hardware_entry_failure_reason);
	case VMM_EXIT_INTERNAL_ERROR:
		return host_failure(vcpu,
				    "the accelerator could not go on (internal error, suberror %u)",
				    e->internal.suberror);
	case VMM_EXIT_UNKNOWN:
	default:
		return host_failure(vcpu, "unexpected exit reason %u",
				    e->unknown.code);
	}
}

/* Run @vcpu until it halts or the machine stops. */
void vmm_vcpu_loop(struct vmm_vcpu *vcpu)
{
	struct vmm_vm *vm = vcpu->vm;
	struct vmm_exit e;

	while (!vmm_vm_stopping(vm)) {
		memset(&e, 0, sizeof(e));
		if (vm->accel->vcpu_run(vcpu, &e)) {
			vmm_vm_request_stop(vm, VMM_STOP_ERROR, 0);
			break;
		}
		if (vmm_exit_handle(vcpu, &e) == VMM_EXIT_STOP)
			break;
	}
}
