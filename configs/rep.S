/* rep: string I/O. Under kvm one exit carries many elements (io.count > 1
 * at io.data_offset); under tcg each element is its own access. Either way
 * every element reaches the device. Real mode, linked at 0x1000. */
	.code16
	.text
	.globl _start
_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	cld

	/* rep outsb: a whole line in one instruction */
	mov	$msg, %si
	mov	$(msg_end - msg), %cx
	mov	$0x3f8, %dx
	rep outsb

	/* rep insb from the scratch register: four copies of what we put there */
	mov	$0x3ff, %dx
	mov	$'s', %al
	out	%al, (%dx)
	mov	$buf, %di
	mov	$4, %cx
	rep insb

	/* rep insw from a port nobody owns: all-ones */
	mov	$0x2e0, %dx
	mov	$ones, %di
	mov	$2, %cx
	rep insw

	/* print buf, then "ones ok" if all four bytes at `ones` are 0xff */
	mov	$buf, %si
	mov	$5, %cx
	mov	$0x3f8, %dx
	rep outsb
	cmpl	$0xffffffff, ones
	jne	1f
	mov	$ok, %si
	mov	$(ok_end - ok), %cx
	rep outsb
1:	hlt

msg:	.ascii	"rep outsb: one instruction, many bytes\n"
msg_end:
buf:	.ascii	"....\n"
ones:	.long	0
ok:	.ascii	"rep insw from nobody: all-ones\n"
ok_end:
