// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * i8259.c - the PC's cascaded pair of 8259A interrupt controllers as a pure
 * state machine. What is modelled, what is not and how a plugin drives it:
 * see i8259.h.
 *
 * Each chip resolves priority the same way: the unmasked request with the
 * highest priority wins if it beats the highest level in service (special
 * mask mode leaves masked levels out of that comparison). Priority rotates
 * by moving `top`, the input with the highest priority; IR7 is the lowest
 * after ICW1. The slave's INT output drives the master's IR2 input, and
 * update() recomputes that wire and INTR after every change.
 */
#include "config.h"

#include "i8259.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#define ICW1_IC4 0x01  /* ICW4 follows */
#define ICW1_SNGL 0x02 /* single mode: no ICW3 */
#define ICW1_LTIM 0x08 /* level-triggered mode (ignored: ELCR) */
#define ICW1_INIT 0x10 /* on port 0: this is ICW1 */
#define OCW3_SEL 0x08  /* on port 0 with bit 4 clear: OCW3, else OCW2 */

#define ICW2_BASE 0xf8 /* T7-T3 in 8086 mode */
#define ICW4_UPM 0x01  /* 8086 mode */
#define ICW4_AEOI 0x02
#define ICW4_SFNM 0x10

#define OCW2_LEVEL 0x07
#define OCW2_CMD_SHIFT 5
#define OCW2_ROTATE_AEOI_CLEAR 0   /* R SL EOI = 000 */
#define OCW2_EOI 1		   /* 001 non-specific EOI */
#define OCW2_NOP 2		   /* 010 */
#define OCW2_SPECIFIC_EOI 3	   /* 011 */
#define OCW2_ROTATE_AEOI_SET 4	   /* 100 */
#define OCW2_ROTATE_EOI 5	   /* 101 rotate on non-specific EOI */
#define OCW2_SET_PRIORITY 6	   /* 110 */
#define OCW2_ROTATE_SPECIFIC_EOI 7 /* 111 */

#define OCW3_RIS 0x01  /* read ISR (with RR) */
#define OCW3_RR 0x02   /* read register command */
#define OCW3_POLL 0x04 /* poll command */
#define OCW3_SMM 0x20  /* special mask mode (with ESMM) */
#define OCW3_ESMM 0x40 /* enable special mask mode change */

#define POLL_INT 0x80	     /* a request was pending */
#define POLL_NONE 0x07	     /* none was: bit 7 clear, as KVM reads it */
#define SPURIOUS_IR 7	     /* the level a chip answers without a request */
#define NO_SLAVE_VECTOR 0xff /* the data bus nobody drives */

/* The ELCR bits PIIX/ICH let a guest set: IRQ 0, 1, 2, 8, 13 are edge. */
#define ELCR_MASK_MASTER 0xf8
#define ELCR_MASK_SLAVE 0xde

/* What the PC wiring means before the guest programs the chips. */
#define PC_MASTER_ICW3 (1u << I8259_CASCADE_IRQ)
#define PC_SLAVE_ID I8259_CASCADE_IRQ
#define ICW1_SLAVE_ID 7 /* ICW1 sets the slave address to 7 */

static uint8_t bit(unsigned int irq)
{
	return (uint8_t)(1u << irq);
}

static void report(struct i8259 *pic, unsigned int chip, enum i8259_report what,
		   uint8_t value)
{
	if (pic->ops && pic->ops->report)
		pic->ops->report(pic->opaque, chip, what, value);
}

/* Priority of input @irq of @c: 0 is the highest, 7 the lowest. */
static unsigned int prio(const struct i8259_chip *c, unsigned int irq)
{
	return (irq - c->top) & 7;
}

/* The input in @mask with the highest priority, or -1 if @mask is 0. */
static int highest(const struct i8259_chip *c, uint8_t mask)
{
	for (unsigned int i = 0; i < 8; i++) {
		unsigned int irq = (c->top + i) & 7;

		if (mask & bit(irq))
			return (int)irq;
	}
	return -1;
}

/* Whether the master's input @irq is a cascade input (a slave answers). */
static bool is_cascade(const struct i8259 *pic, unsigned int irq)
{
	const struct i8259_chip *m = &pic->chip[I8259_MASTER];

	return !m->single && (m->icw3 & bit(irq));
}

/*
 * The input chip @idx raises INT for, or -1: its highest unmasked request,
 * if that has a higher priority than the highest level in service. In
 * special fully nested mode the master also lets a cascade input through
 * while that same input is in service: the slave has a higher request.
 */
