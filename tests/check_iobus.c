// SPDX-License-Identifier: GPL-2.0-or-later
/* check_iobus.c - the dispatch table: registration, lookup, access. */
#include "config.h"

#include "iobus.h"
#include "log.h"

#include "capture.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A recording device: remembers the last access. */
struct rec {
	uint64_t offset, value;
	unsigned size, calls;
	bool is_write;
	uint64_t answer;
};

static uint64_t rec_read(void *opaque, uint64_t offset, unsigned size)
{
	struct rec *r = opaque;

	r->offset = offset;
	r->size = size;
	r->is_write = false;
	r->calls++;
	return r->answer;
}

static void rec_write(void *opaque, uint64_t offset, unsigned size,
		      uint64_t value)
{
	struct rec *r = opaque;

	r->offset = offset;
	r->size = size;
	r->value = value;
	r->is_write = true;
	r->calls++;
}

static const struct plugvm_io_ops rec_ops = {
	.read = rec_read, .write = rec_write, .sizes = 0,
};
static const struct plugvm_io_ops byte_ops = {
	.read = rec_read, .write = rec_write, .sizes = PLUGVM_ACCESS_1,
};

static struct vmm_iobus *bus;
static struct vmm_io_owner dev_a = { .name = "a" }, dev_b = { .name = "b" };
static struct rec ra, rb;

static void setup(void)
{
	bus = vmm_iobus_new();
	ck_assert_ptr_nonnull(bus);
	memset(&ra, 0, sizeof(ra));
	memset(&rb, 0, sizeof(rb));
}

static void teardown(void)
{
	vmm_iobus_free(bus);
}

static int reg(enum plugvm_space sp, uint64_t base, uint64_t len,
	       struct rec *r, struct vmm_io_owner *dev)
{
	return vmm_iobus_register(bus, sp, base, len, &rec_ops, r, dev);
}

START_TEST(test_first_and_last_byte)
{
	const struct vmm_io_range *r;
	uint64_t v = 0;

	ck_assert_int_eq(reg(PLUGVM_SPACE_PIO, 0x3f8, 8, &ra, &dev_a), 0);
	vmm_iobus_freeze(bus);
	ck_assert_ptr_null(vmm_iobus_lookup(bus, PLUGVM_SPACE_PIO, 0x3f7));
	ck_assert_ptr_nonnull(vmm_iobus_lookup(bus, PLUGVM_SPACE_PIO, 0x3f8));
	ck_assert_ptr_nonnull(vmm_iobus_lookup(bus, PLUGVM_SPACE_PIO, 0x3ff));
	ck_assert_ptr_null(vmm_iobus_lookup(bus, PLUGVM_SPACE_PIO, 0x400));

	ra.answer = 0x1234;
	ck_assert_int_eq(vmm_iobus_access(bus, PLUGVM_SPACE_PIO, 0x3ff, 1,
					  false, &v, &r),
			 VMM_IO_OK);
	ck_assert_uint_eq(ra.offset, 7);
	ck_assert_uint_eq(v, 0x34); /* truncated to the access size */
	v = 0x1ff;
	ck_assert_int_eq(vmm_iobus_access(bus, PLUGVM_SPACE_PIO, 0x3f8, 1,
					  true, &v, &r),
			 VMM_IO_OK);
	ck_assert_uint_eq(ra.offset, 0);
	ck_assert_uint_eq(ra.value, 0xff);
	ck_assert_ptr_eq(r->owner, &dev_a);
}
END_TEST

START_TEST(test_adjacent_ranges)
{
	const struct vmm_io_range *r;
	uint64_t v = 0;

	ck_assert_int_eq(reg(PLUGVM_SPACE_MMIO, 0x2000, 0x1000, &rb, &dev_b), 0);
	ck_assert_int_eq(reg(PLUGVM_SPACE_MMIO, 0x1000, 0x1000, &ra, &dev_a), 0);
	vmm_iobus_freeze(bus);
	ck_assert_ptr_eq(vmm_iobus_lookup(bus, PLUGVM_SPACE_MMIO, 0x1fff)->owner,
			 &dev_a);
	ck_assert_ptr_eq(vmm_iobus_lookup(bus, PLUGVM_SPACE_MMIO, 0x2000)->owner,
			 &dev_b);
	ck_assert_int_eq(vmm_iobus_access(bus, PLUGVM_SPACE_MMIO, 0x2000, 8,
					  false, &v, &r),
			 VMM_IO_OK);
	ck_assert_uint_eq(rb.offset, 0);
	ck_assert_uint_eq(ra.calls, 0);
}
END_TEST

