/* stress: the guest of tests/stress.sh and the stress plugin
 * (tests/plugins/stress.c). Protected mode, linked at 0x1000.
 *
 * It hands the plugin its mailbox and the address of the immediate of a
 * `mov $imm32, %eax` in its loop, which starts the plugin's threads; one of
 * them rewrites that immediate about every millisecond. The loop reports
 * every new value it executes to the plugin, and counts its rounds in the
 * mailbox. When the plugin asks for interrupts (a pc chipset), the guest
 * first sets up both 8259As (vectors 0x20 and 0x28), unmasks the plugin's
 * line alone and runs with IF = 1, counting interrupts in the mailbox.
 * The plugin ends the machine. */
	.code32
	.text
	.globl _start

PORT = 0x500		/* the stress device's `port` */
MAILBOX = 0x9000	/* u32 rounds, u32 interrupts; the plugin's at +2K */
IDT = 0x20000

_start:
	movl	$0, MAILBOX
	movl	$0, MAILBOX + 4
	/* vectors 0x20-0x27: the master PIC's lines, one handler */
	mov	$0x20, %ecx
1:	mov	$irq_handler, %eax
	mov	%ax, IDT(, %ecx, 8)
	movw	$0x08, IDT + 2(, %ecx, 8)
	movw	$0x8e00, IDT + 4(, %ecx, 8)	/* interrupt gate, ring 0 */
	shr	$16, %eax
	mov	%ax, IDT + 6(, %ecx, 8)
	inc	%ecx
	cmp	$0x28, %ecx
	jne	1b
	lidt	idtr

	mov	$PORT + 12, %dx
	mov	$MAILBOX, %eax
	out	%eax, (%dx)
	mov	$PORT + 8, %dx
	in	(%dx), %eax
	test	$0x100, %eax
	jz	2f
	/* ICW1-4 on both: edge, cascade on IRQ 2, 8086 mode */
	mov	%al, %cl
	mov	$0x11, %al
	out	%al, $0x20
	out	%al, $0xa0
	mov	$0x20, %al
	out	%al, $0x21
	mov	$0x28, %al
	out	%al, $0xa1
	mov	$0x04, %al
	out	%al, $0x21
	mov	$0x02, %al
	out	%al, $0xa1
	mov	$0x01, %al
	out	%al, $0x21
	out	%al, $0xa1
	/* OCW1: only the plugin's line */
	mov	$1, %al
	shl	%cl, %al
	not	%al
	out	%al, $0x21
	mov	$0xff, %al
	out	%al, $0xa1
	sti

2:	mov	$PORT, %dx
	mov	$imm, %eax
	out	%eax, (%dx)		/* go */
	xor	%ebx, %ebx
	mov	$PORT + 4, %dx

	.p2align 2
loop:
	nop
	nop
	nop
	.byte	0xb8			/* mov $imm32, %eax */
imm:	.long	0			/* 4-byte aligned: one store rewrites it */
	incl	MAILBOX
	cmp	%eax, %ebx
	je	loop
	mov	%eax, %ebx
	out	%eax, (%dx)		/* a new value */
	jmp	loop

irq_handler:
	push	%eax
	incl	MAILBOX + 4
	mov	$0x20, %al		/* non-specific EOI */
	out	%al, $0x20
	pop	%eax
	iret

	.p2align 2
	.word	0
idtr:	.word	256 * 8 - 1
	.long	IDT
