// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_i8259.c - the 8259A master/slave pair (devices/i8259.c), driven as
 * a guest and a CPU would: port writes and reads, input lines, INTA cycles.
 * Every test asserts exact register values and vectors.
 */
#include "config.h"

#include "devices/i8259.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>

#define M I8259_MASTER
#define S I8259_SLAVE

/* OCW2 and OCW3 as Linux and the datasheet spell them */
#define EOI 0x20
#define SPECIFIC_EOI(l) (0x60 | (l))
#define ROTATE_EOI 0xa0
#define ROTATE_SPECIFIC_EOI(l) (0xe0 | (l))
#define SET_PRIORITY(l) (0xc0 | (l))
#define ROTATE_AEOI_SET 0x80
#define ROTATE_AEOI_CLEAR 0x00
#define READ_IRR 0x0a
#define READ_ISR 0x0b
#define POLL 0x0c
#define SMM_SET 0x68
#define SMM_CLEAR 0x48

#define MAX_REPORTS 16

/* Checked fixture: a fresh pair, and what it told its owner. */
static struct i8259 pic;
static unsigned int intr_rises, intr_falls;
static unsigned int nreports;
static struct {
	unsigned int chip;
	enum i8259_report what;
	uint8_t value;
} reports[MAX_REPORTS];

static void on_intr(void *opaque, bool level)
{
	ck_assert_ptr_eq(opaque, &pic);
	/* the callback sees the new level already */
	ck_assert(i8259_intr(&pic) == level);
	if (level)
		intr_rises++;
	else
		intr_falls++;
}

static void on_report(void *opaque, unsigned int chip, enum i8259_report what,
		      uint8_t value)
{
	ck_assert_ptr_eq(opaque, &pic);
	ck_assert_uint_lt(nreports, MAX_REPORTS);
	reports[nreports].chip = chip;
	reports[nreports].what = what;
	reports[nreports].value = value;
	nreports++;
}

static const struct i8259_ops ops = {
	.intr = on_intr,
	.report = on_report,
};

static void setup(void)
{
	i8259_init(&pic, &ops, &pic);
	intr_rises = intr_falls = nreports = 0;
}

static void teardown(void)
{
}

static void outb(unsigned int chip, unsigned int port, uint8_t val)
{
	i8259_write(&pic, chip, port, val);
}

static uint8_t inb(unsigned int chip, unsigned int port)
{
	return i8259_read(&pic, chip, port);
}

/* IRR and ISR through OCW3, leaving IRR selected as Linux does. */
static uint8_t irr(unsigned int chip)
{
	outb(chip, 0, READ_IRR);
	return inb(chip, 0);
}

static uint8_t isr(unsigned int chip)
{
	uint8_t v;

	outb(chip, 0, READ_ISR);
	v = inb(chip, 0);
	outb(chip, 0, READ_IRR);
	return v;
}

static void line(unsigned int irq, bool level)
{
	ck_assert_int_eq(i8259_set_irq(&pic, irq, level), 0);
}

/* A device pulses an edge-triggered line. */
static void pulse(unsigned int irq)
{
	line(irq, true);
	line(irq, false);
}

static void assert_report(unsigned int i, unsigned int chip,
			  enum i8259_report what, uint8_t value)
{
	ck_assert_uint_lt(i, nreports);
	ck_assert_uint_eq(reports[i].chip, chip);
	ck_assert_int_eq(reports[i].what, what);
	ck_assert_uint_eq(reports[i].value, value);
}

/*
 * Linux's init_8259A(): mask the master, ICW1 0x11 (cascade, ICW4), ICW2
 * 0x20/0x28, ICW3 0x04/0x02, ICW4 0x01 (8086, or 0x03 with auto-EOI on the
 * master), then the masks: here everything unmasked.
 */
static void linux_init(uint8_t master_icw4, uint8_t slave_icw4)
{
	outb(M, 1, 0xff);
	outb(M, 0, 0x11);
	outb(M, 1, 0x20);
	outb(M, 1, 0x04);
	outb(M, 1, master_icw4);
	outb(S, 0, 0x11);
	outb(S, 1, 0x28);
	outb(S, 1, 0x02);
	outb(S, 1, slave_icw4);
	outb(M, 1, 0x00);
	outb(S, 1, 0x00);
}

static void std_init(void)
{
	linux_init(0x01, 0x01);
	ck_assert_uint_eq(nreports, 0);
}

/* Linux's mask_and_ack_8259A() EOIs: specific, slave first. */
static void linux_eoi(unsigned int irq)
{
	if (irq >= 8) {
		outb(S, 0, SPECIFIC_EOI(irq & 7));
		outb(M, 0, SPECIFIC_EOI(2));
	} else {
		outb(M, 0, SPECIFIC_EOI(irq));
	}
}

/* ---- core ---- */

START_TEST(test_reset_state)
{
	for (unsigned int chip = 0; chip < 2; chip++) {
		ck_assert_uint_eq(inb(chip, 1), 0xff);
		ck_assert_uint_eq(inb(chip, 0), 0x00); /* IRR selected */
		ck_assert_uint_eq(i8259_elcr_read(&pic, chip), 0x00);
	}
	ck_assert(!i8259_intr(&pic));
	/* nothing requests: INTA reads the master's spurious IR7, base 0 */
	ck_assert_uint_eq(i8259_ack(&pic), 0x07);
	/* everything is masked: a line latches in IRR but raises nothing */
	pulse(4);
	pulse(12);
	ck_assert_uint_eq(inb(M, 0), 0x10);
	ck_assert_uint_eq(inb(S, 0), 0x10);
	ck_assert(!i8259_intr(&pic));
	ck_assert_uint_eq(intr_rises + intr_falls, 0);
	ck_assert_uint_eq(nreports, 0);
}
END_TEST

