/* repstop: one rep outsw of five words to a debug port whose limit is two.
 * Under kvm the five come as one exit; every accelerator must stop after
 * the second, so the device never sees the other three. Real mode. */
	.code16
	.text
	.globl _start
_start:
	xor	%ax, %ax
	mov	%ax, %ds
	cld
	mov	$words, %si
	mov	$5, %cx
	mov	$0x10, %dx
	rep outsw
	hlt
words:	.word	11, 22, 33, 44, 55
