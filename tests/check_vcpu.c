// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_vcpu.c - the exit handler, driven with synthetic exits.
 *
 * As Firecracker tests its vCPU: no accelerator runs a guest here. A fake
 * accelerator answers get_regs() (for the register dumps) and vcpu_run()
 * with whatever exit a test sets up; the events the vCPU reports upward are
 * recorded; the bus is the real one, with recording devices on it. Each
 * test hands vmm_vcpu_handle_exit() (or the sink an accelerator gets) one
 * exit record and checks what the devices saw, what was reported and the
 * action returned. Runs without /dev/kvm and without Unicorn running.
 */
#include "config.h"

#include "exit.h"
#include "iobus.h"
#include "vcpu.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- recording devices ---------------------------------------------- */

#define MAX_CALLS 16

struct call {
	uint64_t offset, value;
	unsigned size;
	bool is_write;
};

struct dev {
	struct call calls[MAX_CALLS];
	unsigned n;
	uint64_t answer; /* what reads return */
	unsigned stop_after; /* nonzero: ask the machine to stop on call n */
};

static _Atomic int stop_flag;
static struct dev pio_dev, stop_dev, mmio_dev, byte_dev;

static void note(struct dev *d, uint64_t offset, unsigned size, bool is_write,
		 uint64_t value)
{
	if (d->n < MAX_CALLS)
		d->calls[d->n] = (struct call){ offset, value, size, is_write };
	d->n++;
	if (d->stop_after && d->n == d->stop_after)
		atomic_store(&stop_flag, VMM_STOP_DEVICE_EXIT);
}

static uint64_t dev_read(void *opaque, uint64_t offset, unsigned size)
{
	struct dev *d = opaque;

	note(d, offset, size, false, 0);
	return d->answer + d->n - 1; /* each read a different value */
}

static void dev_write(void *opaque, uint64_t offset, unsigned size,
		      uint64_t value)
{
	note(opaque, offset, size, true, value);
}

static const struct plugvm_io_ops pio_ops = {
	.read = dev_read, .write = dev_write,
	.sizes = PLUGVM_ACCESS_1 | PLUGVM_ACCESS_2 | PLUGVM_ACCESS_4,
};
static const struct plugvm_io_ops any_ops = {
	.read = dev_read, .write = dev_write, .sizes = PLUGVM_ACCESS_ANY,
};
static const struct plugvm_io_ops byte_ops = {
	.read = dev_read, .write = dev_write, .sizes = PLUGVM_ACCESS_1,
};

#define PIO_BASE 0x10 /* pio_dev: 0x10-0x13, statistics slot 1 */
#define STOP_PORT 0x99 /* stop_dev, slot 2 */
#define MMIO_BASE 0xd0000000ull /* mmio_dev: 0x100 bytes, slot 3 */
#define BYTE_BASE 0xd0001000ull /* byte_dev: 0x10 bytes, 1-byte only */
#define NOBODY_PORT 0x200
#define N_SLOTS 4

static struct vmm_io_owner owners[] = {
	{ .name = "pio", .stat_slot = 1 },
	{ .name = "stop", .stat_slot = 2 },
	{ .name = "mmio", .stat_slot = 3 },
	{ .name = "byte", .stat_slot = 0 },
};

/* ---- the fake accelerator ------------------------------------------- */

static struct accel_vcpu *const fake_accel_vcpu = (void *)&fake_accel_vcpu;
static struct {
	unsigned created, destroyed, get_regs, kicks, runs;
	int create_error; /* vcpu_create's answer */
	int run_error; /* vcpu_run's answer */
	struct vmm_exit next; /* what vcpu_run reports */
	struct vmm_exit_sink *sink;
} fake;

static int fake_vcpu_create(struct accel_vm *vm, unsigned index,
			    struct vmm_exit_sink *sink,
			    const struct vmm_regs *regs,
			    struct accel_vcpu **out)
{
	(void)vm;
	(void)index;
	ck_assert_uint_eq(regs->rip, 0x1000);
	fake.created++;
	fake.sink = sink;
	if (fake.create_error)
		return fake.create_error;
	*out = fake_accel_vcpu;
	return 0;
}

