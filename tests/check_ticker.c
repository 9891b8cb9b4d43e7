// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_ticker.c - the test kit's virtual clock and injected readiness
 * (devtest.h, "Time and events"), through tests/plugins/ticker.c: a device
 * with a periodic timer and a watch that echoes a pipe.
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

#define PORT 0x500
#define MS 1000000ull

static const char *ticker_so(void)
{
	static char path[4096];
	const char *d = getenv("PLUGVM_TEST_PLUGINS");

	snprintf(path, sizeof(path), "%s/ticker.so", d ? d : "tests/.libs");
	return path;
}

static uint32_t ticks(struct plugvm_devtest *t)
{
	uint64_t v = 0;

	ck_assert_int_eq(plugvm_devtest_pio_read(t, PORT, 4, &v),
			 PLUGVM_DEVTEST_OK);
	return (uint32_t)v;
}

START_TEST(test_clock_starts_at_zero_and_steps)
{
	static const char *const s[] = { "period", "1000000", NULL };
	struct plugvm_devtest *t = plugvm_devtest_open(ticker_so(), "tk", s, 0);

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(plugvm_devtest_clock_ns(t), 0);
	/* reset() armed the first tick one period from 0 */
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), MS);
	ck_assert_uint_eq(ticks(t), 0);
	ck_assert_uint_eq(plugvm_devtest_clock_step(t, MS - 1), 0);
	ck_assert_uint_eq(ticks(t), 0);
	ck_assert_uint_eq(plugvm_devtest_clock_step(t, 1), 1);
	ck_assert_uint_eq(ticks(t), 1);
	/* the callback re-armed itself: included in one step */
	ck_assert_uint_eq(plugvm_devtest_clock_step(t, 10 * MS), 10);
	ck_assert_uint_eq(ticks(t), 11);
	ck_assert_uint_eq(plugvm_devtest_clock_ns(t), 11 * MS);
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), 12 * MS);
	/* step_next: to the next deadline exactly */
	ck_assert_uint_eq(plugvm_devtest_clock_step(t, MS / 4), 0);
	ck_assert_uint_eq(plugvm_devtest_clock_step_next(t), 3 * MS / 4);
	ck_assert_uint_eq(plugvm_devtest_clock_ns(t), 12 * MS);
	ck_assert_uint_eq(ticks(t), 12);
	plugvm_devtest_free(t);
}
END_TEST

/* The clock the last tick saw (ticker +8, low 32 bits). */
static uint32_t tick_ns(struct plugvm_devtest *t)
{
	uint64_t v = 0;

	ck_assert_int_eq(plugvm_devtest_pio_read(t, PORT + 8, 4, &v),
			 PLUGVM_DEVTEST_OK);
	return (uint32_t)v;
}

/*
 * Late: the clock moves first, then the timers run with it there. The
 * ticker re-arms from its last deadline, so it catches up on every period
 * it missed, each tick seeing the late time; on time, each sees its
 * deadline.
 */
START_TEST(test_step_late)
{
	static const char *const s[] = { "period", "1000000", NULL };
	struct plugvm_devtest *t = plugvm_devtest_open(ticker_so(), "tk", s, 0);

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(plugvm_devtest_clock_step_late(t, MS - 1), 0);
	ck_assert_uint_eq(plugvm_devtest_clock_step_late(t, 10 * MS + MS / 2 + 1),
			  11);
	ck_assert_uint_eq(ticks(t), 11);
	ck_assert_uint_eq(tick_ns(t), 11 * MS + MS / 2);
	ck_assert_uint_eq(plugvm_devtest_clock_ns(t), 11 * MS + MS / 2);
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), 12 * MS);
	/* nothing due: no different from a step */
	ck_assert_uint_eq(plugvm_devtest_clock_step_late(t, MS / 4), 0);
	ck_assert_uint_eq(plugvm_devtest_clock_ns(t), 11 * MS + 3 * MS / 4);
	/* on time: the tick sees its deadline */
	ck_assert_uint_eq(plugvm_devtest_clock_step(t, MS / 2), 1);
	ck_assert_uint_eq(tick_ns(t), 12 * MS);
	ck_assert_uint_eq(plugvm_devtest_clock_step_late(NULL, MS), 0);
	plugvm_devtest_free(t);
}
END_TEST

