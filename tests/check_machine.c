// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_machine.c - the machine file (vmm/machine.c) and the value parsing
 * it shares with device settings (vmm/parse.c).
 *
 * Error tests compare everything written to stderr, so each one pins the
 * file, line, section and key of every message.
 */
#include "config.h"

#include "machine.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef TEST_SRCDIR
#define TEST_SRCDIR "."
#endif

#include "capture.h"

/* --- helpers ------------------------------------------------------------- */

/* Load @text as "t.ini"; *@err gets stderr. */
static int load(const char *text, struct vmm_config **cfg, char **err)
{
	struct capture c;
	int ret;

	*cfg = NULL;
	capture_begin(&c);
	ret = vmm_config_load_string("t.ini", text, cfg);
	*err = capture_end(&c);
	return ret;
}

/* @text loads, with nothing on stderr. Free the result. */
static struct vmm_config *load_ok(const char *text)
{
	struct vmm_config *cfg;
	char *err;
	int ret;

	ret = load(text, &cfg, &err);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(ret, 0);
	ck_assert_ptr_nonnull(cfg);
	free(err);
	return cfg;
}

/* @text fails with -EINVAL and exactly @expected on stderr. */
static void load_fails(const char *text, const char *expected)
{
	struct vmm_config *cfg;
	char *err;
	int ret;

	ret = load(text, &cfg, &err);
	ck_assert_str_eq(err, expected);
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_ptr_null(cfg);
	free(err);
}

/* vmm_config_load() of @path; *@err gets stderr. */
static int load_file(const char *path, struct vmm_config **cfg, char **err)
{
	struct capture c;
	int ret;

	*cfg = NULL;
	capture_begin(&c);
	ret = vmm_config_load(path, cfg);
	*err = capture_end(&c);
	return ret;
}

