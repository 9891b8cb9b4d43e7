// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_debugport.c - the debug port plugin, driven through the device test
 * kit. The plugin comes from the build tree: $PLUGVM_DEVICES/debugport.so.
 */
#include "config.h"

#include <plugvm/devtest.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *plugin(void)
{
	static char path[4096];
	const char *dir = getenv("PLUGVM_DEVICES");

	snprintf(path, sizeof(path), "%s/debugport.so",
		 dir ? dir : "devices/.libs");
	return path;
}

/* Checked fixture: @t is a bench, @out names a fresh file for `output`. */
static struct plugvm_devtest *t;
static char out[4096];

static void setup(void)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(out, sizeof(out), "%s/check_debugport.XXXXXX",
		 dir ? dir : "/tmp");
	fd = mkstemp(out);
	ck_assert_int_ge(fd, 0);
	close(fd);
	t = plugvm_devtest_new(0);
	ck_assert_ptr_nonnull(t);
}

static void teardown(void)
{
	plugvm_devtest_free(t);
	t = NULL;
	unlink(out);
}

/* What the device wrote to @out; call after plugvm_devtest_shutdown(). */
static char *output(void)
{
	static char buf[65536];
	FILE *f = fopen(out, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Add a debugport with @settings plus `output = @out`. */
static void add(const char *k1, const char *v1, const char *k2, const char *v2)
{
	const char *settings[] = { "output", out, k1, v1, k2, v2, NULL };

	if (!k1)
		settings[2] = NULL;
	else if (!k2)
		settings[4] = NULL;
	ck_assert_int_eq(plugvm_devtest_add(t, plugin(), "dbg", settings), 0);
}

static enum plugvm_devtest_result out_port(uint16_t port, unsigned int size,
					   uint64_t value)
{
	return plugvm_devtest_pio_write(t, port, size, value);
}

/* ------------------------------------------------------------------------ */
/* core                                                                     */
/* ------------------------------------------------------------------------ */

START_TEST(test_lines)
{
	add(NULL, NULL, NULL, NULL);
	ck_assert_uint_eq(out_port(0x10, 1, 7), PLUGVM_DEVTEST_OK);
	ck_assert_uint_eq(out_port(0x10, 2, 0x1234), PLUGVM_DEVTEST_OK);
	ck_assert_uint_eq(out_port(0x10, 4, 0xffffffff), PLUGVM_DEVTEST_OK);
	ck_assert_uint_eq(out_port(0x12, 2, 0), PLUGVM_DEVTEST_OK);
	ck_assert_uint_eq(out_port(0x13, 1, 255), PLUGVM_DEVTEST_OK);
	ck_assert(!plugvm_devtest_exit_requested(t, NULL));
	plugvm_devtest_shutdown(t);
	ck_assert_str_eq(output(), "out port: 16, data: 7\n"
				   "out port: 16, data: 4660\n"
				   "out port: 16, data: 4294967295\n"
				   "out port: 18, data: 0\n"
				   "out port: 19, data: 255\n");
	ck_assert(plugvm_devtest_log_find(t, PLUGVM_LOG_INFO, "5 writes"));
}
END_TEST

/* The seed's counter guest: out %ax to 0x10, inc, loop. */
START_TEST(test_counter_guest)
{
	char expect[64 * 32] = "";
	size_t len = 0;

	add("port", "16", NULL, NULL);
	for (unsigned int ax = 0; ax < 64; ax++) {
		ck_assert_uint_eq(out_port(16, 2, ax), PLUGVM_DEVTEST_OK);
		len += snprintf(expect + len, sizeof(expect) - len,
				"out port: 16, data: %u\n", ax);
	}
	plugvm_devtest_shutdown(t);
	ck_assert_str_eq(output(), expect);
}
END_TEST

START_TEST(test_limit)
{
	int status = -1;

	add("limit", "3", NULL, NULL);
	out_port(0x10, 1, 1);
	out_port(0x10, 1, 2);
	ck_assert(!plugvm_devtest_exit_requested(t, &status));
	out_port(0x10, 1, 3);
	ck_assert(plugvm_devtest_exit_requested(t, &status));
	ck_assert_int_eq(status, 0);
	ck_assert_uint_eq(plugvm_devtest_exit_count(t), 1);
	/* a write that still comes in is printed, but asks nothing more */
	out_port(0x10, 1, 4);
	ck_assert_uint_eq(plugvm_devtest_exit_count(t), 1);
	plugvm_devtest_shutdown(t);
	ck_assert_str_eq(output(), "out port: 16, data: 1\n"
				   "out port: 16, data: 2\n"
				   "out port: 16, data: 3\n"
				   "out port: 16, data: 4\n");
}
END_TEST

START_TEST(test_exit_plain)
{
	int status = -1;

	add("mode", "exit", "port", "0x501");
	ck_assert_uint_eq(out_port(0x501, 2, 0x1234), PLUGVM_DEVTEST_OK);
	ck_assert(plugvm_devtest_exit_requested(t, &status));
	ck_assert_int_eq(status, 0x34);
	plugvm_devtest_exit_clear(t);
	out_port(0x501, 1, 0);
	ck_assert(plugvm_devtest_exit_requested(t, &status));
	ck_assert_int_eq(status, 0);
	ck_assert(plugvm_devtest_log_find(t, PLUGVM_LOG_INFO, "exit status 0"));
	plugvm_devtest_shutdown(t);
	ck_assert_str_eq(output(), ""); /* exit mode prints nothing */
}
END_TEST

START_TEST(test_exit_qemu)
{
	static const struct {
		uint64_t value;
		int status;
	} cases[] = {
		{ 0, 1 }, { 1, 3 }, { 0x10, 0x21 }, { 0x7f, 0xff }, { 0x80, 1 },
	};
	int status;

	add("mode", "exit", "exit-encoding", "qemu");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		plugvm_devtest_exit_clear(t);
		out_port(0x10, 4, cases[i].value);
		ck_assert(plugvm_devtest_exit_requested(t, &status));
		ck_assert_int_eq(status, cases[i].status);
	}
}
END_TEST

START_TEST(test_first_exit_wins)
{
	int status;

	add("mode", "exit", NULL, NULL);
	out_port(0x10, 1, 5);
	out_port(0x10, 1, 6);
	ck_assert(plugvm_devtest_exit_requested(t, &status));
	ck_assert_int_eq(status, 5);
	ck_assert_uint_eq(plugvm_devtest_exit_count(t), 2);
}
END_TEST

START_TEST(test_output_none)
{
	static const char *const settings[] = { "output", "none", "limit", "2",
						NULL };
	int saved, fd;
	int status;

	/* nothing may reach stdout: point descriptor 1 at @out meanwhile */
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	fd = open(out, O_WRONLY | O_TRUNC);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(dup2(fd, STDOUT_FILENO), 0);
	close(fd);

	ck_assert_int_eq(plugvm_devtest_add(t, plugin(), "dbg", settings), 0);
	out_port(0x10, 1, 1);
	out_port(0x10, 1, 2);
	out_port(0x10, 1, 3);
	/* the limit still counts */
	ck_assert(plugvm_devtest_exit_requested(t, &status));
	ck_assert_int_eq(status, 0);
	plugvm_devtest_shutdown(t);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);

	ck_assert_str_eq(output(), "");
	ck_assert(plugvm_devtest_log_find(t, PLUGVM_LOG_INFO, "3 writes"));
}
END_TEST