static void fake_vcpu_destroy(struct accel_vcpu *v)
{
	ck_assert_ptr_eq(v, fake_accel_vcpu);
	fake.destroyed++;
}

static int fake_vcpu_run(struct accel_vcpu *v, struct vmm_exit *exit)
{
	ck_assert_ptr_eq(v, fake_accel_vcpu);
	fake.runs++;
	*exit = fake.next;
	return fake.run_error;
}

static int fake_get_regs(struct accel_vcpu *v, struct vmm_regs *regs)
{
	ck_assert_ptr_eq(v, fake_accel_vcpu);
	fake.get_regs++;
	memset(regs, 0, sizeof(*regs));
	regs->rip = 0x1234;
	return 0;
}

static void fake_kick(struct accel_vcpu *v)
{
	ck_assert_ptr_eq(v, fake_accel_vcpu);
	fake.kicks++;
}

static const struct accel_ops fake_ops = {
	.name = "fake",
	.threaded = true,
	.vcpu_create = fake_vcpu_create,
	.vcpu_destroy = fake_vcpu_destroy,
	.vcpu_run = fake_vcpu_run,
	.get_regs = fake_get_regs,
	.kick = fake_kick,
};

/* ---- the events the vCPU reports -------------------------------------- */

static struct {
	unsigned halted, stops;
	enum vmm_stop_reason reason; /* of the last stop */
} seen;

static void ev_halted(void *ctx, struct vmm_vcpu *vcpu)
{
	ck_assert_ptr_eq(ctx, &seen);
	ck_assert(vcpu->halted);
	seen.halted++;
}

static void ev_stop(void *ctx, enum vmm_stop_reason reason)
{
	int none = VMM_STOP_NONE;

	ck_assert_ptr_eq(ctx, &seen);
	seen.stops++;
	seen.reason = reason;
	atomic_compare_exchange_strong(&stop_flag, &none, (int)reason);
}

static const struct vmm_vcpu_events events = {
	.halted = ev_halted,
	.stop = ev_stop,
};

/* ---- fixture ------------------------------------------------------ */

static struct vmm_iobus *bus;
static struct vmm_vcpu vcpu;
static atomic_uint warnings;

static void make_vcpu(bool strict)
{
	struct vmm_regs regs = { .rip = 0x1000 };
	struct vmm_vcpu_config cfg = {
		.index = 0,
		.bus = bus,
		.accel = &fake_ops,
		.regs = &regs,
		.stop_flag = &stop_flag,
		.strict = strict,
		.unmapped_warnings = &warnings,
		.n_stat_slots = N_SLOTS,
		.events = &events,
		.ctx = &seen,
	};

	ck_assert_int_eq(vmm_vcpu_init(&vcpu, &cfg), 0);
	ck_assert_ptr_eq(fake.sink, &vcpu.sink);
}

static void setup(void)
{
	memset(&fake, 0, sizeof(fake));
	memset(&seen, 0, sizeof(seen));
	memset(&pio_dev, 0, sizeof(pio_dev));
	memset(&stop_dev, 0, sizeof(stop_dev));
	memset(&mmio_dev, 0, sizeof(mmio_dev));
	memset(&byte_dev, 0, sizeof(byte_dev));
	atomic_store(&stop_flag, VMM_STOP_NONE);
	atomic_store(&warnings, 0);
	pio_dev.answer = 0x11223344;
	mmio_dev.answer = 0x0102030405060708ull;
	byte_dev.answer = 0xa0;
	stop_dev.stop_after = 2;
	bus = vmm_iobus_new();
	ck_assert_ptr_nonnull(bus);
	ck_assert_int_eq(vmm_iobus_register(bus, PLUGVM_SPACE_PIO, PIO_BASE, 4,
					    &pio_ops, &pio_dev, &owners[0]),
			 0);
	ck_assert_int_eq(vmm_iobus_register(bus, PLUGVM_SPACE_PIO, STOP_PORT,
					    1, &pio_ops, &stop_dev,
					    &owners[1]),
			 0);
	ck_assert_int_eq(vmm_iobus_register(bus, PLUGVM_SPACE_MMIO, MMIO_BASE,
					    0x100, &any_ops, &mmio_dev,
					    &owners[2]),
			 0);
	ck_assert_int_eq(vmm_iobus_register(bus, PLUGVM_SPACE_MMIO, BYTE_BASE,
					    0x10, &byte_ops, &byte_dev,
					    &owners[3]),
			 0);
	vmm_iobus_freeze(bus);
	make_vcpu(false);
}

