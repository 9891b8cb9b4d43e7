// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dispatch.c - how the dispatch table's lookup scales with its size.
 *
 * For 1, 16, 256 and 4096 registered ranges, in port and MMIO space, times
 * vmm_iobus_lookup() (find the owner) and vmm_iobus_access() (find it, check
 * the size and call a write callback that only counts) over a fixed list of
 * addresses that all hit a range:
 *  - random: a random range, a random offset in it;
 *  - sequential: the ranges in ascending order, four accesses each.
 * Ports are only 64 K, so port ranges are 16 ports each (4096 of them fill
 * the whole space); MMIO ranges are 4 KiB each, 8 KiB apart. Each figure is
 * the best of several trials, in ns per operation. "per level" is the
 * extra lookup time over one range divided by log2(ranges): about constant
 * when the lookup is logarithmic, about 0 when it is flat.
 *
 * Usage: dispatch [-n LOOKUPS] [-c CSV]
 * With -c, one CSV row per figure is appended to CSV in bench/run.sh's
 * format: benchmark,engine,value,unit,min,max,target,result.
 */
#include "config.h"

#include "iobus.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DISPATCH_ADDRS 65536u /* addresses per list; a power of two */
#define DISPATCH_TRIALS 3
#define DISPATCH_PIO_RANGE 16u
#define DISPATCH_MMIO_BASE 0xd0000000ull
#define DISPATCH_MMIO_RANGE 0x1000ull
#define DISPATCH_MMIO_STRIDE 0x2000ull
#define DISPATCH_PER_RANGE 4u /* sequential: accesses per range */

static const unsigned table_sizes[] = { 1, 16, 256, 4096 };
static const char *const space_names[] = { "pio", "mmio" };
static const char *const pattern_names[] = { "random", "sequential" };

static uint64_t writes;
static volatile uint64_t sink;

static void count_write(void *opaque, uint64_t offset, unsigned size,
			uint64_t value)
{
	writes++;
}

static const struct plugvm_io_ops count_ops = {
	.write = count_write,
	.sizes = PLUGVM_ACCESS_ANY,
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t range_base(enum plugvm_space space, unsigned i)
{
	return space == PLUGVM_SPACE_PIO
		       ? (uint64_t)i * DISPATCH_PIO_RANGE
		       : DISPATCH_MMIO_BASE + i * DISPATCH_MMIO_STRIDE;
}

static uint64_t range_len(enum plugvm_space space)
{
	return space == PLUGVM_SPACE_PIO ? DISPATCH_PIO_RANGE
					 : DISPATCH_MMIO_RANGE;
}

/* A frozen bus with @n ranges in @space, or NULL. */
static struct vmm_iobus *make_bus(enum plugvm_space space, unsigned n)
{
	struct vmm_iobus *bus = vmm_iobus_new();

	if (!bus)
		return NULL;
	/* Registered in a shuffled order, as devices would come. */
	for (unsigned k = 0; k < n; k++) {
		unsigned i = (unsigned)((k * 2654435761u) % n);
		int ret = vmm_iobus_register(bus, space, range_base(space, i),
					     range_len(space), &count_ops, NULL,
					     NULL);

		if (ret) {
			fprintf(stderr,
				"dispatch: cannot register range %u: %s\n", i,
				strerror(-ret));
			vmm_iobus_free(bus);
			return NULL;
		}
	}
	vmm_iobus_freeze(bus);
	return bus;
}

/* Fill @addrs with DISPATCH_ADDRS addresses of @pattern over @n ranges. */
static void make_addrs(uint64_t *addrs, enum plugvm_space space, unsigned n,
		       int pattern)
{
	uint64_t len = range_len(space);

	for (unsigned k = 0; k < DISPATCH_ADDRS; k++) {
		unsigned i;
		uint64_t off;

		if (pattern == 0) {
			i = (unsigned)(rng() % n);
			off = rng() % len;
		} else {
			i = (k / DISPATCH_PER_RANGE) % n;
			off = (k % DISPATCH_PER_RANGE) *
			      (len / DISPATCH_PER_RANGE);
		}
		off &= ~3ull; /* 4-byte accesses never straddle */
		addrs[k] = range_base(space, i) + off;
	}
}

/* Best ns per operation over the trials; @access picks what is timed. */
static double time_ops(const struct vmm_iobus *bus, enum plugvm_space space,
		       const uint64_t *addrs, uint64_t ops, bool access)
{
	double best = INFINITY;

	for (int t = 0; t < DISPATCH_TRIALS; t++) {
		uint64_t acc = 0;
		double t0 = now(), dt;

		if (access) {
			for (uint64_t k = 0; k < ops; k++) {
				const struct vmm_io_range *r;
				uint64_t v = k;

				acc += vmm_iobus_access(
					bus, space,
					addrs[k & (DISPATCH_ADDRS - 1)], 4,
					true, &v, &r);
			}
		} else {
			for (uint64_t k = 0; k < ops; k++) {
				const struct vmm_io_range *r = vmm_iobus_lookup(
					bus, space,
					addrs[k & (DISPATCH_ADDRS - 1)]);

				acc += r ? r->base : 1;
			}
		}
		dt = now() - t0;
		sink += acc;
		if (dt < best)
			best = dt;
	}
	return best * 1e9 / (double)ops;
}

/* One row in bench/run.sh's CSV format. */
static void csv_row(FILE *csv, int sp, int pat, unsigned n, const char *op,
		    double ns)
{
	fprintf(csv, "dispatch %s %s %u ranges,iobus-%s,%.3f,ns/op,,,,\n",
		space_names[sp], pattern_names[pat], n, op, ns);
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: dispatch [-n LOOKUPS] [-c CSV]\n"
		   "Time dispatch-table lookups with 1 to 4096 ranges.\n");
}