START_TEST(test_output_stdout)
{
	int saved, fd;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	fd = open(out, O_WRONLY | O_TRUNC);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(dup2(fd, STDOUT_FILENO), 0);
	close(fd);

	ck_assert_int_eq(plugvm_devtest_add(t, plugin(), NULL, NULL), 0);
	out_port(0x10, 2, 42);
	plugvm_devtest_shutdown(t);
	dup2(saved, STDOUT_FILENO);
	close(saved);

	ck_assert_str_eq(output(), "out port: 16, data: 42\n");
}
END_TEST

START_TEST(test_read)
{
	uint64_t v = 1;

	add(NULL, NULL, NULL, NULL);
	ck_assert_uint_eq(plugvm_devtest_pio_read(t, 0x10, 2, &v),
			  PLUGVM_DEVTEST_OK);
	ck_assert_uint_eq(v, 0);
	ck_assert(plugvm_devtest_log_find(t, PLUGVM_LOG_GUEST_ERROR,
					  "write-only"));
	plugvm_devtest_shutdown(t);
	ck_assert_str_eq(output(), "");
}
END_TEST

/* ------------------------------------------------------------------------ */
/* limits                                                                   */
/* ------------------------------------------------------------------------ */

START_TEST(test_range_edges)
{
	uint64_t v;

	add(NULL, NULL, NULL, NULL);
	ck_assert_uint_eq(out_port(0x0f, 1, 1), PLUGVM_DEVTEST_UNMAPPED);
	ck_assert_uint_eq(out_port(0x14, 1, 1), PLUGVM_DEVTEST_UNMAPPED);
	ck_assert_uint_eq(out_port(0x12, 4, 1), PLUGVM_DEVTEST_STRADDLE);
	ck_assert_uint_eq(out_port(0x10, 8, 1), PLUGVM_DEVTEST_STRADDLE);
	ck_assert_uint_eq(plugvm_devtest_pio_read(t, 0x14, 4, &v),
			  PLUGVM_DEVTEST_UNMAPPED);
	ck_assert_uint_eq(v, 0xffffffff);
	plugvm_devtest_shutdown(t);
	ck_assert_str_eq(output(), "");
}
END_TEST