static void teardown(void)
{
	vmm_vcpu_destroy(&vcpu);
	ck_assert_uint_eq(fake.destroyed, 1);
	vmm_iobus_free(bus);
}

static struct vmm_exit io_exit(uint8_t dir, uint8_t size, uint16_t port,
			       uint32_t count, uint8_t *data)
{
	struct vmm_exit e = { .reason = VMM_EXIT_IO };

	e.io.direction = dir;
	e.io.size = size;
	e.io.port = port;
	e.io.count = count;
	e.io.data = data;
	return e;
}

static struct vmm_exit mmio_exit(uint64_t addr, uint32_t len, bool is_write,
				 uint64_t value)
{
	struct vmm_exit e = { .reason = VMM_EXIT_MMIO };

	e.mmio.phys_addr = addr;
	e.mmio.len = len;
	e.mmio.is_write = is_write;
	memcpy(e.mmio.data, &value, sizeof(value));
	return e;
}

/* Handle a copy of @e (for exits whose written-back data nobody reads). */
static enum vmm_exit_action handle(struct vmm_exit e)
{
	return vmm_vcpu_handle_exit(&vcpu, &e);
}

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	memcpy(&v, p, n);
	return v;
}

/* Nothing was reported upward. */
static void assert_quiet(void)
{
	ck_assert_uint_eq(seen.stops, 0);
	ck_assert_uint_eq(seen.halted, 0);
	ck_assert_int_eq(atomic_load(&stop_flag), VMM_STOP_NONE);
}

/* ---- port I/O ------------------------------------------------------- */

START_TEST(test_io_out_each_size)
{
	uint8_t data[4] = { 0x41, 0x42, 0x43, 0x44 };

	ck_assert_int_eq(handle(io_exit(VMM_IO_OUT, 1, PIO_BASE, 1, data)),
			 VMM_ACTION_CONTINUE);
	ck_assert_int_eq(handle(io_exit(VMM_IO_OUT, 2, PIO_BASE + 2, 1, data)),
			 VMM_ACTION_CONTINUE);
	ck_assert_int_eq(handle(io_exit(VMM_IO_OUT, 4, PIO_BASE, 1, data)),
			 VMM_ACTION_CONTINUE);
	ck_assert_uint_eq(pio_dev.n, 3);
	ck_assert(pio_dev.calls[0].is_write);
	ck_assert_uint_eq(pio_dev.calls[0].offset, 0);
	ck_assert_uint_eq(pio_dev.calls[0].size, 1);
	ck_assert_uint_eq(pio_dev.calls[0].value, 0x41);
	ck_assert_uint_eq(pio_dev.calls[1].offset, 2);
	ck_assert_uint_eq(pio_dev.calls[1].size, 2);
	ck_assert_uint_eq(pio_dev.calls[1].value, 0x4241);
	ck_assert_uint_eq(pio_dev.calls[2].size, 4);
	ck_assert_uint_eq(pio_dev.calls[2].value, 0x44434241);
	assert_quiet();
}
END_TEST