/* The same steps give the same ticks, whatever the host does meanwhile. */
START_TEST(test_deterministic)
{
	static const char *const s[] = { "period", "333333", NULL };
	static const uint64_t steps[] = { 1, 333332, 1, 999999, 5000000, 17,
					  333333, 666666, 1000000000 };
	uint32_t seen[2][sizeof(steps) / sizeof(steps[0])];
	uint64_t total = 0;

	for (int run = 0; run < 2; run++) {
		struct plugvm_devtest *t =
			plugvm_devtest_open(ticker_so(), NULL, s, 0);

		ck_assert_ptr_nonnull(t);
		if (run) /* the host's own clock moves: not this one */
			usleep(20000);
		for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
			plugvm_devtest_clock_step(t, steps[i]);
			seen[run][i] = ticks(t);
		}
		plugvm_devtest_free(t);
	}
	ck_assert_mem_eq(seen[0], seen[1], sizeof(seen[0]));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		total += steps[i];
	/* a deadline is reached when the clock gets to it: 1 + 333332 */
	ck_assert_uint_eq(seen[0][0], 0);
	ck_assert_uint_eq(seen[0][1], 1);
	ck_assert_uint_eq(seen[0][2], 1);
	/* a tick at every multiple of the period within the total */
	ck_assert_uint_eq(seen[0][8], total / 333333);
}
END_TEST

START_TEST(test_cancel_from_write)
{
	struct plugvm_devtest *t = plugvm_devtest_open(ticker_so(), "tk", NULL, 0);

	ck_assert_ptr_nonnull(t);
	plugvm_devtest_clock_step(t, 3 * MS);
	ck_assert_uint_eq(ticks(t), 3);
	plugvm_devtest_outb(t, PORT + 4, 0); /* timer off: cancel() */
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), UINT64_MAX);
	ck_assert_uint_eq(plugvm_devtest_clock_step_next(t), UINT64_MAX);
	ck_assert_uint_eq(plugvm_devtest_clock_step(t, 1000 * MS), 0);
	ck_assert_uint_eq(ticks(t), 3);
	ck_assert_uint_eq(plugvm_devtest_clock_ns(t), 1003 * MS);
	plugvm_devtest_outb(t, PORT + 4, 1); /* on again: one period on */
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), 1004 * MS);
	/* reset() puts it back where it starts */
	plugvm_devtest_reset(t);
	ck_assert_uint_eq(ticks(t), 0);
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), 1004 * MS);
	plugvm_devtest_free(t);
}
END_TEST

START_TEST(test_exit_after_ticks)
{
	static const char *const s[] = { "exit-after", "5", "status", "42",
					 NULL };
	struct plugvm_devtest *t = plugvm_devtest_open(ticker_so(), "tk", s, 0);
	int status = -1;

	ck_assert_ptr_nonnull(t);
	plugvm_devtest_clock_step(t, 4 * MS);
	ck_assert(!plugvm_devtest_exit_requested(t, &status));
	ck_assert_uint_eq(plugvm_devtest_clock_step_next(t), MS);
	ck_assert(plugvm_devtest_exit_requested(t, &status));
	ck_assert_int_eq(status, 42);
	ck_assert_uint_eq(plugvm_devtest_exit_count(t), 1);
	plugvm_devtest_free(t);
}
END_TEST

/* The device's timer and watch, left to the host by destroy(): freed
 * (valgrind and ASan would see a leak), and nothing runs any more. */
