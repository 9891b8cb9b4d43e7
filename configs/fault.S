/* fault: prints a line, then executes an undefined instruction with no
 * IDT to take it: a guest fault (exit status 3). Protected mode at 0x1000. */
	.code32
	.text
	.globl _start
_start:
	mov	$msg, %esi
1:	movb	(%esi), %al
	test	%al, %al
	jz	2f
	mov	$0x3f8, %dx
	out	%al, (%dx)
	inc	%esi
	jmp	1b
2:	ud2
	hlt
msg:	.asciz	"about to fault\n"
