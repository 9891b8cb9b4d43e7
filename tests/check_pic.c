// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_pic.c - the 8259A plugin (i8259.so) as a guest and its devices see
 * it: through the device test kit with chipset "pc", which loads it as
 * plugvm does on tcg ($PLUGVM_DEVTEST_PLUGIN_DIR). The test plays the
 * guest (ports), vCPU 0 (plugvm_devtest_intr/inta) and, through testdev
 * ($PLUGVM_TEST_PLUGINS/testdev.so: data byte = line, command 6 raises it,
 * 7 lowers it), the devices that drive the lines. The model's own state
 * machine is tested in check_i8259.c; this is the glue, the routing
 * (irq.c) and set_irq()'s answers.
 */
#include "config.h"

#include <plugvm/devtest.h>

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define M0 0x20 /* master command */
#define M1 0x21 /* master data */
#define S0 0xa0
#define S1 0xa1
#define ELCR_M 0x4d0
#define ELCR_S 0x4d1

#define READ_IRR 0x0a
#define READ_ISR 0x0b
#define NS_EOI 0x20
#define SPECIFIC_EOI(irq) (0x60 | (irq))

#define TD0 0x100 /* first testdev */
#define TD1 0x104 /* second */

static const char *testdev(void)
{
	static char path[4096];
	const char *dir = getenv("PLUGVM_TEST_PLUGINS");

	snprintf(path, sizeof(path), "%s/testdev.so",
		 dir ? dir : "tests/.libs");
	return path;
}

static const char *device(const char *file)
{
	static char path[4096];
	const char *dir = getenv("PLUGVM_DEVTEST_PLUGIN_DIR");

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "devices/.libs",
		 file);
	return path;
}

static struct plugvm_devtest *t;

/* A pc bench with two testdevs, at TD0 and TD1. */
static void setup(void)
{
	static const char *const td1[] = { "port", "0x104", NULL };

	t = plugvm_devtest_new(0);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(plugvm_devtest_set_chipset(t, "pc"), 0);
	ck_assert_int_eq(plugvm_devtest_add(t, testdev(), "td0", NULL), 0);
	ck_assert_int_eq(plugvm_devtest_add(t, testdev(), "td1", td1), 0);
}

static void teardown(void)
{
	plugvm_devtest_free(t);
	t = NULL;
}

/* testdev at @td drives @line to @level: set_irq()'s answer. */
static int drive(uint16_t td, unsigned line, bool level)
{
	plugvm_devtest_outb(t, td + 1, (uint8_t)line);
	plugvm_devtest_outb(t, td, level ? 6 : 7);
	return (int8_t)plugvm_devtest_inb(t, td);
}

static void raise_line(unsigned line)
{
	ck_assert_int_eq(drive(TD0, line, true), 0);
}

static void lower_line(unsigned line)
{
	ck_assert_int_eq(drive(TD0, line, false), 0);
}

static void pulse(unsigned line)
{
	raise_line(line);
	lower_line(line);
}

static uint8_t reg(uint16_t cmd, uint8_t ocw3)
{
	plugvm_devtest_outb(t, cmd, ocw3);
	return plugvm_devtest_inb(t, cmd);
}

#define irr(cmd) reg(cmd, READ_IRR)
#define isr(cmd) reg(cmd, READ_ISR)

/* The PC BIOS's initialization: vectors 0x08 and 0x70, or @mbase and
 * @sbase, cascade on IR2, 8086 mode (+ AEOI with @icw4 3), unmasked. */
static void init(uint8_t mbase, uint8_t sbase, uint8_t icw4)
{
	plugvm_devtest_outb(t, M0, 0x11);
	plugvm_devtest_outb(t, M1, mbase);
	plugvm_devtest_outb(t, M1, 0x04);
	plugvm_devtest_outb(t, M1, icw4);
	plugvm_devtest_outb(t, S0, 0x11);
	plugvm_devtest_outb(t, S1, sbase);
	plugvm_devtest_outb(t, S1, 0x02);
	plugvm_devtest_outb(t, S1, icw4);
	plugvm_devtest_outb(t, M1, 0x00);
	plugvm_devtest_outb(t, S1, 0x00);
}