START_TEST(test_straddle_refused)
{
	const struct vmm_io_range *r;
	uint64_t v = 42;

	ck_assert_int_eq(reg(PLUGVM_SPACE_MMIO, 0x1000, 0x1000, &ra, &dev_a), 0);
	ck_assert_int_eq(reg(PLUGVM_SPACE_MMIO, 0x2000, 0x1000, &rb, &dev_b), 0);
	vmm_iobus_freeze(bus);
	/* 4 bytes at 0x1ffe run into the next range: refused, not split */
	ck_assert_int_eq(vmm_iobus_access(bus, PLUGVM_SPACE_MMIO, 0x1ffe, 4,
					  false, &v, &r),
			 VMM_IO_STRADDLE);
	ck_assert_ptr_eq(r->owner, &dev_a);
	ck_assert_uint_eq(v, 42); /* untouched */
	ck_assert_uint_eq(ra.calls + rb.calls, 0);
	/* 2 bytes at 0x1ffe fit exactly */
	ck_assert_int_eq(vmm_iobus_access(bus, PLUGVM_SPACE_MMIO, 0x1ffe, 2,
					  false, &v, &r),
			 VMM_IO_OK);
}
END_TEST

START_TEST(test_sizes)
{
	const struct vmm_io_range *r;
	uint64_t v = 0;

	ck_assert_int_eq(vmm_iobus_register(bus, PLUGVM_SPACE_PIO, 0x60, 4,
					    &byte_ops, &ra, &dev_a),
			 0);
	vmm_iobus_freeze(bus);
	ck_assert_int_eq(vmm_iobus_access(bus, PLUGVM_SPACE_PIO, 0x60, 2,
					  false, &v, &r),
			 VMM_IO_BAD_SIZE);
	ck_assert_int_eq(vmm_iobus_access(bus, PLUGVM_SPACE_PIO, 0x60, 3,
					  false, &v, &r),
			 VMM_IO_BAD_SIZE);
	ck_assert_int_eq(vmm_iobus_access(bus, PLUGVM_SPACE_PIO, 0x61, 1,
					  false, &v, &r),
			 VMM_IO_OK);
	ck_assert_uint_eq(ra.calls, 1);
}
END_TEST

/*
 * What freeze caches for the inline paths in exit.h: per port, the sizes
 * that fit and are taken; per range, the sizes taken; nothing for a
 * device that needs its lock; the statistics slot.
 */
