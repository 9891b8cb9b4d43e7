// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_plugin.c - the plugin loader and the host table: a good plugin, a
 * missing file, a wrong ABI, a too-new API, a missing entry point, an
 * unresolved symbol, a failing create(), overlapping ranges.
 */
#include "config.h"

#include "device.h"
#include "iobus.h"
#include "log.h"
#include "plugin.h"
#include "settings.h"

#include "capture.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[4096];

/* The build tree's test plugin NAME.so. */
static const char *test_plugin(const char *name)
{
	const char *dir = getenv("PLUGVM_TEST_PLUGINS");

	ck_assert_msg(dir != NULL, "run through make check");
	snprintf(path, sizeof(path), "%s/%s.so", dir, name);
	return path;
}

/* A small machine for devices: a bus, 64 KiB of RAM, recorded requests. */
static struct vmm_iobus *bus;
static uint8_t ram[65536];
static int exit_status = -1;
static struct vmm_device_env env;

static void record_exit(void *ctx, struct vmm_device *dev, int status)
{
	exit_status = status;
}

static void setup(void)
{
	bus = vmm_iobus_new();
	memset(ram, 0, sizeof(ram));
	exit_status = -1;
	memset(&env, 0, sizeof(env));
	env.bus = bus;
	env.mem.host = ram;
	env.mem.size = sizeof(ram);
	env.exit_request = record_exit;
}

static void teardown(void)
{
	vmm_iobus_free(bus);
}

/* Load testdev-like plugin @name and create device @id with @kvs. */
static int create(const char *name, const char *id, const char *const *kvs,
		  struct vmm_plugin **p, struct vmm_device **dev)
{
	static const char *const none[] = { NULL };
	struct plugvm_value *values;
	int ret;

	ret = vmm_plugin_open(test_plugin(name), p);
	if (ret)
		return ret;
	ret = vmm_settings_convert_pairs(id, kvs ? kvs : none,
					 (*p)->desc->settings, &values);
	if (ret)
		return ret;
	return vmm_device_create(id, *p, values, &env, dev);
}

static uint64_t pio(uint16_t port, bool is_write, uint64_t v)
{
	const struct vmm_io_range *r;

	ck_assert_int_eq(vmm_iobus_access(bus, PLUGVM_SPACE_PIO, port, 1,
					  is_write, &v, &r),
			 VMM_IO_OK);
	return v;
}

START_TEST(test_good_plugin)
{
	struct vmm_plugin *p;
	struct vmm_device *dev;

	ck_assert_int_eq(create("testdev", "t0", NULL, &p, &dev), 0);
	ck_assert_str_eq(p->desc->name, "testdev");
	ck_assert_uint_eq(p->desc->abi_version, PLUGVM_ABI_VERSION);
	ck_assert_ptr_nonnull(strstr(p->path, "testdev.so"));
	vmm_iobus_freeze(bus);
	/* reset() ran after create(): the data byte has its power-on value */
	ck_assert_uint_eq(pio(0x101, false, 0), 0x5a);
	pio(0x101, true, 0x42);
	ck_assert_uint_eq(pio(0x101, false, 0), 0x42);
	vmm_device_reset(dev);
	ck_assert_uint_eq(pio(0x101, false, 0), 0x5a);
	vmm_device_destroy(dev);
	vmm_plugin_close(p);
}
END_TEST

START_TEST(test_host_table)
{
	static const char *const kvs[] = { "gpa", "0x1234", "status", "200",
					   NULL };
	struct vmm_plugin *p;
	struct vmm_device *dev;

	ck_assert_int_eq(create("testdev", "t0", kvs, &p, &dev), 0);
	vmm_iobus_freeze(bus);
	/* register_range() outside create() is refused */
	CAPTURE_STDERR(pio(0x100, true, 1));
	ck_assert_int_eq((int8_t)pio(0x100, false, 0), -EPERM);
	ck_assert_ptr_nonnull(strstr(captured, "outside create()"));
	/* DMA into guest RAM, with bounds */
	pio(0x101, true, 0x77);
	pio(0x100, true, 2);
	ck_assert_int_eq((int8_t)pio(0x100, false, 0), 0);
	ck_assert_uint_eq(ram[0x1234], 0x77);
	/* exit request reaches the machine */
	pio(0x100, true, 3);
	ck_assert_int_eq(exit_status, 200);
	/* no interrupt controller here */
	CAPTURE_STDERR(pio(0x100, true, 4));
	ck_assert_int_eq((int8_t)pio(0x100, false, 0), -ENOTSUP);
	ck_assert_msg(strstr(captured, "t0: warning: set_irq(line 0): the "
				       "machine has no interrupt controller"),
		      "%s", captured);
	CAPTURE_STDERR(pio(0x100, true, 4)); /* said once */
	ck_assert_str_eq(captured, "");
	vmm_device_destroy(dev);
	vmm_plugin_close(p);
}
END_TEST