static void std_init(void)
{
	init(0x08, 0x70, 0x01);
}

static int inta(void)
{
	return plugvm_devtest_inta(t, 0);
}

static bool intr(void)
{
	return plugvm_devtest_intr(t, 0);
}

/* ------------------------------------------------------------------------ */
/* core                                                                     */
/* ------------------------------------------------------------------------ */

START_TEST(test_chipset_devices)
{
	uint64_t v;

	/* the pic's ports, byte-wide; the pit's are not in yet */
	ck_assert_uint_eq(plugvm_devtest_pio_read(t, M1, 1, &v),
			  PLUGVM_DEVTEST_OK);
	ck_assert_uint_eq(plugvm_devtest_pio_read(t, S1, 1, &v),
			  PLUGVM_DEVTEST_OK);
	ck_assert_uint_eq(plugvm_devtest_pio_read(t, ELCR_S, 1, &v),
			  PLUGVM_DEVTEST_OK);
	ck_assert_uint_eq(plugvm_devtest_pio_read(t, M0, 2, &v),
			  PLUGVM_DEVTEST_BAD_SIZE);
	/* power-on: all masked, nothing pending, INTR low */
	ck_assert_uint_eq(plugvm_devtest_inb(t, M1), 0xff);
	ck_assert_uint_eq(plugvm_devtest_inb(t, S1), 0xff);
	ck_assert_uint_eq(plugvm_devtest_inb(t, ELCR_M), 0x00);
	ck_assert(!intr());
	ck_assert_int_eq(inta(), -1);
	/* a masked request waits in IRR */
	raise_line(1);
	ck_assert(!intr());
	ck_assert(plugvm_devtest_irq(t, 1).level);
	ck_assert_uint_eq(plugvm_devtest_irq(t, 1).edges, 1);
	ck_assert_uint_eq(irr(M0), 0x02);
	/* the pic's id is taken */
	ck_assert_int_eq(plugvm_devtest_add(t, testdev(), "pic", NULL),
			 -EEXIST);
}
END_TEST

START_TEST(test_icw_ocw1)
{
	std_init();
	ck_assert_uint_eq(plugvm_devtest_inb(t, M1), 0x00);
	plugvm_devtest_outb(t, M1, 0xa5);
	plugvm_devtest_outb(t, S1, 0x5a);
	ck_assert_uint_eq(plugvm_devtest_inb(t, M1), 0xa5);
	ck_assert_uint_eq(plugvm_devtest_inb(t, S1), 0x5a);
	/* IRQ 0 is masked (bit 0 of 0xa5): no INTR; IRQ 1 is not */
	raise_line(0);
	ck_assert(!intr());
	raise_line(1);
	ck_assert(intr());
	ck_assert_int_eq(inta(), 0x09);
	/* ICW2 moves the vectors: as an OS does after the BIOS */
	lower_line(0);
	lower_line(1);
	init(0x20, 0x28, 0x01);
	pulse(1);
	ck_assert_int_eq(inta(), 0x21);
	plugvm_devtest_outb(t, M0, NS_EOI);
	pulse(9);
	ck_assert_int_eq(inta(), 0x29);
	/* nothing the guest did was odd */
	ck_assert(!plugvm_devtest_log_find(t, PLUGVM_LOG_GUEST_ERROR, ""));
}
END_TEST

