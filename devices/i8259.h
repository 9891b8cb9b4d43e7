/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * i8259.h - the PC's two Intel 8259A programmable interrupt controllers,
 * master and slave cascaded on the master's IR2, as a pure state machine.
 *
 * What is modelled (after the Intel 8259A datasheet, order no. 231468):
 * - the ICW1-ICW4 sequence: ICW4 needed or not, single or cascade mode,
 *   ICW2's vector base (T7-T3), ICW3 (the master's cascade inputs, the
 *   slave's ID), ICW4's AEOI and SFNM bits;
 * - OCW1 (IMR); every OCW2 command: non-specific and specific EOI, rotate
 *   on non-specific and on specific EOI, rotate in AEOI mode set and clear,
 *   set priority; OCW3: read IRR or ISR, the poll command, special mask mode;
 * - fully nested priority with rotation, special fully nested mode on the
 *   master (a higher request of the slave is let through while the slave's
 *   cascade input is in service), auto-EOI;
 * - edge and level triggering per input, chosen by the ELCR (0x4d0, 0x4d1)
 *   as on PIIX/ICH chipsets; IRQ 0, 1, 2, 8 and 13 are edge-only there, so
 *   their ELCR bits read 0 and cannot be set;
 * - the INTA cycle (i8259_ack()): the master picks its highest request; a
 *   cascade input makes the slave whose ID matches answer with its vector.
 *   A chip whose request went away answers its spurious IR7 (base + 7) and
 *   sets no ISR bit. The slave's spurious IR7 (IRQ 15 on the PC) still sets
 *   the master's ISR bit 2, as on real hardware, so the guest must EOI the
 *   master.
 *
 * Chosen where the datasheet leaves room, or where KVM's in-kernel PIC
 * (the kvm accelerator's model) is the behaviour to match:
 * - An edge request is latched in IRR by the rising edge and stays until
 *   its INTA, even if the line drops first; on the chip, a request must
 *   stay high until INTA or it becomes a spurious IR7. KVM and QEMU latch,
 *   so a device may pulse its line and both accelerators agree. A level
 *   request follows the line: dropping it before INTA gives the spurious
 *   vector.
 * - The master's IR2 is edge-triggered (ELCR bit 2 is fixed at 0) and
 *   driven by the slave's INT output. The slave's INT counts as dropping
 *   during its own INTA cycle (or poll, or ICW1), so a slave request still
 *   pending afterwards (AEOI, special mask mode) is a new request to the
 *   master and is not lost.
 * - ICW1 clears ISR as well. The datasheet lists IMR, priority, special
 *   mask, read select and the edge sense; QEMU and Bochs clear ISR too,
 *   KVM keeps it. A guest re-initializing a chip with a level in service
 *   does not EOI it afterwards, and the chip would stay blocked. ICW1 also
 *   clears rotate-in-AEOI and the ICW4 bits; ICW4 sets them again. (KVM
 *   also lets an edge input that is already high request again after ICW1;
 *   here, as the datasheet says, it needs a new rising edge.)
 * - ICW1's LTIM bit is ignored: the ELCR decides, as on PIIX/ICH.
 * - The poll command acts as an INTA on the polled chip only (ISR set unless
 *   AEOI, IRR cleared for an edge) and reads 0x80 | level, or 0x07 when no
 *   request is pending (bit 7 clear; the low bits are undefined on the chip,
 *   0x07 is what KVM returns). Polling the master while the slave requests
 *   reads 0x82; the guest then polls the slave.
 * - Power-on (i8259_reset()): both chips uninitialized, IMR 0xff (all
 *   masked), ISR and IRR 0, vector base 0, read select IRR, ELCR 0, and the
 *   PC wiring assumed (master ICW3 0x04, slave ID 2) until the guest
 *   programs the chips. INTR is low. Bochs masks everything at power-on
 *   too; KVM's in-kernel PIC starts with IMR 0, so the kvm side should load
 *   this state with KVM_SET_IRQCHIP for a guest that never programs the
 *   PICs to see the same on both accelerators.
 *
 * Not modelled, and why:
 * - MCS-80/85 mode (ICW4 uPM = 0, or no ICW4 at all, which means uPM = 0):
 *   an x86 cannot take the 3-byte CALL sequence. The model answers in 8086
 *   mode and reports I8259_REPORT_MCS80_MODE. A7-A5, ADI and ICW2's A10-A8
 *   only exist in that mode and are ignored.
 * - Buffered mode (ICW4 BUF, M/S): it only drives the SP/EN pin; the role of
 *   each chip is fixed by the PC's wiring, so the bits are ignored.
 * - Slaves anywhere but on IR2: only one slave exists, wired to IR2. A
 *   cascade input with no slave of that ID (master ICW3 bits besides 2, a
 *   slave ID other than 2, a slave in single mode, which keeps ICW1's ID 7)
 *   leaves the data bus undriven: the INTA reads 0xff, and
 *   I8259_REPORT_NO_SLAVE says so.
 * - IRQ 2 as a device line: it is the cascade input. On the AT, a device on
 *   the ISA bus's IRQ2 pin arrives on IRQ 9; i8259_set_irq() refuses 2.
 * - Timing: an INTA is one atomic call, not two pulses, and a line change
 *   takes effect at once.
 *
 * How the chipset plugin uses it (next step, devices/):
 * - Embed one struct i8259 in the plugin's state and call i8259_init() from
 *   create() and i8259_reset() from reset(). There are no globals, no
 *   threads, no allocation and no I/O here.
 * - One lock guards the struct: the plugin holds it around every call, from
 *   the port callbacks (0x20, 0x21, 0xa0, 0xa1 -> chip 0/1, port 0/1; 0x4d0,
 *   0x4d1 -> i8259_elcr_read/write), from set_irq() on whatever thread a
 *   device raises its line, and from the vCPU's INTA.
 * - The intr callback runs under that lock, inside the call that changed
 *   INTR. When INTR rises, the vCPU that takes the PIC's interrupts (the
 *   BSP) must be kicked out of HLT or its time slice; record that in the
 *   callback and kick after dropping the lock, as KVM's pic_unlock() does.
 * - At an instruction boundary with IF = 1 and no interrupt shadow, the
 *   vCPU takes the lock, calls i8259_intr() and, if set, i8259_ack(), drops
 *   the lock and delivers the vector. A vCPU that acknowledges after INTR
 *   fell (it saw a stale copy) gets the spurious vector, exactly as a CPU
 *   racing with a device on real hardware.
 * - The report callback turns each enum i8259_report into a rate-limited
 *   PLUGVM_LOG_GUEST_ERROR line; i8259_report_str() gives the text. None of
 *   them stops the model: the chip carries on as described above.
 * - Callbacks must not call into the model, except i8259_intr().
 */
#ifndef PLUGVM_I8259_H
#define PLUGVM_I8259_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define I8259_MASTER 0
#define I8259_SLAVE 1
#define I8259_NR_IRQS 16
#define I8259_CASCADE_IRQ 2 /* the master's input the slave's INT drives */

/* What the guest did that the model ignores, corrects or cannot model. */
enum i8259_report {
	/* OCW2 or OCW3 to a chip never initialized, or an INTA answered
	 * by one: its vector base was never programmed. OCW1 alone is not
	 * reported: Linux and BIOSes write and read IMR to probe the PIC. */
	I8259_REPORT_UNINITIALIZED,
	/* ICW4 with uPM = 0, or a sequence without ICW4: MCS-80/85 mode is
	 * not modelled, the chip answers in 8086 mode. */
	I8259_REPORT_MCS80_MODE,
	/* ICW1 with LTIM set: ignored, the ELCR chooses edge or level. */
	I8259_REPORT_LTIM_IGNORED,
	/* ICW1 with SNGL set on the cascaded PC pair. */
	I8259_REPORT_SINGLE_MODE,
	/* Master ICW3 other than 0x04, or slave ICW3 other than 0x02. */
	I8259_REPORT_CASCADE_CONFIG,
	/* INTA on a cascade input no slave answers: the vector is 0xff. */
	I8259_REPORT_NO_SLAVE,
	/* ELCR write setting a bit of an edge-only IRQ (0, 1, 2, 8, 13):
	 * the bit stays 0. */
	I8259_REPORT_ELCR_RESERVED,
};

/*
 * Callbacks into the owner, both optional (NULL), both called with the
 * owner's lock held from inside the call that caused them.
 */
struct i8259_ops {
	/* The INTR output to the CPU changed to @level. */
	void (*intr)(void *opaque, bool level);
	/* The guest misused chip @chip (I8259_MASTER or I8259_SLAVE);
	 * @value is the byte written, the cascade input or 0. */
	void (*report)(void *opaque, unsigned int chip, enum i8259_report what,
		       uint8_t value);
};

/* One 8259A. Private to i8259.c; here only so the owner can embed it. */
struct i8259_chip {
	uint8_t irr;	   /* interrupt request register */
	uint8_t isr;	   /* in-service register */
	uint8_t imr;	   /* interrupt mask register (OCW1) */
	uint8_t elcr;	   /* 1: level-triggered input */
	uint8_t elcr_mask; /* the ELCR bits that can be set */
	uint8_t lines;	   /* the level on each IR input */
	uint8_t base;	   /* ICW2: vector of IR0 */
	uint8_t icw3;	   /* master: cascade inputs; slave: its ID */
	uint8_t top;	   /* the input with the highest priority */
	uint8_t next_icw;  /* 2, 3 or 4 within the ICW sequence, else 0 */
	bool ic4;	   /* ICW1: ICW4 follows */
	bool single;	   /* ICW1: single mode */
	bool aeoi;	   /* ICW4: automatic EOI */
	bool sfnm;	   /* ICW4: special fully nested mode */
	bool rotate_aeoi;  /* OCW2: rotate in automatic EOI mode */
	bool special_mask; /* OCW3: special mask mode */
	bool read_isr;	   /* OCW3: port 0 reads ISR, not IRR */
	bool poll;	   /* OCW3: the next read is a poll */
	bool initialized;  /* an ICW sequence has completed */
};

/* The master/slave pair and its INTR output. */
struct i8259 {
	struct i8259_chip chip[2]; /* I8259_MASTER, I8259_SLAVE */
	bool intr;		   /* INTR as last reported */
	const struct i8259_ops *ops;
	void *opaque;
};

/*
 * Sets up @pic with its callbacks (@ops may be NULL; it is not copied and
 * must outlive @pic) and puts it in the power-on state with every input
 * line low. Calls no callback.
 */
void i8259_init(struct i8259 *pic, const struct i8259_ops *ops, void *opaque);

/*
 * The power-on state described at the top, ELCR included. The input lines
 * keep their levels (they belong to the devices driving them), but count as
 * already high: an edge input needs a new rising edge. INTR is low after it;
 * no callback is called (a reset does not drive lines).
 */
void i8259_reset(struct i8259 *pic);

/*
 * A guest read of port @port (0: 0x20/0xa0, 1: 0x21/0xa1) of chip @chip.
 * Port 0 reads IRR or ISR as OCW3 selected, port 1 reads IMR; after a poll
 * command either port returns the poll word and acknowledges. Returns 0xff
 * for a chip or port that does not exist.
 */
uint8_t i8259_read(struct i8259 *pic, unsigned int chip, unsigned int port);

/*
 * A guest write of @val to port @port of chip @chip: ICW1, OCW2 or OCW3 on
 * port 0, the next ICW or OCW1 on port 1. Ignored for a chip or port that
 * does not exist.
 */
void i8259_write(struct i8259 *pic, unsigned int chip, unsigned int port,
		 uint8_t val);

/* ELCR of chip @chip (0x4d0 master, 0x4d1 slave); 0xff if no such chip. */
uint8_t i8259_elcr_read(const struct i8259 *pic, unsigned int chip);

/*
 * Writes the ELCR of chip @chip; bits of edge-only IRQs are dropped (and
 * reported). An input switched to level requests at once if its line is
 * high.
 */
void i8259_elcr_write(struct i8259 *pic, unsigned int chip, uint8_t val);

/*
 * Drives input line @irq (0-15; 8-15 are the slave's IR0-IR7) to @level.
 * Returns 0, or -EINVAL for IRQ 2 (the cascade) or above 15, changing
 * nothing.
 */
int i8259_set_irq(struct i8259 *pic, unsigned int irq, bool level);

/* The INTR output: an unmasked request of higher priority than any in
 * service is waiting. */
bool i8259_intr(const struct i8259 *pic);

/*
 * The CPU's interrupt acknowledge cycle: returns the vector and sets ISR and
 * clears IRR as the chips do. Spurious: the master's base + 7 when it has no
 * request; the slave's base + 7, with the master's ISR bit 2 set, when the
 * master's cascade request finds the slave without one; 0xff when no slave
 * answers the cascade input.
 */
uint8_t i8259_ack(struct i8259 *pic);

/* A one-line description of @what, for the guest-error log. */
const char *i8259_report_str(enum i8259_report what);

#ifdef __cplusplus
}
#endif

#endif /* PLUGVM_I8259_H */
