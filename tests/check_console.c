// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_console.c - plugvm on a terminal: a pseudo-terminal is plugvm's
 * controlling terminal and its stdin, stdout and stderr, as in a user's
 * shell. While the guest runs the terminal is raw (no echo, no line
 * editing, Ctrl-C to the guest); after each way of stopping (guest halt,
 * exit device, guest fault, --timeout, SIGINT, SIGTERM, Ctrl-A x) it is
 * as it was. Ctrl-A Ctrl-A sends one Ctrl-A, Ctrl-A b a break. And the
 * shipped serial port's echo machine (configs/serial-echo.ini) echoes
 * what is typed, on the terminal.
 *
 * The guest is tests/guests/console.S with tests/plugins/chrin.c reading
 * stdin: it prints "ready", echoes what it gets, and takes 'H', 'E' and
 * 'F' as commands.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static char ini[4200], tmpdir[4096];

struct run {
	pid_t pid;
	int master, slave;
	struct termios before;
	char seen[8192]; /* what the terminal showed */
	size_t len;
};

static void setup(void)
{
	const char *build = getenv("PLUGVM_BUILDDIR");
	const char *dir = getenv("TMPDIR");
	FILE *f;

	ck_assert_ptr_nonnull(build);
	snprintf(tmpdir, sizeof(tmpdir), "%s/check_console.XXXXXX",
		 dir ? dir : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(ini, sizeof(ini), "%s/console.ini", tmpdir);
	f = fopen(ini, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
		"[machine]\nmemory = 1M\n"
		"[cpu]\nmode = real\nentry = 0x1000\nrcx = 1\n"
		"[image \"console\"]\nfile = %s/tests/guests/console.bin\n"
		"address = 0x1000\n"
		"[device \"in\"]\ntype = chrin\nport = 0x300\n"
		"[device \"exit\"]\ntype = debugport\nport = 0x501\n"
		"mode = exit\n",
		build);
	fclose(f);
}

static void teardown(void)
{
	unlink(ini);
	rmdir(tmpdir);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Read what the terminal shows for up to @ms, or until @want appears. */
static bool shows(struct run *r, const char *want, int ms)
{
	uint64_t end = now_ms() + (uint64_t)ms;

	for (;;) {
		struct pollfd p = { .fd = r->master, .events = POLLIN };
		uint64_t t = now_ms();
		ssize_t n;

		r->seen[r->len] = '\0';
		if (want && memmem(r->seen, r->len, want, strlen(want)))
			return true;
		if (t >= end || poll(&p, 1, (int)(end - t)) <= 0)
			return false;
		n = read(r->master, r->seen + r->len,
			 sizeof(r->seen) - 1 - r->len);
		if (n <= 0)
			return false;
		r->len += (size_t)n;
		if (r->len == sizeof(r->seen) - 1)
			r->len = 0; /* keep reading; old text is of no use */
	}
}

static bool is_raw(int fd)
{
	struct termios t;

	ck_assert_int_eq(tcgetattr(fd, &t), 0);
	return !(t.c_lflag & (ICANON | ECHO | ISIG));
}

/* Start plugvm on a new pseudo-terminal for @machine with @opt (may be
 * NULL). */
static void spawn(struct run *r, const char *machine, const char *opt)
{
	const char *build = getenv("PLUGVM_BUILDDIR");
	char plugvm[4096];

	memset(r, 0, sizeof(*r));
	snprintf(plugvm, sizeof(plugvm), "%s/vmm/plugvm", build);
	r->master = posix_openpt(O_RDWR | O_NOCTTY);
	ck_assert_int_ge(r->master, 0);
	ck_assert_int_eq(grantpt(r->master), 0);
	ck_assert_int_eq(unlockpt(r->master), 0);
	r->slave = open(ptsname(r->master), O_RDWR | O_NOCTTY);
	ck_assert_int_ge(r->slave, 0);
	ck_assert_int_eq(tcgetattr(r->slave, &r->before), 0);
	ck_assert(!is_raw(r->slave));
	r->pid = fork();
	ck_assert_int_ge(r->pid, 0);
	if (r->pid == 0) {
		/* a session of its own, whose controlling terminal this is */
		setsid();
		if (ioctl(r->slave, TIOCSCTTY, 0) < 0)
			_exit(120);
		dup2(r->slave, 0);
		dup2(r->slave, 1);
		dup2(r->slave, 2);
		close(r->master);
		close(r->slave);
		if (opt)
			execl(plugvm, plugvm, "--accel", "tcg", opt, machine,
			      (char *)NULL);
		else
			execl(plugvm, plugvm, "--accel", "tcg", machine,
			      (char *)NULL);
		_exit(121);
	}
}

/* spawn() the console machine; wait until the guest runs. */
static void start(struct run *r, const char *opt)
{
	spawn(r, ini, opt);
	ck_assert_msg(shows(r, "ready", 30000), "no 'ready'; saw '%s'",
		      r->seen);
	/* the guest runs: the terminal is raw */
	ck_assert_msg(is_raw(r->slave), "the terminal is not raw while the guest runs");
}

static void type(struct run *r, const char *s, size_t len)
{
	ck_assert_int_eq(write(r->master, s, len), (ssize_t)len);
}

/* Wait for plugvm's end: its exit status (-1: it did not end in 30 s). */
static int finish(struct run *r)
{
	uint64_t end = now_ms() + 30000;
	int status;

	while (waitpid(r->pid, &status, WNOHANG) == 0) {
		if (now_ms() > end) {
			kill(r->pid, SIGKILL);
			waitpid(r->pid, &status, 0);
			return -1;
		}
		shows(r, NULL, 20); /* keep the terminal drained */
	}
	shows(r, NULL, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 200 + WTERMSIG(status);
}

/* The terminal is as it was before plugvm ran. */
static void check_restored(struct run *r)
{
	struct termios t;

	ck_assert_int_eq(tcgetattr(r->slave, &t), 0);
	ck_assert_uint_eq(t.c_lflag, r->before.c_lflag);
	ck_assert_uint_eq(t.c_iflag, r->before.c_iflag);
	ck_assert_uint_eq(t.c_oflag, r->before.c_oflag);
	ck_assert_uint_eq(t.c_cflag, r->before.c_cflag);
	ck_assert_int_eq(memcmp(t.c_cc, r->before.c_cc, sizeof(t.c_cc)), 0);
	close(r->master);
	close(r->slave);
}

/* Stop the guest by typing @keys: status @want, the terminal restored. */
static void stop_by_typing(const char *keys, int want)
{
	struct run r;

	start(&r, NULL);
	type(&r, keys, strlen(keys));
	ck_assert_int_eq(finish(&r), want);
	check_restored(&r);
}

START_TEST(test_halt)
{
	stop_by_typing("H", 0);
}
END_TEST

START_TEST(test_exit_device)
{
	stop_by_typing("E", 5);
}
END_TEST

START_TEST(test_fault)
{
	stop_by_typing("F", 3);
}
END_TEST

START_TEST(test_ctrl_a_x)
{
	struct run r;

	start(&r, NULL);
	type(&r, "\001x", 2);
	ck_assert_int_eq(finish(&r), 0);
	ck_assert_msg(strstr(r.seen, "Ctrl-A x"), "saw '%s'", r.seen);
	check_restored(&r);
}
END_TEST

START_TEST(test_timeout)
{
	struct run r;

	start(&r, "--timeout=3");
	ck_assert_int_eq(finish(&r), 124);
	check_restored(&r);
}
END_TEST

static void stop_by_signal(int sig)
{
	struct run r;

	start(&r, NULL);
	ck_assert_int_eq(kill(r.pid, sig), 0);
	ck_assert_int_eq(finish(&r), 130);
	check_restored(&r);
}

START_TEST(test_sigint)
{
	stop_by_signal(SIGINT);
}
END_TEST

START_TEST(test_sigterm)
{
	stop_by_signal(SIGTERM);
}
END_TEST

START_TEST(test_keys_reach_the_guest)
{
	struct run r;

	start(&r, NULL);
	/* no echo of the terminal's own: the guest's echo comes once */
	type(&r, "ab\r", 3);
	ck_assert_msg(shows(&r, "ab\r", 10000), "saw '%s'", r.seen);
	ck_assert_ptr_null(strstr(r.seen, "abab"));
	/* Ctrl-C is the guest's; Ctrl-A Ctrl-A is one Ctrl-A */
	type(&r, "\003", 1);
	ck_assert_msg(shows(&r, "\003", 10000), "no Ctrl-C echoed");
	type(&r, "<\001\001>", 4);
	ck_assert_msg(shows(&r, "<\001>", 10000), "no Ctrl-A echoed");
	/* Ctrl-A b is a break (the device's event), not a byte */
	type(&r, "[\001b?]", 5);
	ck_assert_msg(shows(&r, "[1]", 10000), "no break seen");
	/* Ctrl-A h helps, and the guest still runs */
	type(&r, "\001h", 2);
	ck_assert_msg(shows(&r, "C-a x", 10000), "no help");
	type(&r, "H", 1);
	ck_assert_int_eq(finish(&r), 0);
	check_restored(&r);
}
END_TEST

/*
 * plugvm as a background job of the terminal (another process group is in
 * the foreground): it leaves the terminal alone (raw mode would stop it
 * with SIGTTOU, reading with SIGTTIN) and says the guest gets no input.
 */
START_TEST(test_background_job)
{
	const char *build = getenv("PLUGVM_BUILDDIR");
	char plugvm[4096];
	struct run r;
	int st;

	memset(&r, 0, sizeof(r));
	snprintf(plugvm, sizeof(plugvm), "%s/vmm/plugvm", build);
	r.master = posix_openpt(O_RDWR | O_NOCTTY);
	ck_assert_int_ge(r.master, 0);
	ck_assert_int_eq(grantpt(r.master), 0);
	ck_assert_int_eq(unlockpt(r.master), 0);
	r.slave = open(ptsname(r.master), O_RDWR | O_NOCTTY);
	ck_assert_int_ge(r.slave, 0);
	ck_assert_int_eq(tcgetattr(r.slave, &r.before), 0);
	r.pid = fork();
	ck_assert_int_ge(r.pid, 0);
	if (r.pid == 0) {
		pid_t job;

		/* a shell: the session leader, in the foreground */
		setsid();
		if (ioctl(r.slave, TIOCSCTTY, 0) < 0)
			_exit(120);
		dup2(r.slave, 0);
		dup2(r.slave, 1);
		dup2(r.slave, 2);
		close(r.master);
		close(r.slave);
		job = fork();
		if (job == 0) {
			setpgid(0, 0); /* its own group: a background job */
			execl(plugvm, plugvm, "--accel", "tcg", "--timeout=3",
			      ini, (char *)NULL);
			_exit(121);
		}
		if (job < 0 || waitpid(job, &st, 0) < 0)
			_exit(122);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st));
	}
	ck_assert_msg(shows(&r, "ready", 30000), "no 'ready'; saw '%s'",
		      r.seen);
	ck_assert(!is_raw(r.slave));
	ck_assert_msg(shows(&r, "another job", 10000), "saw '%s'", r.seen);
	/* not stopped by SIGTTOU/SIGTTIN: its --timeout ends it */
	ck_assert_int_eq(finish(&r), 124);
	check_restored(&r);
}
END_TEST

/* The shipped 16550A (devices/serial.c) with its echo guest: what is
 * typed comes back through the UART's FIFOs and interrupts. */
START_TEST(test_serial_echo)
{
	char machine[4200];
	struct run r;

	snprintf(machine, sizeof(machine), "%s/configs/serial-echo.ini",
		 getenv("PLUGVM_BUILDDIR"));
	if (access(machine, R_OK))
		return; /* not built here */
	spawn(&r, machine, NULL);
	/* raw once the machine runs; typed before the guest is ready, held
	 * back by the UART's flow control, not lost */
	for (int i = 0; i < 3000 && !is_raw(r.slave); i++)
		shows(&r, NULL, 10);
	ck_assert_msg(is_raw(r.slave), "the terminal never went raw");
	type(&r, "hello\r", 6);
	ck_assert_msg(shows(&r, "hello\r", 30000), "saw '%s'", r.seen);
	ck_assert_ptr_null(strstr(r.seen, "hellohello"));
	type(&r, "\001b", 2);
	ck_assert_msg(shows(&r, "<break>", 10000), "saw '%s'", r.seen);
	type(&r, "\001x", 2);
	ck_assert_int_eq(finish(&r), 0);
	check_restored(&r);
}
END_TEST

static Suite *console_suite(void)
{
	Suite *s = suite_create("console");
	TCase *tc = tcase_create("stop");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_halt);
	tcase_add_test(tc, test_exit_device);
	tcase_add_test(tc, test_fault);
	tcase_add_test(tc, test_ctrl_a_x);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_sigint);
	tcase_add_test(tc, test_sigterm);
	suite_add_tcase(s, tc);

	tc = tcase_create("keys");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_keys_reach_the_guest);
	tcase_add_test(tc, test_serial_echo);
	tcase_add_test(tc, test_background_job);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(console_suite());
	int failed;

	/* plugvm finds chrin in the build tree's test plugins */
	if (getenv("PLUGVM_TEST_PLUGINS") && getenv("PLUGVM_DEVICES")) {
		char path[8192];

		snprintf(path, sizeof(path), "%s:%s",
			 getenv("PLUGVM_TEST_PLUGINS"),
			 getenv("PLUGVM_DEVICES"));
		setenv("PLUGVM_PLUGIN_PATH", path, 1);
	}
	if (posix_openpt(O_RDWR | O_NOCTTY) < 0) {
		printf("SKIP: no pseudo-terminals here: %s\n", strerror(errno));
		return 77;
	}
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