START_TEST(test_nested_priority_and_eoi)
{
	std_init();
	pulse(3);
	pulse(1);
	ck_assert(intr());
	ck_assert_uint_eq(irr(M0), 0x0a);
	/* the higher priority first */
	ck_assert_int_eq(inta(), 0x09);
	ck_assert_uint_eq(isr(M0), 0x02);
	ck_assert_uint_eq(irr(M0), 0x08);
	/* IRQ 3 waits behind IRQ 1 in service, IRQ 0 does not */
	ck_assert(!intr());
	pulse(0);
	ck_assert(intr());
	ck_assert_int_eq(inta(), 0x08);
	ck_assert_uint_eq(isr(M0), 0x03);
	/* a non-specific EOI ends the highest in service: IRQ 0 */
	plugvm_devtest_outb(t, M0, NS_EOI);
	ck_assert_uint_eq(isr(M0), 0x02);
	ck_assert(!intr());
	/* a specific EOI ends IRQ 1; IRQ 3 comes */
	plugvm_devtest_outb(t, M0, SPECIFIC_EOI(1));
	ck_assert_uint_eq(isr(M0), 0x00);
	ck_assert(intr());
	ck_assert_int_eq(inta(), 0x0b);
	ck_assert(!intr());
	ck_assert_uint_eq(irr(M0), 0x00);
	plugvm_devtest_outb(t, M0, SPECIFIC_EOI(3));
	ck_assert_uint_eq(isr(M0), 0x00);
	ck_assert(!intr());
	ck_assert_int_eq(inta(), -1);
}
END_TEST

START_TEST(test_auto_eoi)
{
	init(0x08, 0x70, 0x03);
	pulse(4);
	ck_assert_int_eq(inta(), 0x0c);
	ck_assert_uint_eq(isr(M0), 0x00);
	/* nothing in service: a lower request comes at once */
	pulse(6);
	ck_assert(intr());
	ck_assert_int_eq(inta(), 0x0e);
	pulse(12);
	ck_assert_int_eq(inta(), 0x74);
	ck_assert_uint_eq(isr(M0), 0x00);
	ck_assert_uint_eq(isr(S0), 0x00);
}
END_TEST

START_TEST(test_edge_and_level)
{
	std_init();
	/* edge-only inputs: IRQ 0, 1, 2, 8 and 13 */
	plugvm_devtest_outb(t, ELCR_M, 0xff);
	plugvm_devtest_outb(t, ELCR_S, 0xff);
	ck_assert_uint_eq(plugvm_devtest_inb(t, ELCR_M), 0xf8);
	ck_assert_uint_eq(plugvm_devtest_inb(t, ELCR_S), 0xde);
	/* said as a guest error */
	ck_assert(plugvm_devtest_log_find(t, PLUGVM_LOG_GUEST_ERROR, "ELCR"));
	plugvm_devtest_outb(t, ELCR_M, 0x20); /* IRQ 5 level */
	plugvm_devtest_outb(t, ELCR_S, 0x00);

	/* level: requests again after EOI while the line is high */
	raise_line(5);
	ck_assert_int_eq(inta(), 0x0d);
	ck_assert(!intr());
	plugvm_devtest_outb(t, M0, NS_EOI);
	ck_assert(intr());
	ck_assert_int_eq(inta(), 0x0d);
	plugvm_devtest_outb(t, M0, NS_EOI);
	lower_line(5);
	ck_assert(!intr());
	ck_assert_uint_eq(irr(M0), 0x00);

	/* edge: one request per rising edge, latched until INTA */
	raise_line(3);
	lower_line(3);
	ck_assert(intr());
	ck_assert_int_eq(inta(), 0x0b);
	plugvm_devtest_outb(t, M0, NS_EOI);
	ck_assert(!intr());
	/* held high: still one request */
	raise_line(3);
	ck_assert_int_eq(inta(), 0x0b);
	plugvm_devtest_outb(t, M0, NS_EOI);
	ck_assert(!intr());
	lower_line(3);
}
END_TEST

START_TEST(test_spurious_15_and_real_7)
{
	std_init();
	/* a level request of the slave that goes away before the INTA: the
	 * master latched its cascade edge, so INTR stays up */
	plugvm_devtest_outb(t, ELCR_S, 0x04); /* IRQ 10 level */
	raise_line(10);
	ck_assert(intr());
	lower_line(10);
	ck_assert(intr());
	ck_assert_int_eq(inta(), 0x77);
	/* no slave ISR bit, but the master's IR2 is in service */
	ck_assert_uint_eq(isr(S0), 0x00);
	ck_assert_uint_eq(isr(M0), 0x04);
	plugvm_devtest_outb(t, M0, SPECIFIC_EOI(2));
	ck_assert_uint_eq(isr(M0), 0x00);

	/* a real IRQ 7 sets its ISR bit (how Linux tells it from a
	 * spurious one; the master's spurious 7, which needs an INTA after
	 * INTR fell, is check_i8259.c's: the kit acks only with INTR high) */
	pulse(7);
	ck_assert_int_eq(inta(), 0x0f);
	ck_assert_uint_eq(isr(M0), 0x80);
}
END_TEST

START_TEST(test_ocw3_readback_and_poll)
{
	std_init();
	plugvm_devtest_outb(t, M1, 0xff);
	pulse(1);
	pulse(6);
	ck_assert_uint_eq(irr(M0), 0x42);
	plugvm_devtest_outb(t, M1, 0x00);
	ck_assert_int_eq(inta(), 0x09);
	/* the selection holds until changed */
	plugvm_devtest_outb(t, M0, READ_ISR);
	ck_assert_uint_eq(plugvm_devtest_inb(t, M0), 0x02);
	ck_assert_uint_eq(plugvm_devtest_inb(t, M0), 0x02);
	plugvm_devtest_outb(t, M0, READ_IRR);
	ck_assert_uint_eq(plugvm_devtest_inb(t, M0), 0x40);
	plugvm_devtest_outb(t, M0, NS_EOI);
	/* the poll command: acknowledges IRQ 6 through the port */
	plugvm_devtest_outb(t, M0, 0x0c);
	ck_assert_uint_eq(plugvm_devtest_inb(t, M0), 0x86);
	ck_assert_uint_eq(isr(M0), 0x40);
	ck_assert(!intr());
}
END_TEST

START_TEST(test_cascade)
{
	std_init();
	pulse(12);
	ck_assert_uint_eq(irr(S0), 0x10);
	ck_assert_uint_eq(irr(M0), 0x04);
	ck_assert(intr());
	ck_assert_int_eq(inta(), 0x74);
	ck_assert_uint_eq(isr(S0), 0x10);
	ck_assert_uint_eq(isr(M0), 0x04);
	/* a slave request behind IRQ 2 in service waits (no SFNM) */
	pulse(8);
	ck_assert(!intr());
	/* ... but a master request of higher priority does not */
	pulse(1);
	ck_assert(intr());
	ck_assert_int_eq(inta(), 0x09);
	plugvm_devtest_outb(t, M0, NS_EOI);
	/* EOI to the slave, then the master: IRQ 8 comes */
	plugvm_devtest_outb(t, S0, NS_EOI);
	ck_assert(!intr());
	plugvm_devtest_outb(t, M0, NS_EOI);
	ck_assert(intr());
	ck_assert_int_eq(inta(), 0x70);
	ck_assert_uint_eq(isr(S0), 0x01);
	/* the slave's mask */
	plugvm_devtest_outb(t, S0, NS_EOI);
	plugvm_devtest_outb(t, M0, NS_EOI);
	plugvm_devtest_outb(t, S1, 0x80);
	pulse(15);
	ck_assert(!intr());
	ck_assert_uint_eq(irr(S0), 0x80);
	plugvm_devtest_outb(t, S1, 0x00);
	ck_assert_int_eq(inta(), 0x77);
	ck_assert_uint_eq(isr(S0), 0x80);
}
END_TEST

START_TEST(test_lines_or)
{
	/* two devices on one line: the controller sees the OR */
	std_init();
	plugvm_devtest_outb(t, ELCR_M, 0x10); /* IRQ 4 level */
	ck_assert_int_eq(drive(TD0, 4, true), 0);
	ck_assert_int_eq(drive(TD1, 4, true), 0);
	ck_assert_uint_eq(plugvm_devtest_irq(t, 4).edges, 1);
	ck_assert_int_eq(drive(TD0, 4, false), 0);
	ck_assert(plugvm_devtest_irq(t, 4).level);
	ck_assert(intr());
	ck_assert_int_eq(inta(), 0x0c);
	plugvm_devtest_outb(t, M0, NS_EOI);
	ck_assert(intr()); /* td1 still holds it */
	ck_assert_int_eq(drive(TD1, 4, false), 0);
	ck_assert(!intr());
	ck_assert(!plugvm_devtest_irq(t, 4).level);
	ck_assert_uint_eq(plugvm_devtest_irq(t, 4).edges, 2);
	/* lowering a line one does not drive changes nothing */
	ck_assert_int_eq(drive(TD0, 4, false), 0);
	ck_assert_uint_eq(plugvm_devtest_irq(t, 4).edges, 2);
	ck_assert_uint_eq(plugvm_devtest_irq(t, 4).calls, 5);
}
END_TEST