static int pending(const struct i8259 *pic, unsigned int idx)
{
	const struct i8259_chip *c = &pic->chip[idx];
	int req = highest(c, c->irr & ~c->imr);
	uint8_t isr = c->isr;
	int cur;

	if (req < 0)
		return -1;
	if (c->special_mask)
		isr &= ~c->imr;
	cur = highest(c, isr);
	if (cur < 0 || prio(c, (unsigned int)req) < prio(c, (unsigned int)cur))
		return req;
	if (idx == I8259_MASTER && c->sfnm && req == cur &&
	    is_cascade(pic, (unsigned int)req))
		return req;
	return -1;
}

/*
 * Input @irq of @c goes to @level. A level input's request follows the
 * line; an edge input latches a rising edge until its INTA.
 */
static void chip_line(struct i8259_chip *c, unsigned int irq, bool level)
{
	uint8_t b = bit(irq);

	if (level) {
		if ((c->elcr & b) || !(c->lines & b))
			c->irr |= b;
		c->lines |= b;
	} else {
		c->lines &= (uint8_t)~b;
		if (c->elcr & b)
			c->irr &= (uint8_t)~b;
	}
}

/*
 * Drives the master's IR2 from the slave's INT, then INTR, calling the
 * owner back if INTR changed. @slave_cycled: the slave has just been through
 * an INTA, a poll or ICW1, during which its INT counts as low, so a request
 * it still raises now is a new edge for the master.
 */
static void update(struct i8259 *pic, bool slave_cycled)
{
	struct i8259_chip *m = &pic->chip[I8259_MASTER];
	bool intr;

	if (slave_cycled)
		m->lines &= (uint8_t)~bit(I8259_CASCADE_IRQ);
	chip_line(m, I8259_CASCADE_IRQ, pending(pic, I8259_SLAVE) >= 0);

	intr = pending(pic, I8259_MASTER) >= 0;
	if (intr == pic->intr)
		return;
	pic->intr = intr;
	if (pic->ops && pic->ops->intr)
		pic->ops->intr(pic->opaque, intr);
}

/*
 * The acknowledge of input @irq by @c, from an INTA or a poll: the level
 * goes in service (or rotates, in AEOI mode) and an edge request is used
 * up. A level request stays while its line is high.
 */
static void chip_ack(struct i8259_chip *c, unsigned int irq)
{
	uint8_t b = bit(irq);

	if (!(c->elcr & b))
		c->irr &= (uint8_t)~b;
	if (!c->aeoi)
		c->isr |= b;
	else if (c->rotate_aeoi)
		c->top = (irq + 1) & 7;
}

void i8259_reset(struct i8259 *pic)
{
	for (unsigned int idx = 0; idx < 2; idx++) {
		struct i8259_chip *c = &pic->chip[idx];
		uint8_t lines = c->lines;

		memset(c, 0, sizeof(*c));
		c->lines = lines;
		c->imr = 0xff;
		if (idx == I8259_MASTER) {
			c->elcr_mask = ELCR_MASK_MASTER;
			c->icw3 = PC_MASTER_ICW3;
		} else {
			c->elcr_mask = ELCR_MASK_SLAVE;
			c->icw3 = PC_SLAVE_ID;
		}
	}
	/* the slave is masked, so its INT (the master's IR2) is low */
	pic->chip[I8259_MASTER].lines &= (uint8_t)~bit(I8259_CASCADE_IRQ);
	pic->intr = false;
}

void i8259_init(struct i8259 *pic, const struct i8259_ops *ops, void *opaque)
{
	memset(pic, 0, sizeof(*pic));
	pic->ops = ops;
	pic->opaque = opaque;
	i8259_reset(pic);
}

/* ICW1: starts the sequence and puts the chip in its initial state. */
static void write_icw1(struct i8259 *pic, unsigned int idx, uint8_t val)
{
	struct i8259_chip *c = &pic->chip[idx];

	c->ic4 = val & ICW1_IC4;
	c->single = val & ICW1_SNGL;
	c->next_icw = 2;
	/* the edge sense is reset: only level inputs still request */
	c->irr = c->lines & c->elcr;
	c->isr = 0;
	c->imr = 0;
	c->top = 0;
	c->special_mask = false;
	c->read_isr = false;
	c->poll = false;
	c->aeoi = false;
	c->sfnm = false;
	c->rotate_aeoi = false;
	c->icw3 = idx == I8259_SLAVE ? ICW1_SLAVE_ID : 0;
	if (val & ICW1_LTIM)
		report(pic, idx, I8259_REPORT_LTIM_IGNORED, val);
	if (val & ICW1_SNGL)
		report(pic, idx, I8259_REPORT_SINGLE_MODE, val);
}