START_TEST(test_fast_paths)
{
	static pthread_mutex_t lock_c = PTHREAD_MUTEX_INITIALIZER;
	struct vmm_io_owner dev_c = { .name = "c", .lock = &lock_c };
	const struct vmm_pio_port *map = vmm_iobus_pio_map(bus);
	const struct vmm_io_range *r;

	dev_a.stat_slot = 1;
	dev_b.stat_slot = 2;
	ck_assert_int_eq(vmm_iobus_register(bus, PLUGVM_SPACE_PIO, 0x60, 4,
					    &byte_ops, &ra, &dev_a),
			 0);
	ck_assert_int_eq(reg(PLUGVM_SPACE_PIO, 0x70, 4, &rb, &dev_b), 0);
	ck_assert_int_eq(reg(PLUGVM_SPACE_PIO, 0x80, 1, &rb, &dev_c), 0);
	ck_assert_int_eq(reg(PLUGVM_SPACE_MMIO, 0x1000, 0x1000, &rb, &dev_b),
			 0);
	ck_assert_int_eq(vmm_iobus_register(bus, PLUGVM_SPACE_MMIO, 0x3000,
					    0x10, &byte_ops, &ra, &dev_a),
			 0);
	ck_assert_int_eq(reg(PLUGVM_SPACE_MMIO, 0x4000, 8, &rb, &dev_c), 0);

	/* before freeze nothing is fast, yet lookups work */
	ck_assert_ptr_null(map[0x70].range);
	ck_assert_uint_eq(map[0x70].fast_sizes, 0);
	ck_assert_ptr_nonnull(vmm_iobus_lookup(bus, PLUGVM_SPACE_PIO, 0x70));
	/* a device that is not thread-safe is serialized from the start:
	 * the device test kit never freezes its bus */
	ck_assert_ptr_eq(vmm_iobus_lookup(bus, PLUGVM_SPACE_PIO, 0x80)->lock, &lock_c);

	vmm_iobus_freeze(bus);
	ck_assert_uint_eq(map[0x60].fast_sizes, 1u << 1);
	ck_assert_uint_eq(map[0x63].fast_sizes, 1u << 1);
	ck_assert_uint_eq(map[0x70].fast_sizes, (1u << 1) | (1u << 2) | (1u << 4));
	ck_assert_uint_eq(map[0x72].fast_sizes, (1u << 1) | (1u << 2));
	ck_assert_uint_eq(map[0x73].fast_sizes, 1u << 1);
	ck_assert_uint_eq(map[0x74].fast_sizes, 0);
	ck_assert_ptr_null(map[0x74].range);
	ck_assert_ptr_eq(map[0x80].range->owner, &dev_c);
	ck_assert_uint_eq(map[0x80].fast_sizes, 0);
	ck_assert_ptr_eq(map[0x80].range->lock, &lock_c);
	ck_assert_ptr_null(map[0x70].range->lock);
	ck_assert_ptr_eq(vmm_iobus_lookup(bus, PLUGVM_SPACE_PIO, 0x71), map[0x70].range);

	ck_assert_uint_eq(map[0x60].range->stat_slot, 1);
	ck_assert_uint_eq(map[0x70].range->stat_slot, 2);
	ck_assert_uint_eq(map[0x80].range->stat_slot, 0);

	r = vmm_iobus_lookup(bus, PLUGVM_SPACE_MMIO, 0x1800);
	ck_assert_uint_eq(r->fast_sizes,
			  (1u << 1) | (1u << 2) | (1u << 4) | (1u << 8));
	r = vmm_iobus_lookup(bus, PLUGVM_SPACE_MMIO, 0x3000);
	ck_assert_uint_eq(r->fast_sizes, 1u << 1);
	r = vmm_iobus_lookup(bus, PLUGVM_SPACE_MMIO, 0x4000);
	ck_assert_uint_eq(r->fast_sizes, 0);
}
END_TEST

START_TEST(test_all_ports)
{
	static struct rec recs[256];
	static struct vmm_io_owner devs[256];

	/* 256 ranges of 256 ports cover the whole port space */
	for (unsigned i = 0; i < 256; i++) {
		devs[i].name = "d";
		ck_assert_int_eq(reg(PLUGVM_SPACE_PIO, i * 256, 256, &recs[i],
				     &devs[i]),
				 0);
	}
	ck_assert_int_eq(reg(PLUGVM_SPACE_PIO, 0xffff, 1, &ra, &dev_a), -EBUSY);
	vmm_iobus_freeze(bus);
	for (unsigned p = 0; p < 0x10000; p++) {
		const struct vmm_io_range *r =
			vmm_iobus_lookup(bus, PLUGVM_SPACE_PIO, p);

		ck_assert_ptr_nonnull(r);
		ck_assert_ptr_eq(r->owner, &devs[p / 256]);
	}
	ck_assert_ptr_null(vmm_iobus_lookup(bus, PLUGVM_SPACE_PIO, 0x10000));
}
END_TEST

START_TEST(test_every_port_its_own_range)
{
	static struct vmm_io_owner devs[0x10000];

	/* 65536 one-port ranges: the index must not wrap */
	for (unsigned p = 0; p < 0x10000; p++) {
		devs[p].name = "d";
		ck_assert_int_eq(reg(PLUGVM_SPACE_PIO, p, 1, &ra, &devs[p]), 0);
	}
	vmm_iobus_freeze(bus);
	ck_assert_ptr_eq(vmm_iobus_lookup(bus, PLUGVM_SPACE_PIO, 0)->owner,
			 &devs[0]);
	ck_assert_ptr_eq(vmm_iobus_lookup(bus, PLUGVM_SPACE_PIO, 0xffff)->owner,
			 &devs[0xffff]);
	ck_assert_ptr_eq(vmm_iobus_lookup(bus, PLUGVM_SPACE_PIO, 0x1234)->owner,
			 &devs[0x1234]);
}
END_TEST