START_TEST(test_reset)
{
	std_init();
	pulse(1);
	ck_assert(intr());
	plugvm_devtest_reset(t);
	/* power-on again: INTR low, all masked */
	ck_assert(!intr());
	ck_assert_uint_eq(plugvm_devtest_inb(t, M1), 0xff);
	ck_assert_uint_eq(irr(M0), 0x00);
	std_init();
	pulse(1);
	ck_assert_int_eq(inta(), 0x09);
}
END_TEST

START_TEST(test_shutdown_and_again)
{
	/* a shutdown takes the chipset's devices too; the next add()
	 * brings them back */
	plugvm_devtest_shutdown(t);
	ck_assert_uint_eq(plugvm_devtest_inb(t, M1), 0xff);
	ck_assert_uint_eq(plugvm_devtest_last_result(t),
			  PLUGVM_DEVTEST_UNMAPPED);
	ck_assert_int_eq(plugvm_devtest_add(t, testdev(), "td0", NULL), 0);
	std_init();
	pulse(5);
	ck_assert_int_eq(inta(), 0x0d);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* errors                                                                   */
/* ------------------------------------------------------------------------ */

START_TEST(test_refused_lines)
{
	const struct plugvm_devtest_log_entry *e;

	/* the cascade is not a device's line: -EINVAL, said once */
	plugvm_devtest_log_clear(t);
	ck_assert_int_eq(drive(TD0, 2, true), -EINVAL);
	ck_assert_int_eq(drive(TD0, 2, false), -EINVAL);
	e = plugvm_devtest_log_find(t, PLUGVM_LOG_WARN, "set_irq(line 2)");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->device, "td0");
	ck_assert_ptr_nonnull(strstr(e->msg, "0-15 but 2"));
	ck_assert_uint_eq(plugvm_devtest_log_count(t), 1);
	ck_assert(!plugvm_devtest_irq(t, 2).level);
	ck_assert_uint_eq(plugvm_devtest_irq(t, 2).calls, 2);
	/* the IOAPIC's lines exist only on kvm */
	ck_assert_int_eq(drive(TD1, 16, true), -EINVAL);
	e = plugvm_devtest_log_find(t, PLUGVM_LOG_WARN, "set_irq(line 16)");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->device, "td1");
	ck_assert_ptr_nonnull(strstr(e->msg, "16-23 only on kvm"));
	ck_assert_int_eq(drive(TD1, 255, true), -EINVAL);
	ck_assert_uint_eq(plugvm_devtest_log_count(t), 2);
	/* the others work */
	ck_assert_int_eq(drive(TD1, 15, true), 0);
	ck_assert_int_eq(drive(TD1, 0, true), 0);
	ck_assert_uint_eq(plugvm_devtest_log_count(t), 2);
}
END_TEST

START_TEST(test_none_refuses)
{
	struct plugvm_devtest *n = plugvm_devtest_new(0);
	const struct plugvm_devtest_log_entry *e;

	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(plugvm_devtest_set_chipset(n, "none"), 0);
	ck_assert_int_eq(plugvm_devtest_add(n, testdev(), "td", NULL), 0);
	plugvm_devtest_outb(n, TD0 + 1, 9);
	plugvm_devtest_outb(n, TD0, 6);
	ck_assert_int_eq((int8_t)plugvm_devtest_inb(n, TD0), -ENOTSUP);
	e = plugvm_devtest_log_find(n, PLUGVM_LOG_WARN, "set_irq(line 9)");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->device, "td");
	ck_assert_ptr_nonnull(strstr(e->msg, "`chipset = pc`"));
	ck_assert_ptr_nonnull(strstr(e->msg, "[machine]"));
	/* the PIC plugin cannot be a device of a machine without one */
	ck_assert_int_eq(plugvm_devtest_add(n, device("i8259.so"), "p", NULL),
			 -EPERM);
	ck_assert_ptr_nonnull(strstr(plugvm_devtest_error(n),
				     "remove this section and set `chipset = pc`"));
	plugvm_devtest_free(n);
}
END_TEST

