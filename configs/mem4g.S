/* mem4g: a 4 GiB machine's RAM is split around the PCI hole: low RAM ends
 * at 3 GiB, high RAM is 4-5 GiB, and the hole answers as MMIO (the null
 * device, fill 0x5c). Writes a different value near both ends of each
 * part, reads all back (no part aliases another), then reads the hole.
 * Long mode on plugvm's identity map (it covers 5 GiB), linked at 0x1000. */
	.code64
	.text
	.globl _start

	.macro	check addr, val, name
	movabs	$\addr, %rdi
	movabs	$\val, %rax
	cmp	%rax, (%rdi)
	lea	\name(%rip), %rsi
	call	report
	.endm

	.macro	store addr, val
	movabs	$\addr, %rdi
	movabs	$\val, %rax
	mov	%rax, (%rdi)
	.endm

_start:
	store	0x10000000, 0x1111111111111111	/* low RAM, 256 MiB */
	store	0xbfff0000, 0x2222222222222222	/* near low RAM's end */
	store	0x100000000, 0x3333333333333333	/* high RAM's first byte */
	store	0x13ffffff8, 0x4444444444444444	/* high RAM's last qword */
	check	0x10000000, 0x1111111111111111, s_low
	check	0xbfff0000, 0x2222222222222222, s_lowend
	check	0x100000000, 0x3333333333333333, s_high
	check	0x13ffffff8, 0x4444444444444444, s_highend
	check	0xd0000000, 0x5c5c5c5c5c5c5c5c, s_hole
	hlt

/* report: "NAME: ok" or "NAME: wrong" on COM1 from ZF. */
report:
	jnz	1f
	call	puts
	lea	s_ok(%rip), %rsi
	jmp	puts
1:	call	puts
	lea	s_bad(%rip), %rsi
	/* fall through */
puts:
	movb	(%rsi), %bl
	test	%bl, %bl
	jz	2f
	mov	$0x3fd, %dx
1:	in	(%dx), %al
	test	$0x20, %al
	jz	1b
	mov	$0x3f8, %dx
	mov	%bl, %al
	out	%al, (%dx)
	inc	%rsi
	jmp	puts
2:	ret

s_low:		.asciz	"RAM at 256 MiB"
s_lowend:	.asciz	"RAM near 3 GiB"
s_high:		.asciz	"RAM at 4 GiB"
s_highend:	.asciz	"RAM at 5 GiB - 8"
s_hole:		.asciz	"MMIO at 0xd0000000, in the hole"
s_ok:		.asciz	": ok\n"
s_bad:		.asciz	": wrong\n"
