/* hello: the seed's first program. Real mode, loaded at 0x1000 with
 * rax = rbx = 2: prints al + bl as a digit and a newline on the UART. */
	.code16
	.text
	.globl _start
_start:
	mov	$0x3f8, %dx
	add	%bl, %al
	add	$'0', %al
	out	%al, (%dx)
	mov	$'\n', %al
	out	%al, (%dx)
	hlt
