// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * runner.c - run a command several times; report its wall time and peak RSS.
 *
 * Each run is posix_spawn() + wait4(): the clock starts just before the
 * spawn and stops when wait4() returns, and wait4() hands back the child's
 * own ru_maxrss, so neither a shell nor /usr/bin/time is measured with it.
 * The child's stdin and stdout are /dev/null (guest output is not the
 * point); stderr stays, so errors show.
 *
 * A run that takes longer than the timeout (-t, default 60 s) is killed and
 * counts as a failure, so a guest that never reaches its exit write cannot
 * hang the benchmark.
 *
 * Output, one line on stdout:
 *	MEDIAN_S MIN_S MAX_S MAXRSS_KB
 * with MAXRSS_KB the largest peak RSS over all runs; with -u a fifth field,
 * CPU_S, the median of the child's CPU time (user + system, from wait4()'s
 * rusage), so that CPU_S / MEDIAN_S is the share of one core it used.
 * With -w FROM,TO a last field, SHARE: the median share of one core the
 * child used between FROM and TO seconds after its start, summed over its
 * threads' /proc/PID/task/TID/schedstat (nanoseconds on a CPU). That leaves
 * its start-up and exit out, which the rusage of a whole run cannot (the
 * idle benchmark's figure). Exit status 0 when every run exited with the
 * expected status, 1 otherwise (with the reason on stderr), 2 for bad
 * usage.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define RUNNER_MAX_RUNS 100000
#define RUNNER_TIMEOUT_S 60

static volatile pid_t child;
static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
	timed_out = 1;
	if (child > 0)
		kill(child, SIGKILL);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: runner [-n RUNS] [-s STATUS] [-t SECS] [-o FILE] [-u] "
		"[-w FROM,TO] -- COMMAND [ARG...]\n"
		"Run COMMAND RUNS times (default 1) and print\n"
		"  MEDIAN_S MIN_S MAX_S MAXRSS_KB [CPU_S] [SHARE]\n"
		"  -n RUNS    how many runs\n"
		"  -s STATUS  the exit status every run must have (default 0)\n"
		"  -t SECS    kill a run after SECS seconds (default 60)\n"
		"  -o FILE    the child's stdout (default /dev/null)\n"
		"  -u         also the median CPU time (user + system)\n"
		"  -w FROM,TO also the share of a core used from FROM s to TO s\n");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of the @n sorted values at @v. */
static double median(const double *v, long n)
{
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The CPU time of all of @pid's threads so far, in seconds; -1 if gone. */
static double threads_cpu(pid_t pid)
{
	char path[64];
	struct dirent *d;
	double sum = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		unsigned long long ns;
		FILE *f;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/schedstat",
			 (int)pid, d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue; /* the thread ended meanwhile */
		if (fscanf(f, "%llu", &ns) == 1)
			sum += (double)ns * 1e-9;
		fclose(f);
	}
	closedir(dir);
	return sum;
}

