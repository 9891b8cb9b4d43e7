/* guard: for tests/guard.sh. Prints "before" on COM1, writes and reads the
 * faulty plugin's port 0x110, prints "after", then halts, or with ECX
 * ([cpu] rcx) nonzero spins until plugvm stops it. Real mode, linked at
 * 0x1000. */
	.code16
	.text
	.globl _start
_start:
	mov	$before, %si
	call	puts
	mov	$0x110, %dx
	out	%al, %dx
	in	%dx, %al
	mov	$after, %si
	call	puts
	test	%cx, %cx
	jnz	spin
	cli
	hlt
spin:
	jmp	spin

puts:
	mov	$0x3f8, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	out	%al, %dx
	jmp	1b
2:	ret

before:	.asciz "guest output before the plugin breaks\n"
after:	.asciz "after\n"
