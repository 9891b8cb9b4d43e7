// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz/device.c - libFuzzer target: one shipped device's register interface,
 * driven through the device test kit (plugins/include/plugvm/devtest.h) by
 * a random program of port and MMIO reads and writes, virtual clock steps,
 * typed input, interrupt acknowledges and resets.
 *
 * Built once per device with -DFUZZ_DEVICE=N (an index into `devices`
 * below) by fuzz/local.mk, against plugins compiled with the same
 * instrumentation (FUZZ_PLUGIN_DIR). Each input gets a new bench, so a
 * finding replays alone. What counts as a finding: a sanitizer report, a
 * crash, a leak, or a broken promise of the kit's API that check() sees
 * (an access to the device's own range that is refused as unmapped, an
 * interrupt line out of range, a capture longer than what was written).
 *
 * Input format: byte 0 picks the device's settings from its presets; the
 * rest is a sequence of operations, an opcode byte then its arguments (a
 * short input simply ends the program). Layer: test code, outside plugvm.
 */
#include "config.h"

#include <plugvm/devtest.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Present only in libplugvm-devtest 3 and later: used when linked in. */
#pragma weak plugvm_devtest_chardev_input
#pragma weak plugvm_devtest_chardev_event
#pragma weak plugvm_devtest_chardev_stall

#define MAX_PRESETS 6
#define MAX_RANGES 4
#define MAX_OPS 4096

struct range {
	uint64_t base, size;
};

/* One way of creating the device: its settings and the ranges it owns. */
struct preset {
	const char *const *settings; /* { "key", "value", ..., NULL } */
	struct range pio[MAX_RANGES];
	struct range mmio[MAX_RANGES];
};

struct device_spec {
	const char *name; /* the target's name, as make fuzz prints it */
	const char *plugin; /* file in FUZZ_PLUGIN_DIR; NULL: chipset only */
	const char *chipset; /* "pc" or "none" */
	const char *input_key; /* chardev input setting, or NULL */
	const char *output_key; /* chardev output setting, or NULL */
	struct preset presets[MAX_PRESETS];
};

static const char *const serial_a[] = { "output", "/dev/null", NULL };
static const char *const serial_b[] = { "base", "0x2f8", "output", "none",
					NULL };
static const char *const debug_print[] = { "output", "/dev/null", NULL };
static const char *const debug_exit[] = { "mode", "exit", "size", "1",
					  "output", "/dev/null", NULL };
static const char *const debug_qemu[] = { "port", "0xf4", "mode", "exit",
					  "exit-encoding", "qemu", "limit", "3",
					  NULL };
static const char *const debug_limit[] = { "limit", "2", "output", "none",
					   NULL };
static const char *const null_any[] = { "base", "0xd0000000", "size",
					"0x1000", NULL };
static const char *const null_1[] = { "base", "0xd0000000", "size", "0x1000",
				      "width", "1", "fill", "0x5a", NULL };
static const char *const null_4[] = { "base", "0xd0000000", "size", "0x1000",
				      "width", "4", NULL };
static const char *const null_8[] = { "base", "0xd0000000", "size", "0x1000",
				      "width", "8", "fill", "0xff", NULL };
static const char *const none[] = { NULL };
/* a fixed time: the same input runs the same way on any day */
#define RTC_FIXED_TIME "2026-12-03 09:30:00"
static const char *const rtc_fixed[] = { "time", RTC_FIXED_TIME, NULL };
static const char *const rtc_irq5[] = { "time", RTC_FIXED_TIME, "irq", "5",
					NULL };

#define NULLMMIO(s) { s, { { 0 } }, { { 0xd0000000, 0x1000 } } }
/* the chipset pc's ports: i8259.so ("pic") and i8254.so ("pit") */
#define PC_PORTS { 0x20, 2 }, { 0xa0, 2 }, { 0x4d0, 2 }, { 0x40, 4 }

static const struct device_spec devices[] = {
	{ "serial", "serial.so", "pc", "input", "output",
	  { { serial_a, { { 0x3f8, 8 }, { 0x20, 2 } }, { { 0 } } },
	    { serial_b, { { 0x2f8, 8 }, { 0x20, 2 } }, { { 0 } } } } },
	{ "debugport", "debugport.so", "none", NULL, "output",
	  { { debug_print, { { 0x10, 4 } }, { { 0 } } },
	    { debug_exit, { { 0x10, 1 } }, { { 0 } } },
	    { debug_qemu, { { 0xf4, 4 } }, { { 0 } } },
	    { debug_limit, { { 0x10, 4 } }, { { 0 } } } } },
	{ "nullmmio", "nullmmio.so", "none", NULL, NULL,
	  { NULLMMIO(null_any), NULLMMIO(null_1), NULLMMIO(null_4),
	    NULLMMIO(null_8) } },
	{ "i8259", NULL, "pc", NULL, NULL,
	  { { none, { PC_PORTS }, { { 0 } } } } },
	{ "i8254", NULL, "pc", NULL, NULL,
	  { { none, { { 0x40, 4 }, { 0x61, 1 }, { 0x20, 2 } }, { { 0 } } } } },
	{ "i8042", NULL, "pc", NULL, NULL,
	  { { none, { { 0x60, 1 }, { 0x64, 1 }, { 0x20, 2 } }, { { 0 } } } } },
	{ "rtc", "rtc.so", "pc", NULL, NULL,
	  { { rtc_fixed, { { 0x70, 2 }, { 0xa0, 2 }, { 0x20, 2 } }, { { 0 } } },
	    { rtc_irq5, { { 0x70, 2 }, { 0x20, 2 } }, { { 0 } } } } },
};

