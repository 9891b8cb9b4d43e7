/* intr-lm: intr-real's protocol (see there) in long mode, through a
 * 64-bit interrupt gate of the guest's IDT, vector 0x40. Linked at
 * 0x1000, RAM identity-mapped by plugvm. */
	.code64
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
	mov	$0x80000, %rsp
	mov	$handler, %rax
	mov	%ax, IDT + VEC * 16
	movw	$0x18, IDT + VEC * 16 + 2
	movw	$0x8e00, IDT + VEC * 16 + 4	/* interrupt gate, ring 0 */
	shr	$16, %rax
	mov	%ax, IDT + VEC * 16 + 6
	shr	$16, %rax
	mov	%eax, IDT + VEC * 16 + 8
	movl	$0, IDT + VEC * 16 + 12
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
	cmpq	$after1, retip
	sete	%al
	report	%eax
	report	flags_if
	report	handler_if

	sti
	hlt
after2:	cli
	report	count
	xor	%eax, %eax
	cmpq	$after2, retip
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
	push	%rbp
	mov	%rsp, %rbp
	push	%rax
	incl	count
	mov	8(%rbp), %rax
	mov	%rax, retip
	mov	24(%rbp), %rax
	shr	$9, %eax
	and	$1, %eax
	mov	%eax, flags_if
	pushf
	pop	%rax
	shr	$9, %eax
	and	$1, %eax
	mov	%eax, handler_if
	pop	%rax
	pop	%rbp
	iretq

	.p2align 3
count:	.long	0
flags_if: .long	0
retip:	.quad	0
handler_if: .long 0xffffffff
	.p2align 3
	.word	0, 0, 0
idtr:	.word	256 * 16 - 1
	.quad	IDT