START_TEST(test_reset_after_use)
{
	std_init();
	i8259_elcr_write(&pic, M, 0x20);
	i8259_elcr_write(&pic, S, 0x04);
	line(5, true);
	line(3, true);
	line(10, true);
	ck_assert_uint_eq(i8259_ack(&pic), 0x2a);
	ck_assert_uint_eq(i8259_ack(&pic), 0x27); /* 3 and 5 wait */
	outb(M, 0, EOI);
	ck_assert(i8259_intr(&pic));
	ck_assert_uint_eq(intr_rises, 2);
	ck_assert_uint_eq(intr_falls, 1);

	/* reset calls nobody, and leaves INTR low and everything masked;
	 * the chips are uninitialized again, so OCW3 is reported */
	i8259_reset(&pic);
	ck_assert_uint_eq(intr_rises, 2);
	ck_assert_uint_eq(intr_falls, 1);
	ck_assert(!i8259_intr(&pic));
	for (unsigned int chip = 0; chip < 2; chip++) {
		ck_assert_uint_eq(inb(chip, 1), 0xff);
		ck_assert_uint_eq(i8259_elcr_read(&pic, chip), 0x00);
		ck_assert_uint_eq(inb(chip, 0), 0x00); /* IRR */
		outb(chip, 0, READ_ISR);
		ck_assert_uint_eq(inb(chip, 0), 0x00);
		assert_report(chip, chip, I8259_REPORT_UNINITIALIZED, READ_ISR);
	}
	ck_assert_uint_eq(nreports, 2);
	nreports = 0;
	/* the lines stay high, so after a new init only new edges count */
	std_init();
	ck_assert(!i8259_intr(&pic));
	line(3, true);
	ck_assert(!i8259_intr(&pic));
	pulse(6);
	ck_assert_uint_eq(i8259_ack(&pic), 0x26);
}
END_TEST

START_TEST(test_linux_init)
{
	std_init();
	/* ICW1 cleared IMR; the masks written after the ICWs are IMR */
	ck_assert_uint_eq(inb(M, 1), 0x00);
	ck_assert_uint_eq(inb(S, 1), 0x00);
	outb(M, 1, 0xfb);
	outb(S, 1, 0xff);
	ck_assert_uint_eq(inb(M, 1), 0xfb);
	ck_assert_uint_eq(inb(S, 1), 0xff);
	outb(M, 1, 0x00);
	outb(S, 1, 0x00);

	pulse(0);
	ck_assert(i8259_intr(&pic));
	ck_assert_uint_eq(intr_rises, 1);
	ck_assert_uint_eq(i8259_ack(&pic), 0x20);
	ck_assert(!i8259_intr(&pic));
	ck_assert_uint_eq(intr_falls, 1);
	ck_assert_uint_eq(isr(M), 0x01);
	linux_eoi(0);
	ck_assert_uint_eq(isr(M), 0x00);

	pulse(14);
	ck_assert_uint_eq(i8259_ack(&pic), 0x2e);
	ck_assert_uint_eq(isr(M), 0x04);
	ck_assert_uint_eq(isr(S), 0x40);
	linux_eoi(14);
	ck_assert_uint_eq(isr(M), 0x00);
	ck_assert_uint_eq(isr(S), 0x00);
	ck_assert_uint_eq(intr_rises, 2);
	ck_assert_uint_eq(intr_falls, 2);
	ck_assert_uint_eq(nreports, 0);
}
END_TEST

START_TEST(test_priority)
{
	std_init();
	outb(M, 1, 0xff);
	outb(S, 1, 0xff);
	pulse(5);
	pulse(3);
	pulse(12);
	pulse(1);
	pulse(7);
	ck_assert_uint_eq(irr(M), 0xaa);
	ck_assert_uint_eq(irr(S), 0x10);
	ck_assert(!i8259_intr(&pic));
	outb(S, 1, 0x00);
	/* the slave's request reaches the master's IR2 even while masked */
	ck_assert_uint_eq(irr(M), 0xae);
	outb(M, 1, 0x00);

	/* 0 > 1 > 2 (8 > ... > 15) > 3 > ... > 7 */
	static const uint8_t order[] = { 0x21, 0x2c, 0x23, 0x25, 0x27 };
	for (unsigned int i = 0; i < sizeof(order); i++) {
		ck_assert(i8259_intr(&pic));
		ck_assert_uint_eq(i8259_ack(&pic), order[i]);
		/* the in-service level holds back every lower one */
		ck_assert(!i8259_intr(&pic));
		if (order[i] == 0x2c) {
			outb(S, 0, EOI);
			outb(M, 0, EOI);
		} else {
			outb(M, 0, EOI);
		}
	}
	ck_assert_uint_eq(irr(M), 0x00);
	ck_assert_uint_eq(isr(M), 0x00);
	ck_assert(!i8259_intr(&pic));
}
END_TEST

START_TEST(test_nesting)
{
	std_init();
	pulse(4);
	ck_assert_uint_eq(i8259_ack(&pic), 0x24);
	/* lower: waits */
	pulse(6);
	ck_assert(!i8259_intr(&pic));
	ck_assert_uint_eq(irr(M), 0x40);
	/* higher: interrupts the handler of IRQ 4 */
	pulse(1);
	ck_assert(i8259_intr(&pic));
	ck_assert_uint_eq(i8259_ack(&pic), 0x21);
	ck_assert_uint_eq(isr(M), 0x12);
	/* a non-specific EOI ends the highest level in service: 1 */
	outb(M, 0, EOI);
	ck_assert_uint_eq(isr(M), 0x10);
	ck_assert(!i8259_intr(&pic));
	outb(M, 0, EOI);
	ck_assert_uint_eq(isr(M), 0x00);
	ck_assert(i8259_intr(&pic));
	ck_assert_uint_eq(i8259_ack(&pic), 0x26);
	ck_assert_uint_eq(isr(M), 0x40);
	ck_assert_uint_eq(irr(M), 0x00);
}
END_TEST