#ifndef FUZZ_DEVICE
#error "build with -DFUZZ_DEVICE=N (fuzz/local.mk)"
#endif
static const struct device_spec *const spec = &devices[FUZZ_DEVICE];

#ifndef FUZZ_PLUGIN_DIR
#error "build with -DFUZZ_PLUGIN_DIR=\"...\" (fuzz/local.mk)"
#endif

static char plugin_path[4096];
static struct plugvm_devtest *keep; /* the bench of LLVMFuzzerInitialize() */

/* A reader over the input: past the end, every byte reads as 0. */
struct reader {
	const uint8_t *p;
	size_t n;
};

static uint8_t u8(struct reader *r)
{
	uint8_t v = 0;

	if (r->n) {
		v = *r->p++;
		r->n--;
	}
	return v;
}

static uint64_t uN(struct reader *r, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)u8(r) << (8 * i);
	return v;
}

static unsigned n_ranges(const struct range *rs)
{
	unsigned n = 0;

	while (n < MAX_RANGES && rs[n].size)
		n++;
	return n;
}

static void fail(const char *what, uint64_t a, uint64_t b)
{
	fprintf(stderr, "fuzz %s: %s (0x%llx, 0x%llx)\n", spec->name, what,
		(unsigned long long)a, (unsigned long long)b);
	abort();
}

/* An access inside the device's own range must reach it (or be refused
 * for its size or a straddle), never come back unmapped. */
static void check_own(enum plugvm_devtest_result r, uint64_t addr,
		      unsigned size)
{
	if (r == PLUGVM_DEVTEST_UNMAPPED || r == PLUGVM_DEVTEST_INVALID)
		fail(r == PLUGVM_DEVTEST_UNMAPPED ? "own range unmapped"
						  : "valid access invalid",
		     addr, size);
}

static void typed_input(struct plugvm_devtest *t, const char *id,
			struct reader *r)
{
	uint8_t buf[64];
	size_t len = u8(r) % sizeof(buf);

	for (size_t i = 0; i < len; i++)
		buf[i] = u8(r);
	if (spec->input_key && plugvm_devtest_chardev_input)
		(void)plugvm_devtest_chardev_input(t, id, spec->input_key, buf,
						   len);
}

/*
 * Timer deadlines one input may reach. A step of seconds over a timer with
 * a period of a microsecond (a PIT at count 1) ran millions of callbacks,
 * a libFuzzer timeout that says nothing of the device (two findings of
 * the first long run); plugvm's event thread runs in real time, where the
 * same timer costs a fraction of a core. The bench's virtual clock goes
 * deadline by deadline through the budget; once it is spent, the clock
 * stands still for the rest of the input.
 */
#define TIMER_BUDGET 20000

static void clock_step(struct plugvm_devtest *t, uint64_t ns, unsigned *budget)
{
	uint64_t end = plugvm_devtest_clock_ns(t) + ns;

	while (*budget) {
		uint64_t next = plugvm_devtest_clock_next(t);

		if (next == UINT64_MAX || next > end)
			break;
		(*budget)--;
		(void)plugvm_devtest_clock_step_next(t);
	}
	if (*budget && plugvm_devtest_clock_ns(t) < end)
		(void)plugvm_devtest_clock_step(t, end - plugvm_devtest_clock_ns(t));
}