START_TEST(test_io_in_written_back)
{
	uint8_t data[4] = { 0xee, 0xee, 0xee, 0xee };

	ck_assert_int_eq(handle(io_exit(VMM_IO_IN, 2, PIO_BASE + 1, 1, data)),
			 VMM_ACTION_CONTINUE);
	ck_assert_uint_eq(pio_dev.n, 1);
	ck_assert(!pio_dev.calls[0].is_write);
	ck_assert_uint_eq(pio_dev.calls[0].offset, 1);
	ck_assert_uint_eq(pio_dev.calls[0].size, 2);
	/* cut to 2 bytes; the rest of the buffer is not touched */
	ck_assert_uint_eq(le(data, 4), 0xeeee3344);
	assert_quiet();
}
END_TEST

START_TEST(test_io_rep_out)
{
	uint8_t data[8] = "abcdefgh";

	ck_assert_int_eq(handle(io_exit(VMM_IO_OUT, 2, PIO_BASE, 4, data)),
			 VMM_ACTION_CONTINUE);
	ck_assert_uint_eq(pio_dev.n, 4);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert(pio_dev.calls[i].is_write);
		ck_assert_uint_eq(pio_dev.calls[i].size, 2);
		ck_assert_uint_eq(pio_dev.calls[i].value, le(data + 2 * i, 2));
	}
	assert_quiet();
}
END_TEST

START_TEST(test_io_rep_in)
{
	uint8_t data[3] = { 0 };

	pio_dev.answer = 'x';
	ck_assert_int_eq(handle(io_exit(VMM_IO_IN, 1, PIO_BASE, 3, data)),
			 VMM_ACTION_CONTINUE);
	ck_assert_uint_eq(pio_dev.n, 3);
	ck_assert_mem_eq(data, "xyz", 3);
	assert_quiet();
}
END_TEST

/* A device that stops the machine mid rep outs sees no more elements. */
START_TEST(test_io_rep_device_stops)
{
	uint8_t data[5] = "12345";

	ck_assert_int_eq(handle(io_exit(VMM_IO_OUT, 1, STOP_PORT, 5, data)),
			 VMM_ACTION_STOP);
	ck_assert_uint_eq(stop_dev.n, 2);
	ck_assert_uint_eq(stop_dev.calls[1].value, '2');
	/* the device's own request, not a fault the vCPU reported */
	ck_assert_uint_eq(seen.stops, 0);
	ck_assert_int_eq(atomic_load(&stop_flag), VMM_STOP_DEVICE_EXIT);
}
END_TEST

/* The same through the inline path an accelerator's hook takes. */
START_TEST(test_pio_inline_path)
{
	uint64_t v = 0x77;

	ck_assert_int_eq(vmm_exit_pio(&vcpu.sink, PIO_BASE + 3, 1, true, &v),
			 VMM_ACTION_CONTINUE);
	ck_assert_uint_eq(pio_dev.n, 1);
	ck_assert_uint_eq(pio_dev.calls[0].offset, 3);
	ck_assert_uint_eq(pio_dev.calls[0].value, 0x77);
	v = 0;
	ck_assert_int_eq(vmm_exit_pio(&vcpu.sink, PIO_BASE, 4, false, &v),
			 VMM_ACTION_CONTINUE);
	ck_assert_uint_eq(v, 0x11223345);
	atomic_store(&stop_flag, VMM_STOP_SIGNAL);
	ck_assert_int_eq(vmm_exit_pio(&vcpu.sink, PIO_BASE, 1, true, &v),
			 VMM_ACTION_STOP);
}
END_TEST

/* ---- MMIO ------------------------------------------------------------ */