START_TEST(test_port_space_end)
{
	const struct vmm_io_range *r;
	uint64_t v = 0;

	ck_assert_int_eq(reg(PLUGVM_SPACE_PIO, 0xfffe, 2, &ra, &dev_a), 0);
	ck_assert_int_eq(reg(PLUGVM_SPACE_PIO, 0xffff, 2, &rb, &dev_b), -EINVAL);
	ck_assert_int_eq(reg(PLUGVM_SPACE_PIO, 0x10000, 1, &rb, &dev_b),
			 -EINVAL);
	vmm_iobus_freeze(bus);
	ck_assert_int_eq(vmm_iobus_access(bus, PLUGVM_SPACE_PIO, 0xffff, 2,
					  false, &v, &r),
			 VMM_IO_STRADDLE);
	ck_assert_int_eq(vmm_iobus_access(bus, PLUGVM_SPACE_PIO, 0xfffe, 2,
					  true, &v, &r),
			 VMM_IO_OK);
}
END_TEST

START_TEST(test_top_of_mmio)
{
	const struct vmm_io_range *r;
	uint64_t v = 0;

	/* the last 4 KiB of the 64-bit space, ending at 2^64 - 1 */
	ck_assert_int_eq(reg(PLUGVM_SPACE_MMIO, 0xfffffffffffff000ull, 0x1000,
			     &ra, &dev_a),
			 0);
	/* one byte more would wrap */
	ck_assert_int_eq(reg(PLUGVM_SPACE_MMIO, 0xfffffffffffff000ull, 0x1001,
			     &rb, &dev_b),
			 -EINVAL);
	vmm_iobus_freeze(bus);
	ck_assert_ptr_nonnull(
		vmm_iobus_lookup(bus, PLUGVM_SPACE_MMIO, UINT64_MAX));
	ck_assert_int_eq(vmm_iobus_access(bus, PLUGVM_SPACE_MMIO,
					  0xfffffffffffffff8ull, 8, false, &v,
					  &r),
			 VMM_IO_OK);
	ck_assert_uint_eq(ra.offset, 0xff8);
	ck_assert_int_eq(vmm_iobus_access(bus, PLUGVM_SPACE_MMIO,
					  0xfffffffffffffffcull, 8, false, &v,
					  &r),
			 VMM_IO_STRADDLE);
	ck_assert_ptr_null(
		vmm_iobus_lookup(bus, PLUGVM_SPACE_MMIO, 0xffffffffffffefffull));
}
END_TEST

START_TEST(test_many_mmio_sorted)
{
	static struct vmm_io_owner devs[4096];

	/* registered in a scrambled order, found by binary search */
	for (unsigned i = 0; i < 4096; i++) {
		unsigned k = (i * 2654435761u) % 4096;

		devs[k].name = "d";
		ck_assert_int_eq(reg(PLUGVM_SPACE_MMIO, 0x100000ull * k + 0x10,
				     0x10, &ra, &devs[k]),
				 0);
	}
	vmm_iobus_freeze(bus);
	for (unsigned k = 0; k < 4096; k++) {
		uint64_t base = 0x100000ull * k + 0x10;

		ck_assert_ptr_null(
			vmm_iobus_lookup(bus, PLUGVM_SPACE_MMIO, base - 1));
		ck_assert_ptr_eq(
			vmm_iobus_lookup(bus, PLUGVM_SPACE_MMIO, base)->owner,
			&devs[k]);
		ck_assert_ptr_eq(vmm_iobus_lookup(bus, PLUGVM_SPACE_MMIO,
						  base + 0xf)
					 ->owner,
				 &devs[k]);
		ck_assert_ptr_null(
			vmm_iobus_lookup(bus, PLUGVM_SPACE_MMIO, base + 0x10));
	}
}
END_TEST

START_TEST(test_overlap_names_both)
{
	ck_assert_int_eq(reg(PLUGVM_SPACE_PIO, 0x3f8, 8, &ra, &dev_a), 0);
	CAPTURE_STDERR(ck_assert_int_eq(
		reg(PLUGVM_SPACE_PIO, 0x3fc, 8, &rb, &dev_b), -EBUSY));
	ck_assert_msg(strstr(captured, "'a'") && strstr(captured, "'b'"),
		      "message names both devices: %s", captured);
	ck_assert_ptr_nonnull(strstr(captured, "0x3fc-0x403"));
	ck_assert_ptr_nonnull(strstr(captured, "0x3f8-0x3ff"));
	/* containing and contained ranges are refused as well */
	ck_assert_int_eq(reg(PLUGVM_SPACE_PIO, 0x300, 0x200, &rb, &dev_b),
			 -EBUSY);
	ck_assert_int_eq(reg(PLUGVM_SPACE_PIO, 0x3f9, 1, &rb, &dev_b), -EBUSY);
	/* the same addresses in the other space are fine */
	ck_assert_int_eq(reg(PLUGVM_SPACE_MMIO, 0x3f8, 8, &rb, &dev_b), 0);
}
END_TEST

