/* flood: writes 'x' to the UART at 0x3f8, a newline every 64 bytes, ECX
 * bytes in all ([cpu] rcx), then halts; ECX = 0: for ever. What the
 * stalled-consumer test (tests/console.sh) runs. Real mode, linked at
 * 0x1000. */
	.code16
	.text
	.globl _start
_start:
	mov	$0x3f8, %dx
	mov	%ecx, %esi
	xor	%bl, %bl
1:	mov	$'x', %al
	inc	%bl
	cmp	$64, %bl
	jne	2f
	mov	$'\n', %al
	xor	%bl, %bl
2:	out	%al, (%dx)
	test	%esi, %esi
	jz	1b
	dec	%esi
	jnz	1b
	cli
	hlt