START_TEST(test_mmio_each_length)
{
	static const unsigned lens[] = { 1, 2, 4, 8 };

	for (unsigned i = 0; i < 4; i++) {
		struct vmm_exit e = mmio_exit(MMIO_BASE + 8 * i, lens[i], true,
					      0x1122334455667788ull);

		ck_assert_int_eq(handle(e), VMM_ACTION_CONTINUE);
		ck_assert_uint_eq(mmio_dev.calls[2 * i].offset, 8 * i);
		ck_assert_uint_eq(mmio_dev.calls[2 * i].size, lens[i]);
		ck_assert_uint_eq(mmio_dev.calls[2 * i].value,
				  0x1122334455667788ull &
					  (lens[i] == 8
						   ? ~0ull
						   : (1ull << (8 * lens[i])) - 1));
		e = mmio_exit(MMIO_BASE + 8 * i, lens[i], false,
			      0xeeeeeeeeeeeeeeeeull);
		ck_assert_int_eq(vmm_vcpu_handle_exit(&vcpu, &e),
				 VMM_ACTION_CONTINUE);
		ck_assert(!mmio_dev.calls[2 * i + 1].is_write);
		ck_assert_uint_eq(mmio_dev.calls[2 * i + 1].size, lens[i]);
		/* the read, cut to the length; the rest of data untouched */
		ck_assert_uint_eq(le(e.mmio.data, lens[i]),
				  (0x0102030405060708ull + 2 * i + 1) &
					  (lens[i] == 8
						   ? ~0ull
						   : (1ull << (8 * lens[i])) - 1));
		if (lens[i] < 8)
			ck_assert_uint_eq(e.mmio.data[lens[i]], 0xee);
	}
	ck_assert_uint_eq(mmio_dev.n, 8);
	assert_quiet();
}
END_TEST

/* kvm hands page-crossing accesses as 3, 5, 6 or 7 bytes: aligned pieces. */
START_TEST(test_mmio_odd_length_split)
{
	struct vmm_exit e = mmio_exit(MMIO_BASE + 1, 7, true,
				      0x00aabbccddeeff11ull);

	ck_assert_int_eq(handle(e), VMM_ACTION_CONTINUE);
	ck_assert_uint_eq(mmio_dev.n, 3); /* 1 at 1, 2 at 2, 4 at 4 */
	ck_assert_uint_eq(mmio_dev.calls[0].offset, 1);
	ck_assert_uint_eq(mmio_dev.calls[0].size, 1);
	ck_assert_uint_eq(mmio_dev.calls[0].value, 0x11);
	ck_assert_uint_eq(mmio_dev.calls[1].offset, 2);
	ck_assert_uint_eq(mmio_dev.calls[1].size, 2);
	ck_assert_uint_eq(mmio_dev.calls[1].value, 0xeeff);
	ck_assert_uint_eq(mmio_dev.calls[2].offset, 4);
	ck_assert_uint_eq(mmio_dev.calls[2].size, 4);
	ck_assert_uint_eq(mmio_dev.calls[2].value, 0x00aabbccdd);
	assert_quiet();
}
END_TEST

/* A range that takes bytes only gets a 4-byte read as four bytes. */
START_TEST(test_mmio_size_split_read)
{
	struct vmm_exit e = mmio_exit(BYTE_BASE, 4, false, 0);

	ck_assert_int_eq(vmm_vcpu_handle_exit(&vcpu, &e), VMM_ACTION_CONTINUE);
	ck_assert_uint_eq(byte_dev.n, 4);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_uint_eq(byte_dev.calls[i].offset, i);
		ck_assert_uint_eq(byte_dev.calls[i].size, 1);
	}
	ck_assert_uint_eq(le(e.mmio.data, 4), 0xa3a2a1a0);
	assert_quiet();
}
END_TEST

START_TEST(test_mmio_invalid_length)
{
	ck_assert_int_eq(handle(mmio_exit(MMIO_BASE, 0, true, 0)),
			 VMM_ACTION_STOP);
	ck_assert_uint_eq(seen.stops, 1);
	ck_assert_int_eq(seen.reason, VMM_STOP_ERROR);
	ck_assert_int_eq(handle(mmio_exit(MMIO_BASE, 9, false, 0)),
			 VMM_ACTION_STOP);
	ck_assert_uint_eq(seen.stops, 2);
	ck_assert_int_eq(seen.reason, VMM_STOP_ERROR);
	ck_assert_uint_eq(mmio_dev.n, 0);
}
END_TEST

/* ---- misses --------------------------------------------------------- */