static void run(struct plugvm_devtest *t, const struct preset *ps,
		const char *id, struct reader *r)
{
	unsigned timer_budget = TIMER_BUDGET;

	static const unsigned pio_sizes[] = { 1, 2, 4, 1 };
	unsigned npio = n_ranges(ps->pio), nmmio = n_ranges(ps->mmio);

	for (unsigned op = 0; r->n && op < MAX_OPS; op++) {
		uint8_t code = u8(r);
		uint64_t value = 0;

		switch (code % 12) {
		case 0: /* port write in a range */
		case 1: /* port read in a range */
			if (npio) {
				const struct range *g = &ps->pio[u8(r) % npio];
				uint16_t port = (uint16_t)(g->base + u8(r) % g->size);
				unsigned size = pio_sizes[(code >> 4) & 3];
				enum plugvm_devtest_result res;

				if (code % 12 == 0)
					res = plugvm_devtest_pio_write(t, port, size,
								       uN(r, size));
				else
					res = plugvm_devtest_pio_read(t, port, size,
								      &value);
				if (size == 1)
					check_own(res, port, size);
			}
			break;
		case 2: /* mmio write in a range */
		case 3: /* mmio read in a range */
			if (nmmio) {
				const struct range *g = &ps->mmio[u8(r) % nmmio];
				uint64_t addr = g->base + uN(r, 2) % g->size;
				unsigned size = 1 + ((code >> 4) & 7);
				enum plugvm_devtest_result res;

				if (code % 12 == 2)
					res = plugvm_devtest_mmio_write(t, addr, size,
									uN(r, size));
				else
					res = plugvm_devtest_mmio_read(t, addr, size,
								       &value);
				if (res == PLUGVM_DEVTEST_UNMAPPED ||
				    res == PLUGVM_DEVTEST_INVALID)
					fail("own MMIO range refused", addr, size);
			}
			break;
		case 4: /* any port, any size: misses and straddles too */
			(void)plugvm_devtest_pio_write(t, (uint16_t)uN(r, 2),
						       u8(r) % 9, uN(r, 4));
			break;
		case 5:
			(void)plugvm_devtest_pio_read(t, (uint16_t)uN(r, 2),
						      u8(r) % 9, &value);
			break;
		case 6: /* the clock, by up to ~16 s in uneven steps */
			clock_step(t, uN(r, 2) << (u8(r) % 19), &timer_budget);
			break;
		case 7: /* the clock to the next timer, or up to 65 us past
			 * it, late, as a busy host runs timers (a device's
			 * catch-up) */
			if (timer_budget) {
				uint64_t next = plugvm_devtest_clock_next(t);
				uint64_t now = plugvm_devtest_clock_ns(t);
				uint64_t late = uN(r, 2);

				timer_budget--;
				if (!((code >> 4) & 1))
					(void)plugvm_devtest_clock_step_next(t);
				else
					(void)plugvm_devtest_clock_step_late(
						t, late + (next != UINT64_MAX &&
							   next > now ? next - now : 0));
			}
			break;
		case 8:
			typed_input(t, id, r);
			break;
		case 9: /* a vCPU takes an interrupt */
			(void)plugvm_devtest_inta(t, 0);
			break;
		case 10:
			if (spec->input_key && plugvm_devtest_chardev_event)
				(void)plugvm_devtest_chardev_event(
					t, id, spec->input_key, 1 + (u8(r) & 1));
			else if (spec->output_key && plugvm_devtest_chardev_stall)
				(void)plugvm_devtest_chardev_stall(
					t, id, spec->output_key, u8(r));
			break;
		case 11: /* rarely: the machine resets */
			if (u8(r) == 0xa5)
				plugvm_devtest_reset(t);
			break;
		}
	}
	for (unsigned line = 0; line < PLUGVM_DEVTEST_IRQ_LINES; line++)
		(void)plugvm_devtest_irq(t, line);
	if (spec->output_key) {
		size_t len = 0;
		const char *out = plugvm_devtest_chardev(t, id, spec->output_key,
							 &len);

		if (out && strlen(out) > len)
			fail("capture longer than its count", strlen(out), len);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct plugvm_devtest *t;

	(void)argc;
	(void)argv;
	/* The chipset's plugins: the instrumented build's, not installed. */
	setenv("PLUGVM_DEVTEST_PLUGIN_DIR", FUZZ_PLUGIN_DIR, 1);
	if (spec->plugin)
		snprintf(plugin_path, sizeof(plugin_path), "%s/%s",
			 FUZZ_PLUGIN_DIR, spec->plugin);
	/* Load every module once before fuzzing starts, so that libFuzzer
	 * sees their coverage counters from the first input on. */
	t = plugvm_devtest_new(0);
	if (!t || plugvm_devtest_set_chipset(t, spec->chipset) ||
	    (spec->plugin && plugvm_devtest_add(t, plugin_path, "dev",
						spec->presets[0].settings))) {
		fprintf(stderr, "fuzz %s: cannot set up the bench: %s\n",
			spec->name, t ? plugvm_devtest_error(t) : "out of memory");
		exit(1);
	}
	/* kept: its dlopen()ed modules stay loaded for the whole run */
	keep = t;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = { data, size };
	unsigned npresets = 0;
	const struct preset *ps;
	struct plugvm_devtest *t;
	const char *id = spec->plugin ? "dev" : "pic";

	while (npresets < MAX_PRESETS && spec->presets[npresets].settings)
		npresets++;
	ps = &spec->presets[u8(&r) % npresets];
	t = plugvm_devtest_new(0);
	if (!t)
		return 0;
	if (plugvm_devtest_set_chipset(t, spec->chipset) ||
	    (spec->plugin && plugvm_devtest_add(t, plugin_path, id, ps->settings)))
		fail("a preset was refused", 0, 0);
	run(t, ps, id, &r);
	plugvm_devtest_free(t);
	return 0;
}