int main(int argc, char **argv)
{
	uint64_t ops = 1u << 21;
	uint64_t *addrs;
	FILE *csv = NULL;
	char *end;
	int c, ret = 0;

	while ((c = getopt(argc, argv, "n:c:h")) != -1) {
		switch (c) {
		case 'n':
			ops = strtoull(optarg, &end, 0);
			if (*end || ops == 0) {
				fprintf(stderr, "dispatch: bad count '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'c':
			csv = fopen(optarg, "a");
			if (!csv) {
				fprintf(stderr, "dispatch: %s: %s\n", optarg,
					strerror(errno));
				return 1;
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
	addrs = malloc(DISPATCH_ADDRS * sizeof(*addrs));
	if (!addrs) {
		perror("dispatch");
		return 1;
	}

	printf("Dispatch table (vmm/iobus.c), ns per operation, best of %d "
	       "trials of %" PRIu64 "\n",
	       DISPATCH_TRIALS, ops);
	printf("%-5s %-10s %6s %8s %8s %9s %9s\n", "space", "addresses",
	       "ranges", "lookup", "access", "lookup/1", "per level");
	for (int sp = 0; sp < 2; sp++) {
		for (int pat = 0; pat < 2; pat++) {
			double first = 0;

			for (size_t i = 0;
			     i < sizeof(table_sizes) / sizeof(table_sizes[0]);
			     i++) {
				enum plugvm_space space = (enum plugvm_space)sp;
				unsigned n = table_sizes[i];
				struct vmm_iobus *bus = make_bus(space, n);
				double look, acc;

				if (!bus) {
					ret = 1;
					goto out;
				}
				make_addrs(addrs, space, n, pat);
				look = time_ops(bus, space, addrs, ops, false);
				acc = time_ops(bus, space, addrs, ops, true);
				vmm_iobus_free(bus);
				if (i == 0)
					first = look;
				printf("%-5s %-10s %6u %8.2f %8.2f %8.2fx",
				       space_names[sp], pattern_names[pat], n,
				       look, acc, look / first);
				if (n > 1)
					printf(" %9.2f",
					       (look - first) /
						       log2((double)n));
				putchar('\n');
				if (csv) {
					csv_row(csv, sp, pat, n, "lookup",
						look);
					csv_row(csv, sp, pat, n, "access", acc);
				}
			}
		}
	}
	if (writes == 0)
		ret = 1; /* the callback never ran: the access path is broken */
out:
	free(addrs);
	if (csv && fclose(csv))
		ret = 1;
	return ret;
}
