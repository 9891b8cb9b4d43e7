/* irqline: a real-mode guest that raises a device's interrupt line and
 * takes it through the 8259A. testdev (tests/plugins/testdev.c, ports
 * 0x100-0x103) drives the line chosen by [cpu] rcx (its data byte, then
 * command 6); the PICs are programmed as a BIOS does (vectors 0x08 and
 * 0x70), that one line unmasked. With chipset pc the handler lowers the
 * line, sends EOI, and stops the machine through the debug port in exit
 * mode (port 0xf4) with status 0x40 + the vector's IRQ (the vector is
 * found in IVT order: each of the 16 handlers is its own stub). With
 * chipset none set_irq is refused, so `sti; hlt` halts: status 0.
 * Linked at 0x1000. */
	.code16
	.text
	.globl _start

_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x8000, %sp
	/* IVT: vectors 0x08-0x0f and 0x70-0x77 to stub n (IRQ n) */
	mov	$0, %bx
1:	mov	%bx, %si
	shl	$3, %si			/* stubs are 8 bytes apart */
	add	$stubs, %si
	mov	%bx, %di
	cmp	$8, %di
	jb	2f
	add	$0x68, %di		/* IRQ 8-15: vectors 0x70-0x77 */
	jmp	3f
2:	add	$0x08, %di		/* IRQ 0-7: vectors 0x08-0x0f */
3:	shl	$2, %di
	mov	%si, (%di)
	movw	$0, 2(%di)
	inc	%bx
	cmp	$16, %bx
	jb	1b

	/* ICW1-4 and masks, master then slave */
	mov	$0x11, %al
	out	%al, $0x20
	mov	$0x08, %al
	out	%al, $0x21
	mov	$0x04, %al
	out	%al, $0x21
	mov	$0x01, %al
	out	%al, $0x21
	mov	$0x11, %al
	out	%al, $0xa0
	mov	$0x70, %al
	out	%al, $0xa1
	mov	$0x02, %al
	out	%al, $0xa1
	mov	$0x01, %al
	out	%al, $0xa1
	/* unmask IRQ cl (and the cascade for a slave line) */
	mov	$0xffff, %ax
	mov	$1, %dx
	shl	%cl, %dx
	not	%dx
	and	%dx, %ax
	cmp	$8, %cl
	jb	4f
	and	$0xfffb, %ax
4:	out	%al, $0x21
	mov	%ah, %al
	out	%al, $0xa1

	/* raise the line: data byte = the line, command 6 */
	mov	$0x101, %dx
	mov	%cl, %al
	out	%al, (%dx)
	mov	$0x100, %dx
	mov	$6, %al
	out	%al, (%dx)
	sti
	hlt
	/* chipset none halts above; a spurious wake-up ends here */
	cli
	hlt

/* IRQ n: bx = n, then the common handler */
	.p2align 3
stubs:
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	mov	$\n, %bx
	jmp	handler
	.p2align 3
	.endr

handler:
	/* lower the line, EOI (both chips for a slave IRQ), exit 0x40 + n */
	mov	$0x101, %dx
	mov	%cl, %al
	out	%al, (%dx)
	mov	$0x100, %dx
	mov	$7, %al
	out	%al, (%dx)
	mov	$0x20, %al
	cmp	$8, %bx
	jb	5f
	out	%al, $0xa0
5:	out	%al, $0x20
	mov	%bl, %al
	add	$0x40, %al
	out	%al, $0xf4
	cli
	hlt
