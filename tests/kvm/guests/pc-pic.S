/* pc-pic: the PC chipset's 8259A pair and 8254 as a guest sees them, on
 * both accelerators (kvm: the kernel's, tcg: plugvm's plugins). Prints on
 * the debug port: the power-on IMRs and IRR; the master's IMR once
 * programmed; 20 PIT ticks (channel 0, mode 2, about 1 kHz) taken with
 * sti; hlt, and the ISR read in the first tick's handler before and after
 * its EOI; then lines a device plugin (testdev, commands 6 and 7) drives
 * through set_irq(): IRQ 5 on the master and IRQ 10 on the slave with IRR
 * read back, an edge latched after the line drops, set_irq(2) refused,
 * and IRQ 5 level-triggered through the ELCR, where IRR follows the line.
 * Exits with status 42 through the exit device. Real mode, linked at
 * 0x1000; handlers print 1005 and 1010. */
	.code16
	.text
	.globl _start

	.set	TICKS, 0x600		/* word: IRQ 0 count */
	.set	ISR_IN, 0x602		/* byte: ISR in the first tick */
	.set	ISR_EOI, 0x603		/* byte: ISR after its EOI */
	.set	INTS, 0x606		/* word: IRQ 5 and 10 count */
	.set	TESTDEV, 0x100		/* +0 command, +1 data */

	/* print the byte in %al on the debug port */
	.macro	print8
	xor	%ah, %ah
	out	%ax, $0x10
	.endm
	/* testdev: set_irq(\line, \level) (command 6 high, 7 low);
	 * clobbers %dx */
	.macro	set_irq line, level
	mov	$TESTDEV + 1, %dx
	mov	$\line, %al
	out	%al, (%dx)
	dec	%dx
	mov	$(7 - \level), %al
	out	%al, (%dx)
	.endm
	/* testdev: the last set_irq()'s return, low byte */
	.macro	set_irq_ret
	mov	$TESTDEV, %dx
	in	(%dx), %al
	.endm
	/* IF = 1 until a device interrupt has been taken. A spin, not
	 * HLT: nested SVM under TCG sometimes takes an interrupt inside
	 * STI's shadow and returns to the HLT itself. */
	.macro	wait_irq
	mov	INTS, %bx
	sti
99:	cmp	INTS, %bx
	je	99b
	cli
	.endm
	/* the master's IRR & (IRQ 2 | IRQ 5) */
	.macro	master_irr
	mov	$0x0a, %al
	out	%al, $0x20
	in	$0x20, %al
	and	$0x24, %al
	.endm

_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x8000, %sp
	movw	$0, TICKS
	movw	$0, ISR_IN
	movw	$0, INTS

	/* 1. power-on: both chips masked, nothing requested */
	in	$0x21, %al
	print8
	in	$0xa1, %al
	print8
	in	$0x20, %al		/* read select IRR at power-on */
	print8

	/* 2. as a BIOS: vectors 0x08 and 0x70, cascade on IR2, 8086 mode */
	mov	$0x11, %al
	out	%al, $0x20
	out	%al, $0xa0
	mov	$0x08, %al
	out	%al, $0x21
	mov	$0x70, %al
	out	%al, $0xa1
	mov	$0x04, %al
	out	%al, $0x21
	mov	$0x02, %al
	out	%al, $0xa1
	mov	$0x01, %al
	out	%al, $0x21
	out	%al, $0xa1
	mov	$0xfe, %al		/* IRQ 0 only */
	out	%al, $0x21
	mov	$0xff, %al
	out	%al, $0xa1
	in	$0x21, %al
	print8
	movw	$tick, 0x08 * 4
	movw	$0, 0x08 * 4 + 2
	movw	$irq5, 0x0d * 4
	movw	$0, 0x0d * 4 + 2
	movw	$irq10, 0x72 * 4
	movw	$0, 0x72 * 4 + 2

	/* 3. PIT channel 0, mode 2, 1193 counts: at least 20 ticks (a
	 * tick may come between the IRET and the CLI), printed as 20 */
	mov	$0x34, %al
	out	%al, $0x43
	mov	$(1193 & 0xff), %al
	out	%al, $0x40
	mov	$(1193 >> 8), %al
	out	%al, $0x40
1:	sti
	hlt
	cli
	cmpw	$20, TICKS
	jb	1b
	mov	$0xff, %al		/* IRQ 0 masked */
	out	%al, $0x21
	mov	$20, %ax
	out	%ax, $0x10
	mov	ISR_IN, %al
	print8
	mov	ISR_EOI, %al
	print8

	/* 4. device lines: IRQ 5 (master), IRQ 10 (slave), edge-triggered */
	mov	$0xdb, %al		/* IRQ 2 (the slave) and 5 */
	out	%al, $0x21
	mov	$0xfb, %al		/* IRQ 10 */
	out	%al, $0xa1
	set_irq	5, 1
	set_irq_ret			/* 0 */
	print8
	master_irr			/* 0x20 */
	print8
	set_irq	5, 0
	master_irr			/* 0x20: the edge stays latched */
	print8
	wait_irq			/* irq5 prints 1005 */
	master_irr			/* 0 */
	print8

	set_irq	10, 1
	set_irq	10, 0
	mov	$0x0a, %al
	out	%al, $0xa0
	in	$0xa0, %al		/* the slave's IRR: 0x04 */
	print8
	master_irr			/* 0x04: the cascade input */
	print8
	wait_irq			/* irq10 prints 1010 */

	/* 5. line 2 is the cascade, no device's: -EINVAL (0xea) */
	set_irq	2, 1
	set_irq_ret
	print8

	/* 6. IRQ 5 level-triggered: IRR follows the line */
	mov	$0x4d0, %dx
	mov	$0x20, %al
	out	%al, (%dx)
	in	(%dx), %al		/* ELCR: 0x20 */
	print8
	set_irq	5, 1
	master_irr			/* 0x20 */
	print8
	set_irq	5, 0
	master_irr			/* 0: gone with the line */
	print8
	sti
	nop				/* nothing may come here */
	nop
	cli
	set_irq	5, 1		/* held high: irq5 lowers it, as a device's
				 * acknowledge would */
	wait_irq			/* irq5 prints 1005 */
	master_irr			/* 0 */
	print8

	mov	$42, %al
	mov	$0x501, %dx
	out	%al, (%dx)
	mov	$0xdead, %ax		/* not reached */
	out	%ax, $0x10
2:	hlt
	jmp	2b

tick:
	push	%ax
	incw	TICKS
	cmpw	$1, TICKS
	jne	3f
	mov	$0x0b, %al		/* read ISR */
	out	%al, $0x20
	in	$0x20, %al
	mov	%al, ISR_IN
	mov	$0x20, %al		/* EOI */
	out	%al, $0x20
	in	$0x20, %al
	mov	%al, ISR_EOI
	mov	$0x0a, %al		/* read IRR again */
	out	%al, $0x20
	jmp	4f
3:	mov	$0x20, %al
	out	%al, $0x20
4:	pop	%ax
	iret

irq5:
	push	%ax
	push	%dx
	mov	$1005, %ax
	out	%ax, $0x10
	incw	INTS
	set_irq	5, 0
	mov	$0x20, %al
	out	%al, $0x20
	pop	%dx
	pop	%ax
	iret

irq10:
	push	%ax
	mov	$1010, %ax
	out	%ax, $0x10
	incw	INTS
	mov	$0x20, %al
	out	%al, $0xa0
	out	%al, $0x20
	pop	%ax
	iret
