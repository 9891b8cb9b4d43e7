/* intloop: a protected-mode guest that takes INT 0x40 through its own IDT
 * forever. Only --timeout or a signal stops it: under tcg every delivery
 * must leave the engine stoppable. Linked at 0x1000. */
	.code32
	.text
	.globl _start

IDT = 0x20000

_start:
	mov	$handler, %eax
	mov	%ax, IDT + 0x40 * 8
	movw	$0x08, IDT + 0x40 * 8 + 2
	movw	$0x8e00, IDT + 0x40 * 8 + 4	/* interrupt gate, ring 0 */
	shr	$16, %eax
	mov	%ax, IDT + 0x40 * 8 + 6
	lidt	idtr
	mov	$0x3f8, %dx
	mov	$'.', %al
	out	%al, (%dx)
1:	int	$0x40
	jmp	1b

handler:
	iret

	.p2align 2
	.word	0
idtr:	.word	256 * 8 - 1
	.long	IDT