START_TEST(test_cascade)
{
	std_init();
	pulse(10);
	ck_assert_uint_eq(irr(S), 0x04);
	ck_assert_uint_eq(irr(M), 0x04);
	ck_assert(i8259_intr(&pic));
	ck_assert_uint_eq(i8259_ack(&pic), 0x2a);
	ck_assert_uint_eq(isr(M), 0x04);
	ck_assert_uint_eq(isr(S), 0x04);
	ck_assert_uint_eq(irr(M), 0x00);
	ck_assert_uint_eq(irr(S), 0x00);

	/* fully nested: a higher slave request waits for the master's EOI
	 * too, because IR2 is in service on the master */
	pulse(9);
	ck_assert_uint_eq(irr(S), 0x02);
	ck_assert_uint_eq(irr(M), 0x04);
	ck_assert(!i8259_intr(&pic));
	/* a master IRQ above IR2 still gets through */
	pulse(1);
	ck_assert_uint_eq(i8259_ack(&pic), 0x21);
	outb(M, 0, EOI);
	ck_assert_uint_eq(isr(M), 0x04);

	/* EOI to the slave alone is not enough */
	outb(S, 0, EOI);
	ck_assert_uint_eq(isr(S), 0x00);
	ck_assert(!i8259_intr(&pic));
	outb(M, 0, EOI);
	ck_assert_uint_eq(isr(M), 0x00);
	ck_assert(i8259_intr(&pic));
	ck_assert_uint_eq(i8259_ack(&pic), 0x29);
	ck_assert_uint_eq(isr(M), 0x04);
	ck_assert_uint_eq(isr(S), 0x02);
	linux_eoi(9);
	ck_assert_uint_eq(isr(M), 0x00);
	ck_assert_uint_eq(isr(S), 0x00);
	ck_assert(!i8259_intr(&pic));
}
END_TEST

START_TEST(test_masking)
{
	std_init();
	outb(M, 1, 0x08);
	pulse(3);
	ck_assert_uint_eq(irr(M), 0x08);
	ck_assert(!i8259_intr(&pic));
	outb(M, 1, 0x00);
	ck_assert(i8259_intr(&pic));
	ck_assert_uint_eq(intr_rises, 1);
	/* masking it again takes INTR back down */
	outb(M, 1, 0x08);
	ck_assert(!i8259_intr(&pic));
	ck_assert_uint_eq(intr_falls, 1);
	outb(M, 1, 0x00);
	ck_assert_uint_eq(i8259_ack(&pic), 0x23);
	outb(M, 0, EOI);

	/* the master's IR2 mask holds back every slave IRQ */
	outb(M, 1, 0x04);
	pulse(15);
	ck_assert_uint_eq(irr(M), 0x04);
	ck_assert(!i8259_intr(&pic));
	outb(M, 1, 0x00);
	ck_assert_uint_eq(i8259_ack(&pic), 0x2f);
	ck_assert_uint_eq(isr(S), 0x80);
	linux_eoi(15);

	/* the slave's own mask keeps its INT low */
	outb(S, 1, 0x01);
	pulse(8);
	ck_assert_uint_eq(irr(S), 0x01);
	ck_assert_uint_eq(irr(M), 0x00);
	ck_assert(!i8259_intr(&pic));
	outb(S, 1, 0x00);
	ck_assert_uint_eq(irr(M), 0x04);
	ck_assert_uint_eq(i8259_ack(&pic), 0x28);
}
END_TEST

START_TEST(test_specific_eoi)
{
	std_init();
	pulse(3);
	ck_assert_uint_eq(i8259_ack(&pic), 0x23);
	pulse(1);
	ck_assert_uint_eq(i8259_ack(&pic), 0x21);
	ck_assert_uint_eq(isr(M), 0x0a);
	/* a specific EOI ends the level it names, not the highest */
	outb(M, 0, SPECIFIC_EOI(3));
	ck_assert_uint_eq(isr(M), 0x02);
	/* one for a level not in service changes nothing */
	outb(M, 0, SPECIFIC_EOI(5));
	ck_assert_uint_eq(isr(M), 0x02);
	outb(M, 0, SPECIFIC_EOI(1));
	ck_assert_uint_eq(isr(M), 0x00);
	/* nor does a non-specific one with nothing in service */
	outb(M, 0, EOI);
	ck_assert_uint_eq(isr(M), 0x00);
	ck_assert_uint_eq(nreports, 0);
}
END_TEST

START_TEST(test_auto_eoi)
{
	linux_init(0x03, 0x01);
	ck_assert_uint_eq(nreports, 0);
	pulse(4);
	ck_assert_uint_eq(i8259_ack(&pic), 0x24);
	/* nothing in service, so a lower IRQ gets in at once */
	ck_assert_uint_eq(isr(M), 0x00);
	pulse(6);
	ck_assert(i8259_intr(&pic));
	ck_assert_uint_eq(i8259_ack(&pic), 0x26);
	ck_assert_uint_eq(isr(M), 0x00);

	/* a slave request in AEOI: the master needs no EOI for IR2, the
	 * slave (normal EOI) does */
	pulse(11);
	ck_assert_uint_eq(i8259_ack(&pic), 0x2b);
	ck_assert_uint_eq(isr(M), 0x00);
	ck_assert_uint_eq(isr(S), 0x08);
	outb(S, 0, EOI);
	ck_assert_uint_eq(isr(S), 0x00);
	ck_assert(!i8259_intr(&pic));
}
END_TEST

START_TEST(test_auto_eoi_slave)
{
	/* AEOI on both: two slave requests, neither is lost even though
	 * the slave's INT never drops between them */
	linux_init(0x01, 0x03);
	outb(S, 1, 0xff);
	pulse(9);
	pulse(11);
	outb(S, 1, 0x00);
	ck_assert_uint_eq(i8259_ack(&pic), 0x29);
	ck_assert_uint_eq(isr(S), 0x00);
	ck_assert_uint_eq(isr(M), 0x04);
	ck_assert_uint_eq(irr(M), 0x04);
	ck_assert(!i8259_intr(&pic));
	outb(M, 0, EOI);
	ck_assert(i8259_intr(&pic));
	ck_assert_uint_eq(i8259_ack(&pic), 0x2b);
	outb(M, 0, EOI);
	ck_assert_uint_eq(irr(M), 0x00);
	ck_assert_uint_eq(irr(S), 0x00);
	ck_assert(!i8259_intr(&pic));
}
END_TEST