static void write_icw3(struct i8259 *pic, unsigned int idx, uint8_t val)
{
	struct i8259_chip *c = &pic->chip[idx];

	if (idx == I8259_MASTER) {
		c->icw3 = val;
		if (val != PC_MASTER_ICW3)
			report(pic, idx, I8259_REPORT_CASCADE_CONFIG, val);
	} else {
		c->icw3 = val & 7;
		if (val != PC_SLAVE_ID)
			report(pic, idx, I8259_REPORT_CASCADE_CONFIG, val);
	}
}

static void write_icw4(struct i8259 *pic, unsigned int idx, uint8_t val)
{
	struct i8259_chip *c = &pic->chip[idx];

	if (!(val & ICW4_UPM))
		report(pic, idx, I8259_REPORT_MCS80_MODE, val);
	c->aeoi = val & ICW4_AEOI;
	c->sfnm = val & ICW4_SFNM;
}

/* Port 1: the next ICW of a sequence, else OCW1. */
static void write_data(struct i8259 *pic, unsigned int idx, uint8_t val)
{
	struct i8259_chip *c = &pic->chip[idx];

	switch (c->next_icw) {
	case 2:
		c->base = val & ICW2_BASE;
		if (!c->single)
			c->next_icw = 3;
		else
			c->next_icw = c->ic4 ? 4 : 0;
		break;
	case 3:
		write_icw3(pic, idx, val);
		c->next_icw = c->ic4 ? 4 : 0;
		break;
	case 4:
		write_icw4(pic, idx, val);
		c->next_icw = 0;
		break;
	default:
		c->imr = val;
		return;
	}
	if (c->next_icw)
		return;
	c->initialized = true;
	if (!c->ic4)
		report(pic, idx, I8259_REPORT_MCS80_MODE, 0);
}

static void write_ocw2(struct i8259_chip *c, uint8_t val)
{
	unsigned int level = val & OCW2_LEVEL;
	unsigned int cmd = val >> OCW2_CMD_SHIFT;
	int irq;

	switch (cmd) {
	case OCW2_ROTATE_AEOI_CLEAR:
	case OCW2_ROTATE_AEOI_SET:
		c->rotate_aeoi = cmd == OCW2_ROTATE_AEOI_SET;
		break;
	case OCW2_EOI:
	case OCW2_ROTATE_EOI:
		/* in special mask mode a masked level is not cleared */
		irq = highest(c, c->special_mask ? c->isr & ~c->imr : c->isr);
		if (irq < 0)
			break;
		c->isr &= (uint8_t)~bit((unsigned int)irq);
		if (cmd == OCW2_ROTATE_EOI)
			c->top = ((unsigned int)irq + 1) & 7;
		break;
	case OCW2_SPECIFIC_EOI:
		c->isr &= (uint8_t)~bit(level);
		break;
	case OCW2_ROTATE_SPECIFIC_EOI:
		c->isr &= (uint8_t)~bit(level);
		c->top = (level + 1) & 7;
		break;
	case OCW2_SET_PRIORITY:
		c->top = (level + 1) & 7;
		break;
	case OCW2_NOP:
	default:
		break;
	}
}

static void write_ocw3(struct i8259_chip *c, uint8_t val)
{
	if (val & OCW3_ESMM)
		c->special_mask = val & OCW3_SMM;
	if (val & OCW3_POLL)
		c->poll = true;
	if (val & OCW3_RR)
		c->read_isr = val & OCW3_RIS;
}

void i8259_write(struct i8259 *pic, unsigned int chip, unsigned int port,
		 uint8_t val)
{
	struct i8259_chip *c;
	bool slave_cycled = false;

	if (chip > I8259_SLAVE || port > 1)
		return;
	c = &pic->chip[chip];
	if (port == 1) {
		write_data(pic, chip, val);
	} else if (val & ICW1_INIT) {
		write_icw1(pic, chip, val);
		slave_cycled = chip == I8259_SLAVE;
	} else {
		if (!c->initialized && !c->next_icw)
			report(pic, chip, I8259_REPORT_UNINITIALIZED, val);
		if (val & OCW3_SEL)
			write_ocw3(c, val);
		else
			write_ocw2(c, val);
	}
	update(pic, slave_cycled);
}

/* A read after the poll command: the chip acknowledges its request. */
static uint8_t poll_read(struct i8259 *pic, unsigned int idx)
{
	struct i8259_chip *c = &pic->chip[idx];
	int irq = pending(pic, idx);

	c->poll = false;
	if (irq < 0)
		return POLL_NONE;
	chip_ack(c, (unsigned int)irq);
	update(pic, idx == I8259_SLAVE);
	return (uint8_t)(POLL_INT | irq);
}