START_TEST(test_second_pic)
{
	/* nor a second one of a machine that has it */
	ck_assert_int_eq(plugvm_devtest_add(t, device("i8259.so"), "p2", NULL),
			 -EPERM);
	ck_assert_ptr_nonnull(strstr(plugvm_devtest_error(t), "cannot be a"));
	/* and nothing of it stayed: the ports are the first pic's */
	std_init();
	pulse(1);
	ck_assert_int_eq(inta(), 0x09);
}
END_TEST

START_TEST(test_guest_errors)
{
	plugvm_devtest_log_clear(t);
	/* OCW2 to a chip never initialized */
	plugvm_devtest_outb(t, M0, NS_EOI);
	ck_assert(plugvm_devtest_log_find(t, PLUGVM_LOG_GUEST_ERROR,
					  "master"));
	/* rate-limited: at most 16 and one more saying so */
	for (int i = 0; i < 100; i++)
		plugvm_devtest_outb(t, S0, NS_EOI);
	ck_assert_uint_eq(plugvm_devtest_log_count(t), 17);
	ck_assert(plugvm_devtest_log_find(t, PLUGVM_LOG_GUEST_ERROR,
					  "further guest errors"));
}
END_TEST

START_TEST(test_set_chipset_errors)
{
	struct plugvm_devtest *n = plugvm_devtest_new(0);
	const char *saved = getenv("PLUGVM_DEVTEST_PLUGIN_DIR");
	char *copy = saved ? strdup(saved) : NULL;

	ck_assert_ptr_nonnull(n);
	/* after a device, too late */
	ck_assert_int_eq(plugvm_devtest_set_chipset(t, "pc"), -EBUSY);
	ck_assert_int_eq(plugvm_devtest_set_chipset(n, "at"), -EINVAL);
	/* a directory without the plugins: the loader's error */
	setenv("PLUGVM_DEVTEST_PLUGIN_DIR", "/nonexistent", 1);
	ck_assert_int_eq(plugvm_devtest_set_chipset(n, "pc"), -ENOENT);
	ck_assert_ptr_nonnull(strstr(plugvm_devtest_error(n), "i8259.so"));
	/* the bench stays usable, with chipset none */
	ck_assert_int_eq(plugvm_devtest_add(n, testdev(), "td", NULL), 0);
	plugvm_devtest_outb(n, TD0, 4);
	ck_assert_int_eq((int8_t)plugvm_devtest_inb(n, TD0), -ENOTSUP);
	if (copy)
		setenv("PLUGVM_DEVTEST_PLUGIN_DIR", copy, 1);
	else
		unsetenv("PLUGVM_DEVTEST_PLUGIN_DIR");
	free(copy);
	plugvm_devtest_free(n);
}
END_TEST

static Suite *pic_suite(void)
{
	Suite *s = suite_create("pic");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_chipset_devices);
	tcase_add_test(tc, test_icw_ocw1);
	tcase_add_test(tc, test_nested_priority_and_eoi);
	tcase_add_test(tc, test_auto_eoi);
	tcase_add_test(tc, test_edge_and_level);
	tcase_add_test(tc, test_spurious_15_and_real_7);
	tcase_add_test(tc, test_ocw3_readback_and_poll);
	tcase_add_test(tc, test_cascade);
	tcase_add_test(tc, test_lines_or);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_shutdown_and_again);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_refused_lines);
	tcase_add_test(tc, test_none_refuses);
	tcase_add_test(tc, test_second_pic);
	tcase_add_test(tc, test_guest_errors);
	tcase_add_test(tc, test_set_chipset_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pic_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