START_TEST(test_leftovers_freed)
{
	static const char *const s[] = { "leave", "true", "in-fd", NULL,
					 NULL };
	char fd[16];
	struct plugvm_devtest *t;
	const char *set[5];
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	snprintf(fd, sizeof(fd), "%d", p[0]);
	memcpy(set, s, sizeof(set));
	set[3] = fd;
	t = plugvm_devtest_open(ticker_so(), "tk", set, 0);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(plugvm_devtest_fd_events(t, p[0]), PLUGVM_WATCH_READ);
	plugvm_devtest_shutdown(t);
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), UINT64_MAX);
	ck_assert_uint_eq(plugvm_devtest_clock_step(t, 10 * MS), 0);
	ck_assert_uint_eq(plugvm_devtest_fd_events(t, p[0]), 0);
	ck_assert_uint_eq(plugvm_devtest_fd_ready(t, p[0], PLUGVM_WATCH_READ),
			  0);
	plugvm_devtest_free(t);
	close(p[0]);
	close(p[1]);
}
END_TEST

/* A bench with the echo: in from pipe @in, out to pipe @out. */
static struct plugvm_devtest *echo_bench(int in[2], int out[2])
{
	static char in_fd[16], out_fd[16];
	const char *s[] = { "in-fd", in_fd, "out-fd", out_fd, "start",
			    "true", NULL };

	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(pipe2(out, O_NONBLOCK), 0);
	snprintf(in_fd, sizeof(in_fd), "%d", in[0]);
	snprintf(out_fd, sizeof(out_fd), "%d", out[1]);
	return plugvm_devtest_open(ticker_so(), "echo", s, 0);
}

START_TEST(test_fd_ready_echoes)
{
	int in[2], out[2];
	struct plugvm_devtest *t = echo_bench(in, out);
	char buf[16] = "";

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(plugvm_devtest_fd_events(t, in[0]),
			  PLUGVM_WATCH_READ);
	ck_assert_uint_eq(plugvm_devtest_fd_events(t, out[1]), 0);
	ck_assert_int_eq(write(in[1], "abc", 3), 3);
	/* the kit never polls by itself: nothing until the test says */
	plugvm_devtest_clock_step(t, 5 * MS);
	ck_assert_uint_eq(plugvm_devtest_inb(t, PORT + 5), 0);
	/* WRITE is not what the device waits for */
	ck_assert_uint_eq(plugvm_devtest_fd_ready(t, in[0], PLUGVM_WATCH_WRITE),
			  0);
	ck_assert_uint_eq(plugvm_devtest_fd_ready(t, in[0], PLUGVM_WATCH_READ),
			  1);
	ck_assert_uint_eq(plugvm_devtest_inb(t, PORT + 5), 3);
	ck_assert_uint_eq(plugvm_devtest_inb(t, PORT + 6), 'c');
	ck_assert_int_eq(read(out[0], buf, sizeof(buf)), 3);
	ck_assert_str_eq(buf, "abc");

	/* flow control: input off pauses the watch */
	plugvm_devtest_outb(t, PORT + 4, 1);
	ck_assert_uint_eq(plugvm_devtest_fd_events(t, in[0]), 0);
	ck_assert_int_eq(write(in[1], "d", 1), 1);
	ck_assert_uint_eq(plugvm_devtest_fd_ready(t, in[0], PLUGVM_WATCH_READ |
							       PLUGVM_WATCH_HUP),
			  0);
	ck_assert_uint_eq(plugvm_devtest_inb(t, PORT + 5), 3);
	plugvm_devtest_outb(t, PORT + 4, 3);
	ck_assert_uint_eq(plugvm_devtest_fd_events(t, in[0]),
			  PLUGVM_WATCH_READ);
	ck_assert_uint_eq(plugvm_devtest_fd_ready(t, in[0], PLUGVM_WATCH_READ),
			  1);
	ck_assert_uint_eq(plugvm_devtest_inb(t, PORT + 6), 'd');

	/* the writer hangs up: HUP, and the device lets go of its watch */
	close(in[1]);
	ck_assert_uint_eq(plugvm_devtest_fd_ready(t, in[0], PLUGVM_WATCH_HUP),
			  1);
	ck_assert_uint_eq(plugvm_devtest_fd_events(t, in[0]), 0);
	ck_assert_uint_eq(plugvm_devtest_fd_ready(t, in[0], PLUGVM_WATCH_HUP),
			  0);
	/* the timer kept ticking all along */
	ck_assert_uint_eq(plugvm_devtest_clock_step(t, 2 * MS), 2);
	plugvm_devtest_free(t);
	close(in[0]);
	close(out[0]);
	close(out[1]);
}
END_TEST

