/* SPDX-License-Identifier: GPL-2.0-or-later */
/* serial-echo: echoes what COM1 receives, on interrupts only, as a
 * driver does: the 16550A's IRQ 4 through the master 8259A (vector 0x0c)
 * and the IVT, FIFOs on with a trigger level of 8 (so a short line comes
 * in by the character timeout), IER's received-data and line-status
 * interrupts always on and its THR empty interrupt on while there is
 * something to send. The handler reads IIR until it says nothing is
 * pending (the line is edge triggered at the 8259A: a pending interrupt
 * left behind would never come again), moves received bytes into a
 * 256-byte ring and sends from it, up to 16 bytes per THR empty
 * interrupt. A full ring turns the received-data interrupt off until
 * the ring drains (the guest's own flow control; the host holds back
 * the rest). Between interrupts the guest waits in `sti; hlt`.
 *
 * Nothing typed before the guest is ready is lost: it sets loopback
 * first, which cuts the receiver off the line (plugvm then holds input
 * back), saves a byte RBR may hold, and only then turns the FIFOs on,
 * which empties them.
 *
 * CR is echoed as CR LF (a terminal sends CR for Enter), a break as
 * "<break>". Ctrl-D (0x04) ends the echo: once the ring is empty the
 * guest prints how many bytes it received and exits with 16. Real mode,
 * cs = ds = ss = 0, linked at 0x1000. */
#include "pc.h"

	.code16
	.text
	.globl _start

#define RBR	0
#define THR	0
#define DLL	0
#define IER	1
#define DLM	1
#define IIR	2
#define FCR	2
#define LCR	3
#define MCR	4
#define LSR	5
#define MSR	6

VECTOR = 0x08 + 4		/* IRQ 4 with the master's base at 0x08 */
SPURIOUS = 0x08 + 7
IER_RX = 0x05			/* received data and line status */
IER_THRI = 0x02
LSR_DR = 0x01
LSR_BI = 0x10
LSR_THRE = 0x20
EOT = 0x04			/* Ctrl-D */
RING = 256			/* the ring's size; head and tail wrap */

.macro	outp reg, value
	mov	$(COM1 + \reg), %dx
	mov	$\value, %al
	out	%al, (%dx)
.endm

.macro	inp reg
	mov	$(COM1 + \reg), %dx
	in	(%dx), %al
.endm

_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x8000, %sp
	cli
	movw	$com1_irq, VECTOR * 4
	movw	$0, VECTOR * 4 + 2
	movw	$spurious, SPURIOUS * 4
	movw	$0, SPURIOUS * 4 + 2

	/* Loopback first: it cuts the receiver off the line, and plugvm
	 * holds input back meanwhile, so a byte that came before the guest
	 * got here is the only one to save before the FIFOs are cleared. */
	outp	MCR, 0x10
	inp	LSR
	test	$LSR_DR, %al
	jz	1f
	inp	RBR
	mov	%al, early
	movb	$1, has_early
1:
	/* 115200 8N1, FIFOs on and cleared, trigger 8 */
	outp	LCR, 0x80
	outp	DLL, 1
	outp	DLM, 0
	outp	LCR, 0x03
	outp	FCR, 0x87
	inp	IIR
	inp	MSR
	mov	$IER_RX, %al
	mov	%al, ier
	outp	IER, IER_RX
	pic_init 0x08, 0x70, 0xef, 0xff	/* only IRQ 4 unmasked */
	cmpb	$0, has_early
	je	1f
	mov	early, %al
	call	take			/* turns THRI on: echoed at sti */
1:	outp	MCR, 0x0b		/* DTR, RTS, OUT2; on the line again */

	/* the classic idle loop: STI's shadow covers the HLT */
1:	cli
	cmpb	$0, done
	jne	2f
	sti
	hlt
	jmp	1b

2:	outp	IER, 0
	mov	$0xff, %al
	out	%al, $PIC1_DATA
	mov	$s_done, %si
	call	puts
	mov	received, %eax
	call	put_dec32
	mov	$s_done_end, %si
	call	puts
	exit_with EXIT_PASS

/* IRQ 4: serve COM1 until IIR says nothing is pending, then EOI */
com1_irq:
	pushal
1:	inp	IIR
	test	$0x01, %al
	jnz	9f
	and	$0x0e, %al
	cmp	$0x06, %al
	je	line_status
	cmp	$0x04, %al
	je	rx
	cmp	$0x0c, %al
	je	rx
	cmp	$0x02, %al
	je	tx
	inp	MSR			/* modem status: nothing to do */
	jmp	1b
