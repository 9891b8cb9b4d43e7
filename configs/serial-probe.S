/* SPDX-License-Identifier: GPL-2.0-or-later */
/* serial-probe: Linux's 8250 probe (autoconfig() in 8250_port.c) on COM1,
 * COM2, COM3 and COM4, step by step, with a line per port saying what each
 * step found and the verdict Linux would print:
 *   - the IER test: IER 0 reads back 0, IER 0x0f reads back 0x0f (an
 *     empty bus reads 0xff and fails it: no UART);
 *   - the loopback test: MCR = 0x1a (loop, OUT2, RTS), MSR & 0xf0 = 0x90;
 *   - FCR = 0x01 and IIR bits 6-7: 3 means a 16550A or later;
 *   - no EFR (LCR 0x80 and 0xbf leave offset 2 reading as IIR), no
 *     National Semiconductor EXCR1, IIR bit 5 clear with FCR bit 5 set
 *     (not a TI16750), IER bit 6 does not stick (not an XScale);
 *   - the FIFO's size, counted through loopback as size_fifo() does;
 *   - the scratch register (0xa5 and 0x5a read back);
 *   - the interrupt line, found as autoconfig_irq() does: IER's THR
 *     empty interrupt enabled, and the handler of whichever IRQ comes
 *     records it (cs = ds = ss = 0, the IVT with the 8259A's vector base
 *     at 0x08).
 * The machine has COM1, COM2 and COM4 but no COM3; each present port must
 * come out a 16550A on IRQ 4 or 3. Prints no timings, so tcg and kvm print
 * the same bytes. Linked at 0x1000, real mode. */
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
#define SCR	7

VECTOR = 0x08			/* IRQ 0 with the master's base at 0x08 */
NO_IRQ = 0xff

/* rd REG: %al = the register of the port being probed */
.macro	rd reg
	mov	port, %dx
	add	$\reg, %dx
	in	(%dx), %al
.endm

/* wr REG, VALUE: write the register of the port being probed */
.macro	wr reg, value
	mov	port, %dx
	add	$\reg, %dx
	mov	$\value, %al
	out	%al, (%dx)
.endm

/* say LABEL: print the string at LABEL */
.macro	say label
	mov	$\label, %si
	call	puts
.endm

/* irq_handler N: IRQ N's handler, recording N and quieting the port */
.macro	irq_handler n
irq\n:
	push	%ax
	push	%dx
	movb	$\n, irq_seen
	wr	IER, 0
	mov	$PIC_EOI, %al
	out	%al, $PIC1_CMD
	pop	%dx
	pop	%ax
	iret
.endm

_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x8000, %sp
	cli
	/* IVT: IRQ 1 and 3-6 record themselves; 7 may be spurious */
	mov	$irq_table, %si
	mov	$((VECTOR + 1) * 4), %di
1:	lodsw
	test	%ax, %ax
	jz	2f
	mov	%ax, (%di)
	movw	$0, 2(%di)
	add	$4, %di
	jmp	1b
2:	pic_init 0x08, 0x70, 0xff, 0xff	/* everything masked for now */

	xor	%bx, %bx
probe_next:
	mov	ports(%bx), %ax
	mov	%ax, port
	push	%bx
	call	probe
	pop	%bx
	add	$2, %bx
	cmp	$8, %bx
	jb	probe_next
	exit_with EXIT_PASS

