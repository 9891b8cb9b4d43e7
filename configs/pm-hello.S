/* pm-hello: protected mode (flat 32-bit segments, paging off), loaded and
 * linked at 0x1000. Checks the mode it was started in, then prints a line
 * on the UART, polling LSR.THRE before each byte as a real driver does. */
	.code32
	.text
	.globl _start
_start:
	mov	%cr0, %eax
	test	$1, %eax		/* CR0.PE */
	jz	fail
	test	$0x80000000, %eax	/* CR0.PG must be off */
	jnz	fail
	mov	%cs, %ax
	cmp	$0x08, %ax
	jne	fail
	mov	$0x1234, %eax		/* SSE is on, as compiled code expects */
	movd	%eax, %xmm0
	movd	%xmm0, %ecx
	cmp	%eax, %ecx
	jne	fail
	mov	$msg, %esi
	call	puts
	hlt
fail:
	mov	$bad, %esi
	call	puts
	hlt

/* puts: print the NUL-terminated string at %esi on COM1. */
puts:
	movb	(%esi), %bl
	test	%bl, %bl
	jz	2f
	mov	$0x3fd, %dx		/* LSR */
1:	in	(%dx), %al
	test	$0x20, %al		/* THRE */
	jz	1b
	mov	$0x3f8, %dx
	mov	%bl, %al
	out	%al, (%dx)
	inc	%esi
	jmp	puts
2:	ret

msg:	.asciz	"Hello from protected mode!\n"
bad:	.asciz	"protected mode was not set up as expected\n"