START_TEST(test_regular_file_refused)
{
	char path[] = "/tmp/check_ticker.XXXXXX";
	int fd = mkstemp(path);
	char num[16];
	const char *s[] = { "in-fd", num, NULL };
	struct plugvm_devtest *t = plugvm_devtest_new(0);

	ck_assert_int_ge(fd, 0);
	unlink(path);
	snprintf(num, sizeof(num), "%d", fd);
	ck_assert_int_eq(plugvm_devtest_add(t, ticker_so(), "tk", s), -EPERM);
	ck_assert_ptr_nonnull(plugvm_devtest_log_find(t, PLUGVM_LOG_ERROR,
						      "cannot watch descriptor"));
	/* its timer went with it: nothing armed */
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), UINT64_MAX);
	plugvm_devtest_free(t);
	close(fd);
}
END_TEST

/* Each misuse is refused as plugin.h says; those with a device are said
 * to be plugin bugs, at error level, naming the device. */
START_TEST(test_misuse_refused)
{
	static const char *const s[] = { "misuse", "true", NULL };
	struct plugvm_devtest *t = plugvm_devtest_new(0);
	const struct plugvm_devtest_log_entry *e;

	ck_assert_int_eq(plugvm_devtest_add(t, ticker_so(), "tk", s), 0);
	e = plugvm_devtest_log_find(t, PLUGVM_LOG_ERROR,
				    "plugin bug: timer->create(): the callback is NULL");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->device, "tk");
	ck_assert(plugvm_devtest_log_contains(
		t, "plugin bug: timer->create(): the result pointer is NULL"));
	ck_assert(plugvm_devtest_log_contains(
		t, "plugin bug: watch->create(): the callback is NULL"));
	ck_assert(plugvm_devtest_log_contains(
		t, "plugin bug: watch->create(): the descriptor is negative"));
	ck_assert(plugvm_devtest_log_contains(
		t, "plugin bug: watch->create(): unknown condition bits"));
	/* and the device works */
	ck_assert_uint_eq(plugvm_devtest_clock_step(t, MS), 1);
	plugvm_devtest_free(t);
}
END_TEST

START_TEST(test_null_bench)
{
	ck_assert_uint_eq(plugvm_devtest_clock_ns(NULL), 0);
	ck_assert_uint_eq(plugvm_devtest_clock_step(NULL, 5), 0);
	ck_assert_uint_eq(plugvm_devtest_clock_next(NULL), UINT64_MAX);
	ck_assert_uint_eq(plugvm_devtest_clock_step_next(NULL), UINT64_MAX);
	ck_assert_uint_eq(plugvm_devtest_fd_ready(NULL, 0, 1), 0);
	ck_assert_uint_eq(plugvm_devtest_fd_events(NULL, 0), 0);
}
END_TEST

static Suite *ticker_suite(void)
{
	Suite *s = suite_create("ticker");
	TCase *clock = tcase_create("clock");
	TCase *fds = tcase_create("fds");

	tcase_add_test(clock, test_clock_starts_at_zero_and_steps);
	tcase_add_test(clock, test_deterministic);
	tcase_add_test(clock, test_step_late);
	tcase_add_test(clock, test_cancel_from_write);
	tcase_add_test(clock, test_exit_after_ticks);
	tcase_add_test(clock, test_leftovers_freed);
	tcase_add_test(clock, test_null_bench);
	tcase_add_test(clock, test_misuse_refused);
	suite_add_tcase(s, clock);
	tcase_add_test(fds, test_fd_ready_echoes);
	tcase_add_test(fds, test_regular_file_refused);
	suite_add_tcase(s, fds);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ticker_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
