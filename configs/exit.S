/* exit: writes three values to the debug port, then 42 to the exit port.
 * Real mode, linked at 0x1000. */
	.code16
	.text
	.globl _start
_start:
	mov	$1, %ax
1:	out	%ax, $0x10
	inc	%ax
	cmp	$4, %ax
	jne	1b
	mov	$42, %al
	mov	$0x501, %dx
	out	%al, (%dx)
	/* not reached: the exit device stops the machine */
	mov	$0xdead, %ax
	out	%ax, $0x10
	hlt