START_TEST(test_one_port)
{
	add("size", "1", NULL, NULL);
	ck_assert_uint_eq(out_port(0x10, 1, 9), PLUGVM_DEVTEST_OK);
	ck_assert_uint_eq(out_port(0x10, 2, 9), PLUGVM_DEVTEST_STRADDLE);
	ck_assert_uint_eq(out_port(0x11, 1, 9), PLUGVM_DEVTEST_UNMAPPED);
	plugvm_devtest_shutdown(t);
	ck_assert_str_eq(output(), "out port: 16, data: 9\n");
}
END_TEST

START_TEST(test_no_qword)
{
	add("size", "8", NULL, NULL);
	ck_assert_uint_eq(out_port(0x10, 8, 1), PLUGVM_DEVTEST_BAD_SIZE);
	ck_assert_uint_eq(out_port(0x14, 4, 1), PLUGVM_DEVTEST_OK);
	plugvm_devtest_shutdown(t);
	ck_assert_str_eq(output(), "out port: 20, data: 1\n");
}
END_TEST

START_TEST(test_top_port)
{
	add("port", "0xfffc", NULL, NULL);
	ck_assert_uint_eq(out_port(0xfffc, 4, 1), PLUGVM_DEVTEST_OK);
	ck_assert_uint_eq(out_port(0xffff, 1, 2), PLUGVM_DEVTEST_OK);
	ck_assert_uint_eq(out_port(0xffff, 2, 3), PLUGVM_DEVTEST_STRADDLE);
	plugvm_devtest_shutdown(t);
	ck_assert_str_eq(output(), "out port: 65532, data: 1\n"
				   "out port: 65535, data: 2\n");
}
END_TEST

START_TEST(test_limit_one)
{
	int status = -1;

	add("limit", "1", NULL, NULL);
	out_port(0x10, 1, 200);
	ck_assert(plugvm_devtest_exit_requested(t, &status));
	ck_assert_int_eq(status, 0);
	plugvm_devtest_shutdown(t);
	ck_assert_str_eq(output(), "out port: 16, data: 200\n");
}
END_TEST

START_TEST(test_reset_keeps_count)
{
	add("limit", "2", NULL, NULL);
	out_port(0x10, 1, 1);
	plugvm_devtest_reset(t);
	ck_assert(!plugvm_devtest_exit_requested(t, NULL));
	out_port(0x10, 1, 2);
	ck_assert(plugvm_devtest_exit_requested(t, NULL));
}
END_TEST

/* ------------------------------------------------------------------------ */
/* errors                                                                   */
/* ------------------------------------------------------------------------ */

static void expect_add_fails(const char *const *settings, int err,
			     const char *msg)
{
	ck_assert_int_eq(plugvm_devtest_add(t, plugin(), "bad", settings), err);
	ck_assert_msg(strstr(plugvm_devtest_error(t), msg),
		      "error '%s' does not mention '%s'",
		      plugvm_devtest_error(t), msg);
	ck_assert(plugvm_devtest_log_find(t, PLUGVM_LOG_ERROR, msg));
	ck_assert_uint_eq(out_port(0x10, 1, 1), PLUGVM_DEVTEST_UNMAPPED);
}