START_TEST(test_dma_out_of_bounds)
{
	static const char *const kvs[] = { "gpa", "0x10000", NULL };
	struct vmm_plugin *p;
	struct vmm_device *dev;

	ck_assert_int_eq(create("testdev", "t0", kvs, &p, &dev), 0);
	vmm_iobus_freeze(bus);
	pio(0x100, true, 2); /* one byte at the first address past RAM */
	ck_assert_int_eq((int8_t)pio(0x100, false, 0), -EFAULT);
	vmm_device_destroy(dev);
	vmm_plugin_close(p);
}
END_TEST

START_TEST(test_missing_file)
{
	struct vmm_plugin *p = NULL;
	int ret;

	CAPTURE_STDERR(ret = vmm_plugin_open(test_plugin("nonexistent"), &p));
	ck_assert_int_eq(ret, -ENOENT);
	ck_assert_ptr_nonnull(strstr(captured, "nonexistent.so"));
	ck_assert_ptr_nonnull(strstr(captured, "No such file"));
}
END_TEST

START_TEST(test_wrong_abi)
{
	struct vmm_plugin *p = NULL;
	char want[64];
	int ret;

	CAPTURE_STDERR(ret = vmm_plugin_open(test_plugin("badabi"), &p));
	ck_assert_int_eq(ret, -EPROTO);
	ck_assert_ptr_nonnull(strstr(captured, "badabi.so"));
	ck_assert_ptr_nonnull(strstr(captured, "ABI version 999"));
	snprintf(want, sizeof(want), "ABI version %d", PLUGVM_ABI_VERSION);
	ck_assert_ptr_nonnull(strstr(captured, want));
}
END_TEST

START_TEST(test_newer_api)
{
	struct vmm_plugin *p = NULL;
	char want[64];
	int ret;

	CAPTURE_STDERR(ret = vmm_plugin_open(test_plugin("newapi"), &p));
	ck_assert_int_eq(ret, -EPROTO);
	snprintf(want, sizeof(want), "needs host API version %d",
		 PLUGVM_API_VERSION + 1);
	ck_assert_msg(strstr(captured, want), "%s", captured);
	snprintf(want, sizeof(want), "provides API version %d",
		 PLUGVM_API_VERSION);
	ck_assert_msg(strstr(captured, want), "%s", captured);
}
END_TEST

START_TEST(test_missing_symbol)
{
	struct vmm_plugin *p = NULL;
	int ret;

	CAPTURE_STDERR(ret = vmm_plugin_open(test_plugin("nosym"), &p));
	ck_assert_int_eq(ret, -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(captured, "nosym.so"));
	ck_assert_ptr_nonnull(strstr(captured, "plugvm_plugin_describe"));
}
END_TEST

START_TEST(test_unresolved_symbol)
{
	struct vmm_plugin *p = NULL;
	int ret;

	/* RTLD_NOW: the missing function fails the load, not a later call */
	CAPTURE_STDERR(ret = vmm_plugin_open(test_plugin("undefined"), &p));
	ck_assert_int_eq(ret, -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(captured, "undefined.so"));
	ck_assert_msg(strstr(captured, "plugvm_no_such_function"), "%s",
		      captured);
}
END_TEST

START_TEST(test_not_a_library)
{
	struct vmm_plugin *p = NULL;
	char file[] = "/tmp/plugvm-check-XXXXXX";
	int fd = mkstemp(file), ret;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "hello", 5), 5);
	close(fd);
	CAPTURE_STDERR(ret = vmm_plugin_open(file, &p));
	unlink(file);
	ck_assert_int_eq(ret, -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(captured, file));
	ck_assert_ptr_nonnull(strstr(captured, "cannot load plugin"));
	ck_assert_ptr_nonnull(strstr(captured, "not an ELF file"));
}
END_TEST

