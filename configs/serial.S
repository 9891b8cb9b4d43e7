/* serial: exercises the 16550A register file the way a driver probes it and
 * prints one line per check. Real mode, cs = ds = 0, linked at 0x1000. */
	.code16
	.text
	.globl _start

#define COM1	0x3f8
#define THR	0
#define RBR	0
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

/* check NAME: compare %al with an expected value, print "NAME ok/FAIL" */
.macro	expect value, name
	cmp	$\value, %al
	mov	$\name, %si
	call	report
.endm

.macro	inb reg
	mov	$(COM1 + \reg), %dx
	in	(%dx), %al
.endm

.macro	outb reg, value
	mov	$(COM1 + \reg), %dx
	mov	$\value, %al
	out	%al, (%dx)
.endm

_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x8000, %sp

	/* power-on values */
	inb	LSR
	expect	0x60, s_lsr		/* THRE | TEMT, no data */
	inb	IIR
	expect	0x01, s_iir		/* no interrupt pending */
	inb	LCR
	expect	0x00, s_lcr

	/* scratch register */
	outb	SCR, 0x5a
	inb	SCR
	expect	0x5a, s_scr

	/* divisor latch: 115200 / 12 = 9600 baud, reads back under DLAB */
	outb	LCR, 0x83
	outb	DLL, 0x0c
	outb	DLM, 0x00
	inb	DLL
	mov	%al, %cl
	inb	DLM
	mov	%al, %ch
	outb	LCR, 0x03		/* 8N1, DLAB off: THR is THR again */
	mov	%cl, %al
	expect	0x0c, s_dll
	mov	%ch, %al
	expect	0x00, s_dlm
	inb	LCR
	expect	0x03, s_lcr8n1

	/* IER: only the low four bits exist */
	outb	IER, 0xff
	inb	IER
	expect	0x0f, s_ier
	outb	IER, 0x00

	/* FIFOs on: IIR shows them */
	outb	FCR, 0x07
	inb	IIR
	expect	0xc1, s_fifo

	/* loopback: MSR mirrors MCR, a byte sent comes back. Nothing can be
	 * printed while it is on, so the results wait in %cl, %ch, %bh, %bl. */
	outb	MCR, 0x1f		/* LOOP | OUT2 | OUT1 | RTS | DTR */
	inb	MSR
	and	$0xf0, %al
	mov	%al, %cl
	outb	THR, 'Z'
	inb	LSR
	and	$0x01, %al
	mov	%al, %ch
	inb	RBR
	mov	%al, %bh
	inb	LSR
	and	$0x01, %al
	mov	%al, %bl
	outb	MCR, 0x03		/* loopback off again */
	mov	%bx, %di		/* puts clobbers %bl */
	mov	%cl, %al
	expect	0xf0, s_msr
	mov	%ch, %al
	expect	0x01, s_dr
	mov	%di, %ax
	mov	%ah, %al
	expect	'Z', s_rx
	mov	%di, %ax
	expect	0x00, s_drclear

	mov	$s_done, %si
	call	puts
	hlt

/* report: ZF set means the check passed; %si names it */
report:
	pushf
	call	puts
	popf
	mov	$s_ok, %si
	jz	1f
	mov	$s_fail, %si
1:	jmp	puts

/* puts: print the NUL-terminated string at %si */
puts:
	mov	(%si), %bl
	test	%bl, %bl
	jz	2f
	mov	$(COM1 + LSR), %dx
1:	in	(%dx), %al
	test	$0x20, %al
	jz	1b
	mov	$COM1, %dx
	mov	%bl, %al
	out	%al, (%dx)
	inc	%si
	jmp	puts
2:	ret

s_lsr:		.asciz "LSR at power-on: "
s_iir:		.asciz "IIR at power-on: "
s_lcr:		.asciz "LCR at power-on: "
s_scr:		.asciz "scratch register: "
s_dll:		.asciz "divisor latch low: "
s_dlm:		.asciz "divisor latch high: "
s_lcr8n1:	.asciz "LCR 8N1: "
s_ier:		.asciz "IER low bits only: "
s_fifo:		.asciz "IIR with FIFOs on: "
s_msr:		.asciz "loopback MSR: "
s_dr:		.asciz "loopback data ready: "
s_rx:		.asciz "loopback byte: "
s_drclear:	.asciz "data ready cleared: "
s_ok:		.asciz "ok\n"
s_fail:		.asciz "FAIL\n"
s_done:		.asciz "serial: done\n"
