// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_kitcmp.c - the device test kit against a real machine. The guest
 * tests/guests/kitcmp.S makes a fixed sequence of port and MMIO accesses
 * to a debugport and a nullmmio that takes only 2-byte accesses; plugvm
 * runs it on tcg, and this test makes the same accesses through the kit.
 * What the devices saw must be the same: the debugport's lines (which
 * writes reached it, of which size and value) and the nullmmio's counts
 * (how the bus split and refused the MMIO accesses). Misaligned MMIO is
 * left out: there tcg differs from kvm and the kit (see plugin.h).
 */
#include "config.h"

#include <plugvm/devtest.h>

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/plugvm-kitcmp-XXXXXX";

static const char *env(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

/* The whole of file @path, to free(). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	ck_assert_msg(f, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* Run the guest in plugvm; its debugport lines go to @out, -v to @err. */
static void run_plugvm(const char *out, const char *err)
{
	const char *build = env("PLUGVM_BUILDDIR", ".");
	char ini[4200], cmd[9000];
	FILE *f;

	snprintf(ini, sizeof(ini), "%s/kitcmp.ini", dir);
	f = fopen(ini, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
		"[machine]\nmemory = 2M\n"
		"[cpu]\nmode = long\nentry = 0x1000\nrsp = 0x8000\n"
		"[image \"kitcmp\"]\nfile = %s/tests/guests/kitcmp.bin\n"
		"address = 0x1000\n"
		"[device \"dbg\"]\ntype = debugport\noutput = %s\n"
		"[device \"null\"]\ntype = nullmmio\nwidth = 2\nfill = 0x5c\n",
		build, out);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(
		cmd, sizeof(cmd),
		"'%s/vmm/plugvm' --accel=tcg -v --plugin-path='%s' '%s' 2>'%s'",
		build, env("PLUGVM_DEVICES", "devices/.libs"), ini, err);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *plugin(const char *name)
{
	static char path[2][4096];
	static int n;
	char *p = path[n++ % 2];

	snprintf(p, sizeof(path[0]), "%s/%s.so",
		 env("PLUGVM_DEVICES", "devices/.libs"), name);
	return p;
}

/* The guest's sequence, through the kit. */
static void run_kit(struct plugvm_devtest *t)
{
	uint64_t v;

	plugvm_devtest_pio_write(t, 0x10, 1, 0x41);
	plugvm_devtest_pio_write(t, 0x10, 2, 0x1234);
	plugvm_devtest_pio_write(t, 0x10, 4, 0xdeadbeef);
	plugvm_devtest_pio_write(t, 0x13, 1, 7);
	ck_assert_uint_eq(plugvm_devtest_pio_write(t, 0x13, 2, 0x5678),
			  PLUGVM_DEVTEST_STRADDLE);
	ck_assert_uint_eq(plugvm_devtest_pio_write(t, 0x12, 4, 0x9abcdef0),
			  PLUGVM_DEVTEST_STRADDLE);

	ck_assert_uint_eq(plugvm_devtest_mmio_read(t, 0xd0000000, 8, &v),
			  PLUGVM_DEVTEST_OK);
	ck_assert_uint_eq(v, 0x5c5c5c5c5c5c5c5cull);
	plugvm_devtest_mmio_read(t, 0xd0000004, 4, &v);
	plugvm_devtest_mmio_write(t, 0xd0000006, 2, v);
	ck_assert_uint_eq(plugvm_devtest_mmio_read(t, 0xd0000007, 1, &v),
			  PLUGVM_DEVTEST_BAD_SIZE);
	plugvm_devtest_mmio_write(t, 0xd0000008, 8, v);
	plugvm_devtest_mmio_write(t, 0xd0000014, 4, v);
}

START_TEST(test_kit_equals_machine)
{
	char vm_out[4200], vm_err[4200], kit_out[4200];
	const struct plugvm_devtest_log_entry *e;
	char *a, *b, line[256];
	struct plugvm_devtest *t;

	snprintf(vm_out, sizeof(vm_out), "%s/plugvm.out", dir);
	snprintf(vm_err, sizeof(vm_err), "%s/plugvm.err", dir);
	snprintf(kit_out, sizeof(kit_out), "%s/kit.out", dir);
	run_plugvm(vm_out, vm_err);

	t = plugvm_devtest_new(0);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(plugvm_devtest_add(t, plugin("debugport"), "dbg",
					    (const char *const[]){
						    "output", kit_out, NULL }),
			 0);
	ck_assert_int_eq(
		plugvm_devtest_add(t, plugin("nullmmio"), "null",
				   (const char *const[]){ "width", "2", "fill",
							  "0x5c", NULL }),
		0);
	run_kit(t);
	plugvm_devtest_shutdown(t);

	/* the same writes reached the debugport */
	a = slurp(vm_out);
	b = slurp(kit_out);
	ck_assert_str_eq(a, b);
	ck_assert_str_eq(a, "out port: 16, data: 65\n"
			    "out port: 16, data: 4660\n"
			    "out port: 16, data: 3735928559\n"
			    "out port: 19, data: 7\n");
	free(a);
	free(b);

	/* the nullmmio counted the same pieces */
	e = plugvm_devtest_log_find(t, PLUGVM_LOG_INFO, " reads, ");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->device, "null");
	ck_assert_str_eq(e->msg,
			 "6 reads, 7 writes (12 bytes read, 14 written)");
	snprintf(line, sizeof(line), "plugvm: null: %s\n", e->msg);
	a = slurp(vm_err);
	ck_assert_msg(strstr(a, line), "plugvm said:\n%s", a);
	free(a);
	plugvm_devtest_free(t);
}
END_TEST

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

int main(void)
{
	Suite *s = suite_create("kitcmp");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_kit_equals_machine);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
