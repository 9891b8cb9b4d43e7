/* replay: vCPU 0 writes 0, 1, 2, ... to port 0x10 in a tight loop while
 * vCPU 1 halts at once. With two vCPUs tcg still ends a time slice every
 * 2 ms, so hundreds of slices end in the middle of this loop: each OUT
 * must reach the device exactly once (a slice that ended just after an OUT
 * used to replay it). The debugport's limit ends the machine. Real mode,
 * linked at 0x1000. */
	.code16
	.text
	.globl _start
_start:
	test	%di, %di
	jnz	park
	xor	%eax, %eax
1:	call	put
	inc	%eax
	jmp	1b
park:
	hlt
	jmp	park

/* As smp.S's putc, where a replay was first seen: a block that ends
 * in the RET after the OUT. */
put:	mov	$0x10, %dx
	out	%eax, (%dx)
	ret