/* Sleep until @t on now()'s clock (signals do not cut it short). */
static void sleep_until(double t)
{
	struct timespec ts = { (time_t)t, (long)((t - (double)(time_t)t) * 1e9) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

/* -w: the window, in seconds after the spawn; win_to 0: none */
static double win_from, win_to;

/*
 * One run: 0 and its wall time, CPU time, share of a core in the window
 * and peak RSS, or -1 with the reason said.
 */
static int run_once(char **argv, const char *out, int want,
		    unsigned int timeout, double *secs, double *cpu_secs,
		    double *share, long *rss_kb)
{
	double c0 = -1, c1 = -1;
	bool ended_early = false;
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	double t0;
	pid_t pid;
	int status, err;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	timed_out = 0;
	t0 = now();
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err) {
		fprintf(stderr, "runner: cannot run %s: %s\n", argv[0],
			strerror(err));
		return -1;
	}
	child = pid;
	alarm(timeout);
	if (win_to > 0) {
		siginfo_t si;

		sleep_until(t0 + win_from);
		c0 = threads_cpu(pid);
		sleep_until(t0 + win_to);
		c1 = threads_cpu(pid);
		/* exited already (not reaped: WNOWAIT)? then c1 is not its */
		memset(&si, 0, sizeof(si));
		ended_early = waitid(P_PID, (id_t)pid, &si,
				     WEXITED | WNOHANG | WNOWAIT) == 0 &&
			      si.si_pid == pid;
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("runner: wait4");
			alarm(0);
			child = 0;
			return -1;
		}
	}
	*secs = now() - t0;
	alarm(0);
	child = 0;
	if (timed_out) {
		fprintf(stderr, "runner: %s ran longer than %u s: killed\n",
			argv[0], timeout);
		return -1;
	}
	*rss_kb = ru.ru_maxrss;
	*cpu_secs = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
		    ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) *
			    1e-6;
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "runner: %s died of signal %d\n", argv[0],
			WTERMSIG(status));
		return -1;
	}
	if (WEXITSTATUS(status) != want) {
		fprintf(stderr, "runner: %s exited with %d, expected %d\n",
			argv[0], WEXITSTATUS(status), want);
		return -1;
	}
	if (win_to > 0 && (c0 < 0 || c1 < 0 || ended_early)) {
		fprintf(stderr, "runner: %s ended before the window's end (-w, %.3f s)\n",
			argv[0], win_to);
		return -1;
	}
	*share = win_to > 0 ? (c1 - c0) / (win_to - win_from) : 0;
	return 0;
}

int main(int argc, char **argv)
{
	const char *out = "/dev/null";
	long runs = 1, want = 0, max_rss = 0, timeout = RUNNER_TIMEOUT_S;
	struct sigaction sa;
	double *t, *cpu, *share;
	bool want_cpu = false;
	char *end;
	int c;

	while ((c = getopt(argc, argv, "+n:s:t:o:uw:h")) != -1) {
		switch (c) {
		case 'n':
			runs = strtol(optarg, &end, 10);
			if (*end || runs < 1 || runs > RUNNER_MAX_RUNS) {
				fprintf(stderr, "runner: bad run count '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 's':
			want = strtol(optarg, &end, 10);
			if (*end || want < 0 || want > 255) {
				fprintf(stderr, "runner: bad status '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 't':
			timeout = strtol(optarg, &end, 10);
			if (*end || timeout < 1 || timeout > 86400) {
				fprintf(stderr, "runner: bad timeout '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'o':
			out = optarg;
			break;
		case 'u':
			want_cpu = true;
			break;
		case 'w':
			win_from = strtod(optarg, &end);
			if (*end == ',')
				win_to = strtod(end + 1, &end);
			if (*end || win_from < 0 || win_to <= win_from ||
			    win_to > 86400) {
				fprintf(stderr, "runner: bad window '%s' (FROM,TO in seconds)\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART: wait4() sees EINTR */
	sigaction(SIGALRM, &sa, NULL);
	t = malloc(sizeof(*t) * (size_t)runs);
	cpu = malloc(sizeof(*cpu) * (size_t)runs);
	share = malloc(sizeof(*share) * (size_t)runs);
	if (!t || !cpu || !share) {
		perror("runner");
		free(t);
		free(cpu);
		free(share);
		return 1;
	}
	for (long i = 0; i < runs; i++) {
		long rss;

		if (run_once(argv + optind, out, (int)want,
			     (unsigned int)timeout, &t[i], &cpu[i], &share[i],
			     &rss)) {
			free(t);
			free(cpu);
			free(share);
			return 1;
		}
		if (rss > max_rss)
			max_rss = rss;
	}
	qsort(t, (size_t)runs, sizeof(*t), cmp_double);
	qsort(cpu, (size_t)runs, sizeof(*cpu), cmp_double);
	qsort(share, (size_t)runs, sizeof(*share), cmp_double);
	printf("%.9f %.9f %.9f %ld", median(t, runs), t[0], t[runs - 1],
	       max_rss);
	if (want_cpu)
		printf(" %.9f", median(cpu, runs));
	if (win_to > 0)
		printf(" %.9f", median(share, runs));
	printf("\n");
	free(t);
	free(cpu);
	free(share);
	return 0;
}
