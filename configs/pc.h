/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pc.h - for the guests of `[machine] chipset = pc` machines: the ports of
 * the PC's 8259A pair and 8254, the exit device, and assembler macros for
 * the set-up every such guest does. The macros use only OUT and IN through
 * %al with immediate ports (and %dx for the exit port), so they assemble
 * the same in .code16, .code32 and .code64.
 */
#ifndef CONFIGS_PC_H
#define CONFIGS_PC_H

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define PIC_EOI		0x20	/* OCW2: non-specific EOI */

#define PIT_CH0		0x40
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PORT61		0x61
#define PORT61_GATE2	0x01
#define PORT61_SPEAKER	0x02
#define PORT61_REFRESH	0x10
#define PORT61_OUT2	0x20

#define PIT_HZ		1193182
#define PIT_1KHZ	1193	/* channel 0's count for about 1 kHz */

#define RTC_INDEX	0x70
#define RTC_DATA	0x71

#define COM1		0x3f8
#define EXIT_PORT	0x501	/* debugport, mode = exit */
#define EXIT_PASS	0x10	/* what the guests exit with when all is well */
#define EXIT_FAIL	0x11

/* pic_init MASTER, SLAVE, MASK1, MASK2: ICW1-ICW4 to both 8259As, as PC
 * firmware does (edge triggered, cascade on IRQ 2, 8086 mode, normal EOI),
 * vector bases MASTER and SLAVE, then the masks (OCW1). */
.macro	pic_init master, slave, mask1, mask2
	mov	$0x11, %al		/* ICW1: edge, cascade, ICW4 follows */
	out	%al, $PIC1_CMD
	out	%al, $PIC2_CMD
	mov	$\master, %al		/* ICW2: vector base */
	out	%al, $PIC1_DATA
	mov	$\slave, %al
	out	%al, $PIC2_DATA
	mov	$0x04, %al		/* ICW3: a slave on IRQ 2 */
	out	%al, $PIC1_DATA
	mov	$0x02, %al		/* ICW3: I am the slave on IRQ 2 */
	out	%al, $PIC2_DATA
	mov	$0x01, %al		/* ICW4: 8086 mode, normal EOI */
	out	%al, $PIC1_DATA
	out	%al, $PIC2_DATA
	mov	$\mask1, %al		/* OCW1: the masks */
	out	%al, $PIC1_DATA
	mov	$\mask2, %al
	out	%al, $PIC2_DATA
.endm

/* pit_ch0_periodic COUNT: channel 0 in mode 2 (rate generator), binary,
 * LSB then MSB: an IRQ 0 every COUNT / 1.193182 MHz. */
.macro	pit_ch0_periodic count
	mov	$0x34, %al
	out	%al, $PIT_CMD
	mov	$(\count & 0xff), %al
	out	%al, $PIT_CH0
	mov	$(\count >> 8), %al
	out	%al, $PIT_CH0
.endm

/* pit_ch2_freerun: channel 2 as a free-running clock to measure time
 * with: gate high, speaker off, mode 2 with count 0 (65536), so the
 * counter goes round every 54.9 ms. */
.macro	pit_ch2_freerun
	in	$PORT61, %al
	and	$~(PORT61_GATE2 | PORT61_SPEAKER), %al
	or	$PORT61_GATE2, %al
	out	%al, $PORT61
	mov	$0xb4, %al		/* channel 2, LSB then MSB, mode 2 */
	out	%al, $PIT_CMD
	xor	%al, %al
	out	%al, $PIT_CH2
	out	%al, $PIT_CH2
.endm

/* pit_ch2_latch: channel 2's count into %dx, through the counter latch
 * command. Clobbers %al. */
.macro	pit_ch2_latch
	mov	$0x80, %al		/* counter latch, channel 2 */
	out	%al, $PIT_CMD
	in	$PIT_CH2, %al
	mov	%al, %dl
	in	$PIT_CH2, %al
	mov	%al, %dh
.endm

/* pit_settle: wait for two changes of port 0x61's refresh bit (at least
 * 15 us), so that a count just written has been loaded: the 8254 loads
 * it on the next CLK pulse (838 ns), and under tcg a few IN and OUT
 * instructions take less than that. Linux counts on an ISA bus's 1 us
 * per access instead. Clobbers %al, %ah and %dl. */
.macro	pit_settle
	in	$PORT61, %al
	and	$PORT61_REFRESH, %al
	mov	%al, %ah
	mov	$2, %dl
.Lpit_settle\@:
	in	$PORT61, %al
	and	$PORT61_REFRESH, %al
	cmp	%al, %ah
	je	.Lpit_settle\@
	mov	%al, %ah
	dec	%dl
	jnz	.Lpit_settle\@
.endm

/* exit_with STATUS: stop the machine through the exit device. */
.macro	exit_with status
	mov	$\status, %al
	mov	$EXIT_PORT, %dx
	out	%al, (%dx)
.endm

#endif