/* A file of @len bytes of @head, opened as a plugin: stderr in captured. */
static int open_crafted(const unsigned char *head, size_t len)
{
	struct vmm_plugin *p = NULL;
	char file[] = "/tmp/plugvm-check-XXXXXX";
	int fd = mkstemp(file), ret;
	unsigned char buf[256] = { 0 };

	ck_assert_int_ge(fd, 0);
	memcpy(buf, head, len);
	ck_assert_int_eq(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	close(fd);
	CAPTURE_STDERR(ret = vmm_plugin_open(file, &p));
	unlink(file);
	ck_assert_ptr_null(p);
	ck_assert_msg(strstr(captured, file), "%s", captured);
	return ret;
}

/*
 * Issue 13, defect 6: glibc calls a plugin built for another machine "No
 * such file or directory". The ELF header names the real cause.
 */
START_TEST(test_foreign_elf)
{
	/* e_ident, e_type = ET_DYN, e_machine (little-endian) */
	unsigned char aarch64[20] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0,
				      0, 0, 0, 0, 0, 0, 0, 0,
				      3, 0, 183, 0 };
	unsigned char odd[20];
	unsigned char elf32[20];

	memcpy(odd, aarch64, sizeof(odd));
	odd[18] = 0x34; /* a machine with no name here */
	odd[19] = 0x12;
	memcpy(elf32, aarch64, sizeof(elf32));
	elf32[4] = 1; /* ELFCLASS32 */
	elf32[18] = 3; /* EM_386 */

	ck_assert_int_eq(open_crafted(aarch64, sizeof(aarch64)), -ENOEXEC);
	ck_assert_msg(strstr(captured,
			     "cannot load plugin: it is an ELF file for aarch64, but this plugvm runs on x86-64"),
		      "%s", captured);
	ck_assert_ptr_null(strstr(captured, "No such file"));
	ck_assert_int_eq(open_crafted(odd, sizeof(odd)), -ENOEXEC);
	ck_assert_msg(strstr(captured,
			     "it is an ELF file for machine 4660, but this plugvm runs on x86-64"),
		      "%s", captured);
	ck_assert_int_eq(open_crafted(elf32, sizeof(elf32)), -ENOEXEC);
	ck_assert_msg(strstr(captured,
			     "it is an ELF file of class ELFCLASS32 (32-bit), but this plugvm is 64-bit"),
		      "%s", captured);
}
END_TEST

START_TEST(test_create_fails)
{
	struct vmm_plugin *p = NULL;
	struct vmm_device *dev = NULL;
	size_t n;
	int ret;

	CAPTURE_STDERR(ret = create("failcreate", "f0", NULL, &p, &dev));
	ck_assert_int_eq(ret, -ENODEV);
	/* the plugin said why: the host adds nothing */
	ck_assert_str_eq(captured,
			 "plugvm: f0: error: refusing to start, as built to\n");
	/* the range it registered before failing is gone again */
	vmm_iobus_ranges(bus, PLUGVM_SPACE_PIO, &n);
	ck_assert_uint_eq(n, 0);
	vmm_plugin_close(p);
}
END_TEST

/* Create testdev "t9" with fail = @how: its error, and stderr in captured. */
static int create_failing(const char *how, struct vmm_plugin **p)
{
	const char *kvs[] = { "fail", how, "gpa", "16", NULL };
	struct vmm_device *dev = NULL;
	int ret;

	CAPTURE_STDERR(ret = create("testdev", "t9", kvs, p, &dev));
	ck_assert_ptr_null(dev);
	return ret;
}

START_TEST(test_create_fails_by_setting)
{
	struct vmm_plugin *p = NULL;

	/* a key that was set, then one left at its default */
	ck_assert_int_eq(create_failing("yes", &p), -EINVAL);
	ck_assert_str_eq(captured,
			 "t9: fail: refusing to start, as asked\n");
	vmm_plugin_close(p);
	ck_assert_int_eq(create_failing("status", &p), -EINVAL);
	ck_assert_str_eq(captured,
			 "t9: status: 7 will not do (status is not set: that is its default, 7)\n");
	vmm_plugin_close(p);
	/* a key the table does not have is the plugin's bug */
	ck_assert_int_eq(create_failing("nokey", &p), -EINVAL);
	ck_assert_str_eq(captured,
			 "t9: plugin bug: setting_error() names 'nokey', which is not a setting of 'testdev': no such key\n");
	vmm_plugin_close(p);
}
END_TEST

START_TEST(test_create_fails_silently)
{
	struct vmm_plugin *p = NULL;

	/* the plugin said nothing: the host says it, once */
	ck_assert_int_eq(create_failing("silent", &p), -EIO);
	ck_assert_str_eq(captured,
			 "t9: device 't9' (testdev) could not be created: Input/output error\n");
	vmm_plugin_close(p);
}
END_TEST

START_TEST(test_create_returns_positive)
{
	struct vmm_plugin *p = NULL;
	char want[4200];

	ck_assert_int_eq(create_failing("positive", &p), -EINVAL);
	snprintf(want, sizeof(want),
		 "t9: plugin bug: create() returned 1, not 0 or a negative errno (%s)\n",
		 test_plugin("testdev"));
	ck_assert_str_eq(captured, want);
	ck_assert_ptr_null(strstr(captured, "Invalid argument"));
	vmm_plugin_close(p);
}
END_TEST

START_TEST(test_setting_error_after_create)
{
	struct vmm_plugin *p;
	struct vmm_device *dev;

	ck_assert_int_eq(create("testdev", "t1", NULL, &p, &dev), 0);
	vmm_iobus_freeze(bus);
	CAPTURE_STDERR(pio(0x100, true, 5));
	ck_assert_int_eq((int8_t)pio(0x100, false, 0), -EINVAL);
	ck_assert_str_eq(captured,
			 "plugvm: error: t1: plugin bug: setting_error() called outside create(): gpa: too late\n");
	vmm_device_destroy(dev);
	vmm_plugin_close(p);
}
END_TEST

