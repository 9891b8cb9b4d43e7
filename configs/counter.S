/* counter: the seed's second program. Real mode at cs=0x1000, ip=0: writes
 * 0, 1, 2, ... to port 0x10 forever; the debug port's limit stops it. */
	.code16
	.text
	.globl _start
_start:
	xor	%ax, %ax
1:	out	%ax, $0x10
	inc	%ax
	jmp	1b