START_TEST(test_rotate_auto_eoi)
{
	linux_init(0x03, 0x01);
	outb(M, 0, ROTATE_AEOI_SET);
	outb(M, 1, 0xff);
	pulse(0);
	pulse(5);
	outb(M, 1, 0x00);
	/* IRQ 0 is served first, then becomes the lowest */
	ck_assert_uint_eq(i8259_ack(&pic), 0x20);
	pulse(0);
	ck_assert_uint_eq(i8259_ack(&pic), 0x25);
	/* now 6 is the highest: 7 before 0 */
	pulse(7);
	ck_assert_uint_eq(i8259_ack(&pic), 0x27);
	ck_assert_uint_eq(isr(M), 0x00); /* a real IR7, in AEOI */
	ck_assert_uint_eq(i8259_ack(&pic), 0x20);
	/* after serving 0, 1 is the highest; clear: it stays the highest */
	outb(M, 0, ROTATE_AEOI_CLEAR);
	outb(M, 1, 0xff);
	pulse(1);
	pulse(3);
	pulse(0);
	outb(M, 1, 0x00);
	ck_assert_uint_eq(i8259_ack(&pic), 0x21);
	ck_assert_uint_eq(i8259_ack(&pic), 0x23);
	/* 0 is still the lowest */
	ck_assert_uint_eq(i8259_ack(&pic), 0x20);
	ck_assert_uint_eq(isr(M), 0x00);
}
END_TEST

START_TEST(test_level_rerequests)
{
	std_init();
	i8259_elcr_write(&pic, M, 0x20);
	line(5, true);
	line(3, true);
	ck_assert_uint_eq(irr(M), 0x28);
	ck_assert_uint_eq(i8259_ack(&pic), 0x23);
	outb(M, 0, EOI);
	ck_assert_uint_eq(i8259_ack(&pic), 0x25);
	/* a level request stays in IRR while the line is high */
	ck_assert_uint_eq(irr(M), 0x20);
	ck_assert_uint_eq(isr(M), 0x20);
	outb(M, 0, EOI);
	/* level 5, still high, asks again; edge 3, still high, does not */
	ck_assert(i8259_intr(&pic));
	ck_assert_uint_eq(i8259_ack(&pic), 0x25);
	outb(M, 0, EOI);
	line(5, false);
	ck_assert_uint_eq(irr(M), 0x00);
	ck_assert(!i8259_intr(&pic));

	/* the same on the slave: IRQ 11 level */
	i8259_elcr_write(&pic, S, 0x08);
	line(11, true);
	ck_assert_uint_eq(i8259_ack(&pic), 0x2b);
	linux_eoi(11);
	ck_assert(i8259_intr(&pic));
	ck_assert_uint_eq(i8259_ack(&pic), 0x2b);
	line(11, false);
	linux_eoi(11);
	ck_assert(!i8259_intr(&pic));
	ck_assert_uint_eq(irr(S), 0x00);
	ck_assert_uint_eq(irr(M), 0x00);
}
END_TEST

START_TEST(test_edge_needs_new_edge)
{
	std_init();
	line(4, true);
	ck_assert_uint_eq(i8259_ack(&pic), 0x24);
	outb(M, 0, EOI);
	/* still high: no request, whatever the device repeats */
	line(4, true);
	ck_assert(!i8259_intr(&pic));
	ck_assert_uint_eq(irr(M), 0x00);
	line(4, false);
	ck_assert(!i8259_intr(&pic));
	line(4, true);
	ck_assert(i8259_intr(&pic));
	ck_assert_uint_eq(i8259_ack(&pic), 0x24);
	outb(M, 0, EOI);

	/* a pulse that ends before the INTA is latched (as KVM does) */
	pulse(6);
	ck_assert_uint_eq(irr(M), 0x40);
	ck_assert_uint_eq(i8259_ack(&pic), 0x26);
	ck_assert_uint_eq(isr(M), 0x40);
}
END_TEST

START_TEST(test_spurious_7)
{
	std_init();
	/* a level request that goes away before the INTA */
	i8259_elcr_write(&pic, M, 0x20);
	line(5, true);
	ck_assert(i8259_intr(&pic));
	line(5, false);
	ck_assert(!i8259_intr(&pic));
	ck_assert_uint_eq(intr_rises, 1);
	ck_assert_uint_eq(intr_falls, 1);
	ck_assert_uint_eq(i8259_ack(&pic), 0x27);
	/* Linux tells it from a real IRQ 7 by the ISR: bit 7 is clear */
	ck_assert_uint_eq(isr(M), 0x00);
	ck_assert_uint_eq(irr(M), 0x00);

	/* an edge request masked between INTR and INTA */
	pulse(4);
	outb(M, 1, 0x10);
	ck_assert_uint_eq(i8259_ack(&pic), 0x27);
	ck_assert_uint_eq(isr(M), 0x00);
	ck_assert_uint_eq(irr(M), 0x10);

	/* a real IRQ 7 sets its ISR bit */
	pulse(7);
	ck_assert_uint_eq(i8259_ack(&pic), 0x27);
	ck_assert_uint_eq(isr(M), 0x80);
	ck_assert_uint_eq(nreports, 0);
}
END_TEST

