/* hostile.h - what the hostile guests share: PUTS prints the
 * NUL-terminated string at MSG on the UART (port 0x3f8), in 32- or 64-bit
 * code (the address must be below 4 GiB). It clobbers eax, edx, esi. */
.macro PUTS msg
	mov	$\msg, %esi
	mov	$0x3f8, %dx
77:	lodsb
	test	%al, %al
	jz	78f
	out	%al, (%dx)
	jmp	77b
78:
.endm
