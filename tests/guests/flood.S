/* flood: writes lines of 'x' to the UART for ever, as fast as it can.
 * Real mode, linked at 0x1000. tests/stop.sh pipes its output to a reader
 * that never reads: the vCPU may block on that output, and --timeout and
 * the stop signals must still end plugvm. */
	.code16
	.text
	.globl _start
_start:
	mov	$0x3f8, %dx
1:	mov	$63, %cx
	mov	$'x', %al
2:	out	%al, (%dx)
	loop	2b
	mov	$'\n', %al
	out	%al, (%dx)
	jmp	1b
