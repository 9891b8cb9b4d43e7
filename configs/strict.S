/* strict: reads port 0x80, which no device owns. On a strict machine that
 * stops the guest (exit status 3) before the second line. Real mode. */
	.code16
	.text
	.globl _start
_start:
	mov	$'a', %al
	mov	$0x3f8, %dx
	out	%al, (%dx)
	mov	$'\n', %al
	out	%al, (%dx)
	in	$0x80, %al
	mov	$'b', %al
	out	%al, (%dx)
	mov	$'\n', %al
	out	%al, (%dx)
	hlt
