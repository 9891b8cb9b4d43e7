/* borrow: a protected-mode guest that waits in HLT for INTR, forever.
 * Its handler (vector 0x40, an interrupt gate of its IDT) counts, spins
 * for the number of turns at SPIN (which the test sets: 0 is a handler
 * of a few blocks, a large one outlasts tcg's borrowing budget) and
 * reports the count on port 0x80. Flat segments, linked at 0x1000. */
	.code32
	.text
	.globl _start

IDT = 0x20000
VEC = 0x40
SPIN = 0x30000

_start:
	cli
	mov	$0x80000, %esp
	mov	$handler, %eax
	mov	%ax, IDT + VEC * 8
	movw	$0x08, IDT + VEC * 8 + 2
	movw	$0x8e00, IDT + VEC * 8 + 4	/* interrupt gate, ring 0 */
	shr	$16, %eax
	mov	%ax, IDT + VEC * 8 + 6
	lidt	idtr
	xor	%ebx, %ebx
	sti
1:	hlt
	jmp	1b

handler:
	push	%eax
	push	%ecx
	inc	%ebx
	mov	SPIN, %ecx
	jecxz	3f
2:	nop				/* a block a turn: a jump ends each */
	dec	%ecx
	jnz	2b
3:	mov	%ebx, %eax
	out	%eax, $0x80
	pop	%ecx
	pop	%eax
	iret

	.p2align 2
	.word	0
idtr:	.word	256 * 8 - 1
	.long	IDT