START_TEST(test_lenient_miss)
{
	uint8_t data[2] = { 0, 0 };

	ck_assert_int_eq(handle(io_exit(VMM_IO_IN, 2, NOBODY_PORT, 1, data)),
			 VMM_ACTION_CONTINUE);
	ck_assert_uint_eq(le(data, 2), 0xffff);
	ck_assert_int_eq(handle(io_exit(VMM_IO_OUT, 1, NOBODY_PORT, 1, data)),
			 VMM_ACTION_CONTINUE);
	ck_assert_int_eq(handle(mmio_exit(0xe0000000ull, 4, false, 0)),
			 VMM_ACTION_CONTINUE);
	ck_assert_uint_eq(vcpu.stats[VMM_STAT_UNMAPPED], 3);
	ck_assert_uint_eq(fake.get_regs, 0);
	assert_quiet();
}
END_TEST

START_TEST(test_strict_miss)
{
	uint8_t data[1] = { 0 };

	vmm_vcpu_destroy(&vcpu);
	fake.destroyed = 0;
	make_vcpu(true);
	ck_assert_int_eq(handle(io_exit(VMM_IO_OUT, 1, NOBODY_PORT, 1, data)),
			 VMM_ACTION_STOP);
	ck_assert_uint_eq(seen.stops, 1);
	ck_assert_int_eq(seen.reason, VMM_STOP_FAULT);
	ck_assert_uint_eq(fake.get_regs, 1); /* the register dump */
	ck_assert_uint_eq(vcpu.stats[VMM_STAT_UNMAPPED], 1);
}
END_TEST

/*
 * A port write that runs past the end of its range is refused: the device
 * is not called, and --stats counts it once, as unmapped (nobody), not
 * also as a write to the device.
 */
START_TEST(test_straddle_counted_once)
{
	uint8_t data[4] = { 1, 2, 3, 4 };

	vcpu.sink.collect_stats = true;
	ck_assert_int_eq(handle(io_exit(VMM_IO_OUT, 4, PIO_BASE + 2, 1, data)),
			 VMM_ACTION_CONTINUE);
	ck_assert_uint_eq(pio_dev.n, 0);
	ck_assert_uint_eq(vcpu.stats[VMM_STAT_UNMAPPED], 1);
	ck_assert_uint_eq(vcpu.io_stats[1].count[VMM_IO_PIO_OUT], 0);
	ck_assert_uint_eq(vcpu.io_stats[0].count[VMM_IO_PIO_OUT], 1);
	/* an access that fits is counted for its device */
	ck_assert_int_eq(handle(io_exit(VMM_IO_OUT, 2, PIO_BASE + 2, 1, data)),
			 VMM_ACTION_CONTINUE);
	ck_assert_uint_eq(pio_dev.n, 1);
	ck_assert_uint_eq(vcpu.io_stats[1].count[VMM_IO_PIO_OUT], 1);
	ck_assert_uint_eq(vcpu.io_stats[0].count[VMM_IO_PIO_OUT], 1);
	ck_assert_uint_eq(vcpu.stats[VMM_STAT_UNMAPPED], 1);
	assert_quiet();
}
END_TEST

/* ---- every other exit ------------------------------------------------ */

START_TEST(test_hlt)
{
	ck_assert_int_eq(handle((struct vmm_exit){ .reason = VMM_EXIT_HLT }),
			 VMM_ACTION_STOP);
	ck_assert(vcpu.halted);
	ck_assert_uint_eq(seen.halted, 1);
	ck_assert_uint_eq(seen.stops, 0);
	ck_assert_uint_eq(vcpu.stats[VMM_STAT_HLT], 1);
}
END_TEST

START_TEST(test_shutdown)
{
	ck_assert_int_eq(
		handle((struct vmm_exit){ .reason = VMM_EXIT_SHUTDOWN }),
		VMM_ACTION_STOP);
	ck_assert_uint_eq(seen.stops, 1);
	ck_assert_int_eq(seen.reason, VMM_STOP_FAULT);
	ck_assert_uint_eq(fake.get_regs, 1);
	ck_assert_uint_eq(vcpu.stats[VMM_STAT_OTHER], 1);
}
END_TEST

