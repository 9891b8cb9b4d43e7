// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bootdrive.c - run a VMM whose guest talks on its stdin and stdout (a
 * serial console), wait for a marker in its output, time it, type a line,
 * and collect everything until it exits. The Linux boot test and the boot
 * benchmark run plugvm and QEMU through it the same way (tests/kvm/
 * linux-boot.sh, bench/linux-boot.sh).
 *
 *   bootdrive [-m MARKER] [-s LINE] [-o OUT] [-T TIMEFILE] [-t SECONDS]
 *             -- PROGRAM [ARGS...]
 *
 *   -m MARKER   text to wait for in PROGRAM's stdout
 *   -s LINE     typed (with a newline) once the marker has been seen;
 *               stdin stays open until PROGRAM exits
 *   -o OUT      PROGRAM's stdout goes here (default: bootdrive's stdout)
 *   -T TIMEFILE one line: milliseconds from the start of PROGRAM to the
 *               marker, and to its exit ("marker_ms exit_ms"); marker_ms
 *               is -1 when the marker never came
 *   -t SECONDS  send SIGTERM after this long (then SIGKILL 5 s later);
 *               default 300
 *
 * Exit status: PROGRAM's; 128 + N when a signal N ended it; 124 when the
 * timeout ended it; 99 when bootdrive itself failed.
 */
#define _GNU_SOURCE 1

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void usage(void)
{
	fprintf(stderr, "usage: bootdrive [-m MARKER] [-s LINE] [-o OUT] [-T "
			"TIMEFILE] [-t SECONDS] -- PROGRAM [ARGS...]\n");
	exit(99);
}

/* Write all of @buf to @fd; false on an error. */
static bool write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

int main(int argc, char **argv)
{
	const char *marker = NULL, *line = NULL, *out = NULL, *timefile = NULL;
	int64_t t0, marker_ms = -1, deadline, killed_at = 0;
	/* the marker may straddle two reads: its length - 1 bytes of the
	 * last read are kept in front of the next one (at most 255) */
	char tail[4096 + 256];
	size_t tail_len = 0;
	int in_pipe[2], out_pipe[2], out_fd = STDOUT_FILENO, opt, wst;
	double timeout_s = 300;
	bool timed_out = false;
	pid_t pid;

	while ((opt = getopt(argc, argv, "m:s:o:T:t:")) != -1) {
		switch (opt) {
		case 'm':
			marker = optarg;
			break;
		case 's':
			line = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'T':
			timefile = optarg;
			break;
		case 't':
			timeout_s = atof(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind >= argc || (marker && strlen(marker) > 256))
		usage();
	if (out) {
		out_fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			      0644);
		if (out_fd < 0) {
			perror(out);
			return 99;
		}
	}
	if (pipe2(in_pipe, O_CLOEXEC) || pipe2(out_pipe, O_CLOEXEC)) {
		perror("bootdrive: pipe");
		return 99;
	}
	signal(SIGPIPE, SIG_IGN);
	t0 = now_ms();
	pid = fork();
	if (pid < 0) {
		perror("bootdrive: fork");
		return 99;
	}
	if (pid == 0) {
		dup2(in_pipe[0], STDIN_FILENO);
		dup2(out_pipe[1], STDOUT_FILENO);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "bootdrive: %s: %s\n", argv[optind],
			strerror(errno));
		_exit(127);
	}
	close(in_pipe[0]);
	close(out_pipe[1]);
	deadline = t0 + (int64_t)(timeout_s * 1000);

	for (;;) {
		struct pollfd p = { .fd = out_pipe[0], .events = POLLIN };
		int64_t now = now_ms();
		char buf[4096];
		ssize_t n;
		int r;

		if (!killed_at && now >= deadline) {
			fprintf(stderr,
				"bootdrive: timeout after %.0f s: SIGTERM to "
				"%s\n",
				timeout_s, argv[optind]);
			kill(pid, SIGTERM);
			timed_out = true;
			killed_at = now;
		} else if (killed_at && now >= killed_at + 5000) {
			kill(pid, SIGKILL);
			killed_at = INT64_MAX / 2;
		}
		r = poll(&p, 1, killed_at ? 500 : (int)(deadline - now));
		if (r < 0 && errno != EINTR) {
			perror("bootdrive: poll");
			return 99;
		}
		if (r <= 0)
			continue;
		n = read(out_pipe[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* the program closed its stdout: it is ending */
		if (!write_all(out_fd, buf, (size_t)n)) {
			perror("bootdrive: writing the output");
			return 99;
		}
		if (!marker || marker_ms >= 0)
			continue;
		/* look in what is left of the last read plus this one */
		memcpy(tail + tail_len, buf, (size_t)n);
		tail_len += (size_t)n;
		if (memmem(tail, tail_len, marker, strlen(marker))) {
			marker_ms = now_ms() - t0;
			fprintf(stderr, "bootdrive: marker after %lld ms\n",
				(long long)marker_ms);
			if (line &&
			    (!write_all(in_pipe[1], line, strlen(line)) ||
			     !write_all(in_pipe[1], "\n", 1)))
				fprintf(stderr,
					"bootdrive: typing the line: %s\n",
					strerror(errno));
		} else if (tail_len >= strlen(marker)) {
			size_t keep = strlen(marker) - 1;

			memmove(tail, tail + tail_len - keep, keep);
			tail_len = keep;
		}
	}
	while (waitpid(pid, &wst, 0) < 0)
		if (errno != EINTR) {
			perror("bootdrive: waitpid");
			return 99;
		}
	if (timefile) {
		FILE *f = fopen(timefile, "w");

		if (!f ||
		    fprintf(f, "%lld %lld\n", (long long)marker_ms,
			    (long long)(now_ms() - t0)) < 0 ||
		    fclose(f)) {
			perror(timefile);
			return 99;
		}
	}
	close(in_pipe[1]);
	if (marker && marker_ms < 0)
		fprintf(stderr, "bootdrive: the marker '%s' never came\n",
			marker);
	if (timed_out)
		return 124;
	if (WIFSIGNALED(wst))
		return 128 + WTERMSIG(wst);
	return WEXITSTATUS(wst);
}
