/* lm-mmio: 64-bit MMIO accesses of every size through plugvm's identity
 * map, to the null device at 0xd0000000 (fill 0x5c). Under kvm an 8-byte
 * access is one exit of len 8; Unicorn splits it in two 4-byte ones. The
 * guest sees the same values either way. Long mode, linked at 0x1000. */
	.code64
	.text
	.globl _start
_start:
	mov	$0xd0000000, %edi
	movq	(%rdi), %rax
	movabs	$0x5c5c5c5c5c5c5c5c, %rbx
	cmp	%rbx, %rax
	lea	s_q(%rip), %rsi
	call	report
	movl	8(%rdi), %eax
	cmp	$0x5c5c5c5c, %eax
	lea	s_l(%rip), %rsi
	call	report
	movw	12(%rdi), %ax
	cmp	$0x5c5c, %ax
	lea	s_w(%rip), %rsi
	call	report
	movb	15(%rdi), %al
	cmp	$0x5c, %al
	lea	s_b(%rip), %rsi
	call	report
	movq	%rbx, 16(%rdi)		/* dropped */
	movq	16(%rdi), %rax
	cmp	%rbx, %rax
	lea	s_wr(%rip), %rsi
	call	report
	hlt

report:
	pushf
	call	puts
	popf
	lea	s_ok(%rip), %rsi
	jz	puts
	lea	s_fail(%rip), %rsi
puts:
	movb	(%rsi), %al
	test	%al, %al
	jz	1f
	mov	$0x3f8, %dx
	out	%al, (%dx)
	inc	%rsi
	jmp	puts
1:	ret

s_q:	.asciz	"qword read: "
s_l:	.asciz	"dword read: "
s_w:	.asciz	"word read: "
s_b:	.asciz	"byte read: "
s_wr:	.asciz	"qword write dropped: "
s_ok:	.asciz	"ok\n"
s_fail:	.asciz	"FAIL\n"