/* A machine that boots a kernel: its triple fault is its reboot, status 0,
 * with no register dump. */
START_TEST(test_shutdown_reboot)
{
	vcpu.shutdown_is_reboot = true;
	ck_assert_int_eq(
		handle((struct vmm_exit){ .reason = VMM_EXIT_SHUTDOWN }),
		VMM_ACTION_STOP);
	ck_assert_uint_eq(seen.stops, 1);
	ck_assert_int_eq(seen.reason, VMM_STOP_REBOOT);
	ck_assert_uint_eq(fake.get_regs, 0);
	ck_assert(!vcpu.halted);
}
END_TEST

START_TEST(test_exceptions)
{
	static const uint32_t vectors[] = { 6, 13, VMM_EXC_FETCH_OUTSIDE_RAM,
					    VMM_EXC_ENGINE_ERROR };

	ck_assert_int_eq(VMM_EXC_FETCH_OUTSIDE_RAM, 256);
	ck_assert_int_eq(VMM_EXC_ENGINE_ERROR, 257);
	for (unsigned i = 0; i < 4; i++) {
		struct vmm_exit e = { .reason = VMM_EXIT_EXCEPTION };

		e.exception.vector = vectors[i];
		e.exception.what = "something";
		e.exception.address = 0xd0000000;
		ck_assert_int_eq(handle(e), VMM_ACTION_STOP);
		ck_assert_uint_eq(seen.stops, i + 1);
		ck_assert_int_eq(seen.reason, VMM_STOP_FAULT);
	}
	ck_assert_uint_eq(fake.get_regs, 4);
	ck_assert_uint_eq(vcpu.stats[VMM_STAT_OTHER], 4);
}
END_TEST

/* Host failures stop the machine with VMM_STOP_ERROR (exit status 1). */
START_TEST(test_host_failures)
{
	struct vmm_exit e[3] = {
		{ .reason = VMM_EXIT_FAIL_ENTRY },
		{ .reason = VMM_EXIT_INTERNAL_ERROR },
		{ .reason = VMM_EXIT_UNKNOWN },
	};

	e[0].fail_entry.hardware_entry_failure_reason = 0x80000021;
	e[1].internal.suberror = 1;
	e[2].unknown.code = 77;
	for (unsigned i = 0; i < 3; i++) {
		ck_assert_int_eq(handle(e[i]), VMM_ACTION_STOP);
		ck_assert_uint_eq(seen.stops, i + 1);
		ck_assert_int_eq(seen.reason, VMM_STOP_ERROR);
	}
	ck_assert_uint_eq(fake.get_regs, 3);
}
END_TEST

START_TEST(test_intr_yield_none)
{
	ck_assert_int_eq(handle((struct vmm_exit){ .reason = VMM_EXIT_INTR }),
			 VMM_ACTION_CONTINUE);
	ck_assert_int_eq(handle((struct vmm_exit){ .reason = VMM_EXIT_YIELD }),
			 VMM_ACTION_CONTINUE);
	ck_assert_int_eq(handle((struct vmm_exit){ .reason = VMM_EXIT_NONE }),
			 VMM_ACTION_CONTINUE);
	assert_quiet();
	atomic_store(&stop_flag, VMM_STOP_TIMEOUT);
	ck_assert_int_eq(handle((struct vmm_exit){ .reason = VMM_EXIT_INTR }),
			 VMM_ACTION_STOP);
	ck_assert_uint_eq(seen.stops, 0);
}
END_TEST

/* ---- the vCPU around the handler -------------------------------------- */

START_TEST(test_sink_is_the_handler)
{
	struct vmm_exit e = { .reason = VMM_EXIT_HLT };

	ck_assert_int_eq(vmm_exit_handle(fake.sink, &e), VMM_ACTION_STOP);
	ck_assert_uint_eq(seen.halted, 1);
}
END_TEST

START_TEST(test_run_once)
{
	fake.next.reason = VMM_EXIT_HLT;
	ck_assert_int_eq(vmm_vcpu_run_once(&vcpu), VMM_ACTION_STOP);
	ck_assert_uint_eq(fake.runs, 1);
	ck_assert_uint_eq(seen.halted, 1);
}
END_TEST