static char *data_path(const char *name)
{
	const char *top = getenv("PLUGVM_SRCDIR");
	char *path;

	ck_assert_int_ge(asprintf(&path, "%s/tests/data/machine/%s",
				  top ? top : TEST_SRCDIR, name),
			 0);
	return path;
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* A fresh directory for files a test writes. */
static char *make_tmpdir(void)
{
	char *dir = strdup("/tmp/check_machine.XXXXXX");

	ck_assert_ptr_nonnull(dir);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

static void origin_is(const struct vmm_origin *o, const char *file,
		      unsigned line, const char *section, const char *key)
{
	ck_assert_str_eq(o->file, file);
	ck_assert_uint_eq(o->line, line);
	ck_assert_str_eq(o->section, section);
	ck_assert_str_eq(o->key, key);
}

/* --- core ---------------------------------------------------------------- */

START_TEST(test_defaults)
{
	struct vmm_config *cfg = load_ok("");

	ck_assert_str_eq(cfg->path, "t.ini");
	ck_assert_str_eq(cfg->dir, ".");
	ck_assert_uint_eq(cfg->memory, 1 << 20);
	ck_assert_int_eq(cfg->accel, VMM_ACCEL_AUTO);
	ck_assert_uint_eq(cfg->vcpus, 1);
	ck_assert(!cfg->strict);
	ck_assert_int_eq(cfg->mode, VMM_CPU_REAL);
	ck_assert_uint_eq(cfg->entry, 0);
	ck_assert_uint_eq(cfg->cs, 0);
	ck_assert_uint_eq(cfg->gprs_set, 0);
	ck_assert_uint_eq(cfg->n_images, 0);
	ck_assert_uint_eq(cfg->n_devices, 0);
	/* Defaults have origins too, without a line. */
	origin_is(&cfg->at.memory, "t.ini", 0, "machine", "memory");
	origin_is(&cfg->at.cs, "t.ini", 0, "cpu", "cs");
	origin_is(&cfg->at.gprs[VMM_RBP], "t.ini", 0, "cpu", "rbp");
	vmm_config_free(cfg);

	/* Empty sections are fine too. */
	cfg = load_ok("[machine]\n[cpu]\n");
	ck_assert_uint_eq(cfg->memory, 1 << 20);
	vmm_config_free(cfg);
}
END_TEST

static const char full_text[] = "; a machine\n" /* 1 */
				"[machine]\n"
				"memory = 16M\n"
				"accel = tcg\n"
				"vcpus = 2\n" /* 5 */
				"strict = yes\n"
				"\n"
				"[cpu]\n"
				"mode = protected\n"
				"entry = 0x7c00\n" /* 10 */
				"rax = 42\n"
				"rsp = 0xffffffffffffffff\n"
				"[image \"boot\"]\n"
				"file = guest.bin\n"
				"address = 0x7c00\n" /* 15 */
				"[image \"data\"]\n"
				"address = 0x100000\n"
				"file = /abs/data.bin\n"
				"[device \"uart0\"]\n"
				"base = 0x3f8\n" /* 20 */
				"type = serial\n"
				"output = stdout\n"
				"[device \"exit\"]\n"
				"type = debugport\n";

START_TEST(test_full)
{
	struct vmm_config *cfg = load_ok(full_text);
	const struct vmm_image_cfg *img;
	const struct vmm_device_cfg *dev;

	ck_assert_uint_eq(cfg->memory, 16 << 20);
	ck_assert_int_eq(cfg->accel, VMM_ACCEL_TCG);
	ck_assert_uint_eq(cfg->vcpus, 2);
	ck_assert(cfg->strict);
	ck_assert_int_eq(cfg->mode, VMM_CPU_PROTECTED);
	ck_assert_uint_eq(cfg->entry, 0x7c00);
	ck_assert_uint_eq(cfg->gprs[VMM_RAX], 42);
	ck_assert_uint_eq(cfg->gprs[VMM_RSP], UINT64_MAX);
	ck_assert_uint_eq(cfg->gprs_set, (1u << VMM_RAX) | (1u << VMM_RSP));
	origin_is(&cfg->at.memory, "t.ini", 3, "machine", "memory");
	origin_is(&cfg->at.strict, "t.ini", 6, "machine", "strict");
	origin_is(&cfg->at.entry, "t.ini", 10, "cpu", "entry");
	origin_is(&cfg->at.gprs[VMM_RSP], "t.ini", 12, "cpu", "rsp");
	origin_is(&cfg->at.gprs[VMM_RBX], "t.ini", 0, "cpu", "rbx");

	ck_assert_uint_eq(cfg->n_images, 2);
	img = &cfg->images[0];
	ck_assert_str_eq(img->name, "boot");
	ck_assert_str_eq(img->path, "guest.bin"); /* relative to the cwd */
	ck_assert_uint_eq(img->address, 0x7c00);
	ck_assert_uint_eq(img->section_line, 13);
	origin_is(&img->origin, "t.ini", 14, "image \"boot\"", "file");
	origin_is(&img->address_origin, "t.ini", 15, "image \"boot\"",
		  "address");
	img = &cfg->images[1];
	ck_assert_str_eq(img->name, "data");
	ck_assert_str_eq(img->path, "/abs/data.bin");
	ck_assert_uint_eq(img->address, 0x100000);
	origin_is(&img->origin, "t.ini", 18, "image \"data\"", "file");

	ck_assert_uint_eq(cfg->n_devices, 2);
	dev = &cfg->devices[0];
	ck_assert_str_eq(dev->id, "uart0");
	ck_assert_str_eq(dev->type, "serial");
	ck_assert_str_eq(dev->section, "device \"uart0\"");
	ck_assert_uint_eq(dev->section_line, 19);
	origin_is(&dev->origin, "t.ini", 21, "device \"uart0\"", "type");
	ck_assert_uint_eq(dev->n_kvs, 2);
	ck_assert_str_eq(dev->kvs[0].key, "base");
	ck_assert_str_eq(dev->kvs[0].value, "0x3f8");
	origin_is(&dev->kvs[0].origin, "t.ini", 20, "device \"uart0\"", "base");
	ck_assert_str_eq(dev->kvs[1].key, "output");
	ck_assert_str_eq(dev->kvs[1].value, "stdout");
	origin_is(&dev->kvs[1].origin, "t.ini", 22, "device \"uart0\"",
		  "output");
	dev = &cfg->devices[1];
	ck_assert_str_eq(dev->id, "exit");
	ck_assert_str_eq(dev->type, "debugport");
	ck_assert_uint_eq(dev->n_kvs, 0);
	vmm_config_free(cfg);
}
END_TEST

START_TEST(test_words)
{
	static const struct {
		const char *text;
		enum vmm_accel_kind accel;
		enum vmm_cpu_mode mode;
		bool strict;
	} cases[] = {
		{ "[machine]\naccel=auto\nstrict=TRUE\n[cpu]\nmode=real\n",
		  VMM_ACCEL_AUTO, VMM_CPU_REAL, true },
		{ "[machine]\naccel=kvm\nstrict=off\n[cpu]\nmode=long\n",
		  VMM_ACCEL_KVM, VMM_CPU_LONG, false },
		{ "[machine]\naccel=tcg\nstrict=1\n[cpu]\nmode=protected\n",
		  VMM_ACCEL_TCG, VMM_CPU_PROTECTED, true },
		{ "[machine]\nstrict=No\n", VMM_ACCEL_AUTO, VMM_CPU_REAL,
		  false },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vmm_config *cfg = load_ok(cases[i].text);

		ck_assert_int_eq(cfg->accel, cases[i].accel);
		ck_assert_int_eq(cfg->mode, cases[i].mode);
		ck_assert_int_eq(cfg->strict, cases[i].strict);
		vmm_config_free(cfg);
	}
}
END_TEST

START_TEST(test_memory_sizes)
{
	static const struct {
		const char *value;
		uint64_t bytes;
	} cases[] = {
		{ "4K", 4096 },		 { "4k", 4096 },
		{ "4KiB", 4096 },	 { "4kib", 4096 },
		{ "4KB", 4096 },	 { "8192", 8192 },
		{ "0x100000", 1 << 20 }, { "0X2000", 0x2000 },
		{ "1M", 1 << 20 },	 { "3MiB", 3 << 20 },
		{ "2G", 2ULL << 30 },	 { "1gib", 1ULL << 30 },
		{ "0x10M", 16 << 20 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vmm_config *cfg;
		char *text;

		ck_assert_int_ge(asprintf(&text, "[machine]\nmemory = %s\n",
					  cases[i].value),
				 0);
		cfg = load_ok(text);
		ck_assert_uint_eq(cfg->memory, cases[i].bytes);
		vmm_config_free(cfg);
		free(text);
	}
}
END_TEST

START_TEST(test_syntax_variants)
{
	/*
	 * BOM, CRLF, '#' and ';' comments, inline comments, ':' separators
	 * and indentation. An indented key is a key of its own, not the
	 * continuation of the value above it.
	 */
	struct vmm_config *cfg = load_ok("\xef\xbb\xbf# comment\r\n"
					 "  [machine]  ; the machine\r\n"
					 "\tmemory   =   2M   ; two megs\r\n"
					 "    vcpus=3\r\n"
					 "\r\n"
					 "[ cpu ]\n"
					 "  entry: 0x10\n"
					 "\t; indented comment\n"
					 "[device\t\"a.b-c_d\"]\n"
					 "type=x\n"
					 "path = C:/a;b\n"
					 "note = \n");

	ck_assert_uint_eq(cfg->memory, 2 << 20);
	ck_assert_uint_eq(cfg->vcpus, 3);
	origin_is(&cfg->at.vcpus, "t.ini", 4, "machine", "vcpus");
	ck_assert_uint_eq(cfg->entry, 0x10);
	origin_is(&cfg->at.entry, "t.ini", 7, "cpu", "entry");
	ck_assert_uint_eq(cfg->n_devices, 1);
	ck_assert_str_eq(cfg->devices[0].id, "a.b-c_d");
	ck_assert_uint_eq(cfg->devices[0].n_kvs, 2);
	/* ';' only starts a comment after whitespace */
	ck_assert_str_eq(cfg->devices[0].kvs[0].value, "C:/a;b");
	/* empty values are kept for the plugin's settings to judge */
	ck_assert_str_eq(cfg->devices[0].kvs[1].value, "");
	ck_assert_uint_eq(cfg->devices[0].kvs[1].origin.line, 12);
	vmm_config_free(cfg);
}
END_TEST

START_TEST(test_registers)
{
	static const char *const names[] = { "rax", "rbx", "rcx", "rdx",
					     "rsi", "rdi", "rsp", "rbp" };
	struct vmm_config *cfg;
	char text[512];
	size_t n, i;

	n = (size_t)snprintf(text, sizeof(text), "[cpu]\n");
	for (i = 0; i < VMM_NR_GPRS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s = %zu\n",
				      names[i], i + 100);
	cfg = load_ok(text);
	ck_assert_uint_eq(cfg->gprs_set, (1u << VMM_NR_GPRS) - 1);
	for (i = 0; i < VMM_NR_GPRS; i++) {
		ck_assert_uint_eq(cfg->gprs[i], i + 100);
		origin_is(&cfg->at.gprs[i], "t.ini", (unsigned)i + 2, "cpu",
			  names[i]);
	}
	vmm_config_free(cfg);

	cfg = load_ok("[cpu]\ncs = 0xf000\nentry = 0xfff0\nmode = real\n");
	ck_assert_uint_eq(cfg->cs, 0xf000);
	ck_assert_uint_eq(cfg->entry, 0xfff0);
	vmm_config_free(cfg);
}
END_TEST

START_TEST(test_parse_u64)
{
	static const struct {
		const char *s;
		bool size;
		int ret;
		uint64_t v;
	} cases[] = {
		{ "0", false, 0, 0 },
		{ "42", false, 0, 42 },
		{ "010", false, 0, 10 }, /* decimal, not octal */
		{ "0x1f", false, 0, 0x1f },
		{ "0XAbC", false, 0, 0xabc },
		{ "18446744073709551615", false, 0, UINT64_MAX },
		{ "0xffffffffffffffff", false, 0, UINT64_MAX },
		{ "18446744073709551616", false, -ERANGE, 0 },
		{ "0x10000000000000000", false, -ERANGE, 0 },
		{ "", false, -EINVAL, 0 },
		{ "0x", false, -EINVAL, 0 },
		{ "-1", false, -EINVAL, 0 },
		{ "+1", false, -EINVAL, 0 },
		{ " 1", false, -EINVAL, 0 },
		{ "1 ", false, -EINVAL, 0 },
		{ "1.5", false, -EINVAL, 0 },
		{ "12abc", false, -EINVAL, 0 },
		{ "0x1g", false, -EINVAL, 0 },
		{ "1K", false, -EINVAL, 0 },
		{ "1K", true, 0, 1024 },
		{ "1kB", true, 0, 1024 },
		{ "1KIB", true, 0, 1024 },
		{ "2m", true, 0, 2 << 20 },
		{ "3G", true, 0, 3ULL << 30 },
		{ "0x10K", true, 0, 16 << 10 },
		{ "5", true, 0, 5 },
		{ "1T", true, -EINVAL, 0 },
		{ "1Ki", true, -EINVAL, 0 },
		{ "1KiBs", true, -EINVAL, 0 },
		{ "1 K", true, -EINVAL, 0 },
		{ "K", true, -EINVAL, 0 },
		{ "0xK", true, -EINVAL, 0 },
		{ "17179869183G", true, 0, 17179869183ULL << 30 },
		{ "17179869184G", true, -ERANGE, 0 },
		{ "99999999999999999999K", true, -ERANGE, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 12345;
		int ret = vmm_parse_u64(cases[i].s, cases[i].size, &v);

		ck_assert_msg(ret == cases[i].ret, "'%s': %d, expected %d",
			      cases[i].s, ret, cases[i].ret);
		ck_assert_uint_eq(v, ret ? 12345 : cases[i].v);
	}
}
END_TEST

START_TEST(test_parse_bool)
{
	static const char *const yes[] = { "true", "TRUE", "yes",
					   "Yes",  "on",   "1" };
	static const char *const no[] = { "false", "False", "no",
					  "NO",	   "off",   "0" };
	static const char *const bad[] = { "",	    "2",     "y",      "n",
					   "truee", " true", "enabled" };
	size_t i;
	bool b;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		b = false;
		ck_assert_int_eq(vmm_parse_bool(yes[i], &b), 0);
		ck_assert(b);
		ck_assert_int_eq(vmm_parse_bool(no[i], &b), 0);
		ck_assert(!b);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(vmm_parse_bool(bad[i], &b), -EINVAL);
}
END_TEST

START_TEST(test_did_you_mean)
{
	static const char *const keys[] = { "memory", "accel", "vcpus",
					    "strict", NULL };
	static const char *const uart[] = { "base", "irq", "output", NULL };
	static const char *const cpu[] = { "mode", "entry", "cs",
					   "rax",  "rbx",   NULL };

	ck_assert_str_eq(vmm_did_you_mean("memroy", keys), "memory");
	ck_assert_str_eq(vmm_did_you_mean("Memory", keys), "memory");
	ck_assert_ptr_null(vmm_did_you_mean("mem", keys)); /* 3 edits */
	ck_assert_str_eq(vmm_did_you_mean("vcpu", keys), "vcpus");
	ck_assert_str_eq(vmm_did_you_mean("acel", keys), "accel");
	ck_assert_str_eq(vmm_did_you_mean("baud", uart), "base");
	ck_assert_str_eq(vmm_did_you_mean("ouput", uart), "output");
	ck_assert_ptr_null(vmm_did_you_mean("colour", uart));
	ck_assert_ptr_null(vmm_did_you_mean("foo", keys));
	ck_assert_ptr_null(vmm_did_you_mean("", keys));
	/* Two edits in a two-letter word is no near miss. */
	ck_assert_ptr_null(vmm_did_you_mean("ip", cpu));
	ck_assert_str_eq(vmm_did_you_mean("c", cpu), "cs");
	/* The first of equally close candidates wins. */
	ck_assert_str_eq(vmm_did_you_mean("rcx", cpu), "rax");
	ck_assert_ptr_null(
		vmm_did_you_mean("x", (const char *const[]){ NULL }));
}
END_TEST

START_TEST(test_origin_error)
{
	static const struct {
		struct vmm_origin o;
		const char *expected;
	} cases[] = {
		{ { "f.ini", 7, "device \"u\"", "baud" },
		  "f.ini:7: [device \"u\"] baud: msg 42\n" },
		{ { "f.ini", 7, "machine", NULL },
		  "f.ini:7: [machine]: msg 42\n" },
		{ { "f.ini", 7, NULL, "memory" }, "f.ini:7: memory: msg 42\n" },
		{ { "f.ini", 7, NULL, NULL }, "f.ini:7: msg 42\n" },
		{ { "f.ini", 0, "cpu", "mode" },
		  "f.ini: [cpu] mode: msg 42\n" },
		{ { "f.ini", 0, NULL, NULL }, "f.ini: msg 42\n" },
		{ { NULL, 0, NULL, "k" }, "k: msg 42\n" },
		{ { NULL, 3, "s", NULL }, "[s]: msg 42\n" },
	};
	struct capture c;
	size_t i;
	char *err;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		capture_begin(&c);
		vmm_origin_error(&cases[i].o, "msg %d", 42);
		err = capture_end(&c);
		ck_assert_str_eq(err, cases[i].expected);
		free(err);
	}
	capture_begin(&c);
	vmm_origin_error(NULL, "no origin");
	err = capture_end(&c);
	ck_assert_str_eq(err, "no origin\n");
	free(err);
}
END_TEST

START_TEST(test_file_fixture)
{
	char *path = data_path("full.ini");
	char *dir = data_path("");
	char *img_path = data_path("guest.bin");
	struct vmm_config *cfg;
	char *err;
	int ret;

	ret = load_file(path, &cfg, &err);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(ret, 0);
	ck_assert_str_eq(cfg->path, path);
	dir[strlen(dir) - 1] = '\0'; /* no trailing slash */
	ck_assert_str_eq(cfg->dir, dir);
	ck_assert_uint_eq(cfg->memory, 2 << 20);
	ck_assert_uint_eq(cfg->cs, 0x7c0);
	ck_assert_uint_eq(cfg->n_images, 2);
	/* Relative to the machine file, absolute as is. */
	ck_assert_str_eq(cfg->images[0].path, img_path);
	origin_is(&cfg->images[0].origin, path, 11, "image \"boot\"", "file");
	ck_assert_str_eq(cfg->images[1].path, "/opt/plugvm/rom.bin");
	ck_assert_uint_eq(cfg->n_devices, 1);
	origin_is(&cfg->devices[0].kvs[0].origin, path, 20, "device \"uart0\"",
		  "base");
	vmm_config_free(cfg);
	free(err);
	free(img_path);
	free(dir);
	free(path);
}
END_TEST

START_TEST(test_file_relative)
{
	char *dir = make_tmpdir();
	char *path, *expected, *cwd, *err;
	struct vmm_config *cfg;
	static const char text[] = "[image \"a\"]\nfile = sub/a.bin\n"
				   "address = 0\n";

	ck_assert_int_ge(asprintf(&path, "%s/m.ini", dir), 0);
	ck_assert_int_ge(asprintf(&expected, "%s/sub/a.bin", dir), 0);
	write_file(path, text, strlen(text));

	ck_assert_int_eq(load_file(path, &cfg, &err), 0);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(cfg->dir, dir);
	ck_assert_str_eq(cfg->images[0].path, expected);
	vmm_config_free(cfg);
	free(err);

	/* "m.ini" from inside the directory: paths stay relative. */
	cwd = getcwd(NULL, 0);
	ck_assert_ptr_nonnull(cwd);
	ck_assert_int_eq(chdir(dir), 0);
	ck_assert_int_eq(load_file("m.ini", &cfg, &err), 0);
	ck_assert_int_eq(chdir(cwd), 0);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(cfg->dir, ".");
	ck_assert_str_eq(cfg->images[0].path, "sub/a.bin");
	vmm_config_free(cfg);
	free(err);

	/* Doubled slashes do not end up in the directory. */
	free(expected);
	ck_assert_int_ge(asprintf(&expected, "%s//m.ini", dir), 0);
	ck_assert_int_eq(load_file(expected, &cfg, &err), 0);
	ck_assert_str_eq(cfg->dir, dir);
	ck_assert_str_eq(cfg->path, expected);
	vmm_config_free(cfg);
	free(err);

	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	free(cwd);
	free(expected);
	free(path);
	free(dir);
}
END_TEST

/* [linux]: every key, and relative paths against the file's directory. */
START_TEST(test_linux_section)
{
	char *dir = make_tmpdir();
	char *path, *expected, *err;
	const char *text2;
	struct vmm_config *cfg;
	static const char text[] = "[machine]\nmemory = 256M\n" /* 1-2 */
				   "[linux]\n" /* 3 */
				   "kernel = boot/vmlinuz\n" /* 4 */
				   "initrd = /abs/initrd.gz\n" /* 5 */
				   "cmdline = console=ttyS0 quiet\n" /* 6 */
				   "entry = 32\n"; /* 7 */

	ck_assert_int_ge(asprintf(&path, "%s/m.ini", dir), 0);
	ck_assert_int_ge(asprintf(&expected, "%s/boot/vmlinuz", dir), 0);
	write_file(path, text, strlen(text));
	ck_assert_int_eq(load_file(path, &cfg, &err), 0);
	ck_assert_str_eq(err, "");
	ck_assert(cfg->boot.set);
	ck_assert_str_eq(cfg->boot.kernel, expected);
	ck_assert_str_eq(cfg->boot.initrd, "/abs/initrd.gz");
	ck_assert_str_eq(cfg->boot.cmdline, "console=ttyS0 quiet");
	ck_assert_uint_eq(cfg->boot.entry_bits, 32);
	ck_assert_uint_eq(cfg->boot.section_line, 3);
	origin_is(&cfg->boot.kernel_origin, path, 4, "linux", "kernel");
	origin_is(&cfg->boot.initrd_origin, path, 5, "linux", "initrd");
	origin_is(&cfg->boot.cmdline_origin, path, 6, "linux", "cmdline");
	origin_is(&cfg->boot.entry_origin, path, 7, "linux", "entry");
	vmm_config_free(cfg);
	free(err);

	/* an initrd list (multiboot modules, QEMU's -initrd): each path
	 * relative to the file, arguments and ",," kept */
	text2 = "[linux]\nkernel = k\ninitrd = m1 a b,/abs/m2,m,,3 c\n";
	write_file(path, text2, strlen(text2));
	ck_assert_int_eq(load_file(path, &cfg, &err), 0);
	free(expected);
	ck_assert_int_ge(asprintf(&expected, "%s/m1 a b,/abs/m2,%s/m,,3 c", dir,
				  dir), 0);
	ck_assert_str_eq(cfg->boot.initrd, expected);
	vmm_config_free(cfg);
	free(err);

	/* only the kernel: no initrd, no command line, entry auto */
	cfg = load_ok("[linux]\nkernel = k\n");
	ck_assert(cfg->boot.set);
	ck_assert_str_eq(cfg->boot.kernel, "k");
	ck_assert_ptr_null(cfg->boot.initrd);
	ck_assert_ptr_null(cfg->boot.cmdline);
	ck_assert_uint_eq(cfg->boot.entry_bits, 0);
	vmm_config_free(cfg);
	/* none: not set */
	cfg = load_ok("[machine]\n");
	ck_assert(!cfg->boot.set);
	vmm_config_free(cfg);

	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	free(expected);
	free(path);
	free(dir);
}
END_TEST

/* [linux] initrd as a module list (multiboot, PVH): each element's path
 * against the file's directory, its arguments and ",," kept. */
START_TEST(test_linux_initrd_list)
{
	char *dir = make_tmpdir();
	char *path, *expected, *err;
	struct vmm_config *cfg;
	static const char text[] =
		"[linux]\nkernel = k\n"
		"initrd = m1 one  two,/abs/m2,sub/a,,b three,\n";

	ck_assert_int_ge(asprintf(&path, "%s/m.ini", dir), 0);
	ck_assert_int_ge(asprintf(&expected,
				  "%s/m1 one  two,/abs/m2,%s/sub/a,,b three,",
				  dir, dir),
			 0);
	write_file(path, text, strlen(text));
	ck_assert_int_eq(load_file(path, &cfg, &err), 0);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(cfg->boot.initrd, expected);
	vmm_config_free(cfg);
	free(err);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	free(expected);
	free(path);
	free(dir);
}
END_TEST

/* --kernel, --initrd, --append: the same config as a [linux] section. */
START_TEST(test_linux_cli)
{
	struct vmm_config *cfg;
	struct capture c;
	char *err;

	cfg = load_ok("[machine]\nmemory = 64M\n");
	ck_assert_int_eq(vmm_config_set_linux(cfg, "dir/bz", "rd", "ro", true),
			 0);
	ck_assert(cfg->boot.set);
	ck_assert_str_eq(cfg->boot.kernel, "dir/bz"); /* as given */
	ck_assert_str_eq(cfg->boot.initrd, "rd");
	ck_assert_str_eq(cfg->boot.cmdline, "ro");
	ck_assert_str_eq(cfg->boot.kernel_origin.key, "--kernel");
	vmm_config_free(cfg);

	/* over a [linux] section: only what is given changes */
	cfg = load_ok("[linux]\nkernel = k\ncmdline = a b\n");
	ck_assert_int_eq(vmm_config_set_linux(cfg, NULL, NULL, "c", true), 0);
	ck_assert_str_eq(cfg->boot.kernel, "k");
	ck_assert_str_eq(cfg->boot.cmdline, "c");
	origin_is(&cfg->boot.kernel_origin, "t.ini", 2, "linux", "kernel");
	vmm_config_free(cfg);

	/* refused beside [cpu] or [image], and without a kernel */
	cfg = load_ok("[cpu]\nmode = long\n");
	capture_begin(&c);
	ck_assert_int_eq(vmm_config_set_linux(cfg, "k", NULL, NULL, true),
			 -EINVAL);
	err = capture_end(&c);
	ck_assert_str_eq(
		err,
		"plugvm: --kernel: not allowed with [cpu] (t.ini:1): the kernel's format decides where it is loaded and how the vCPUs start; use one or the other\n");
	free(err);
	vmm_config_free(cfg);
	cfg = load_ok("[machine]\n");
	capture_begin(&c);
	ck_assert_int_eq(vmm_config_set_linux(cfg, NULL, "rd", NULL, true),
			 -EINVAL);
	err = capture_end(&c);
	ck_assert_str_eq(
		err,
		"plugvm: --initrd: needs --kernel (or a [linux] section in the machine file)\n");
	free(err);
	vmm_config_free(cfg);
}
END_TEST

/* --- limits -------------------------------------------------------------- */

START_TEST(test_memory_limits)
{
	struct vmm_config *cfg;

	cfg = load_ok("[machine]\nmemory = 4K\n");
	ck_assert_uint_eq(cfg->memory, 4096);
	vmm_config_free(cfg);
	cfg = load_ok("[machine]\nmemory = 64G\n");
	ck_assert_uint_eq(cfg->memory, VMM_MEMORY_MAX);
	vmm_config_free(cfg);

	load_fails("[machine]\nmemory = 0\n",
		   "t.ini:2: [machine] memory: must not be zero\n");
	load_fails(
		"[machine]\nmemory = 4097\n",
		"t.ini:2: [machine] memory: '4097' is not a multiple of 4K\n");
	load_fails(
		"[machine]\nmemory = 0x1800\n",
		"t.ini:2: [machine] memory: '0x1800' is not a multiple of 4K\n");
	load_fails(
		"[machine]\nmemory = 68719480832\n",
		"t.ini:2: [machine] memory: '68719480832' is too large (at most 64G)\n");
	load_fails(
		"[machine]\nmemory = 65G\n",
		"t.ini:2: [machine] memory: '65G' is too large (at most 64G)\n");
	load_fails(
		"[machine]\nmemory = 17179869184G\n",
		"t.ini:2: [machine] memory: size '17179869184G' is too large\n");
}
END_TEST

START_TEST(test_number_limits)
{
	struct vmm_config *cfg;

	cfg = load_ok("[machine]\nvcpus = 64\n[cpu]\ncs = 0xffff\n"
		      "entry = 0xffffffffffffffff\n");
	ck_assert_uint_eq(cfg->vcpus, 64);
	ck_assert_uint_eq(cfg->cs, 0xffff);
	ck_assert_uint_eq(cfg->entry, UINT64_MAX);
	vmm_config_free(cfg);

	load_fails(
		"[machine]\nvcpus = 0\nvcpus = 65\n",
		"t.ini:2: [machine] vcpus: must be between 1 and 64 (got 0)\n"
		"t.ini:3: [machine] vcpus: duplicate key (first set at line 2)\n");
	load_fails(
		"[machine]\nvcpus = 65\n",
		"t.ini:2: [machine] vcpus: must be between 1 and 64 (got 65)\n");
	load_fails("[cpu]\ncs = 0x10000\n",
		   "t.ini:2: [cpu] cs: must be at most 0xffff (got 0x10000)\n");
	load_fails(
		"[cpu]\nrax = 0x10000000000000000\n",
		"t.ini:2: [cpu] rax: number '0x10000000000000000' is too large\n");
}
END_TEST

/* A line of @n characters: "note = xxx...". */
static char *long_line(size_t n)
{
	char *s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, 'x', n);
	memcpy(s, "note = ", 7);
	s[n] = '\0';
	return s;
}

START_TEST(test_long_lines)
{
	/* Lines of any length: inih alone stopped at 199 characters. */
	static const size_t lens[] = { 199, 200, 4096, 1 << 19 };
	struct vmm_config *cfg;
	char *ok, *text;
	size_t i;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		char *line = long_line(lens[i]);

		ck_assert_int_ge(asprintf(&text,
					  "[device \"d\"]\ntype = t\n%s\nk = 1\n",
					  line),
				 0);
		cfg = load_ok(text);
		ck_assert_uint_eq(strlen(cfg->devices[0].kvs[0].value),
				  lens[i] - 7);
		/* the lines after it keep their numbers */
		ck_assert_uint_eq(cfg->devices[0].kvs[1].origin.line, 4);
		vmm_config_free(cfg);
		free(text);
		free(line);
	}

	/* A long bad line is reported like a short one. */
	ok = long_line(1000);
	ok[5] = 'x'; /* no separator left */
	ck_assert_int_ge(asprintf(&text, "[cpu]\n%s\nfoo\n", ok), 0);
	load_fails(
		text,
		"t.ini:2: syntax error: expected 'key = value' or '[section]'\n"
		"t.ini:3: syntax error: expected 'key = value' or '[section]'\n");
	free(text);
	free(ok);

	/* Long section names are not cut short. */
	ok = long_line(1000);
	memset(ok, 'n', 999);
	ok[999] = '\0';
	ck_assert_int_ge(asprintf(&text, "[device \"%s\"]\ntype = t\n", ok), 0);
	cfg = load_ok(text);
	ck_assert_str_eq(cfg->devices[0].id, ok);
	vmm_config_free(cfg);
	free(text);

	/* Trailing blanks do not count. */
	memset(ok, ' ', 999);
	memcpy(ok, "[cpu]", 5);
	ck_assert_int_ge(asprintf(&text, "%s\nentry = 5\n", ok), 0);
	cfg = load_ok(text);
	ck_assert_uint_eq(cfg->entry, 5);
	vmm_config_free(cfg);
	free(text);
	free(ok);
}
END_TEST

START_TEST(test_many_sections)
{
	struct vmm_config *cfg;
	char *text = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	for (i = 0; i < 300; i++)
		fprintf(f,
			"[device \"d%zu\"]\ntype = t\nk = %zu\n"
			"[image \"i%zu\"]\nfile = f%zu\naddress = %zu\n",
			i, i, i, i, i);
	ck_assert_int_eq(fclose(f), 0);
	cfg = load_ok(text);
	ck_assert_uint_eq(cfg->n_devices, 300);
	ck_assert_uint_eq(cfg->n_images, 300);
	ck_assert_str_eq(cfg->devices[299].id, "d299");
	ck_assert_str_eq(cfg->devices[299].kvs[0].value, "299");
	ck_assert_uint_eq(cfg->devices[299].kvs[0].origin.line, 299 * 6 + 3);
	ck_assert_str_eq(cfg->images[299].path, "f299");
	ck_assert_uint_eq(cfg->images[299].address, 299);
	vmm_config_free(cfg);
	free(text);
}
END_TEST

START_TEST(test_too_many_errors)
{
	char *text = NULL, *expected = NULL, *err;
	size_t tlen = 0, elen = 0, i;
	FILE *t = open_memstream(&text, &tlen);
	FILE *e = open_memstream(&expected, &elen);
	struct vmm_config *cfg;

	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(e);
	fprintf(t, "[machine]\n");
	for (i = 0; i < 2 * VMM_CONFIG_MAX_ERRORS; i++)
		fprintf(t, "bad%zu = 1\n", i);
	for (i = 0; i < VMM_CONFIG_MAX_ERRORS; i++)
		fprintf(e,
			"t.ini:%zu: [machine] bad%zu: unknown key 'bad%zu'\n",
			i + 2, i, i);
	fprintf(e, "t.ini: too many errors, giving up\n");
	ck_assert_int_eq(fclose(t), 0);
	ck_assert_int_eq(fclose(e), 0);

	ck_assert_int_eq(load(text, &cfg, &err), -EINVAL);
	ck_assert_str_eq(err, expected);
	ck_assert_ptr_null(cfg);
	free(err);
	free(expected);
	free(text);
}
END_TEST

START_TEST(test_file_limits)
{
	char *dir = make_tmpdir();
	char *path, *big, *err, *expected;
	struct vmm_config *cfg;

	/* Too large: stop reading rather than parse a random big file. */
	ck_assert_int_ge(asprintf(&path, "%s/big.ini", dir), 0);
	big = malloc(VMM_CONFIG_MAX_SIZE + 1);
	ck_assert_ptr_nonnull(big);
	memset(big, '\n', VMM_CONFIG_MAX_SIZE + 1);
	write_file(path, big, VMM_CONFIG_MAX_SIZE);
	ck_assert_int_eq(load_file(path, &cfg, &err), 0);
	ck_assert_str_eq(err, "");
	vmm_config_free(cfg);
	free(err);
	write_file(path, big, VMM_CONFIG_MAX_SIZE + 1);
	ck_assert_int_eq(load_file(path, &cfg, &err), -EFBIG);
	ck_assert_int_ge(asprintf(&expected,
				  "%s: file too large (over %d bytes)\n", path,
				  VMM_CONFIG_MAX_SIZE),
			 0);
	ck_assert_str_eq(err, expected);
	ck_assert_ptr_null(cfg);
	free(expected);
	free(err);

	/* A NUL character: binary data, one message, and reading stops. */
	write_file(path, "[cpu]\nentry = 1\0\nfoo\n", 21);
	ck_assert_int_eq(load_file(path, &cfg, &err), -EINVAL);
	ck_assert_int_ge(
		asprintf(
			&expected,
			"%s:2: syntax error: NUL or control character: not a text file\n",
			path),
		0);
	ck_assert_str_eq(err, expected);
	free(expected);
	free(err);

	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	free(big);
	free(path);
	free(dir);
}
END_TEST

/* --- errors -------------------------------------------------------------- */

START_TEST(test_missing_file)
{
	struct vmm_config *cfg;
	char *err;

	ck_assert_int_eq(load_file("/nonexistent/m.ini", &cfg, &err), -ENOENT);
	ck_assert_str_eq(
		err,
		"/nonexistent/m.ini: cannot open: No such file or directory\n");
	ck_assert_ptr_null(cfg);
	free(err);

	ck_assert_int_eq(load_file("/", &cfg, &err), -EISDIR);
	ck_assert_str_eq(err, "/: cannot read: Is a directory\n");
	ck_assert_ptr_null(cfg);
	free(err);
}
END_TEST

START_TEST(test_file_errors)
{
	char *path = data_path("bad.ini");
	struct vmm_config *cfg;
	char *err, *expected;

	ck_assert_int_eq(load_file(path, &cfg, &err), -EINVAL);
	ck_assert_int_ge(
		asprintf(
			&expected,
			"%s:3: [machine] memroy: unknown key 'memroy' (did you mean 'memory'?)\n"
			"%s:6: [cpu] mode: invalid value 'virtual' (must be one of: real, protected, long)\n"
			"%s:9: [device \"uart0\"] type: invalid device type '../serial' (a plugin name: letters, digits, '-' and '_')\n",
			path, path, path),
		0);
	ck_assert_str_eq(err, expected);
	ck_assert_ptr_null(cfg);
	free(expected);
	free(err);
	free(path);
}
END_TEST

START_TEST(test_unknown_keys)
{
	load_fails(
		"[machine]\nmemroy = 1M\n",
		"t.ini:2: [machine] memroy: unknown key 'memroy' (did you mean 'memory'?)\n");
	load_fails(
		"[machine]\nMemory = 1M\n",
		"t.ini:2: [machine] Memory: unknown key 'Memory' (did you mean 'memory'?)\n");
	load_fails(
		"[cpu]\nfoo = 1\nentyr = 0\n",
		"t.ini:2: [cpu] foo: unknown key 'foo'\n"
		"t.ini:3: [cpu] entyr: unknown key 'entyr' (did you mean 'entry'?)\n");
	load_fails(
		"[image \"a\"]\nfile = x\naddress = 0\nadress = 1\n",
		"t.ini:4: [image \"a\"] adress: unknown key 'adress' (did you mean 'address'?)\n");
	/* The key belongs to [machine], but there is no section yet. */
	load_fails("memory = 1M\n[machine]\n",
		   "t.ini:1: memory: key outside any section\n");
}
END_TEST

START_TEST(test_duplicates)
{
	load_fails(
		"[machine]\nmemory = 1M\nvcpus = 1\nmemory = 2M\n",
		"t.ini:4: [machine] memory: duplicate key (first set at line 2)\n");
	/* A bad first value still counts as set. */
	load_fails(
		"[cpu]\nmode = x\nmode = real\n",
		"t.ini:2: [cpu] mode: invalid value 'x' (must be one of: real, protected, long)\n"
		"t.ini:3: [cpu] mode: duplicate key (first set at line 2)\n");
	load_fails(
		"[image \"a\"]\nfile = x\naddress = 0\nfile = y\n",
		"t.ini:4: [image \"a\"] file: duplicate key (first set at line 2)\n");
	/* A device's own keys are its plugin's to check (check_settings). */
	load_fails(
		"[device \"d\"]\ntype = x\nbase = 1\nbase = 2\ntype = y\n",
		"t.ini:5: [device \"d\"] type: duplicate key (first set at line 2)\n");
	/* Sections: the keys of the second one are skipped. */
	load_fails(
		"[machine]\n[cpu]\n[machine]\nfoo = 1\n[cpu]\n",
		"t.ini:3: [machine]: duplicate section (first one at line 1)\n"
		"t.ini:5: [cpu]: duplicate section (first one at line 2)\n");
	load_fails(
		"[image \"a\"]\nfile = x\naddress = 0\n"
		"[image \"b\"]\nfile = x\naddress = 0\n[image \"a\"]\n",
		"t.ini:7: [image \"a\"]: duplicate image 'a' (first one at line 1)\n");
	load_fails(
		"[device \"u\"]\ntype = x\n[device \"u\"]\ntype = y\n",
		"t.ini:3: [device \"u\"]: duplicate device 'u' (first one at line 1)\n");
	/* An image and a device may share a name. */
	vmm_config_free(load_ok("[device \"u\"]\ntype = x\n"
				"[image \"u\"]\nfile = x\naddress = 0\n"));
}
END_TEST

START_TEST(test_bad_sections)
{
	load_fails(
		"[devcie \"x\"]\ntype = a\n",
		"t.ini:1: [devcie \"x\"]: unknown section 'devcie' (did you mean 'device'?)\n");
	load_fails(
		"[Machine]\n",
		"t.ini:1: [Machine]: unknown section 'Machine' (did you mean 'machine'?)\n");
	load_fails(
		"[foo]\nbar = 1\n",
		"t.ini:1: [foo]: unknown section 'foo' (expected machine, cpu, linux, image \"NAME\" or device \"NAME\")\n");
	load_fails(
		"[]\n[ \"x\" ]\n",
		"t.ini:1: []: missing section name (expected machine, cpu, linux, image \"NAME\" or device \"NAME\")\n"
		"t.ini:2: [\"x\"]: missing section name (expected machine, cpu, linux, image \"NAME\" or device \"NAME\")\n");
	load_fails(
		"[image]\n[device uart]\n[device \"x]\n",
		"t.ini:1: [image]: section needs a quoted name, as in [image \"NAME\"]\n"
		"t.ini:2: [device uart]: section needs a quoted name, as in [device \"NAME\"]\n"
		"t.ini:3: [device \"x]: section needs a quoted name, as in [device \"NAME\"]\n");
	load_fails("[machine \"m\"]\n[cpu x]\n",
		   "t.ini:1: [machine \"m\"]: section [machine] takes no name\n"
		   "t.ini:2: [cpu x]: section [cpu] takes no name\n");
	load_fails(
		"[device \"a b\"]\n[image \"\"]\n[device \"a/b\"]\n",
		"t.ini:1: [device \"a b\"]: invalid device name 'a b' (use letters, digits, '-', '_' and '.')\n"
		"t.ini:2: [image \"\"]: invalid image name '' (use letters, digits, '-', '_' and '.')\n"
		"t.ini:3: [device \"a/b\"]: invalid device name 'a/b' (use letters, digits, '-', '_' and '.')\n");
}
END_TEST

START_TEST(test_syntax_errors)
{
	/* Every bad line, not just the first, and each once. */
	load_fails(
		"[machine]\nmemory 1M\nvcpus = 1\nstrict\n[cpu\nentry = 1\n",
		"t.ini:2: syntax error: expected 'key = value' or '[section]'\n"
		"t.ini:4: syntax error: expected 'key = value' or '[section]'\n"
		"t.ini:5: syntax error: missing ']' in section header\n");
	load_fails(
		"[machine] x\n= 5\nmemory ; = 1M\n",
		"t.ini:1: syntax error: unexpected text after section header\n"
		"t.ini:2: syntax error: missing key before '='\n"
		"t.ini:3: syntax error: expected 'key = value' or '[section]'\n");
	/* A handler error next to a syntax error: both, once each. */
	load_fails(
		"[machine]\nmemroy = 1M\noops\n",
		"t.ini:2: [machine] memroy: unknown key 'memroy' (did you mean 'memory'?)\n"
		"t.ini:3: syntax error: expected 'key = value' or '[section]'\n");
}
END_TEST

START_TEST(test_bad_values)
{
	load_fails(
		"[machine]\nmemory =\nvcpus =\nstrict =\naccel =\n",
		"t.ini:2: [machine] memory: empty value (expected a size)\n"
		"t.ini:3: [machine] vcpus: empty value (expected a number)\n"
		"t.ini:4: [machine] strict: empty value (expected true or false)\n"
		"t.ini:5: [machine] accel: empty value (must be one of: auto, kvm, tcg)\n");
	load_fails(
		"[machine]\nmemory = 1X\nvcpus = 2K\nstrict = maybe\naccel = kmv\n",
		"t.ini:2: [machine] memory: invalid size '1X' (expected a number with an optional K, M or G suffix)\n"
		"t.ini:3: [machine] vcpus: invalid number '2K' (expected decimal or 0x hex)\n"
		"t.ini:4: [machine] strict: invalid boolean 'maybe' (expected true/false, yes/no, on/off or 1/0)\n"
		"t.ini:5: [machine] accel: invalid value 'kmv' (must be one of: auto, kvm, tcg)\n");
	load_fails(
		"[cpu]\nmode = REAL\nentry = -1\nrbx = 0x\ncs =\n",
		"t.ini:2: [cpu] mode: invalid value 'REAL' (must be one of: real, protected, long)\n"
		"t.ini:3: [cpu] entry: invalid number '-1' (expected decimal or 0x hex)\n"
		"t.ini:4: [cpu] rbx: invalid number '0x' (expected decimal or 0x hex)\n"
		"t.ini:5: [cpu] cs: empty value (expected a number)\n");
	load_fails(
		"[image \"a\"]\nfile =\naddress = 1M\n",
		"t.ini:2: [image \"a\"] file: empty value (expected a file name)\n"
		"t.ini:3: [image \"a\"] address: invalid number '1M' (expected decimal or 0x hex)\n");
}
END_TEST

START_TEST(test_linux_alone)
{
	load_fails(
		"[linux]\nkernel = k\n[cpu]\nmode = long\n[image \"x\"]\nfile = x\naddress = 0\n",
		"t.ini:3: [cpu]: not allowed with [linux] (line 1): the kernel's format decides where it is loaded and how the vCPUs start; use one or the other\n"
		"t.ini:5: [image \"x\"]: not allowed with [linux] (line 1): the kernel's format decides where it is loaded and how the vCPUs start; use one or the other\n");
	/* either order */
	load_fails(
		"[image \"x\"]\nfile = x\naddress = 0\n[linux]\nkernel = k\n",
		"t.ini:1: [image \"x\"]: not allowed with [linux] (line 4): the kernel's format decides where it is loaded and how the vCPUs start; use one or the other\n");
	load_fails("[linux]\ninitrd = r\n",
		   "t.ini:1: [linux]: missing required key 'kernel'\n");
	load_fails("[linux]\nkernel =\n",
		   "t.ini:2: [linux] kernel: empty value (expected a file name)\n");
	load_fails("[linux]\nkernel = k\nentry = 16\n",
		   "t.ini:3: [linux] entry: invalid value '16' (must be one of: auto, 32, 64)\n");
	load_fails("[linux]\nkernel = k\n[linux]\n",
		   "t.ini:3: [linux]: duplicate section (first one at line 1)\n");
	load_fails("[linux]\nkernal = k\n",
		   "t.ini:2: [linux] kernal: unknown key 'kernal' (did you mean 'kernel'?)\n"
		   "t.ini:1: [linux]: missing required key 'kernel'\n");
}
END_TEST

START_TEST(test_cs_needs_real_mode)
{
	/* Either order; the error is at cs and names mode's line. */
	load_fails(
		"[cpu]\ncs = 0x10\nmode = long\n",
		"t.ini:2: [cpu] cs: only allowed with mode = real (mode is 'long' at line 3)\n");
	load_fails(
		"[cpu]\nmode = protected\nentry = 0\ncs = 0\n",
		"t.ini:4: [cpu] cs: only allowed with mode = real (mode is 'protected' at line 2)\n");
}
END_TEST

START_TEST(test_required_keys)
{
	load_fails("[image \"a\"]\n[image \"b\"]\nfile = b.bin\n"
		   "[image \"c\"]\naddress = 0\n",
		   "t.ini:1: [image \"a\"]: missing required key 'file'\n"
		   "t.ini:1: [image \"a\"]: missing required key 'address'\n"
		   "t.ini:2: [image \"b\"]: missing required key 'address'\n"
		   "t.ini:4: [image \"c\"]: missing required key 'file'\n");
	load_fails("[device \"a\"]\nbase = 1\n[device \"b\"]\n",
		   "t.ini:1: [device \"a\"]: missing required key 'type'\n"
		   "t.ini:3: [device \"b\"]: missing required key 'type'\n");
	load_fails(
		"[device \"a\"]\nbase = 1\ntpye = serial\n",
		"t.ini:1: [device \"a\"]: missing required key 'type' (is 'tpye' at line 3 a typo?)\n");
	load_fails(
		"[device \"a\"]\ntype =\n[device \"b\"]\ntype = ../x\n"
		"[device \"c\"]\ntype = a.so\n",
		"t.ini:2: [device \"a\"] type: empty value (expected a device type)\n"
		"t.ini:4: [device \"b\"] type: invalid device type '../x' (a plugin name: letters, digits, '-' and '_')\n"
		"t.ini:6: [device \"c\"] type: invalid device type 'a.so' (a plugin name: letters, digits, '-' and '_')\n");
}
END_TEST

START_TEST(test_all_errors_reported)
{
	/* One of each kind, in file order, and then -EINVAL. */
	load_fails(
		"x = 1\n"
		"[machine]\n"
		"memory = 3\n"
		"vcpus = 2\n"
		"vcpus = 3\n"
		"[cpu]\n"
		"mode = long\n"
		"cs = 1\n"
		"junk\n"
		"[image \"i\"]\n"
		"[devices \"d\"]\n"
		"type = t\n"
		"[device \"d\"]\n",
		"t.ini:1: x: key outside any section\n"
		"t.ini:3: [machine] memory: '3' is not a multiple of 4K\n"
		"t.ini:5: [machine] vcpus: duplicate key (first set at line 4)\n"
		"t.ini:9: syntax error: expected 'key = value' or '[section]'\n"
		"t.ini:10: [image \"i\"]: missing required key 'file'\n"
		"t.ini:10: [image \"i\"]: missing required key 'address'\n"
		"t.ini:11: [devices \"d\"]: unknown section 'devices' (did you mean 'device'?)\n"
		"t.ini:13: [device \"d\"]: missing required key 'type'\n"
		"t.ini:8: [cpu] cs: only allowed with mode = real (mode is 'long' at line 7)\n");
}
END_TEST

Suite *machine_suite(void);

Suite *machine_suite(void)
{
	Suite *s = suite_create("machine");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_words);
	tcase_add_test(tc, test_memory_sizes);
	tcase_add_test(tc, test_syntax_variants);
	tcase_add_test(tc, test_registers);
	tcase_add_test(tc, test_parse_u64);
	tcase_add_test(tc, test_parse_bool);
	tcase_add_test(tc, test_did_you_mean);
	tcase_add_test(tc, test_origin_error);
	tcase_add_test(tc, test_file_fixture);
	tcase_add_test(tc, test_file_relative);
	tcase_add_test(tc, test_linux_section);
	tcase_add_test(tc, test_linux_initrd_list);
	tcase_add_test(tc, test_linux_cli);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, test_memory_limits);
	tcase_add_test(tc, test_number_limits);
	tcase_add_test(tc, test_long_lines);
	tcase_add_test(tc, test_many_sections);
	tcase_add_test(tc, test_too_many_errors);
	tcase_add_test(tc, test_file_limits);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_file_errors);
	tcase_add_test(tc, test_unknown_keys);
	tcase_add_test(tc, test_duplicates);
	tcase_add_test(tc, test_bad_sections);
	tcase_add_test(tc, test_syntax_errors);
	tcase_add_test(tc, test_bad_values);
	tcase_add_test(tc, test_cs_needs_real_mode);
	tcase_add_test(tc, test_linux_alone);
	tcase_add_test(tc, test_required_keys);
	tcase_add_test(tc, test_all_errors_reported);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(machine_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
