/* lm-hello: long mode, loaded and linked at 0x1000 on plugvm's identity
 * map. Checks 64-bit operation and the paging setup, then prints a line. */
	.code64
	.text
	.globl _start
_start:
	mov	%cr0, %rax
	bt	$31, %rax		/* CR0.PG */
	jnc	fail
	mov	%cr4, %rax
	bt	$5, %rax		/* CR4.PAE */
	jnc	fail
	movabs	$0x123456789, %rax	/* a 64-bit register really is */
	shr	$32, %rax
	cmp	$1, %rax
	jne	fail
	movq	%rax, %xmm1		/* SSE is on, as compiled code expects */
	movq	%xmm1, %rcx
	cmp	%rax, %rcx
	jne	fail
	lea	msg(%rip), %rsi
	call	puts
	hlt
fail:
	lea	bad(%rip), %rsi
	call	puts
	hlt

/* puts: print the NUL-terminated string at %rsi on COM1. */
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

msg:	.asciz	"Hello from long mode!\n"
bad:	.asciz	"long mode was not set up as expected\n"