START_TEST(test_spurious_15)
{
	std_init();
	i8259_elcr_write(&pic, S, 0x04);
	line(10, true);
	ck_assert(i8259_intr(&pic));
	ck_assert_uint_eq(irr(M), 0x04);
	line(10, false);
	ck_assert_uint_eq(irr(S), 0x00);
	/* the master latched its cascade request: INTR stays up */
	ck_assert_uint_eq(irr(M), 0x04);
	ck_assert(i8259_intr(&pic));
	ck_assert_uint_eq(i8259_ack(&pic), 0x2f);
	/* no slave ISR bit, but the master's IR2 is in service */
	ck_assert_uint_eq(isr(S), 0x00);
	ck_assert_uint_eq(isr(M), 0x04);
	ck_assert_uint_eq(irr(M), 0x00);
	/* so IRQ 3 waits for Linux's EOI to the master */
	pulse(3);
	ck_assert(!i8259_intr(&pic));
	outb(M, 0, SPECIFIC_EOI(2));
	ck_assert(i8259_intr(&pic));
	ck_assert_uint_eq(i8259_ack(&pic), 0x23);
	ck_assert_uint_eq(nreports, 0);
}
END_TEST

START_TEST(test_ocw3_readback)
{
	std_init();
	outb(M, 1, 0xff);
	pulse(1);
	pulse(6);
	outb(M, 1, 0x00);
	ck_assert_uint_eq(i8259_ack(&pic), 0x21);
	/* IRR is selected after ICW1 */
	ck_assert_uint_eq(inb(M, 0), 0x40);
	outb(M, 0, READ_ISR);
	ck_assert_uint_eq(inb(M, 0), 0x02);
	/* the selection holds until changed */
	ck_assert_uint_eq(inb(M, 0), 0x02);
	/* port 1 is IMR whatever is selected */
	outb(M, 1, 0x81);
	ck_assert_uint_eq(inb(M, 1), 0x81);
	/* OCW3 with RR clear keeps the selection */
	outb(M, 0, 0x08);
	ck_assert_uint_eq(inb(M, 0), 0x02);
	outb(M, 0, 0x09);
	ck_assert_uint_eq(inb(M, 0), 0x02);
	outb(M, 0, READ_IRR);
	ck_assert_uint_eq(inb(M, 0), 0x40);
	/* each chip has its own */
	outb(S, 0, READ_ISR);
	ck_assert_uint_eq(inb(M, 0), 0x40);
	ck_assert_uint_eq(inb(S, 0), 0x00);
}
END_TEST

START_TEST(test_poll)
{
	std_init();
	/* nothing pending: bit 7 clear */
	outb(M, 0, POLL);
	ck_assert_uint_eq(inb(M, 0), 0x07);
	/* the poll is used up by that read */
	ck_assert_uint_eq(inb(M, 0), 0x00);

	outb(M, 1, 0xff);
	pulse(3);
	pulse(5);
	outb(M, 1, 0x00);
	ck_assert(i8259_intr(&pic));
	outb(M, 0, POLL);
	/* either port reads the poll word; it acknowledges like an INTA */
	ck_assert_uint_eq(inb(M, 1), 0x83);
	ck_assert_uint_eq(inb(M, 1), 0x00);
	ck_assert_uint_eq(isr(M), 0x08);
	ck_assert_uint_eq(irr(M), 0x20);
	ck_assert(!i8259_intr(&pic));
	/* poll wins over a read-register command in the same OCW3, and
	 * sees the priorities: 5 waits for the EOI of 3 */
	outb(M, 0, POLL | READ_ISR);
	ck_assert_uint_eq(inb(M, 0), 0x07);
	ck_assert_uint_eq(inb(M, 0), 0x08);
	outb(M, 0, READ_IRR);
	outb(M, 0, EOI);
	outb(M, 0, POLL);
	ck_assert_uint_eq(inb(M, 0), 0x85);
	outb(M, 0, EOI);

	/* a slave request: the master reads level 2, then the slave's */
	pulse(13);
	outb(M, 0, POLL);
	ck_assert_uint_eq(inb(M, 0), 0x82);
	ck_assert_uint_eq(isr(M), 0x04);
	ck_assert_uint_eq(irr(M), 0x00);
	outb(S, 0, POLL);
	ck_assert_uint_eq(inb(S, 0), 0x85);
	ck_assert_uint_eq(isr(S), 0x20);
	ck_assert_uint_eq(irr(M), 0x00);
	linux_eoi(13);
	ck_assert(!i8259_intr(&pic));
	ck_assert_uint_eq(nreports, 0);
}
END_TEST

START_TEST(test_elcr)
{
	std_init();
	i8259_elcr_write(&pic, M, 0x28);
	i8259_elcr_write(&pic, S, 0x0e);
	ck_assert_uint_eq(i8259_elcr_read(&pic, M), 0x28);
	ck_assert_uint_eq(i8259_elcr_read(&pic, S), 0x0e);
	ck_assert_uint_eq(nreports, 0);
	/* IRQ 0, 1, 2, 8, 13 stay edge-triggered */
	i8259_elcr_write(&pic, M, 0xff);
	i8259_elcr_write(&pic, S, 0xff);
	ck_assert_uint_eq(i8259_elcr_read(&pic, M), 0xf8);
	ck_assert_uint_eq(i8259_elcr_read(&pic, S), 0xde);
	ck_assert_uint_eq(nreports, 2);
	assert_report(0, M, I8259_REPORT_ELCR_RESERVED, 0xff);
	assert_report(1, S, I8259_REPORT_ELCR_RESERVED, 0xff);
	/* ICW1 does not touch the ELCR */
	nreports = 0;
	std_init();
	ck_assert_uint_eq(i8259_elcr_read(&pic, M), 0xf8);
	i8259_elcr_write(&pic, M, 0x00);
	ck_assert_uint_eq(i8259_elcr_read(&pic, M), 0x00);
	ck_assert_uint_eq(i8259_elcr_read(&pic, 2), 0xff);
}
END_TEST

