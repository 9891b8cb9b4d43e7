// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_chardev.c - the host's character sinks (plugin.h, chardev_open()
 * and chardev_write()), through the device test kit: what serial and
 * debugport write, kept in memory by the kit; `none`; a path; a path that
 * cannot be opened; a failing output; and tests/plugins/chartest.c's
 * misuses, a write after a failed open among them.
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

/* @name.so from $@var, else from @dir. */
static const char *so(const char *var, const char *dir, const char *name)
{
	static char path[4][4096];
	static unsigned int next;
	const char *d = getenv(var);
	char *p = path[next++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s.so", d ? d : dir, name);
	return p;
}

#define SERIAL so("PLUGVM_DEVICES", "devices/.libs", "serial")
#define DEBUGPORT so("PLUGVM_DEVICES", "devices/.libs", "debugport")
#define CHARTEST so("PLUGVM_TEST_PLUGINS", "tests/.libs", "chartest")
#define CHRIN so("PLUGVM_TEST_PLUGINS", "tests/.libs", "chrin")
#define CT 0x200 /* chartest's first port */
#define CI 0x300 /* chrin's first port, as the tests set it */

/* Checked fixture: an empty bench, and a fresh file name in @path. */
static struct plugvm_devtest *t;
static char path[4096];

static void setup(void)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	t = plugvm_devtest_new(0);
	ck_assert_ptr_nonnull(t);
	snprintf(path, sizeof(path), "%s/check_chardev.XXXXXX",
		 dir ? dir : "/tmp");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void teardown(void)
{
	plugvm_devtest_free(t);
	unlink(path);
}

/* The file at @path, NUL-terminated, to free(). */
static char *slurp(const char *file)
{
	FILE *f = fopen(file, "rb");
	char *buf = calloc(1, 1 << 17);
	size_t n;

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(buf);
	n = fread(buf, 1, (1 << 17) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Standard output into a pipe, until stdout_end(). */
static int saved_stdout = -1, pipe_rd = -1;

static void stdout_begin(void)
{
	int fds[2];

	fflush(stdout);
	ck_assert_int_eq(pipe(fds), 0);
	saved_stdout = dup(STDOUT_FILENO);
	ck_assert_int_ge(saved_stdout, 0);
	ck_assert_int_ge(dup2(fds[1], STDOUT_FILENO), 0);
	close(fds[1]);
	pipe_rd = fds[0];
}

/* What reached standard output since stdout_begin() (a few KiB at most). */
static const char *stdout_end(void)
{
	static char buf[4096];
	ssize_t n;
	size_t len = 0;

	fflush(stdout);
	dup2(saved_stdout, STDOUT_FILENO);
	close(saved_stdout);
	while ((n = read(pipe_rd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(pipe_rd);
	buf[len] = '\0';
	return buf;
}

/* The last chartest return value (port +0, 4 bytes), sign-extended. */
static int64_t last(void)
{
	uint64_t v = 0;

	ck_assert_int_eq(plugvm_devtest_pio_read(t, CT, 4, &v),
			 PLUGVM_DEVTEST_OK);
	return (int32_t)v;
}

/* ---- capture ----------------------------------------------------------- */

START_TEST(test_capture_serial)
{
	size_t len = 99;

	stdout_begin();
	ck_assert_int_eq(plugvm_devtest_add(t, SERIAL, "uart", NULL), 0);
	ck_assert_str_eq(plugvm_devtest_chardev(t, "uart", "output", &len),
			 "");
	ck_assert_uint_eq(len, 0);
	plugvm_devtest_outb(t, 0x3f8, 'h');
	plugvm_devtest_outb(t, 0x3f8, 'i');
	plugvm_devtest_outb(t, 0x3f8, 0);
	plugvm_devtest_outb(t, 0x3f8, '\n');
	/* kept as it is written, NUL byte and all */
	ck_assert_ptr_nonnull(plugvm_devtest_chardev(t, "uart", "output", &len));
	ck_assert_uint_eq(len, 4);
	ck_assert_mem_eq(plugvm_devtest_chardev(t, "uart", "output", NULL),
			 "hi\0\n", 4);
	plugvm_devtest_shutdown(t);
	/* stdout got the same, and the copy outlives the device */
	ck_assert_mem_eq(stdout_end(), "hi\0\n", 4);
	ck_assert_mem_eq(plugvm_devtest_chardev(t, "uart", "output", &len),
			 "hi\0\n", 4);
	ck_assert_uint_eq(len, 4);
	/* no such device or key */
	ck_assert_ptr_null(plugvm_devtest_chardev(t, "uart", "base", &len));
	ck_assert_uint_eq(len, 0);
	ck_assert_ptr_null(plugvm_devtest_chardev(t, "nouart", "output", NULL));
	ck_assert_ptr_null(plugvm_devtest_chardev(t, NULL, "output", NULL));
	ck_assert_ptr_null(plugvm_devtest_chardev(NULL, "uart", "output", NULL));
}
END_TEST

START_TEST(test_capture_two_devices)
{
	static const char *const com2[] = { "base", "0x2f8", NULL };

	stdout_begin();
	ck_assert_int_eq(plugvm_devtest_add(t, SERIAL, "com1", NULL), 0);
	ck_assert_int_eq(plugvm_devtest_add(t, SERIAL, "com2", com2), 0);
	ck_assert_int_eq(plugvm_devtest_add(t, DEBUGPORT, "dbg", NULL), 0);
	plugvm_devtest_outb(t, 0x3f8, 'a');
	ck_assert_int_eq(plugvm_devtest_pio_write(t, 0x10, 2, 300),
			 PLUGVM_DEVTEST_OK);
	plugvm_devtest_outb(t, 0x2f8, 'b');
	plugvm_devtest_outb(t, 0x3f8, 'c');
	plugvm_devtest_shutdown(t);
	/* one stdout, each write whole, in order */
	ck_assert_str_eq(stdout_end(), "aout port: 16, data: 300\nbc");
	ck_assert_str_eq(plugvm_devtest_chardev(t, "com1", "output", NULL),
			 "ac");
	ck_assert_str_eq(plugvm_devtest_chardev(t, "com2", "output", NULL),
			 "b");
	ck_assert_str_eq(plugvm_devtest_chardev(t, "dbg", "output", NULL),
			 "out port: 16, data: 300\n");
}
END_TEST

START_TEST(test_capture_restarts)
{
	static const char *const none[] = { "output", "none", NULL };

	stdout_begin();
	ck_assert_int_eq(plugvm_devtest_add(t, CHARTEST, "ct", NULL), 0);
	plugvm_devtest_outb(t, CT, 'x');
	plugvm_devtest_shutdown(t);
	/* destroy() may still write: the host closes after it */
	ck_assert_str_eq(plugvm_devtest_chardev(t, "ct", "output", NULL),
			 "xbye\n");
	/* the same id again starts from empty */
	ck_assert_int_eq(plugvm_devtest_add(t, CHARTEST, "ct", NULL), 0);
	ck_assert_str_eq(plugvm_devtest_chardev(t, "ct", "output", NULL), "");
	plugvm_devtest_outb(t, CT, 'y');
	ck_assert_str_eq(plugvm_devtest_chardev(t, "ct", "output", NULL), "y");
	plugvm_devtest_shutdown(t);
	ck_assert_str_eq(stdout_end(), "xbye\nybye\n");
	/* another id is another copy; "none" keeps none */
	ck_assert_int_eq(plugvm_devtest_add(t, CHARTEST, "quiet", none), 0);
	ck_assert_ptr_null(plugvm_devtest_chardev(t, "quiet", "output", NULL));
	ck_assert_str_eq(plugvm_devtest_chardev(t, "ct", "output", NULL),
			 "ybye\n");
}
END_TEST

/* ---- none -------------------------------------------------------------- */

START_TEST(test_none)
{
	static const char *const dbg[] = { "output", "none", "limit", "2",
					   NULL };
	static const char *const ct[] = { "output", "none", NULL };
	size_t len = 99;

	stdout_begin();
	ck_assert_int_eq(plugvm_devtest_add(t, DEBUGPORT, "dbg", dbg), 0);
	ck_assert_int_eq(plugvm_devtest_add(t, CHARTEST, "ct", ct), 0);
	plugvm_devtest_pio_write(t, 0x10, 1, 1);
	plugvm_devtest_pio_write(t, 0x10, 1, 2);
	/* a NULL sink takes every byte and keeps none */
	plugvm_devtest_outb(t, CT, 'z');
	ck_assert_int_eq(last(), 1);
	ck_assert_int_eq(plugvm_devtest_pio_write(t, CT + 2, 1, 2),
			 PLUGVM_DEVTEST_OK);
	ck_assert_int_eq(last(), 2048);
	plugvm_devtest_shutdown(t);
	ck_assert_str_eq(stdout_end(), "");
	ck_assert_ptr_null(plugvm_devtest_chardev(t, "dbg", "output", &len));
	ck_assert_uint_eq(len, 0);
	ck_assert_ptr_null(plugvm_devtest_chardev(t, "ct", "output", NULL));
	/* the limit still counts */
	ck_assert(plugvm_devtest_exit_requested(t, NULL));
	ck_assert_ptr_null(
		plugvm_devtest_log_find(t, PLUGVM_LOG_WARN, "write failed"));
}
END_TEST

/* ---- a path ------------------------------------------------------------ */

START_TEST(test_path)
{
	const char *const settings[] = { "output", path, NULL };
	FILE *f = fopen(path, "w");
	char *text;

	/* a file that exists is truncated */
	ck_assert_ptr_nonnull(f);
	fputs("old contents, longer than the new\n", f);
	fclose(f);
	stdout_begin();
	ck_assert_int_eq(plugvm_devtest_add(t, DEBUGPORT, "dbg", settings), 0);
	plugvm_devtest_pio_write(t, 0x11, 1, 7);
	plugvm_devtest_pio_write(t, 0x10, 4, 0xffffffff);
	ck_assert_str_eq(plugvm_devtest_chardev(t, "dbg", "output", NULL),
			 "out port: 17, data: 7\n"
			 "out port: 16, data: 4294967295\n");
	plugvm_devtest_shutdown(t);
	ck_assert_str_eq(stdout_end(), "");
	text = slurp(path);
	ck_assert_str_eq(text, "out port: 17, data: 7\n"
			       "out port: 16, data: 4294967295\n");
	ck_assert_str_eq(plugvm_devtest_chardev(t, "dbg", "output", NULL),
			 text);
	free(text);
}
END_TEST

START_TEST(test_path_closed_when_create_fails)
{
	const char *const settings[] = { "output", path, "misuse", "fail",
					 NULL };
	char *text;

	ck_assert_int_eq(plugvm_devtest_add(t, CHARTEST, "ct", settings), -EIO);
	ck_assert_str_eq(plugvm_devtest_error(t), "failing after the open");
	/* what create() wrote was flushed and the file closed */
	text = slurp(path);
	ck_assert_str_eq(text, "early\n");
	free(text);
	ck_assert_str_eq(plugvm_devtest_chardev(t, "ct", "output", NULL),
			 "early\n");
}
END_TEST

/* ---- failures ---------------------------------------------------------- */

START_TEST(test_bad_path_names_key)
{
	static const char *const settings[] = { "output",
						"/nonexistent/dir/out.txt",
						NULL };

	ck_assert_int_eq(plugvm_devtest_add(t, SERIAL, "uart", settings),
			 -ENOENT);
	ck_assert_str_eq(plugvm_devtest_error(t),
			 "uart: output: cannot open '/nonexistent/dir/out.txt': "
			 "No such file or directory");
	ck_assert_int_eq(plugvm_devtest_add(t, DEBUGPORT, "dbg", settings),
			 -ENOENT);
	ck_assert_str_eq(plugvm_devtest_error(t),
			 "dbg: output: cannot open '/nonexistent/dir/out.txt': "
			 "No such file or directory");
	/* said once each, and no device is left */
	ck_assert_uint_eq(plugvm_devtest_log_count(t), 2);
	plugvm_devtest_outb(t, 0x3f8, 'x');
	ck_assert_int_eq(plugvm_devtest_last_result(t), PLUGVM_DEVTEST_UNMAPPED);
}
END_TEST

START_TEST(test_write_after_failed_open)
{
	static const char *const settings[] = { "output", "/nonexistent/x",
						"misuse", "ignore", NULL };

	/* the plugin ignores the failure: created, with the error said */
	ck_assert_int_eq(plugvm_devtest_add(t, CHARTEST, "ct", settings), 0);
	ck_assert_ptr_nonnull(plugvm_devtest_log_find(
		t, PLUGVM_LOG_ERROR, "ct: output: cannot open '/nonexistent/x'"));
	/* its sink is NULL: "lost\n" and every later byte are dropped */
	ck_assert_int_eq(last(), 5);
	plugvm_devtest_outb(t, CT, 'q');
	ck_assert_int_eq(last(), 1);
	plugvm_devtest_shutdown(t);
	ck_assert_ptr_null(plugvm_devtest_chardev(t, "ct", "output", NULL));
	ck_assert_uint_eq(plugvm_devtest_log_count(t), 1);
}
END_TEST

START_TEST(test_write_fails)
{
	static const char *const settings[] = { "output", "/dev/full", NULL };
	int64_t n;

	if (access("/dev/full", W_OK))
		return; /* no /dev/full here */
	ck_assert_int_eq(plugvm_devtest_add(t, CHARTEST, "ct", settings), 0);
	/* more than stdio buffers: the write itself fails */
	ck_assert_int_eq(plugvm_devtest_pio_write(t, CT + 2, 1, 64),
			 PLUGVM_DEVTEST_OK);
	n = last();
	ck_assert_int_lt(n, 64 * 1024);
	ck_assert_int_ge(n, 0);
	ck_assert_ptr_nonnull(plugvm_devtest_log_find(
		t, PLUGVM_LOG_WARN,
		"output: write failed: No space left on device"));
	/* the copy has what was accepted */
	ck_assert_uint_eq(strlen(plugvm_devtest_chardev(t, "ct", "output",
							NULL)),
			  (size_t)n);
	plugvm_devtest_outb(t, CT, 'x');
	plugvm_devtest_shutdown(t);
	/* said once, not again at the next write nor at close */
	ck_assert_uint_eq(plugvm_devtest_log_count(t), 1);
}
END_TEST

START_TEST(test_close_fails)
{
	static const char *const settings[] = { "output", "/dev/full", NULL };

	if (access("/dev/full", W_OK))
		return;
	/* one buffered byte: the failure shows when the host closes */
	ck_assert_int_eq(plugvm_devtest_add(t, SERIAL, "uart", settings), 0);
	plugvm_devtest_outb(t, 0x3f8, 'x');
	ck_assert_uint_eq(plugvm_devtest_log_count(t), 0);
	plugvm_devtest_shutdown(t);
	ck_assert_uint_eq(plugvm_devtest_log_count(t), 1);
	ck_assert_ptr_nonnull(plugvm_devtest_log_find(
		t, PLUGVM_LOG_WARN,
		"output: write failed: No space left on device"));
	ck_assert_str_eq(plugvm_devtest_log_entry(t, 0)->device, "uart");
}
END_TEST

/* ---- plugin bugs -------------------------------------------------------- */

/* chartest with misuse = @how fails with @err, and @msg said once. */
static void expect_bug(const char *how, int err, const char *msg)
{
	const char *const settings[] = { "output", path, "misuse", how, NULL };

	ck_assert_int_eq(plugvm_devtest_add(t, CHARTEST, "ct", settings), err);
	ck_assert_msg(strstr(plugvm_devtest_error(t), msg),
		      "misuse %s: error '%s' has no '%s'", how,
		      plugvm_devtest_error(t), msg);
	ck_assert_uint_eq(plugvm_devtest_log_count(t), 1);
}

START_TEST(test_bug_nokey)
{
	expect_bug("nokey", -EINVAL,
		   "plugin bug: chardev_open() names 'nokey', which is not a "
		   "setting of 'chartest'");
}
END_TEST

START_TEST(test_bug_flags)
{
	expect_bug("flags", -EINVAL,
		   "plugin bug: chardev_open(): flags 0x3 for 'output': "
		   "PLUGVM_CHARDEV_OUTPUT (0x1), or PLUGVM_CHARDEV_INPUT (0x2) "
		   "with or without PLUGVM_CHARDEV_STDIN_FIRST (0x4)");
}
END_TEST

START_TEST(test_bug_null)
{
	expect_bug("null", -EINVAL,
		   "plugin bug: chardev_open(): the result pointer is NULL");
}
END_TEST

START_TEST(test_bug_twice)
{
	expect_bug("twice", -EEXIST,
		   "plugin bug: chardev_open(): a character sink for 'output' "
		   "is open already");
}
END_TEST

START_TEST(test_bug_outside_create)
{
	static const char *const settings[] = { "output", "none", NULL };

	ck_assert_int_eq(plugvm_devtest_add(t, CHARTEST, "ct", settings), 0);
	plugvm_devtest_outb(t, CT + 1, 1);
	ck_assert_int_eq(last(), -EPERM);
	ck_assert_ptr_nonnull(plugvm_devtest_log_find(
		t, PLUGVM_LOG_ERROR,
		"plugin bug: chardev_open() called outside create()"));
	ck_assert_str_eq(plugvm_devtest_log_entry(t, 0)->device, "ct");
}
END_TEST

/* ---- input (API 3) ------------------------------------------------------ */

/* A chrin at CI with input @input and a FIFO of @room bytes. */
static void add_chrin(const char *id, const char *input, const char *room)
{
	const char *const settings[] = { "port", "0x300", "input", input,
					 "room", room, "output", "none",
					 NULL };

	ck_assert_int_eq(plugvm_devtest_add(t, CHRIN, id, settings), 0);
}

/* Pop @n bytes from chrin's FIFO into a string. */
static const char *pop(size_t n)
{
	static char buf[64];

	for (size_t i = 0; i < n && i < sizeof(buf) - 1; i++)
		buf[i] = (char)plugvm_devtest_inb(t, CI);
	buf[n < sizeof(buf) ? n : sizeof(buf) - 1] = '\0';
	return buf;
}

START_TEST(test_input_flow_control)
{
	add_chrin("in", "stdin", "4");
	/* the device takes what it has room for; the rest waits */
	ck_assert_int_eq(plugvm_devtest_chardev_input(t, "in", "input",
						      "0123456789", 10),
			 4);
	ck_assert_uint_eq(plugvm_devtest_chardev_pending(t, "in", "input"), 6);
	ck_assert_uint_eq(plugvm_devtest_inb(t, CI + 1), 4);
	/* each byte read makes room: input_ready(), then one more comes,
	 * after the access */
	ck_assert_str_eq(pop(1), "0");
	ck_assert_uint_eq(plugvm_devtest_chardev_pending(t, "in", "input"), 5);
	ck_assert_uint_eq(plugvm_devtest_inb(t, CI + 1), 4);
	ck_assert_str_eq(pop(9), "123456789");
	ck_assert_uint_eq(plugvm_devtest_chardev_pending(t, "in", "input"), 0);
	ck_assert_uint_eq(plugvm_devtest_inb(t, CI + 1), 0);
	/* never more than can_receive() said */
	ck_assert_uint_eq(plugvm_devtest_inb(t, CI + 3), 0);
	/* a full FIFO queues everything typed */
	ck_assert_int_eq(plugvm_devtest_chardev_input(t, "in", "input", "abcd",
						      4),
			 4);
	ck_assert_int_eq(plugvm_devtest_chardev_input(t, "in", "input", "ef", 2),
			 0);
	ck_assert_str_eq(pop(6), "abcdef");
	ck_assert_uint_eq(plugvm_devtest_inb(t, CI + 3), 0);
}
END_TEST

START_TEST(test_input_events)
{
	add_chrin("in", "stdin", "1");
	ck_assert_int_eq(plugvm_devtest_chardev_input(t, "in", "input", "ab", 2),
			 1);
	/* after the bytes still queued */
	ck_assert_int_eq(plugvm_devtest_chardev_event(
				 t, "in", "input", PLUGVM_CHARDEV_EVENT_BREAK),
			 0);
	ck_assert_int_eq(plugvm_devtest_chardev_event(
				 t, "in", "input", PLUGVM_CHARDEV_EVENT_EOF),
			 0);
	ck_assert_uint_eq(plugvm_devtest_inb(t, CI + 2), 0);
	ck_assert_str_eq(pop(1), "a");
	ck_assert_uint_eq(plugvm_devtest_inb(t, CI + 2), 0);
	ck_assert_str_eq(pop(1), "b");
	/* one break, then the end */
	ck_assert_uint_eq(plugvm_devtest_inb(t, CI + 2), 3);
	/* nothing after the end */
	ck_assert_int_eq(plugvm_devtest_chardev_input(t, "in", "input", "c", 1),
			 0);
	ck_assert_uint_eq(plugvm_devtest_inb(t, CI + 1), 0);
	ck_assert_int_eq(plugvm_devtest_chardev_event(t, "in", "input", 99), -1);
}
END_TEST

START_TEST(test_input_none_and_path)
{
	add_chrin("quiet", "none", "16");
	ck_assert_int_eq(plugvm_devtest_chardev_input(t, "quiet", "input", "x",
						      1),
			 -1);
	ck_assert_ptr_nonnull(strstr(plugvm_devtest_error(t), "no input"));
	ck_assert_int_eq(plugvm_devtest_chardev_input(t, "nobody", "input", "x",
						      1),
			 -1);
	/* a path is opened as plugvm opens it; the test types the bytes */
	plugvm_devtest_shutdown(t);
	add_chrin("file", path, "16");
	ck_assert_int_eq(plugvm_devtest_chardev_input(t, "file", "input", "xy",
						      2),
			 2);
	ck_assert_str_eq(pop(2), "xy");
}
END_TEST

START_TEST(test_input_bad_path)
{
	static const char *const settings[] = { "input", "/nonexistent/in",
						NULL };

	ck_assert_int_eq(plugvm_devtest_add(t, CHRIN, "in", settings), -ENOENT);
	ck_assert_str_eq(plugvm_devtest_error(t),
			 "in: input: cannot open '/nonexistent/in': "
			 "No such file or directory");
}
END_TEST

START_TEST(test_input_stdin_once)
{
	static const char *const second[] = { "port", "0x310", "input",
					      "stdin", NULL };
	static const char *const automatic[] = { "port", "0x320", NULL };

	add_chrin("first", "stdin", "16");
	ck_assert_int_eq(plugvm_devtest_add(t, CHRIN, "second", second),
			 -EBUSY);
	ck_assert_str_eq(plugvm_devtest_error(t),
			 "second: input: stdin is the input of device 'first' "
			 "(input) already: one device at most reads it");
	/* auto (PLUGVM_CHARDEV_STDIN_FIRST): quietly none */
	plugvm_devtest_log_clear(t);
	ck_assert_int_eq(plugvm_devtest_add(t, CHRIN, "third", automatic), 0);
	ck_assert_uint_eq(plugvm_devtest_log_count(t), 0);
	ck_assert_int_eq(plugvm_devtest_chardev_input(t, "third", "input", "x",
						      1),
			 -1);
	/* the holder gone, stdin is free again */
	plugvm_devtest_shutdown(t);
	ck_assert_int_eq(plugvm_devtest_add(t, CHRIN, "second", second), 0);
}
END_TEST

START_TEST(test_output_stall)
{
	static const char *const settings[] = { "port", "0x300", "input",
						"none", "output", "stdout",
						NULL };
	size_t len;

	stdout_begin();
	ck_assert_int_eq(plugvm_devtest_add(t, CHRIN, "out", settings), 0);
	ck_assert_int_eq(plugvm_devtest_chardev_stall(t, "out", "output", 3),
			 0);
	for (const char *p = "hello"; *p; p++)
		plugvm_devtest_outb(t, CI + 3, (uint8_t)*p);
	ck_assert_str_eq(plugvm_devtest_chardev(t, "out", "output", &len),
			 "hel");
	ck_assert_int_eq(plugvm_devtest_chardev_stall(t, "out", "output",
						      SIZE_MAX),
			 0);
	plugvm_devtest_outb(t, CI + 3, '!');
	plugvm_devtest_shutdown(t);
	ck_assert_str_eq(stdout_end(), "hel!");
	/* counted, and said at the end (plugvm -v) */
	ck_assert_ptr_nonnull(plugvm_devtest_log_find(
		t, PLUGVM_LOG_INFO,
		"output: 2 bytes of output dropped: its consumer stalled"));
	ck_assert_int_eq(plugvm_devtest_chardev_stall(t, "out", "input", 0), -1);
}
END_TEST

static Suite *chardev_suite(void)
{
	Suite *s = suite_create("chardev");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_capture_serial);
	tcase_add_test(tc, test_capture_two_devices);
	tcase_add_test(tc, test_capture_restarts);
	tcase_add_test(tc, test_none);
	tcase_add_test(tc, test_path);
	tcase_add_test(tc, test_path_closed_when_create_fails);
	suite_add_tcase(s, tc);

	tc = tcase_create("input");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_input_flow_control);
	tcase_add_test(tc, test_input_events);
	tcase_add_test(tc, test_input_none_and_path);
	tcase_add_test(tc, test_input_bad_path);
	tcase_add_test(tc, test_input_stdin_once);
	tcase_add_test(tc, test_output_stall);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_bad_path_names_key);
	tcase_add_test(tc, test_write_after_failed_open);
	tcase_add_test(tc, test_write_fails);
	tcase_add_test(tc, test_close_fails);
	tcase_add_test(tc, test_bug_nokey);
	tcase_add_test(tc, test_bug_flags);
	tcase_add_test(tc, test_bug_null);
	tcase_add_test(tc, test_bug_twice);
	tcase_add_test(tc, test_bug_outside_create);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(chardev_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