START_TEST(test_overlap)
{
	struct vmm_plugin *p1, *p2 = NULL;
	struct vmm_device *d1, *d2 = NULL;
	static const char *const kvs[] = { "port", "0x102", NULL };
	int ret;

	ck_assert_int_eq(create("testdev", "first", NULL, &p1, &d1), 0);
	CAPTURE_STDERR(ret = create("testdev", "second", kvs, &p2, &d2));
	ck_assert_int_eq(ret, -EBUSY);
	/* once, at the device that asked, naming the other */
	ck_assert_str_eq(captured,
			 "second: port range 0x102-0x105 overlaps 0x100-0x103 of device 'first'\n");
	vmm_device_destroy(d1);
	vmm_plugin_close(p1);
	vmm_plugin_close(p2);
}
END_TEST

START_TEST(test_search_path)
{
	struct vmm_plugin_path pp;
	struct vmm_plugin *p = NULL;
	char list[8192];
	int ret;

	/* the first directory that has the file wins; the bogus one is skipped */
	snprintf(list, sizeof(list), "/nonexistent-plugvm:%s",
		 getenv("PLUGVM_TEST_PLUGINS"));
	ck_assert_int_eq(vmm_plugin_path_init(&pp, list), 0);
	ck_assert_str_eq(pp.dirs[0], "/nonexistent-plugvm");
	ck_assert_int_eq(vmm_plugin_load(&pp, "testdev", &p), 0);
	vmm_plugin_close(p);

	CAPTURE_STDERR(ret = vmm_plugin_load(&pp, "nosuchdevice", &p));
	ck_assert_int_eq(ret, -ENOENT);
	ck_assert_ptr_nonnull(strstr(captured, "nosuchdevice.so"));
	ck_assert_ptr_nonnull(strstr(captured, "/nonexistent-plugvm"));

	CAPTURE_STDERR(ret = vmm_plugin_load(&pp, "../testdev", &p));
	ck_assert_int_eq(ret, -EINVAL);

	/* a file must carry the name its descriptor gives */
	CAPTURE_STDERR(ret = vmm_plugin_load(&pp, "misnamed", &p));
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_ptr_nonnull(strstr(captured, "othername"));
	vmm_plugin_path_free(&pp);
}
END_TEST

static void count_one(const char *type, const char *file,
		      const struct vmm_plugin *p, int err, void *arg)
{
	char *seen = arg;

	strcat(seen, type);
	strcat(seen, p ? "+ " : "- ");
}

START_TEST(test_foreach)
{
	struct vmm_plugin_path pp;
	char seen[1024] = "";

	ck_assert_int_eq(vmm_plugin_path_init(&pp, getenv("PLUGVM_TEST_PLUGINS")),
			 0);
	CAPTURE_STDERR(ck_assert_int_eq(vmm_plugin_foreach(&pp, count_one, seen),
					0));
	/* sorted; the broken ones are listed as such */
	ck_assert_msg(strstr(seen, "badabi- ") && strstr(seen, "testdev+ ") &&
			      strstr(seen, "nosym- "),
		      "%s", seen);
	ck_assert(strstr(seen, "badabi") < strstr(seen, "testdev"));
	vmm_plugin_path_free(&pp);
}
END_TEST

static Suite *plugin_suite(void)
{
	Suite *s = suite_create("plugin");
	TCase *core = tcase_create("core");
	TCase *errors = tcase_create("errors");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_test(core, test_good_plugin);
	tcase_add_test(core, test_host_table);
	tcase_add_test(core, test_search_path);
	tcase_add_test(core, test_foreach);
	suite_add_tcase(s, core);

	tcase_add_checked_fixture(errors, setup, teardown);
	tcase_add_test(errors, test_missing_file);
	tcase_add_test(errors, test_wrong_abi);
	tcase_add_test(errors, test_newer_api);
	tcase_add_test(errors, test_missing_symbol);
	tcase_add_test(errors, test_unresolved_symbol);
	tcase_add_test(errors, test_not_a_library);
#if defined(__x86_64__)
	tcase_add_test(errors, test_foreign_elf);
#endif
	tcase_add_test(errors, test_create_fails);
	tcase_add_test(errors, test_create_fails_by_setting);
	tcase_add_test(errors, test_create_fails_silently);
	tcase_add_test(errors, test_create_returns_positive);
	tcase_add_test(errors, test_setting_error_after_create);
	tcase_add_test(errors, test_overlap);
	tcase_add_test(errors, test_dma_out_of_bounds);
	suite_add_tcase(s, errors);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(plugin_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