/* vcpu_run() failing is a host failure: the machine stops, status 1. */
START_TEST(test_run_fails)
{
	fake.run_error = -EIO;
	ck_assert_int_eq(vmm_vcpu_run_once(&vcpu), VMM_ACTION_STOP);
	ck_assert_uint_eq(seen.stops, 1);
	ck_assert_int_eq(seen.reason, VMM_STOP_ERROR);
}
END_TEST

/* The loop runs until an exit says stop, and not at all once stopping. */
START_TEST(test_loop)
{
	uint8_t data[1] = { 0 };

	fake.next = io_exit(VMM_IO_OUT, 1, STOP_PORT, 1, data);
	vmm_vcpu_loop(&vcpu);
	ck_assert_uint_eq(fake.runs, 2); /* stop_dev stops on its 2nd write */
	vmm_vcpu_loop(&vcpu);
	ck_assert_uint_eq(fake.runs, 2);
}
END_TEST

START_TEST(test_kick)
{
	vmm_vcpu_kick(&vcpu);
	ck_assert_uint_eq(fake.kicks, 1);
}
END_TEST

START_TEST(test_create_fails)
{
	struct vmm_vcpu v;
	struct vmm_regs regs = { .rip = 0x1000 };
	struct vmm_vcpu_config cfg = {
		.bus = bus,
		.accel = &fake_ops,
		.regs = &regs,
		.stop_flag = &stop_flag,
		.unmapped_warnings = &warnings,
		.n_stat_slots = N_SLOTS,
		.events = &events,
		.ctx = &seen,
	};

	fake.create_error = -EINVAL;
	ck_assert_int_eq(vmm_vcpu_init(&v, &cfg), -EINVAL);
	vmm_vcpu_destroy(&v); /* frees the statistics, no accelerator vCPU */
	ck_assert_uint_eq(fake.destroyed, 0);
	vmm_vcpu_kick(&v);
	ck_assert_uint_eq(fake.kicks, 0);
}
END_TEST

static Suite *vcpu_suite(void)
{
	Suite *s = suite_create("vcpu");
	TCase *io = tcase_create("io");
	TCase *exits = tcase_create("exits");
	TCase *errors = tcase_create("errors");

	tcase_add_checked_fixture(io, setup, teardown);
	tcase_add_test(io, test_io_out_each_size);
	tcase_add_test(io, test_io_in_written_back);
	tcase_add_test(io, test_io_rep_out);
	tcase_add_test(io, test_io_rep_in);
	tcase_add_test(io, test_io_rep_device_stops);
	tcase_add_test(io, test_pio_inline_path);
	tcase_add_test(io, test_mmio_each_length);
	tcase_add_test(io, test_mmio_odd_length_split);
	tcase_add_test(io, test_mmio_size_split_read);
	tcase_add_test(io, test_lenient_miss);
	tcase_add_test(io, test_straddle_counted_once);
	suite_add_tcase(s, io);

	tcase_add_checked_fixture(exits, setup, teardown);
	tcase_add_test(exits, test_hlt);
	tcase_add_test(exits, test_intr_yield_none);
	tcase_add_test(exits, test_sink_is_the_handler);
	tcase_add_test(exits, test_run_once);
	tcase_add_test(exits, test_loop);
	tcase_add_test(exits, test_kick);
	suite_add_tcase(s, exits);

	tcase_add_checked_fixture(errors, setup, teardown);
	tcase_add_test(errors, test_mmio_invalid_length);
	tcase_add_test(errors, test_strict_miss);
	tcase_add_test(errors, test_shutdown);
	tcase_add_test(errors, test_shutdown_reboot);
	tcase_add_test(errors, test_exceptions);
	tcase_add_test(errors, test_host_failures);
	tcase_add_test(errors, test_run_fails);
	tcase_add_test(errors, test_create_fails);
	suite_add_tcase(s, errors);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(vcpu_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
