/* SPDX-License-Identifier: GPL-2.0-or-later */
/* serial-shared: COM1 and COM3 on one line, IRQ 4, as on the PC; COM2
 * prints. Both shared ports run in loopback, with their FIFOs on (trigger
 * 1). The guest checks:
 *   1. the line is the OR of the two ports' interrupts: with IRQ 4 level
 *      triggered (ELCR, port 0x4d0), the master 8259A's IRR bit 4 follows
 *      the line, with nothing, one or both ports pending;
 *   2. one interrupt for both (the line edge triggered again): both ports
 *      get bytes while IF = 0, so the line rises once; the handler must
 *      serve every port on the line until a whole pass finds none
 *      pending, as Linux's serial8250_interrupt() walks its chain, or the
 *      second port's bytes would never interrupt again;
 *   3. THR empty interrupts on both ports at once: each sends its own
 *      message a byte per interrupt, and gets it back through loopback.
 * Verdicts only, the same on tcg and kvm; exits with 16. Real mode,
 * cs = ds = ss = 0, linked at 0x1000. */
#include "pc.h"

	.code16
	.text
	.globl _start

#define RBR	0
#define THR	0
#define IER	1
#define IIR	2
#define FCR	2
#define LCR	3
#define MCR	4
#define LSR	5
#define COM2	0x2f8
#define COM3	0x3e8
#define ELCR1	0x4d0

VECTOR = 0x08 + 4		/* IRQ 4 with the master's base at 0x08 */
SPURIOUS = 0x08 + 7
IER_RDI = 0x01
IER_THRI = 0x02
LSR_DR = 0x01
LSR_THRE = 0x20

/* Per port state, at PORT_xxx offsets from the port's record */
P_BASE = 0			/* word: the I/O base */
P_TX = 2			/* word: next byte to send (0: none) */
P_RXLEN = 4			/* word: bytes received */
P_RX = 6			/* 64 bytes received */
P_SIZE = 70

/* say LABEL */
.macro	say label
	mov	$\label, %si
	call	puts
.endm

/* outp BASE, REG, VALUE */
.macro	outp base, reg, value
	mov	$(\base + \reg), %dx
	mov	$\value, %al
	out	%al, (%dx)
.endm

/* irr4: %al = 1 if the master's IRR bit 4 is set, else 0 */
.macro	irr4
	mov	$0x0a, %al		/* OCW3: read IRR */
	out	%al, $PIC1_CMD
	in	$PIC1_CMD, %al
	shr	$4, %al
	and	$1, %al
.endm

_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x8000, %sp
	cli
	movw	$irq4, VECTOR * 4
	movw	$0, VECTOR * 4 + 2
	movw	$spurious, SPURIOUS * 4
	movw	$0, SPURIOUS * 4 + 2
	pic_init 0x08, 0x70, 0xff, 0xff	/* all masked for part 1 */
	/* both shared ports: loopback (OUT2 too), FIFOs on, trigger 1 */
	outp	COM1, MCR, 0x18
	outp	COM3, MCR, 0x18
	outp	COM1, FCR, 0x07
	outp	COM3, FCR, 0x07
	say	s_title

	/* 1. the line, seen through IRR in level mode */
	mov	$0x10, %al
	mov	$ELCR1, %dx
	out	%al, (%dx)
	say	s_line
	say	s_none
	call	show_line
	outp	COM1, IER, IER_THRI	/* COM1 pending */
	outp	COM3, IER, IER_THRI	/* COM3 too */
	say	s_both
	call	show_line
	mov	$(COM1 + IIR), %dx	/* COM1 served: THRI reported */
	in	(%dx), %al
	say	s_com3
	call	show_line
	mov	$(COM3 + IIR), %dx
	in	(%dx), %al
	say	s_none2
	call	show_line
	outp	COM1, THR, 'x'		/* COM1 alone: THRI again */
	say	s_com1
	call	show_line
	outp	COM1, IER, 0
	outp	COM3, IER, 0
	mov	$(COM1 + RBR), %dx
	in	(%dx), %al		/* the 'x' that came back */
	say	s_none2
	call	show_line
	say	s_newline
	xor	%al, %al		/* edge triggered again */
	mov	$ELCR1, %dx
	out	%al, (%dx)

	/* 2. both ports get bytes with IF = 0: one edge, one interrupt */
	mov	$0xef, %al		/* IRQ 4 unmasked */
	out	%al, $PIC1_DATA
	outp	COM1, IER, IER_RDI
	outp	COM3, IER, IER_RDI
	mov	$COM1, %dx
	mov	$s_one, %si
	call	send_all
	mov	$COM3, %dx
	mov	$s_three, %si
	call	send_all
	movw	$0, irqs
	sti
	mov	$1000000, %ecx		/* bounded: a lost interrupt is a verdict */
1:	mov	com1 + P_RXLEN, %ax	/* "one" and "three": 8 bytes */
	add	com3 + P_RXLEN, %ax
	cmp	$8, %ax
	jae	3f
	dec	%ecx
	jnz	1b
3:	cli
	say	s_part2
	call	show_rx
	cmpw	$1, irqs
	jne	1f
	say	s_one_irq
	jmp	2f