/* probe: the port at `port`, one line of findings and one of verdict */
probe:
	mov	port, %ax
	call	put_hex16
	say	s_colon

	/* IER test */
	rd	IER
	mov	%al, saved
	wr	IER, 0
	rd	IER
	and	$0x0f, %al
	mov	%al, %bl
	wr	IER, 0x0f
	rd	IER
	and	$0x0f, %al
	mov	%al, %bh
	mov	saved, %al
	mov	port, %dx
	add	$IER, %dx
	out	%al, (%dx)
	cmp	$0x00, %bl
	jne	no_uart
	cmp	$0x0f, %bh
	jne	no_uart
	say	s_ier_ok

	/* loopback test */
	rd	MCR
	mov	%al, saved
	wr	MCR, 0x1a
	rd	MSR
	and	$0xf0, %al
	mov	%al, %bl
	mov	saved, %al
	mov	port, %dx
	add	$MCR, %dx
	out	%al, (%dx)
	say	s_msr
	mov	%bl, %al
	call	put_hex8
	cmp	$0x90, %bl
	jne	loop_failed
	say	s_ok

	/* the FIFO bits, with any EFR cleared first (LCR 0xbf) */
	wr	LCR, 0xbf
	wr	FCR, 0
	wr	LCR, 0
	wr	FCR, 0x01
	rd	IIR
	shr	$6, %al
	mov	%al, %bl
	say	s_fifo_bits
	mov	%bl, %al
	add	$'0', %al
	call	putc
	cmp	$3, %bl
	jne	not_16550a

	/* autoconfig_16550a(): no EFR behind LCR 0x80 or 0xbf */
	wr	LCR, 0x80
	rd	IIR
	test	%al, %al
	jz	has_efr
	wr	LCR, 0xbf
	rd	IIR
	test	%al, %al
	jz	has_efr
	/* no EXCR1 (LCR 0xe0) that follows MCR's LOOP bit */
	wr	LCR, 0
	rd	MCR
	mov	%al, saved
	wr	LCR, 0xe0
	rd	IIR
	xor	saved, %al
	test	$0x10, %al
	jnz	natsemi
	wr	LCR, 0
	mov	saved, %al
	xor	$0x10, %al
	mov	port, %dx
	add	$MCR, %dx
	out	%al, (%dx)
	wr	LCR, 0xe0
	rd	IIR
	mov	%al, %bl
	wr	LCR, 0
	mov	saved, %al
	mov	port, %dx
	add	$MCR, %dx
	out	%al, (%dx)
	xor	saved, %bl
	test	$0x10, %bl
	jnz	natsemi
	say	s_no_efr
	/* a TI16750 sets IIR bit 5 with FCR bit 5, under DLAB */
	wr	FCR, 0x21
	rd	IIR
	shr	$5, %al
	mov	%al, %bl
	wr	FCR, 0x01
	wr	LCR, 0x80
	wr	FCR, 0x21
	rd	IIR
	shr	$5, %al
	mov	%al, %bh
	wr	FCR, 0x01
	wr	LCR, 0
	cmp	$6, %bl
	jne	ti16750
	cmp	$6, %bh
	jne	ti16750
	/* an XScale keeps IER bit 6 (UUE) */
	wr	IER, 0x40
	rd	IER
	mov	%al, %bl
	wr	IER, 0
	test	$0x40, %bl
	jnz	xscale
	say	s_plain

	call	size_fifo
	say	s_size
	mov	%bl, %al
	call	put_dec8
	call	scratch_test
	jc	scratch_failed
	say	s_scratch_ok
	call	find_irq
	say	s_irq
	mov	irq_seen, %al
	cmp	$NO_IRQ, %al
	je	irq_none
	add	$'0', %al
	call	putc
	say	s_newline
	/* the verdict, as Linux prints it */
	say	s_tty
	mov	tty, %al
	add	$'0', %al
	call	putc
	say	s_at
	mov	port, %ax
	call	put_hex16
	say	s_irq_eq
	mov	irq_seen, %al
	add	$'0', %al
	call	putc
	cmpb	$16, fifo_size
	jne	1f
	say	s_16550a
	jmp	probe_done
1:	say	s_odd_fifo
	jmp	probe_done

irq_none:
	say	s_irq_none
	jmp	probe_done
no_uart:
	say	s_no_uart
	mov	%bl, %al
	call	put_hex8
	say	s_comma
	mov	%bh, %al
	call	put_hex8
	say	s_no_uart_end
	incb	tty			/* nothing there to tidy up */
	ret
loop_failed:
	say	s_loop_failed
	jmp	probe_done
not_16550a:
	say	s_not_16550a
	jmp	probe_done
has_efr:
	say	s_has_efr
	jmp	probe_done
natsemi:
	say	s_natsemi
	jmp	probe_done
ti16750:
	say	s_ti16750
	jmp	probe_done
xscale:
	say	s_xscale
	jmp	probe_done
scratch_failed:
	say	s_scratch_failed
probe_done:
	incb	tty
	/* as Linux leaves it: FIFOs cleared and off, RBR read, IER 0 */
	wr	FCR, 0x07
	wr	FCR, 0
	rd	RBR
	wr	IER, 0
	ret

/* size_fifo: bytes the RX FIFO holds, in %bl and fifo_size: 256 bytes
 * sent in loopback at divisor 1, then counted while LSR says DR */
size_fifo:
	wr	FCR, 0x07
	wr	MCR, 0x10
	wr	LCR, 0x80
	wr	DLL, 1
	wr	DLM, 0
	wr	LCR, 0x03
	xor	%cx, %cx
1:	mov	port, %dx
	mov	%cl, %al
	out	%al, (%dx)
	inc	%cx
	cmp	$256, %cx
	jb	1b
	xor	%bl, %bl
2:	rd	LSR
	test	$0x01, %al
	jz	3f
	rd	RBR
	inc	%bl
	jnz	2b
3:	wr	MCR, 0
	wr	FCR, 0x07
	mov	%bl, fifo_size
	ret

/* scratch_test: CF set unless 0xa5 and 0x5a read back from SCR */
scratch_test:
	wr	SCR, 0xa5
	rd	SCR
	cmp	$0xa5, %al
	jne	1f
	wr	SCR, 0x5a
	rd	SCR
	cmp	$0x5a, %al
	jne	1f
	clc
	ret
1:	stc
	ret

/* find_irq: which IRQ the port's THR empty interrupt comes on, into
 * irq_seen (NO_IRQ if none in a while). Interrupts left pending by the
 * probe's own IER writes are taken and forgotten first. */