START_TEST(test_elcr_switch)
{
	std_init();
	outb(M, 1, 0xff);
	line(6, true);
	line(6, false);
	line(7, true);
	ck_assert_uint_eq(irr(M), 0xc0);
	/* to level: the request is the line: 6 goes away, 7 stays */
	i8259_elcr_write(&pic, M, 0xc0);
	ck_assert_uint_eq(irr(M), 0x80);
	/* back to edge: the latch keeps 7 */
	i8259_elcr_write(&pic, M, 0x00);
	line(7, false);
	ck_assert_uint_eq(irr(M), 0x80);
	/* a high line switched to level requests at once */
	line(5, true);
	outb(M, 1, 0x00);
	ck_assert_uint_eq(i8259_ack(&pic), 0x25);
	outb(M, 0, EOI);
	ck_assert_uint_eq(i8259_ack(&pic), 0x27);
	outb(M, 0, EOI);
	ck_assert(!i8259_intr(&pic));
	i8259_elcr_write(&pic, M, 0x20);
	ck_assert(i8259_intr(&pic));
	ck_assert_uint_eq(i8259_ack(&pic), 0x25);
}
END_TEST

START_TEST(test_rotation)
{
	std_init();
	outb(M, 1, 0xff);
	pulse(4);
	pulse(6);
	outb(M, 1, 0x00);
	ck_assert_uint_eq(i8259_ack(&pic), 0x24);
	/* rotate on non-specific EOI: 4 becomes the lowest, 5 the highest */
	outb(M, 0, ROTATE_EOI);
	ck_assert_uint_eq(isr(M), 0x00);
	pulse(0);
	pulse(4);
	ck_assert_uint_eq(i8259_ack(&pic), 0x26);
	/* 0 (priority 3) interrupts nothing while 6 (priority 1) is in
	 * service... */
	ck_assert(!i8259_intr(&pic));
	outb(M, 0, EOI);
	ck_assert_uint_eq(i8259_ack(&pic), 0x20);
	outb(M, 0, EOI);
	ck_assert_uint_eq(i8259_ack(&pic), 0x24);
	/* rotate on specific EOI: 4 ends and 4 becomes the lowest again */
	outb(M, 0, ROTATE_SPECIFIC_EOI(4));
	ck_assert_uint_eq(isr(M), 0x00);
	/* set priority: 1 lowest, so 2 (the slave) highest, then 3 */
	outb(M, 0, SET_PRIORITY(1));
	outb(M, 1, 0xff);
	pulse(1);
	pulse(3);
	pulse(9);
	outb(M, 1, 0x00);
	ck_assert_uint_eq(i8259_ack(&pic), 0x29);
	linux_eoi(9);
	ck_assert_uint_eq(i8259_ack(&pic), 0x23);
	outb(M, 0, EOI);
	ck_assert_uint_eq(i8259_ack(&pic), 0x21);
	outb(M, 0, EOI);
	/* a no-op OCW2 changes nothing; ICW1 puts IR7 back lowest */
	outb(M, 0, 0x40);
	std_init();
	outb(M, 1, 0xff);
	pulse(1);
	pulse(3);
	outb(M, 1, 0x00);
	ck_assert_uint_eq(i8259_ack(&pic), 0x21);
}
END_TEST

START_TEST(test_special_mask)
{
	std_init();
	pulse(3);
	ck_assert_uint_eq(i8259_ack(&pic), 0x23);
	pulse(5);
	ck_assert(!i8259_intr(&pic));
	/* the handler of 3 masks its own level and enables the others */
	outb(M, 1, 0x08);
	outb(M, 0, SMM_SET);
	ck_assert(i8259_intr(&pic));
	ck_assert_uint_eq(i8259_ack(&pic), 0x25);
	ck_assert_uint_eq(isr(M), 0x28);
	/* a non-specific EOI skips the masked level 3 */
	outb(M, 0, EOI);
	ck_assert_uint_eq(isr(M), 0x08);
	outb(M, 0, SMM_CLEAR);
	outb(M, 1, 0x00);
	/* back to fully nested: 6 waits for 3 */
	pulse(6);
	ck_assert(!i8259_intr(&pic));
	outb(M, 0, EOI);
	ck_assert_uint_eq(isr(M), 0x00);
	ck_assert_uint_eq(i8259_ack(&pic), 0x26);
}
END_TEST

START_TEST(test_special_fully_nested)
{
	/* SFNM on the master (ICW4 0x11) */
	linux_init(0x11, 0x01);
	ck_assert_uint_eq(nreports, 0);
	pulse(11);
	ck_assert_uint_eq(i8259_ack(&pic), 0x2b);
	/* a higher slave IRQ gets through the master's in-service IR2 */
	pulse(9);
	ck_assert(i8259_intr(&pic));
	ck_assert_uint_eq(i8259_ack(&pic), 0x29);
	ck_assert_uint_eq(isr(S), 0x0a);
	ck_assert_uint_eq(isr(M), 0x04);
	/* a lower one does not: the slave's own priority stops it */
	pulse(12);
	ck_assert(!i8259_intr(&pic));
	/* nor does a master IRQ below IR2 */
	pulse(5);
	ck_assert(!i8259_intr(&pic));
	/* the guest EOIs the master only once the slave's ISR is empty */
	outb(S, 0, EOI);
	ck_assert_uint_eq(isr(S), 0x08);
	outb(S, 0, EOI);
	ck_assert_uint_eq(isr(S), 0x00);
	/* 12 now raises the slave's INT; the master lets it in as well */
	ck_assert(i8259_intr(&pic));
	ck_assert_uint_eq(i8259_ack(&pic), 0x2c);
	outb(S, 0, EOI);
	outb(M, 0, EOI);
	ck_assert_uint_eq(isr(M), 0x00);
	ck_assert_uint_eq(i8259_ack(&pic), 0x25);
}
END_TEST

/* ---- limits: the ICW sequence itself ---- */

