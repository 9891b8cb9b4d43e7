/* smp: every vCPU starts here with its index in %di (plugvm's convention
 * for machines with several vCPUs) and the vCPU count in %cx (preset by
 * the machine file). Each checks in by setting its byte in `seen`; vCPU 0
 * waits until all have, then prints one line per vCPU, in index order, so
 * the output is the same however the vCPUs were scheduled. All of them
 * halt in the end. Real mode, cs = ds = 0, linked at 0x1000. */
	.code16
	.text
	.globl _start
_start:
	xor	%ax, %ax
	mov	%ax, %ds
	movb	$1, seen(%di)
	test	%di, %di
	jnz	park

	/* vCPU 0: wait for every other vCPU to check in */
1:	mov	$1, %bx
2:	cmp	%cx, %bx
	jae	3f
	cmpb	$1, seen(%bx)
	jne	1b		/* not yet: spin (tcg preempts us) */
	inc	%bx
	jmp	2b

	/* print "vCPU N ran" for N = 0 .. count-1 */
3:	xor	%bx, %bx
4:	mov	$msg, %si
	call	puts
	mov	%bl, %al
	add	$'0', %al
	call	putc
	mov	$msg2, %si
	call	puts
	inc	%bx
	cmp	%cx, %bx
	jb	4b

park:
	hlt
	jmp	park

putc:
	mov	$0x3f8, %dx
	out	%al, (%dx)
	ret

puts:
	lodsb
	test	%al, %al
	jz	1f
	call	putc
	jmp	puts
1:	ret

msg:	.asciz	"vCPU "
msg2:	.asciz	" ran\n"
seen:	.fill	64, 1, 0