START_TEST(test_invalid_and_frozen)
{
	ck_assert_int_eq(reg(PLUGVM_SPACE_PIO, 0x10, 0, &ra, &dev_a), -EINVAL);
	ck_assert_int_eq(vmm_iobus_register(bus, PLUGVM_SPACE_PIO, 0x10, 1,
					    NULL, &ra, &dev_a),
			 -EINVAL);
	ck_assert_int_eq(vmm_iobus_register(bus, (enum plugvm_space)7, 0x10,
					    1, &rec_ops, &ra, &dev_a),
			 -EINVAL);
	vmm_iobus_freeze(bus);
	ck_assert_int_eq(reg(PLUGVM_SPACE_PIO, 0x10, 1, &ra, &dev_a), -EPERM);
}
END_TEST

START_TEST(test_unregister_owner)
{
	size_t n;

	ck_assert_int_eq(reg(PLUGVM_SPACE_PIO, 0x10, 1, &ra, &dev_a), 0);
	ck_assert_int_eq(reg(PLUGVM_SPACE_PIO, 0x20, 1, &rb, &dev_b), 0);
	ck_assert_int_eq(reg(PLUGVM_SPACE_MMIO, 0x20, 1, &ra, &dev_a), 0);
	vmm_iobus_unregister_owner(bus, &dev_a);
	vmm_iobus_ranges(bus, PLUGVM_SPACE_PIO, &n);
	ck_assert_uint_eq(n, 1);
	vmm_iobus_ranges(bus, PLUGVM_SPACE_MMIO, &n);
	ck_assert_uint_eq(n, 0);
	/* the freed space can be claimed again */
	ck_assert_int_eq(reg(PLUGVM_SPACE_PIO, 0x10, 1, &rb, &dev_b), 0);
}
END_TEST

START_TEST(test_unmapped)
{
	const struct vmm_io_range *r = (void *)1;
	uint64_t v = 7;

	vmm_iobus_freeze(bus);
	ck_assert_int_eq(vmm_iobus_access(bus, PLUGVM_SPACE_MMIO, 0xd0000000,
					  4, false, &v, &r),
			 VMM_IO_UNMAPPED);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(v, 7);
}
END_TEST

/* A device that keeps every access, for the MMIO split. */
struct pieces {
	unsigned n;
	uint64_t offset[8], value[8];
	unsigned size[8];
};

static uint64_t pieces_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pieces *p = opaque;

	p->offset[p->n] = offset;
	p->size[p->n++] = size;
	/* each byte reads as its own offset, so order shows */
	return (offset & 0xff) * (0x0101010101010101ull & vmm_io_mask(size)) +
	       (0x0706050403020100ull & vmm_io_mask(size));
}

static void pieces_write(void *opaque, uint64_t offset, unsigned size,
			 uint64_t value)
{
	struct pieces *p = opaque;

	p->offset[p->n] = offset;
	p->value[p->n] = value;
	p->size[p->n++] = size;
}

