/* intr-pm: intr-real's protocol (see there) in 32-bit protected mode,
 * through an interrupt gate of the guest's IDT, vector 0x40. Flat
 * segments, linked at 0x1000. */
	.code32
	.text
	.globl _start

IDT = 0x20000
VEC = 0x40

	.macro report src
	mov	\src, %eax
	out	%eax, $0x80
	.endm

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

	out	%al, $0x92
	sti
	nop
	nop
	nop
	cli
	report	count

	out	%al, $0x90
	mov	$100, %ecx
1:	loop	1b
	report	count

	sti
	hlt
after1:	cli
	report	count
	xor	%eax, %eax
	cmpl	$after1, retip
	sete	%al
	report	%eax
	report	flags_if
	report	handler_if

	sti
	hlt
after2:	cli
	report	count
	xor	%eax, %eax
	cmpl	$after2, retip
	sete	%al
	report	%eax

	sti
	out	%al, $0x90
	mov	$1000, %ecx
1:	loop	1b
	cli
	report	count

	out	%al, $0x91
	sti
1:	cmpl	$4, count
	jb	1b
	cli
	report	count

	hlt
	report	$0xdead
	out	%al, $0xf4

handler:
	push	%ebp
	mov	%esp, %ebp
	push	%eax
	incl	count
	mov	4(%ebp), %eax
	mov	%eax, retip
	mov	12(%ebp), %eax
	shr	$9, %eax
	and	$1, %eax
	mov	%eax, flags_if
	pushf
	pop	%eax
	shr	$9, %eax
	and	$1, %eax
	mov	%eax, handler_if
	pop	%eax
	pop	%ebp
	iret

	.p2align 2
count:	.long	0
retip:	.long	0
flags_if: .long	0
handler_if: .long 0xffffffff
	.word	0
idtr:	.word	256 * 8 - 1
	.long	IDT
