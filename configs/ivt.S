/* ivt: real-mode interrupts through the guest's own interrupt vector
 * table: a software INT, a divide error and an invalid opcode, each handled
 * and returned from with IRET. Real mode, cs = ds = ss = 0, linked at
 * 0x1000. */
	.code16
	.text
	.globl _start
_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x8000, %sp
	movw	$int40, 0x40 * 4	/* IVT entry 0x40: offset, segment */
	movw	$0, 0x40 * 4 + 2
	movw	$divide_error, 0	/* IVT entry 0: #DE */
	movw	$0, 2
	movw	$invalid_opcode, 6 * 4	/* IVT entry 6: #UD */
	movw	$0, 6 * 4 + 2

	mov	$0x1234, %bx		/* must survive the interrupt */
	int	$0x40
	cmp	$0x1234, %bx
	jne	fail
	mov	$s_back, %si
	call	puts

	xor	%cl, %cl
	mov	$1, %ax
	div	%cl			/* #DE: the handler skips it */
	mov	$s_div_back, %si
	call	puts

	ud2				/* #UD: the handler skips it */
	mov	$s_ud_back, %si
	call	puts

	movw	$int40_moved, 0x2000 + 0x40 * 4	/* an IVT at 0x2000 */
	movw	$0, 0x2000 + 0x40 * 4 + 2
	lidt	ivt_moved
	int	$0x40
	lidt	ivt_back
	mov	$s_moved_back, %si
	call	puts
	hlt

int40_moved:
	mov	$s_moved, %si
	call	puts
	iret

int40:
	pushf
	pop	%ax
	test	$0x200, %ax		/* IF is clear inside the handler */
	jnz	fail
	mov	$s_int, %si
	call	puts
	iret

divide_error:
	push	%bp
	mov	%sp, %bp
	addw	$2, 2(%bp)		/* return past the 2-byte div */
	pop	%bp
	mov	$s_div, %si
	call	puts
	iret

invalid_opcode:
	push	%bp
	mov	%sp, %bp
	addw	$2, 2(%bp)		/* return past the 2-byte ud2 */
	pop	%bp
	mov	$s_ud, %si
	call	puts
	iret

fail:
	mov	$s_fail, %si
	call	puts
	hlt

puts:
	lodsb
	test	%al, %al
	jz	1f
	mov	$0x3f8, %dx
	out	%al, (%dx)
	jmp	puts
1:	ret

s_int:		.asciz	"int 0x40: in the handler\n"
s_back:		.asciz	"int 0x40: back, registers kept\n"
s_div:		.asciz	"divide error: in the handler\n"
s_div_back:	.asciz	"divide error: back after the div\n"
s_ud:		.asciz	"invalid opcode: in the handler\n"
s_ud_back:	.asciz	"invalid opcode: back after the ud2\n"
s_moved:	.asciz	"int 0x40: through the IVT that IDTR moved to 0x2000\n"
s_moved_back:	.asciz	"int 0x40: back\n"
s_fail:		.asciz	"FAIL\n"
ivt_moved:	.word	0x3ff
		.long	0x2000
ivt_back:	.word	0x3ff
		.long	0