START_TEST(test_mmio_split)
{
	static const struct plugvm_io_ops word_ops = {
		.read = pieces_read,
		.write = pieces_write,
		.sizes = PLUGVM_ACCESS_1 | PLUGVM_ACCESS_2,
	};
	static const struct plugvm_io_ops dword_ops = {
		.read = pieces_read,
		.write = pieces_write,
		.sizes = PLUGVM_ACCESS_4,
	};
	const struct vmm_io_range *r;
	struct pieces p = { 0 }, q = { 0 };
	uint64_t v;

	ck_assert_int_eq(vmm_iobus_register(bus, PLUGVM_SPACE_MMIO, 0x1000,
					    0x100, &word_ops, &p, &dev_a),
			 0);
	ck_assert_int_eq(vmm_iobus_register(bus, PLUGVM_SPACE_MMIO, 0x2000,
					    0x100, &dword_ops, &q, &dev_b),
			 0);
	ck_assert_int_eq(vmm_iobus_register(bus, PLUGVM_SPACE_PIO, 0x60, 4,
					    &word_ops, &p, &dev_a),
			 0);
	vmm_iobus_freeze(bus);

	/* 8 bytes at offset 1 of a 1/2-byte range: 1, 2, 2, 2, 1 */
	v = 0x8877665544332211ull;
	ck_assert_int_eq(vmm_iobus_access(bus, PLUGVM_SPACE_MMIO, 0x1001, 8,
					  true, &v, &r),
			 VMM_IO_OK);
	ck_assert_uint_eq(p.n, 5);
	ck_assert_uint_eq(p.offset[0], 1);
	ck_assert_uint_eq(p.size[0], 1);
	ck_assert_uint_eq(p.value[0], 0x11);
	ck_assert_uint_eq(p.offset[1], 2);
	ck_assert_uint_eq(p.size[1], 2);
	ck_assert_uint_eq(p.value[1], 0x3322);
	ck_assert_uint_eq(p.offset[3], 6);
	ck_assert_uint_eq(p.value[3], 0x7766);
	ck_assert_uint_eq(p.offset[4], 8);
	ck_assert_uint_eq(p.size[4], 1);
	ck_assert_uint_eq(p.value[4], 0x88);

	/* a 3-byte read (kvm makes those) is assembled little-endian */
	p.n = 0;
	v = 0;
	ck_assert_int_eq(vmm_iobus_access(bus, PLUGVM_SPACE_MMIO, 0x1010, 3,
					  false, &v, &r),
			 VMM_IO_OK);
	ck_assert_uint_eq(p.n, 2);
	ck_assert_uint_eq(v, 0x121110);

	/* a 2-byte access to a 4-byte-only range cannot be split: no call */
	v = 0x1234;
	ck_assert_int_eq(vmm_iobus_access(bus, PLUGVM_SPACE_MMIO, 0x2000, 2,
					  false, &v, &r),
			 VMM_IO_BAD_SIZE);
	ck_assert_uint_eq(v, 0x1234);
	/* nor can 6 bytes, though the first 4 could go: nothing goes */
	ck_assert_int_eq(vmm_iobus_access(bus, PLUGVM_SPACE_MMIO, 0x2000, 6,
					  true, &v, &r),
			 VMM_IO_BAD_SIZE);
	ck_assert_uint_eq(q.n, 0);
	/* 8 bytes are two dwords; a misaligned dword is taken as it is */
	ck_assert_int_eq(vmm_iobus_access(bus, PLUGVM_SPACE_MMIO, 0x2000, 8,
					  false, &v, &r),
			 VMM_IO_OK);
	ck_assert_uint_eq(q.n, 2);
	ck_assert_uint_eq(v, 0x0706050403020100ull);
	ck_assert_int_eq(vmm_iobus_access(bus, PLUGVM_SPACE_MMIO, 0x2002, 4,
					  false, &v, &r),
			 VMM_IO_OK);
	ck_assert_uint_eq(q.n, 3);
	ck_assert_uint_eq(q.offset[2], 2);
	ck_assert_uint_eq(q.size[2], 4);

	/* port I/O is never split */
	p.n = 0;
	ck_assert_int_eq(
		vmm_iobus_access(bus, PLUGVM_SPACE_PIO, 0x60, 4, false, &v, &r),
		VMM_IO_BAD_SIZE);
	ck_assert_uint_eq(p.n, 0);
}
END_TEST

static Suite *iobus_suite(void)
{
	Suite *s = suite_create("iobus");
	TCase *core = tcase_create("core");
	TCase *limits = tcase_create("limits");
	TCase *errors = tcase_create("errors");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_test(core, test_first_and_last_byte);
	tcase_add_test(core, test_adjacent_ranges);
	tcase_add_test(core, test_sizes);
	tcase_add_test(core, test_mmio_split);
	tcase_add_test(core, test_fast_paths);
	tcase_add_test(core, test_unregister_owner);
	suite_add_tcase(s, core);

	tcase_add_checked_fixture(limits, setup, teardown);
	tcase_add_test(limits, test_straddle_refused);
	tcase_add_test(limits, test_all_ports);
	tcase_add_test(limits, test_every_port_its_own_range);
	tcase_add_test(limits, test_port_space_end);
	tcase_add_test(limits, test_top_of_mmio);
	tcase_add_test(limits, test_many_mmio_sorted);
	suite_add_tcase(s, limits);

	tcase_add_checked_fixture(errors, setup, teardown);
	tcase_add_test(errors, test_overlap_names_both);
	tcase_add_test(errors, test_invalid_and_frozen);
	tcase_add_test(errors, test_unmapped);
	suite_add_tcase(s, errors);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(iobus_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
