// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_nullmmio.c - the null MMIO plugin, driven through the device test
 * kit. The plugin comes from the build tree: $PLUGVM_DEVICES/nullmmio.so.
 * A few tests here also pin down how the kit itself behaves.
 */
#include "config.h"

#include <plugvm/devtest.h>

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE 0xd0000000ull
#define SIZE 0x1000ull

static const char *plugin(void)
{
	static char path[4096];
	const char *dir = getenv("PLUGVM_DEVICES");

	snprintf(path, sizeof(path), "%s/nullmmio.so",
		 dir ? dir : "devices/.libs");
	return path;
}

/* Checked fixture: a region with the default settings, id "null0". */
static struct plugvm_devtest *t;

static void setup(void)
{
	t = plugvm_devtest_open(plugin(), "null0", NULL, 0);
	ck_assert_ptr_nonnull(t);
	/* whatever the host said while loading is not the test's business */
	plugvm_devtest_log_clear(t);
}

static void teardown(void)
{
	plugvm_devtest_free(t);
	t = NULL;
}

static uint64_t rd(uint64_t addr, unsigned int size)
{
	uint64_t v = 0x1234;

	ck_assert_uint_eq(plugvm_devtest_mmio_read(t, addr, size, &v),
			  PLUGVM_DEVTEST_OK);
	return v;
}

/* ------------------------------------------------------------------------ */
/* core                                                                     */
/* ------------------------------------------------------------------------ */

START_TEST(test_default_fill)
{
	ck_assert_uint_eq(rd(BASE, 1), 0);
	ck_assert_uint_eq(rd(BASE + 2, 2), 0);
	ck_assert_uint_eq(rd(BASE + 4, 4), 0);
	ck_assert_uint_eq(rd(BASE + 8, 8), 0);
}
END_TEST

START_TEST(test_fill_sizes)
{
	plugvm_devtest_free(t);
	t = plugvm_devtest_open(plugin(), NULL,
				(const char *const[]){ "fill", "0xa5", NULL },
				0);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(rd(BASE, 1), 0xa5);
	ck_assert_uint_eq(rd(BASE, 2), 0xa5a5);
	ck_assert_uint_eq(rd(BASE, 4), 0xa5a5a5a5);
	ck_assert_uint_eq(rd(BASE, 8), 0xa5a5a5a5a5a5a5a5ull);
	/* unaligned is fine too */
	ck_assert_uint_eq(rd(BASE + 3, 8), 0xa5a5a5a5a5a5a5a5ull);
}
END_TEST

START_TEST(test_fill_ff)
{
	plugvm_devtest_free(t);
	t = plugvm_devtest_open(plugin(), NULL,
				(const char *const[]){ "fill", "255", NULL },
				0);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(rd(BASE + SIZE - 8, 8), ~0ull);
}
END_TEST

START_TEST(test_write_dropped)
{
	ck_assert_uint_eq(plugvm_devtest_mmio_write(t, BASE, 8, ~0ull),
			  PLUGVM_DEVTEST_OK);
	ck_assert_uint_eq(plugvm_devtest_mmio_write(t, BASE + 16, 1, 0x5a),
			  PLUGVM_DEVTEST_OK);
	ck_assert_uint_eq(rd(BASE, 8), 0);
	ck_assert_uint_eq(rd(BASE + 16, 1), 0);
}
END_TEST

START_TEST(test_counts_logged)
{
	const struct plugvm_devtest_log_entry *e;

	rd(BASE, 1);
	rd(BASE, 2);
	rd(BASE, 4);
	rd(BASE, 8);
	plugvm_devtest_mmio_write(t, BASE, 4, 1);
	plugvm_devtest_mmio_write(t, BASE, 8, 1);
	/* misses are not the device's */
	plugvm_devtest_mmio_write(t, BASE + SIZE, 1, 1);
	ck_assert_uint_eq(plugvm_devtest_log_count(t), 0);

	plugvm_devtest_shutdown(t);
	e = plugvm_devtest_log_find(t, PLUGVM_LOG_INFO, "4 reads, 2 writes");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->device, "null0");
	ck_assert_ptr_nonnull(strstr(e->msg, "15 bytes read, 12 written"));
	/* after shutdown the range is gone */
	ck_assert_uint_eq(plugvm_devtest_mmio_write(t, BASE, 1, 1),
			  PLUGVM_DEVTEST_UNMAPPED);
}
END_TEST

