/* mmio: protected mode, linked at 0x1000. Reads and writes the null MMIO
 * region at 0xd0000000 with every access size, then touches an address no
 * device owns (reads all-ones there), printing what it saw. */
	.code32
	.text
	.globl _start
_start:
	mov	$0xd0000000, %edi
	movb	(%edi), %al
	cmp	$0xab, %al
	mov	$s_b, %esi
	call	report
	movw	2(%edi), %ax
	cmp	$0xabab, %ax
	mov	$s_w, %esi
	call	report
	movl	4(%edi), %eax
	cmp	$0xabababab, %eax
	mov	$s_l, %esi
	call	report
	movl	$0x12345678, 8(%edi)	/* dropped */
	movl	8(%edi), %eax
	cmp	$0xabababab, %eax
	mov	$s_wr, %esi
	call	report
	mov	$0xd0001000, %edi	/* a region that takes bytes only */
	movl	(%edi), %eax		/* reaches it as four byte reads */
	cmp	$0xcdcdcdcd, %eax
	mov	$s_by, %esi
	call	report
	mov	$0xe0000000, %edi	/* nobody's */
	movl	(%edi), %eax
	cmp	$0xffffffff, %eax
	mov	$s_un, %esi
	call	report
	movl	%eax, (%edi)		/* dropped */
	mov	$s_done, %esi
	call	puts
	hlt

report:
	pushf
	call	puts
	popf
	mov	$s_ok, %esi
	jz	1f
	mov	$s_fail, %esi
1:	jmp	puts

puts:
	movb	(%esi), %bl
	test	%bl, %bl
	jz	2f
	mov	$0x3fd, %dx
1:	in	(%dx), %al
	test	$0x20, %al
	jz	1b
	mov	$0x3f8, %dx
	mov	%bl, %al
	out	%al, (%dx)
	inc	%esi
	jmp	puts
2:	ret

s_b:	.asciz	"byte read: "
s_w:	.asciz	"word read: "
s_l:	.asciz	"dword read: "
s_wr:	.asciz	"write dropped: "
s_by:	.asciz	"dword read of a byte-wide device: "
s_un:	.asciz	"unmapped read all-ones: "
s_ok:	.asciz	"ok\n"
s_fail:	.asciz	"FAIL\n"
s_done:	.asciz	"mmio: done\n"
