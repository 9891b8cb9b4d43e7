// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_outputs.c - chardev.c's outputs as plugvm uses them (an event
 * thread, real descriptors): a FIFO whose reader stalls takes what fits
 * in the pipe and the 64 KiB bound, the rest is dropped and counted, the
 * writer never waits; what is held goes out when the reader comes back,
 * through the event thread, or through vmm_console_flush_async() (a
 * crash handler's); a closed reader is a failure said once.
 */
#include "config.h"

#include "chardev.h"
#include "events.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static struct vmm_events *ev;
static struct vmm_chardevs *cs;
static char dir[4096], fifo[4200];
static int rd = -1;

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/check_outputs.XXXXXX",
		 tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	/* the reader first: opening the writer then does not block */
	rd = open(fifo, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(rd, 0);
	ck_assert_int_eq(vmm_events_new(false, &ev), 0);
	ck_assert_int_eq(vmm_chardevs_new(ev, false, NULL, NULL, &cs), 0);
	ck_assert_int_eq(vmm_events_start(ev), 0);
}

static void teardown(void)
{
	vmm_events_stop(ev);
	vmm_chardevs_free(cs);
	vmm_events_free(ev);
	if (rd >= 0)
		close(rd);
	unlink(fifo);
	rmdir(dir);
}

/* Everything the reader can take now. */
static size_t drain_reader(void)
{
	char buf[65536];
	size_t total = 0;
	ssize_t n;

	while ((n = read(rd, buf, sizeof(buf))) > 0)
		total += (size_t)n;
	return total;
}

/* Read what arrives until @want bytes came, or 10 s went by. */
static size_t read_until(size_t want)
{
	size_t total = 0;

	for (int i = 0; i < 1000 && total < want; i++) {
		struct timespec ts = { 0, 10000000 };

		total += drain_reader();
		if (total < want)
			nanosleep(&ts, NULL);
	}
	return total + drain_reader();
}

START_TEST(test_stalled_reader)
{
	static char buf[VMM_CHARDEV_BOUND];
	struct vmm_chardev c;
	size_t n = 0, offered = 0, got, last = 1;
	uint64_t lost = 99;
	int err = 0, pipe_size = fcntl(rd, F_GETPIPE_SZ);

	ck_assert_int_gt(pipe_size, 0);
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(vmm_chardev_open(cs, &c, fifo, NULL), 0);
	/* 64 KiB at a time: the pipe and the bound take some, then none */
	for (int i = 0; i < 64 && last; i++) {
		last = vmm_chardev_write(&c, buf, sizeof(buf), &err);
		n += last;
		offered += sizeof(buf);
	}
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(last, 0);
	ck_assert_uint_le(n, (size_t)pipe_size + VMM_CHARDEV_BOUND);
	ck_assert_uint_ge(n, VMM_CHARDEV_BOUND);
	ck_assert_uint_eq(vmm_chardev_dropped(&c), offered - n);
	/* the reader comes back: the event thread writes out what was held */
	got = read_until(n);
	ck_assert_uint_eq(got, n);
	/* and later bytes flow again */
	ck_assert_uint_eq(vmm_chardev_write(&c, "tail", 4, &err), 4);
	ck_assert_uint_eq(read_until(4), 4);
	ck_assert_int_eq(vmm_chardev_close(&c, &lost), 0);
	ck_assert_uint_eq(lost, 0);
}
END_TEST

START_TEST(test_flush_async)
{
	static char buf[VMM_CHARDEV_BOUND];
	struct vmm_chardev c;
	size_t n, got;
	int err = 0;

	memset(buf, 'y', sizeof(buf));
	/* no event thread: only the writer and the crash path write */
	vmm_events_stop(ev);
	ck_assert_int_eq(vmm_chardev_open(cs, &c, fifo, NULL), 0);
	n = vmm_chardev_write(&c, "a", 1, &err);
	ck_assert_uint_eq(n, 1);
	/* held for the batch: the reader has nothing yet */
	ck_assert_uint_eq(drain_reader(), 0);
	vmm_console_flush_async(100);
	ck_assert_uint_eq(drain_reader(), 1);
	/* a stalled reader: flush_async gives up after its time */
	n = vmm_chardev_write(&c, buf, sizeof(buf), &err);
	n += vmm_chardev_write(&c, buf, sizeof(buf), &err);
	vmm_console_flush_async(50);
	got = drain_reader();
	vmm_console_flush_async(50);
	got += drain_reader();
	ck_assert_uint_eq(got, n);
	ck_assert_int_eq(vmm_chardev_close(&c, NULL), 0);
}
END_TEST

START_TEST(test_reader_gone)
{
	struct vmm_chardev c;
	uint64_t lost = 0, held;
	int err = 0;

	signal(SIGPIPE, SIG_IGN);
	ck_assert_int_eq(vmm_chardev_open(cs, &c, fifo, NULL), 0);
	close(rd);
	rd = -1;
	/* held for a millisecond, then the write fails (on a loaded host,
	 * later): said, and what comes after it is dropped */
	ck_assert_uint_eq(vmm_chardev_write(&c, "abc", 3, &err), 3);
	held = 3;
	for (int i = 0; i < 1000 && !err; i++) {
		struct timespec ts = { 0, 10000000 };

		nanosleep(&ts, NULL);
		held += vmm_chardev_write(&c, "d", 1, &err);
	}
	ck_assert_int_eq(err, -EPIPE);
	ck_assert_uint_eq(vmm_chardev_write(&c, "def", 3, &err), 0);
	ck_assert_uint_eq(vmm_chardev_dropped(&c), 3 + 1);
	ck_assert_int_eq(vmm_chardev_close(&c, &lost), -EPIPE);
	/* what it had accepted is counted lost */
	ck_assert_uint_eq(lost, held);
}
END_TEST

START_TEST(test_restore_without_raw)
{
	/* nothing was made raw: nothing to do, safely, twice */
	vmm_console_restore();
	vmm_console_restore();
	vmm_console_flush_async(0);
}
END_TEST

static Suite *outputs_suite(void)
{
	Suite *s = suite_create("outputs");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_stalled_reader);
	tcase_add_test(tc, test_flush_async);
	tcase_add_test(tc, test_reader_gone);
	tcase_add_test(tc, test_restore_without_raw);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(outputs_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