find_irq:
	wr	IER, 0
	rd	LSR
	rd	RBR
	rd	IIR
	rd	MSR
	mov	$0x05, %al		/* IRQs 1 and 3-7 unmasked */
	out	%al, $PIC1_DATA
	sti
	mov	$1000, %ecx
1:	dec	%ecx
	jnz	1b
	cli
	movb	$NO_IRQ, irq_seen
	wr	MCR, 0x0b		/* DTR, RTS, OUT2, as Linux */
	sti
	wr	IER, 0x02		/* THRI: due at once */
	mov	$1000000, %ecx
2:	cmpb	$NO_IRQ, irq_seen
	jne	3f
	dec	%ecx
	jnz	2b
3:	cli
	wr	IER, 0
	wr	MCR, 0
	mov	$0xff, %al
	out	%al, $PIC1_DATA
	ret

	irq_handler 1
	irq_handler 3
	irq_handler 4
	irq_handler 5
	irq_handler 6

/* A spurious IRQ 7 sets no ISR bit: no EOI, nothing recorded. */
irq7:
	iret

/* putc: %al on COM1, once its THR is empty */
putc:
	push	%dx
	push	%ax
	mov	$(COM1 + LSR), %dx
1:	in	(%dx), %al
	test	$0x20, %al
	jz	1b
	pop	%ax
	mov	$COM1, %dx
	out	%al, (%dx)
	pop	%dx
	ret

/* puts: the NUL-terminated string at %si */
puts:
	lodsb
	test	%al, %al
	jz	1f
	call	putc
	jmp	puts
1:	ret

/* put_hex16: %ax as 0x and 3 hex digits (ports are below 0x1000) */
put_hex16:
	push	%ax
	mov	$'0', %al
	call	putc
	mov	$'x', %al
	call	putc
	pop	%ax
	push	%ax
	mov	%ah, %al
	call	put_digit
	pop	%ax
	push	%ax
	shr	$4, %al
	call	put_digit
	pop	%ax
	jmp	put_digit

/* put_hex8: %al as 0x and 2 hex digits */
put_hex8:
	push	%ax
	mov	$'0', %al
	call	putc
	mov	$'x', %al
	call	putc
	pop	%ax
	push	%ax
	shr	$4, %al
	call	put_digit
	pop	%ax
	jmp	put_digit

/* put_digit: the low nibble of %al as a hex digit */
put_digit:
	and	$0x0f, %al
	add	$'0', %al
	cmp	$'9', %al
	jbe	1f
	add	$('a' - '9' - 1), %al
1:	jmp	putc

/* put_dec8: %bl (0-255) in decimal */
put_dec8:
	xor	%ah, %ah
	mov	%bl, %al
	mov	$10, %cl
	xor	%ch, %ch		/* digits pushed */
1:	xor	%ah, %ah
	div	%cl
	push	%ax			/* remainder in %ah */
	inc	%ch
	test	%al, %al
	jnz	1b
2:	pop	%ax
	mov	%ah, %al
	add	$'0', %al
	call	putc
	dec	%ch
	jnz	2b
	ret

irq_table:	.word	irq1, irq7, irq3, irq4, irq5, irq6, irq7, 0	/* 2: the cascade */
ports:		.word	0x3f8, 0x2f8, 0x3e8, 0x2e8
port:		.word	0
saved:		.byte	0
tty:		.byte	0
irq_seen:	.byte	NO_IRQ
fifo_size:	.byte	0

s_colon:	.asciz	": "
s_ier_ok:	.asciz	"IER ok, "
s_msr:		.asciz	"loopback MSR "
s_ok:		.asciz	" ok, "
s_fifo_bits:	.asciz	"IIR FIFO bits "
s_no_efr:	.asciz	", no EFR"
s_plain:	.asciz	", not a 16750 or XScale, "
s_size:		.asciz	"FIFO "
s_scratch_ok:	.asciz	" bytes, scratch ok, "
s_irq:		.asciz	"irq "
s_newline:	.asciz	"\n"
s_tty:		.asciz	"ttyS"
s_at:		.asciz	" at I/O "
s_irq_eq:	.asciz	" (irq = "
s_16550a:	.asciz	") is a 16550A\n"
s_odd_fifo:	.asciz	") has a FIFO of the wrong size\n"
s_irq_none:	.asciz	"none: no interrupt came\n"
s_no_uart:	.asciz	"IER test failed ("
s_comma:	.asciz	", "
s_no_uart_end:	.asciz	"): no UART\n"
s_loop_failed:	.asciz	": LOOP test failed\n"
s_not_16550a:	.asciz	": not a 16550A\n"
s_has_efr:	.asciz	": EFR found: an ST16650\n"
s_natsemi:	.asciz	": EXCR1 found: a NS16550A\n"
s_ti16750:	.asciz	": IIR bit 5 set: a TI16750\n"
s_xscale:	.asciz	": IER bit 6 sticks: an XScale\n"
s_scratch_failed: .asciz ": scratch test failed\n"