START_TEST(test_bad_mode)
{
	expect_add_fails((const char *const[]){ "mode", "quit", NULL }, -EINVAL,
			 "quit");
}
END_TEST

START_TEST(test_bad_encoding)
{
	expect_add_fails(
		(const char *const[]){ "exit-encoding", "bochs", NULL },
		-EINVAL, "bochs");
}
END_TEST

/* The settings table's ranges refuse these two; debugport.c does not
 * check again. */
START_TEST(test_port_too_high)
{
	expect_add_fails((const char *const[]){ "port", "0x10000", NULL },
			 -EINVAL,
			 "port: '0x10000' is out of range (must be between 0 "
			 "and 65535)");
}
END_TEST

/* This one only debugport.c can see: port and size are fine apart. */
START_TEST(test_range_past_end)
{
	expect_add_fails((const char *const[]){ "port", "0xfffe", NULL },
			 -EINVAL, "the range must lie within ports 0-0xffff");
}
END_TEST

START_TEST(test_size_zero)
{
	expect_add_fails(
		(const char *const[]){ "size", "0", NULL }, -EINVAL,
		"size: '0' is out of range (must be between 1 and 65536)");
}
END_TEST

START_TEST(test_bad_limit)
{
	expect_add_fails((const char *const[]){ "limit", "-1", NULL }, -EINVAL,
			 "limit");
}
END_TEST

START_TEST(test_unknown_key)
{
	expect_add_fails((const char *const[]){ "prot", "0x10", NULL }, -EINVAL,
			 "prot");
}
END_TEST

START_TEST(test_missing_value)
{
	expect_add_fails((const char *const[]){ "port", NULL }, -EINVAL,
			 "port");
}
END_TEST

START_TEST(test_output_unopenable)
{
	expect_add_fails(
		(const char *const[]){ "output", "/nonexistent/x", NULL },
		-ENOENT, "cannot open");
}
END_TEST

START_TEST(test_overlap)
{
	add(NULL, NULL, NULL, NULL);
	ck_assert_int_eq(plugvm_devtest_add(t, plugin(), "dbg2",
					    (const char *const[]){
						    "port", "0x13", "output",
						    "none", NULL }),
			 -EBUSY);
	ck_assert(strstr(plugvm_devtest_error(t), "overlaps"));
	ck_assert_uint_eq(out_port(0x10, 1, 1), PLUGVM_DEVTEST_OK);
	/* ports right after the first range are free */
	ck_assert_int_eq(plugvm_devtest_add(t, plugin(), "dbg2",
					    (const char *const[]){
						    "port", "0x14", "output",
						    "none", NULL }),
			 0);
}
END_TEST

static Suite *debugport_suite(void)
{
	Suite *s = suite_create("debugport");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_lines);
	tcase_add_test(tc, test_counter_guest);
	tcase_add_test(tc, test_limit);
	tcase_add_test(tc, test_exit_plain);
	tcase_add_test(tc, test_exit_qemu);
	tcase_add_test(tc, test_first_exit_wins);
	tcase_add_test(tc, test_output_none);
	tcase_add_test(tc, test_output_stdout);
	tcase_add_test(tc, test_read);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_range_edges);
	tcase_add_test(tc, test_one_port);
	tcase_add_test(tc, test_no_qword);
	tcase_add_test(tc, test_top_port);
	tcase_add_test(tc, test_limit_one);
	tcase_add_test(tc, test_reset_keeps_count);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_bad_mode);
	tcase_add_test(tc, test_bad_encoding);
	tcase_add_test(tc, test_port_too_high);
	tcase_add_test(tc, test_range_past_end);
	tcase_add_test(tc, test_size_zero);
	tcase_add_test(tc, test_bad_limit);
	tcase_add_test(tc, test_unknown_key);
	tcase_add_test(tc, test_missing_value);
	tcase_add_test(tc, test_output_unopenable);
	tcase_add_test(tc, test_overlap);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(debugport_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