START_TEST(test_icw1_resets)
{
	std_init();
	i8259_elcr_write(&pic, M, 0x08);
	outb(M, 1, 0xff);
	line(3, true); /* level */
	line(4, true); /* edge */
	ck_assert_uint_eq(irr(M), 0x18);
	outb(M, 0, SMM_SET);
	outb(M, 0, SET_PRIORITY(3)); /* 4 is the highest now */
	outb(M, 1, 0x00);
	ck_assert_uint_eq(i8259_ack(&pic), 0x24);
	outb(M, 0, READ_ISR);
	ck_assert_uint_eq(inb(M, 0), 0x10);

	/* ICW1: IMR, ISR, read select, special mask and priority cleared;
	 * the edge sense reset drops 4, the level input 3 still requests */
	outb(M, 0, 0x11);
	ck_assert_uint_eq(inb(M, 0), 0x08);
	ck_assert_uint_eq(inb(M, 1), 0x00);
	outb(M, 1, 0x20);
	outb(M, 1, 0x04);
	outb(M, 1, 0x01);
	ck_assert_uint_eq(isr(M), 0x00);
	ck_assert_uint_eq(nreports, 0);
	ck_assert_uint_eq(i8259_ack(&pic), 0x23);
	ck_assert_uint_eq(isr(M), 0x08);
	/* 4 needs a new edge, and then waits for 3: fully nested again */
	line(4, false);
	line(4, true);
	ck_assert_uint_eq(irr(M), 0x18);
	ck_assert(!i8259_intr(&pic));
	outb(M, 0, EOI);
	/* 3, level and still high, comes first again (IR7 lowest) */
	ck_assert_uint_eq(i8259_ack(&pic), 0x23);
}
END_TEST

START_TEST(test_sequence)
{
	/* single mode, no ICW3, ICW4: the master supplies IR2's vector */
	outb(M, 0, 0x13);
	outb(M, 1, 0x40);
	outb(M, 1, 0x01);
	ck_assert_uint_eq(nreports, 1);
	assert_report(0, M, I8259_REPORT_SINGLE_MODE, 0x13);
	/* the sequence ended: this is OCW1 */
	outb(M, 1, 0x00);
	ck_assert_uint_eq(inb(M, 1), 0x00);
	outb(S, 0, 0x11);
	outb(S, 1, 0x48);
	outb(S, 1, 0x02);
	outb(S, 1, 0x01);
	outb(S, 1, 0x00);
	pulse(9);
	ck_assert_uint_eq(i8259_ack(&pic), 0x42);
	ck_assert_uint_eq(isr(M), 0x04);
	ck_assert_uint_eq(isr(S), 0x00);
	ck_assert_uint_eq(nreports, 1);

	/* ICW1 in the middle of a sequence starts it again */
	outb(M, 0, 0x11);
	outb(M, 1, 0x60);
	outb(M, 0, 0x11);
	outb(M, 1, 0x20);
	outb(M, 1, 0x04);
	outb(M, 1, 0x01);
	outb(M, 1, 0x00);
	ck_assert_uint_eq(nreports, 1);
	pulse(5);
	ck_assert_uint_eq(i8259_ack(&pic), 0x25);
	/* ICW2's low three bits are not part of the base */
	outb(M, 0, 0x11);
	outb(M, 1, 0x37);
	outb(M, 1, 0x04);
	outb(M, 1, 0x01);
	outb(M, 1, 0x00);
	pulse(5);
	ck_assert_uint_eq(i8259_ack(&pic), 0x35);
	ck_assert_uint_eq(nreports, 1);
}
END_TEST

/* ---- errors: guest misuse, reported, the chip carries on ---- */

START_TEST(test_before_init)
{
	/* Linux's probe: OCW1 and IMR read-back before any ICW, silent */
	outb(S, 1, 0xff);
	outb(M, 1, 0xfb);
	ck_assert_uint_eq(inb(M, 1), 0xfb);
	ck_assert_uint_eq(nreports, 0);
	/* an OCW2 or OCW3 is reported, and still done */
	outb(M, 0, READ_ISR);
	outb(S, 0, EOI);
	ck_assert_uint_eq(nreports, 2);
	assert_report(0, M, I8259_REPORT_UNINITIALIZED, READ_ISR);
	assert_report(1, S, I8259_REPORT_UNINITIALIZED, EOI);
	/* an interrupt through an unprogrammed master: vector base 0 */
	outb(M, 1, 0x00);
	pulse(3);
	ck_assert_uint_eq(inb(M, 0), 0x00); /* ISR selected */
	ck_assert_uint_eq(i8259_ack(&pic), 0x03);
	ck_assert_uint_eq(inb(M, 0), 0x08);
	ck_assert_uint_eq(nreports, 3);
	assert_report(2, M, I8259_REPORT_UNINITIALIZED, 0);
	/* not during the sequence, nor after it */
	outb(M, 0, 0x11);
	outb(M, 0, READ_IRR);
	outb(M, 1, 0x20);
	outb(M, 1, 0x04);
	outb(M, 1, 0x01);
	outb(M, 0, EOI);
	ck_assert_uint_eq(nreports, 3);
}
END_TEST

START_TEST(test_mcs80_mode)
{
	/* no ICW4 means uPM = 0 */
	outb(M, 0, 0x10);
	outb(M, 1, 0x20);
	outb(M, 1, 0x04);
	ck_assert_uint_eq(nreports, 1);
	assert_report(0, M, I8259_REPORT_MCS80_MODE, 0);
	outb(M, 1, 0x00); /* OCW1: the sequence is over */
	ck_assert_uint_eq(inb(M, 1), 0x00);
	/* ICW4 with uPM = 0, and ICW1's LTIM */
	outb(S, 0, 0x19);
	outb(S, 1, 0x28);
	outb(S, 1, 0x02);
	outb(S, 1, 0x00);
	ck_assert_uint_eq(nreports, 3);
	assert_report(1, S, I8259_REPORT_LTIM_IGNORED, 0x19);
	assert_report(2, S, I8259_REPORT_MCS80_MODE, 0x00);
	/* answered in 8086 mode anyway, and LTIM made nothing level */
	line(12, true);
	ck_assert_uint_eq(i8259_ack(&pic), 0x2c);
	linux_eoi(12);
	ck_assert(!i8259_intr(&pic));
}
END_TEST