uint8_t i8259_read(struct i8259 *pic, unsigned int chip, unsigned int port)
{
	const struct i8259_chip *c;

	if (chip > I8259_SLAVE || port > 1)
		return 0xff;
	c = &pic->chip[chip];
	if (c->poll)
		return poll_read(pic, chip);
	if (port == 1)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

uint8_t i8259_elcr_read(const struct i8259 *pic, unsigned int chip)
{
	if (chip > I8259_SLAVE)
		return 0xff;
	return pic->chip[chip].elcr;
}

void i8259_elcr_write(struct i8259 *pic, unsigned int chip, uint8_t val)
{
	struct i8259_chip *c;

	if (chip > I8259_SLAVE)
		return;
	c = &pic->chip[chip];
	if (val & ~c->elcr_mask)
		report(pic, chip, I8259_REPORT_ELCR_RESERVED, val);
	c->elcr = val & c->elcr_mask;
	/* a level input's request is its line; an edge keeps its latch */
	c->irr = (uint8_t)((c->irr & ~c->elcr) | (c->lines & c->elcr));
	update(pic, false);
}

int i8259_set_irq(struct i8259 *pic, unsigned int irq, bool level)
{
	if (irq >= I8259_NR_IRQS || irq == I8259_CASCADE_IRQ)
		return -EINVAL;
	chip_line(&pic->chip[irq / 8], irq % 8, level);
	update(pic, false);
	return 0;
}

bool i8259_intr(const struct i8259 *pic)
{
	return pending(pic, I8259_MASTER) >= 0;
}

/* Whether a slave answers the INTA cycle of the master's cascade input @irq:
 * its ID must match, and a slave in single mode watches no cascade address. */
static bool slave_answers(const struct i8259 *pic, unsigned int irq)
{
	const struct i8259_chip *s = &pic->chip[I8259_SLAVE];

	return !s->single && s->icw3 == irq;
}

/* The slave's half of an INTA cycle: its vector, or its spurious IR7. */
static uint8_t ack_slave(struct i8259 *pic)
{
	struct i8259_chip *s = &pic->chip[I8259_SLAVE];
	int irq = pending(pic, I8259_SLAVE);

	if (irq < 0)
		return s->base | SPURIOUS_IR;
	if (!s->initialized)
		report(pic, I8259_SLAVE, I8259_REPORT_UNINITIALIZED, 0);
	chip_ack(s, (unsigned int)irq);
	return (uint8_t)(s->base | irq);
}

uint8_t i8259_ack(struct i8259 *pic)
{
	struct i8259_chip *m = &pic->chip[I8259_MASTER];
	int irq = pending(pic, I8259_MASTER);
	bool slave_cycled = false;
	uint8_t vector;

	if (irq < 0)
		return m->base | SPURIOUS_IR;
	if (!m->initialized)
		report(pic, I8259_MASTER, I8259_REPORT_UNINITIALIZED, 0);
	chip_ack(m, (unsigned int)irq);
	if (!is_cascade(pic, (unsigned int)irq)) {
		vector = (uint8_t)(m->base | irq);
	} else if (slave_answers(pic, (unsigned int)irq)) {
		vector = ack_slave(pic);
		slave_cycled = true;
	} else {
		report(pic, I8259_MASTER, I8259_REPORT_NO_SLAVE, (uint8_t)irq);
		vector = NO_SLAVE_VECTOR;
	}
	update(pic, slave_cycled);
	return vector;
}

const char *i8259_report_str(enum i8259_report what)
{
	switch (what) {
	case I8259_REPORT_UNINITIALIZED:
		return "command or interrupt acknowledge before the ICW1-ICW4 "
		       "sequence";
	case I8259_REPORT_MCS80_MODE:
		return "MCS-80/85 mode (ICW4 uPM = 0 or no ICW4) is not "
		       "modelled; answering in 8086 mode";
	case I8259_REPORT_LTIM_IGNORED:
		return "ICW1 LTIM ignored: the ELCR selects edge or level";
	case I8259_REPORT_SINGLE_MODE:
		return "single mode (ICW1 SNGL) on the cascaded master/slave "
		       "pair";
	case I8259_REPORT_CASCADE_CONFIG:
		return "ICW3 does not match the PC's wiring (master 0x04, "
		       "slave 0x02)";
	case I8259_REPORT_NO_SLAVE:
		return "interrupt acknowledge on a cascade input no slave "
		       "answers: vector 0xff";
	case I8259_REPORT_ELCR_RESERVED:
		return "ELCR bit set for an edge-only IRQ (0, 1, 2, 8, 13): "
		       "ignored";
	}
	return "unknown report";
}