START_TEST(test_size_suffix)
{
	plugvm_devtest_free(t);
	t = plugvm_devtest_open(
		plugin(), NULL,
		(const char *const[]){ "base", "0x100000", "size", "1M", NULL },
		0);
	ck_assert_ptr_nonnull(t);
	rd(0x1fffff, 1);
	ck_assert_uint_eq(plugvm_devtest_mmio_write(t, 0x200000, 1, 0),
			  PLUGVM_DEVTEST_UNMAPPED);
}
END_TEST

/* The kit: default ids, several devices, the log's order. */
START_TEST(test_kit_ids_and_log)
{
	const struct plugvm_devtest_log_entry *e;

	plugvm_devtest_free(t);
	t = plugvm_devtest_new(4096);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(plugvm_devtest_add(t, plugin(), NULL, NULL), 0);
	ck_assert_int_eq(
		plugvm_devtest_add(
			t, plugin(), NULL,
			(const char *const[]){ "base", "0xd0001000", NULL }),
		0);
	ck_assert_int_eq(
		plugvm_devtest_add(
			t, plugin(), "nullmmio1",
			(const char *const[]){ "base", "0xd0002000", NULL }),
		-EEXIST);
	ck_assert_ptr_nonnull(strstr(plugvm_devtest_error(t), "nullmmio1"));
	plugvm_devtest_log_clear(t);
	ck_assert_uint_eq(plugvm_devtest_log_count(t), 0);

	rd(BASE + SIZE, 4);
	plugvm_devtest_shutdown(t);
	/* destroyed last-created first */
	ck_assert_uint_eq(plugvm_devtest_log_count(t), 2);
	e = plugvm_devtest_log_entry(t, 0);
	ck_assert_str_eq(e->device, "nullmmio1");
	ck_assert_ptr_nonnull(strstr(e->msg, "1 reads"));
	e = plugvm_devtest_log_entry(t, 1);
	ck_assert_str_eq(e->device, "nullmmio0");
	ck_assert_ptr_nonnull(strstr(e->msg, "0 reads"));
	ck_assert_ptr_null(plugvm_devtest_log_entry(t, 2));
	ck_assert(plugvm_devtest_log_contains(t, "0 writes"));
	ck_assert(!plugvm_devtest_log_contains(t, "9 writes"));

	/* the bench is usable again after shutdown */
	ck_assert_int_eq(plugvm_devtest_add(t, plugin(), "again", NULL), 0);
	rd(BASE, 1);
}
END_TEST

START_TEST(test_kit_ram_irq_exit)
{
	uint8_t *ram;
	size_t size = 0;
	int status = -1;

	ck_assert_ptr_null(plugvm_devtest_ram(t, &size));
	ck_assert_uint_eq(size, 0);
	ck_assert(!plugvm_devtest_exit_requested(t, &status));
	ck_assert_int_eq(status, -1);
	ck_assert_uint_eq(plugvm_devtest_exit_count(t), 0);
	ck_assert(!plugvm_devtest_irq(t, 0).level);
	ck_assert_uint_eq(plugvm_devtest_irq(t, 1000).calls, 0);

	plugvm_devtest_free(t);
	t = plugvm_devtest_new(8192);
	ck_assert_ptr_nonnull(t);
	ram = plugvm_devtest_ram(t, &size);
	ck_assert_ptr_nonnull(ram);
	ck_assert_uint_eq(size, 8192);
	ck_assert_uint_eq(ram[0] | ram[8191], 0);
	ck_assert_str_eq(plugvm_devtest_error(t), "");
	ck_assert_str_eq(plugvm_devtest_result_name(PLUGVM_DEVTEST_STRADDLE),
			 "straddle");
}
END_TEST

/* testdev, the core's test plugin: port 0x100 + 0, write 4 = set_irq(0). */
static const char *testdev(void)
{
	static char path[4096];
	const char *dir = getenv("PLUGVM_TEST_PLUGINS");

	snprintf(path, sizeof(path), "%s/testdev.so",
		 dir ? dir : "tests/.libs");
	return path;
}