line_status:
	inp	LSR
	test	$LSR_BI, %al
	jz	1b
	movb	$1, brk
	jmp	1b
rx:	call	receive
	jmp	1b
tx:	call	transmit
	jmp	1b
9:	mov	$PIC_EOI, %al
	out	%al, $PIC1_CMD
	popal
	iret

/* A spurious IRQ 7 sets no ISR bit: no EOI. */
spurious:
	iret

/* receive: move bytes from the RX FIFO into the ring while it has room
 * (two bytes: CR becomes CR LF); a full ring turns the RX interrupt off */
receive:
1:	mov	tail, %bx
	sub	head, %bx
	cmp	$(RING - 8), %bx	/* "<break>" is the longest */
	jae	8f
	inp	LSR
	test	$LSR_BI, %al
	jz	2f
	movb	$1, brk
2:	test	$LSR_DR, %al
	jz	9f
	inp	RBR
	call	take
	jmp	1b
8:	andb	$~IER_RX, ier		/* full: hold the input back */
	call	set_ier
9:	cmpb	$0, eot
	je	1f
	mov	tail, %bx
	cmp	head, %bx
	jne	1f
	movb	$1, done		/* Ctrl-D and everything sent */
1:	ret

/* take: what received byte %al means: a break, Ctrl-D, or bytes to echo */
take:
	cmpb	$0, brk
	je	1f
	test	%al, %al
	jnz	1f
	movb	$0, brk
	mov	$s_break, %si
2:	lodsb
	test	%al, %al
	jz	9f
	call	enqueue
	jmp	2b
1:	cmp	$EOT, %al
	jne	3f
	movb	$1, eot
	ret
3:	incl	received
	call	enqueue
	cmp	$'\r', %al
	jne	9f
	mov	$'\n', %al
	call	enqueue
9:	ret

/* enqueue: %al into the ring, and the THR empty interrupt on; keeps %al */
enqueue:
	mov	tail, %bx
	and	$(RING - 1), %bx
	mov	%al, ring(%bx)
	incw	tail
	testb	$IER_THRI, ier
	jnz	1f
	orb	$IER_THRI, ier
	push	%ax
	call	set_ier
	pop	%ax
1:	ret

/* transmit: up to 16 bytes from the ring (THR is empty, and so is the
 * transmit FIFO); an empty ring turns the THR empty interrupt off, and
 * a ring with room again turns the RX interrupt back on */
transmit:
	mov	$16, %cx
1:	mov	head, %bx
	cmp	tail, %bx
	je	2f
	and	$(RING - 1), %bx
	mov	ring(%bx), %al
	mov	$(COM1 + THR), %dx
	out	%al, (%dx)
	incw	head
	loop	1b
	jmp	3f
2:	andb	$~IER_THRI, ier
	cmpb	$0, eot
	je	3f
	movb	$1, done		/* Ctrl-D and everything sent */
3:	mov	tail, %bx
	sub	head, %bx
	cmp	$(RING / 2), %bx
	jae	4f
	orb	$IER_RX, ier
4:	jmp	set_ier

/* set_ier: IER = ier */
set_ier:
	mov	ier, %al
	mov	$(COM1 + IER), %dx
	out	%al, (%dx)
	ret

/* puts: the NUL-terminated string at %si, polling THRE */
puts:
	lodsb
	test	%al, %al
	jz	1f
	call	putc
	jmp	puts
1:	ret

putc:
	push	%ax
	mov	$(COM1 + LSR), %dx
1:	in	(%dx), %al
	test	$LSR_THRE, %al
	jz	1b
	pop	%ax
	mov	$COM1, %dx
	out	%al, (%dx)
	ret

/* put_dec32: %eax in decimal */
put_dec32:
	mov	$10, %ecx
	xor	%bx, %bx
1:	xor	%edx, %edx
	div	%ecx
	push	%dx
	inc	%bx
	test	%eax, %eax
	jnz	1b
2:	pop	%ax
	add	$'0', %al
	call	putc
	dec	%bx
	jnz	2b
	ret

	.p2align 2
received:	.long	0
head:		.word	0		/* next byte to send */
tail:		.word	0		/* next free slot */
ier:		.byte	0
early:		.byte	0		/* a byte there before the set-up */
has_early:	.byte	0
brk:		.byte	0
eot:		.byte	0
done:		.byte	0
s_break:	.asciz	"<break>"
s_done:		.asciz	"serial-echo: "
s_done_end:	.asciz	" bytes received, all echoed\r\n"
ring:		.skip	RING