1:	say	s_not_one_irq
2:	call	clear_rx

	/* 3. THR empty interrupts on both: each sends its message */
	movw	$s_msg1, com1 + P_TX
	movw	$s_msg3, com3 + P_TX
	outp	COM1, IER, IER_RDI | IER_THRI
	outp	COM3, IER, IER_RDI | IER_THRI
	sti
	mov	$1000000, %ecx
1:	cmpw	$0, com1 + P_TX
	jne	2f
	cmpw	$0, com3 + P_TX
	jne	2f
	mov	$(COM1 + LSR), %dx	/* the last bytes have come back */
	in	(%dx), %al
	mov	%al, %bl
	mov	$(COM3 + LSR), %dx
	in	(%dx), %al
	or	%bl, %al
	test	$LSR_DR, %al
	jz	3f
2:	dec	%ecx
	jnz	1b
3:	cli
	say	s_part3
	call	show_rx
	outp	COM1, IER, 0
	outp	COM3, IER, 0
	mov	$0xff, %al
	out	%al, $PIC1_DATA
	exit_with EXIT_PASS

/* show_line: print IRR bit 4 as 0 or 1 */
show_line:
	irr4
	add	$'0', %al
	jmp	putc

/* send_all: the string at %si to THR at %dx (loopback: into its RX) */
send_all:
	lodsb
	test	%al, %al
	jz	1f
	out	%al, (%dx)
	jmp	send_all
1:	ret

/* show_rx: what each port received, as "COM1 got "..."", twice */
show_rx:
	say	s_com1_got
	mov	$com1, %bx
	call	show_port
	say	s_com3_got
	mov	$com3, %bx
	call	show_port
	say	s_quote_nl
	ret

show_port:
	mov	P_RXLEN(%bx), %cx
	lea	P_RX(%bx), %si
	jcxz	2f
1:	lodsb
	call	putc
	loop	1b
2:	ret

clear_rx:
	movw	$0, com1 + P_RXLEN
	movw	$0, com3 + P_RXLEN
	ret

/* IRQ 4: serve every port on the line until a pass finds none pending */
irq4:
	pushal
	incw	irqs
1:	xor	%di, %di		/* served in this pass */
	mov	$com1, %bx
	call	serve
	mov	$com3, %bx
	call	serve
	test	%di, %di
	jnz	1b
	mov	$PIC_EOI, %al
	out	%al, $PIC1_CMD
	popal
	iret

/* serve: the port whose record is at %bx, until its IIR says none */
serve:
	mov	P_BASE(%bx), %dx
	add	$IIR, %dx
	in	(%dx), %al
	test	$0x01, %al
	jnz	9f
	inc	%di
	and	$0x0e, %al
	cmp	$0x02, %al
	je	tx
	/* received data (or its timeout): take all there is */
1:	mov	P_BASE(%bx), %dx
	add	$LSR, %dx
	in	(%dx), %al
	test	$LSR_DR, %al
	jz	serve
	mov	P_BASE(%bx), %dx
	in	(%dx), %al
	mov	P_RXLEN(%bx), %si
	cmp	$64, %si
	jae	1b
	mov	%al, P_RX(%bx, %si)
	incw	P_RXLEN(%bx)
	jmp	1b
tx:	mov	P_TX(%bx), %si
	test	%si, %si
	jz	2f
	lodsb
	test	%al, %al
	jz	2f
	mov	P_BASE(%bx), %dx
	out	%al, (%dx)
	mov	%si, P_TX(%bx)
	jmp	serve
2:	movw	$0, P_TX(%bx)		/* all sent: THRI off */
	mov	P_BASE(%bx), %dx
	add	$IER, %dx
	mov	$IER_RDI, %al
	out	%al, (%dx)
	jmp	serve
9:	ret

/* A spurious IRQ 7 sets no ISR bit: no EOI. */
spurious:
	iret

/* putc: %al on COM2, once its THR is empty */
putc:
	push	%dx
	push	%ax
	mov	$(COM2 + LSR), %dx
1:	in	(%dx), %al
	test	$LSR_THRE, %al
	jz	1b
	pop	%ax
	mov	$COM2, %dx
	out	%al, (%dx)
	pop	%dx
	ret

puts:
	lodsb
	test	%al, %al
	jz	1f
	call	putc
	jmp	puts
1:	ret

irqs:		.word	0
com1:		.word	COM1, 0, 0
		.skip	64
com3:		.word	COM3, 0, 0
		.skip	64

s_title:	.asciz	"serial-shared: COM1 and COM3 on IRQ 4\n"
s_line:		.asciz	"the line (IRR 4, level mode):"
s_none:		.asciz	" none "
s_both:		.asciz	", both "
s_com3:		.asciz	", COM3 alone "
s_com1:		.asciz	", COM1 alone "
s_none2:	.asciz	", none "
s_newline:	.asciz	"\n"
s_one:		.asciz	"one"
s_three:	.asciz	"three"
s_part2:	.asciz	"bytes on both with IF = 0: "
s_one_irq:	.asciz	"one interrupt served both\n"
s_not_one_irq:	.asciz	"NOT one interrupt for both\n"
s_part3:	.asciz	"THR empty interrupts on both: "
s_com1_got:	.asciz	"COM1 got \""
s_com3_got:	.asciz	"\", COM3 got \""
s_quote_nl:	.asciz	"\"\n"
s_msg1:		.asciz	"hello from COM1"
s_msg3:		.asciz	"and from COM3, a little longer"