START_TEST(test_kit_irq_as_plugvm)
{
	struct plugvm_devtest_irq irq;

	ck_assert_int_eq(plugvm_devtest_add(t, testdev(), "td", NULL), 0);
	plugvm_devtest_log_clear(t);
	plugvm_devtest_outb(t, 0x100, 4);
	/* refused as plugvm refuses it: no interrupt controller yet */
	ck_assert_uint_eq(plugvm_devtest_inb(t, 0x100), (uint8_t)-ENOTSUP);
	ck_assert_uint_eq(plugvm_devtest_log_count(t), 1);
	ck_assert(plugvm_devtest_log_find(
		t, PLUGVM_LOG_WARN,
		"set_irq(line 0): the machine has no interrupt controller"));
	ck_assert_str_eq(plugvm_devtest_log_entry(t, 0)->device, "td");
	/* said once per device */
	plugvm_devtest_outb(t, 0x100, 4);
	ck_assert_uint_eq(plugvm_devtest_log_count(t), 1);
	/* seen as tried, never as delivered */
	irq = plugvm_devtest_irq(t, 0);
	ck_assert_uint_eq(irq.calls, 2);
	ck_assert(!irq.level);
	ck_assert_uint_eq(irq.edges, 0);

	/* a test may make the answer another error; 0 is the machine's */
	plugvm_devtest_set_irq_error(t, -EINVAL);
	plugvm_devtest_outb(t, 0x100, 4);
	ck_assert_uint_eq(plugvm_devtest_inb(t, 0x100), (uint8_t)-EINVAL);
	plugvm_devtest_set_irq_error(t, 0);
	plugvm_devtest_outb(t, 0x100, 4);
	ck_assert_uint_eq(plugvm_devtest_inb(t, 0x100), (uint8_t)-ENOTSUP);
	ck_assert(!plugvm_devtest_irq(t, 0).level);

	/* the chipset is chosen before the first device (check_pic.c
	 * tests "pc"); unknown ones are refused */
	ck_assert_int_eq(plugvm_devtest_set_chipset(t, "pc"), -EBUSY);
	ck_assert_int_eq(plugvm_devtest_set_chipset(t, "none"), -EBUSY);
	ck_assert_int_eq(plugvm_devtest_set_chipset(t, "isa"), -EINVAL);
	ck_assert_int_eq(plugvm_devtest_set_chipset(t, NULL), -EINVAL);
	/* no controller, no INTR */
	ck_assert(!plugvm_devtest_intr(t, 0));
	ck_assert_int_eq(plugvm_devtest_inta(t, 0), -1);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* limits                                                                   */
/* ------------------------------------------------------------------------ */

START_TEST(test_just_outside)
{
	uint64_t v = 0;

	ck_assert_uint_eq(plugvm_devtest_mmio_read(t, BASE - 1, 1, &v),
			  PLUGVM_DEVTEST_UNMAPPED);
	ck_assert_uint_eq(v, 0xff);
	ck_assert_uint_eq(plugvm_devtest_mmio_read(t, BASE + SIZE, 8, &v),
			  PLUGVM_DEVTEST_UNMAPPED);
	ck_assert_uint_eq(v, ~0ull);
	ck_assert_uint_eq(plugvm_devtest_mmio_write(t, BASE - 8, 8, 0),
			  PLUGVM_DEVTEST_UNMAPPED);
	/* the last byte is inside, a word from it is not */
	ck_assert_uint_eq(rd(BASE + SIZE - 1, 1), 0);
	ck_assert_uint_eq(plugvm_devtest_mmio_read(t, BASE + SIZE - 1, 2, &v),
			  PLUGVM_DEVTEST_STRADDLE);
	ck_assert_uint_eq(v, 0xffff);
	ck_assert_uint_eq(plugvm_devtest_mmio_read(t, BASE + SIZE - 4, 8, &v),
			  PLUGVM_DEVTEST_STRADDLE);
	ck_assert_uint_eq(plugvm_devtest_mmio_read(t, BASE, 16, &v),
			  PLUGVM_DEVTEST_INVALID);
	ck_assert_uint_eq(plugvm_devtest_mmio_read(t, BASE, 0, &v),
			  PLUGVM_DEVTEST_INVALID);
	ck_assert_uint_eq(plugvm_devtest_log_count(t), 0);
}
END_TEST

/* The kit splits MMIO as plugvm does: what the region saw, from its count. */
static void expect_counts(const char *counts)
{
	plugvm_devtest_shutdown(t);
	ck_assert_msg(plugvm_devtest_log_find(t, PLUGVM_LOG_INFO, counts),
		      "no '%s' in the log", counts);
}

START_TEST(test_width_split)
{
	uint64_t v = 0;

	plugvm_devtest_free(t);
	t = plugvm_devtest_open(
		plugin(), NULL,
		(const char *const[]){ "width", "2", "fill", "0x5a", NULL }, 0);
	ck_assert_ptr_nonnull(t);
	/* 8 bytes: 2 + 2 + 2 + 2; 4 bytes: 2 + 2 */
	ck_assert_uint_eq(rd(BASE + 2, 8), 0x5a5a5a5a5a5a5a5aull);
	ck_assert_uint_eq(rd(BASE + 6, 4), 0x5a5a5a5a);
	ck_assert_uint_eq(plugvm_devtest_mmio_write(t, BASE, 4, 0),
			  PLUGVM_DEVTEST_OK);
	/* a size it takes goes whole, even misaligned; a split at an odd
	 * address or of an odd size needs single bytes: refused */
	ck_assert_uint_eq(rd(BASE + 1, 2), 0x5a5a);
	ck_assert_uint_eq(plugvm_devtest_mmio_read(t, BASE + 1, 8, &v),
			  PLUGVM_DEVTEST_BAD_SIZE);
	ck_assert_uint_eq(plugvm_devtest_mmio_read(t, BASE, 3, &v),
			  PLUGVM_DEVTEST_BAD_SIZE);
	/* the pieces never leave the region */
	ck_assert_uint_eq(plugvm_devtest_mmio_read(t, BASE + SIZE - 2, 4, &v),
			  PLUGVM_DEVTEST_STRADDLE);
	expect_counts("7 reads, 2 writes (14 bytes read, 4 written)");
}
END_TEST

START_TEST(test_width_unsplittable)
{
	uint64_t v = 0;

	plugvm_devtest_free(t);
	t = plugvm_devtest_open(plugin(), NULL,
				(const char *const[]){ "width", "4", NULL }, 0);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(plugvm_devtest_mmio_read(t, BASE, 2, &v),
			  PLUGVM_DEVTEST_BAD_SIZE);
	ck_assert_uint_eq(v, 0xffff);
	ck_assert_uint_eq(plugvm_devtest_mmio_write(t, BASE, 6, 0),
			  PLUGVM_DEVTEST_BAD_SIZE);
	ck_assert_uint_eq(rd(BASE, 8), 0);
	ck_assert_uint_eq(rd(BASE + 2, 4), 0); /* misaligned, taken whole */
	expect_counts("3 reads, 0 writes (12 bytes read, 0 written)");
}
END_TEST

START_TEST(test_one_byte_region)
{
	uint64_t v;

	plugvm_devtest_free(t);
	t = plugvm_devtest_open(
		plugin(), NULL,
		(const char *const[]){ "size", "1", "fill", "7", NULL }, 0);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(rd(BASE, 1), 7);
	ck_assert_uint_eq(plugvm_devtest_mmio_read(t, BASE, 2, &v),
			  PLUGVM_DEVTEST_STRADDLE);
	ck_assert_uint_eq(plugvm_devtest_mmio_read(t, BASE + 1, 1, &v),
			  PLUGVM_DEVTEST_UNMAPPED);
}
END_TEST

START_TEST(test_top_of_address_space)
{
	plugvm_devtest_free(t);
	t = plugvm_devtest_open(
		plugin(), NULL,
		(const char *const[]){ "base", "0xfffffffffffff000", NULL }, 0);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(rd(0xfffffffffffffff8ull, 8), 0);
	ck_assert_uint_eq(rd(~0ull, 1), 0);
}
END_TEST

START_TEST(test_adjacent_regions)
{
	uint64_t v;

	ck_assert_int_eq(
		plugvm_devtest_add(t, plugin(), "null1",
				   (const char *const[]){ "base", "0xd0001000",
							  "fill", "1", NULL }),
		0);
	ck_assert_uint_eq(rd(BASE + SIZE - 1, 1), 0);
	ck_assert_uint_eq(rd(BASE + SIZE, 1), 1);
	/* an access across the boundary is refused, not split */
	ck_assert_uint_eq(plugvm_devtest_mmio_read(t, BASE + SIZE - 2, 4, &v),
			  PLUGVM_DEVTEST_STRADDLE);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* errors                                                                   */
/* ------------------------------------------------------------------------ */

static void expect_add_fails(const char *const *settings, int err,
			     const char *msg)
{
	struct plugvm_devtest *u = plugvm_devtest_new(0);

	ck_assert_ptr_nonnull(u);
	ck_assert_int_eq(plugvm_devtest_add(u, plugin(), "bad", settings), err);
	ck_assert_msg(strstr(plugvm_devtest_error(u), msg),
		      "error '%s' does not mention '%s'",
		      plugvm_devtest_error(u), msg);
	plugvm_devtest_free(u);
}

/* These two the settings table's ranges refuse; nullmmio.c does not
 * check again. */
START_TEST(test_fill_too_big)
{
	expect_add_fails(
		(const char *const[]){ "fill", "256", NULL }, -EINVAL,
		"fill: '256' is out of range (must be between 0 and 255)");
}
END_TEST

START_TEST(test_size_zero)
{
	expect_add_fails((const char *const[]){ "size", "0", NULL }, -EINVAL,
			 "size: '0' is out of range");
}
END_TEST

START_TEST(test_wraps)
{
	expect_add_fails((const char *const[]){ "base", "0xffffffffffffffff",
						"size", "2", NULL },
			 -EINVAL, "2^64");
}
END_TEST

START_TEST(test_bad_size_text)
{
	expect_add_fails((const char *const[]){ "size", "4X", NULL }, -EINVAL,
			 "4X");
}
END_TEST

START_TEST(test_unknown_key)
{
	expect_add_fails((const char *const[]){ "fil", "1", NULL }, -EINVAL,
			 "fil");
}
END_TEST

START_TEST(test_overlap)
{
	ck_assert_int_eq(
		plugvm_devtest_add(
			t, plugin(), "null1",
			(const char *const[]){ "base", "0xd0000fff", NULL }),
		-EBUSY);
	ck_assert_ptr_nonnull(strstr(plugvm_devtest_error(t), "null0"));
	ck_assert_ptr_nonnull(strstr(plugvm_devtest_error(t), "null1"));
	ck_assert(plugvm_devtest_log_find(t, PLUGVM_LOG_ERROR, "overlaps"));
	ck_assert_uint_eq(rd(BASE + SIZE - 1, 1), 0);
}
END_TEST

START_TEST(test_no_such_plugin)
{
	struct plugvm_devtest *u = plugvm_devtest_new(0);
	int ret;

	ck_assert_ptr_nonnull(u);
	ret = plugvm_devtest_add(u, "/nonexistent/nullmmio.so", NULL, NULL);
	ck_assert_int_eq(ret, -ENOENT);
	ck_assert_ptr_nonnull(strstr(plugvm_devtest_error(u), "/nonexistent"));
	ck_assert_int_eq(plugvm_devtest_add(u, NULL, NULL, NULL), -EINVAL);
	ck_assert_ptr_null(
		plugvm_devtest_open("/nonexistent/nullmmio.so", NULL, NULL, 0));
	plugvm_devtest_free(u);
}
END_TEST

static Suite *nullmmio_suite(void)
{
	Suite *s = suite_create("nullmmio");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_default_fill);
	tcase_add_test(tc, test_fill_sizes);
	tcase_add_test(tc, test_fill_ff);
	tcase_add_test(tc, test_write_dropped);
	tcase_add_test(tc, test_counts_logged);
	tcase_add_test(tc, test_size_suffix);
	tcase_add_test(tc, test_kit_ids_and_log);
	tcase_add_test(tc, test_kit_ram_irq_exit);
	tcase_add_test(tc, test_kit_irq_as_plugvm);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_just_outside);
	tcase_add_test(tc, test_width_split);
	tcase_add_test(tc, test_width_unsplittable);
	tcase_add_test(tc, test_one_byte_region);
	tcase_add_test(tc, test_top_of_address_space);
	tcase_add_test(tc, test_adjacent_regions);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fill_too_big);
	tcase_add_test(tc, test_size_zero);
	tcase_add_test(tc, test_wraps);
	tcase_add_test(tc, test_bad_size_text);
	tcase_add_test(tc, test_unknown_key);
	tcase_add_test(tc, test_overlap);
	tcase_add_test(tc, test_no_such_plugin);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(nullmmio_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