START_TEST(test_no_slave)
{
	/* a slave programmed with ID 3 does not answer the cascade on IR2 */
	outb(M, 0, 0x11);
	outb(M, 1, 0x20);
	outb(M, 1, 0x04);
	outb(M, 1, 0x01);
	outb(S, 0, 0x11);
	outb(S, 1, 0x28);
	outb(S, 1, 0x03);
	outb(S, 1, 0x01);
	outb(M, 1, 0x00);
	outb(S, 1, 0x00);
	ck_assert_uint_eq(nreports, 1);
	assert_report(0, S, I8259_REPORT_CASCADE_CONFIG, 0x03);
	pulse(10);
	ck_assert_uint_eq(i8259_ack(&pic), 0xff);
	ck_assert_uint_eq(nreports, 2);
	assert_report(1, M, I8259_REPORT_NO_SLAVE, 2);
	/* the master went through its INTA, the slave did not */
	ck_assert_uint_eq(isr(M), 0x04);
	ck_assert_uint_eq(isr(S), 0x00);
	ck_assert_uint_eq(irr(S), 0x04);

	/* a master with no cascade declared vectors IR2 itself */
	i8259_init(&pic, &ops, &pic);
	nreports = 0;
	outb(M, 0, 0x11);
	outb(M, 1, 0x20);
	outb(M, 1, 0x00);
	outb(M, 1, 0x01);
	outb(S, 0, 0x11);
	outb(S, 1, 0x28);
	outb(S, 1, 0x02);
	outb(S, 1, 0x01);
	outb(M, 1, 0x00);
	outb(S, 1, 0x00);
	ck_assert_uint_eq(nreports, 1);
	assert_report(0, M, I8259_REPORT_CASCADE_CONFIG, 0x00);
	pulse(11);
	ck_assert_uint_eq(i8259_ack(&pic), 0x22);
}
END_TEST

START_TEST(test_bad_arguments)
{
	std_init();
	ck_assert_int_eq(i8259_set_irq(&pic, 2, true), -EINVAL);
	ck_assert_int_eq(i8259_set_irq(&pic, 16, true), -EINVAL);
	ck_assert_int_eq(i8259_set_irq(&pic, 0xffffffffu, true), -EINVAL);
	ck_assert_uint_eq(irr(M), 0x00);
	ck_assert(!i8259_intr(&pic));
	ck_assert_uint_eq(i8259_read(&pic, 2, 0), 0xff);
	ck_assert_uint_eq(i8259_read(&pic, 0, 2), 0xff);
	i8259_write(&pic, 2, 1, 0x12);
	i8259_write(&pic, 0, 2, 0x12);
	i8259_elcr_write(&pic, 2, 0x20);
	ck_assert_uint_eq(inb(M, 1), 0x00);
	ck_assert_uint_eq(inb(S, 1), 0x00);
	ck_assert_uint_eq(nreports, 0);
	/* an INTA with INTR low: the master's spurious IR7 */
	ck_assert_uint_eq(i8259_ack(&pic), 0x27);
	ck_assert_uint_eq(isr(M), 0x00);
}
END_TEST

START_TEST(test_no_callbacks)
{
	/* a pair without callbacks works the same, silently */
	i8259_init(&pic, NULL, NULL);
	outb(M, 0, EOI);
	linux_init(0x01, 0x01);
	pulse(12);
	ck_assert(i8259_intr(&pic));
	ck_assert_uint_eq(i8259_ack(&pic), 0x2c);
	ck_assert_uint_eq(intr_rises + intr_falls + nreports, 0);
}
END_TEST

START_TEST(test_report_strings)
{
	for (int r = I8259_REPORT_UNINITIALIZED;
	     r <= I8259_REPORT_ELCR_RESERVED; r++) {
		const char *s = i8259_report_str((enum i8259_report)r);

		ck_assert_ptr_nonnull(s);
		ck_assert_str_ne(s, "unknown report");
	}
	ck_assert_str_eq(i8259_report_str((enum i8259_report)99),
			 "unknown report");
}
END_TEST

static Suite *i8259_suite(void)
{
	Suite *s = suite_create("i8259");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_reset_state);
	tcase_add_test(tc, test_reset_after_use);
	tcase_add_test(tc, test_linux_init);
	tcase_add_test(tc, test_priority);
	tcase_add_test(tc, test_nesting);
	tcase_add_test(tc, test_cascade);
	tcase_add_test(tc, test_masking);
	tcase_add_test(tc, test_specific_eoi);
	tcase_add_test(tc, test_auto_eoi);
	tcase_add_test(tc, test_auto_eoi_slave);
	tcase_add_test(tc, test_rotate_auto_eoi);
	tcase_add_test(tc, test_level_rerequests);
	tcase_add_test(tc, test_edge_needs_new_edge);
	tcase_add_test(tc, test_spurious_7);
	tcase_add_test(tc, test_spurious_15);
	tcase_add_test(tc, test_ocw3_readback);
	tcase_add_test(tc, test_poll);
	tcase_add_test(tc, test_elcr);
	tcase_add_test(tc, test_elcr_switch);
	tcase_add_test(tc, test_rotation);
	tcase_add_test(tc, test_special_mask);
	tcase_add_test(tc, test_special_fully_nested);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_icw1_resets);
	tcase_add_test(tc, test_sequence);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_before_init);
	tcase_add_test(tc, test_mcs80_mode);
	tcase_add_test(tc, test_no_slave);
	tcase_add_test(tc, test_bad_arguments);
	tcase_add_test(tc, test_no_callbacks);
	tcase_add_test(tc, test_report_strings);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(i8259_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
