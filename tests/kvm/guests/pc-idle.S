/* pc-idle: an idle guest with chipset = pc: the PICs programmed, PIT
 * channel 0 at 100 Hz (an idle kernel's tick, 11932 counts), and HLT
 * until 500 ticks (5 s) have come; prints the count and exits with 42.
 * check-kvm reports the CPU time plugvm spends on it in the nested VM.
 * Real mode, linked at 0x1000. */
	.code16
	.text
	.globl _start
	.set	TICKS, 0x600
_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x8000, %sp
	movw	$0, TICKS
	movw	$tick, 0x08 * 4
	movw	$0, 0x08 * 4 + 2
	mov	$0x11, %al		/* vectors 0x08 and 0x70, IRQ 0 only */
	out	%al, $0x20
	out	%al, $0xa0
	mov	$0x08, %al
	out	%al, $0x21
	mov	$0x70, %al
	out	%al, $0xa1
	mov	$0x04, %al
	out	%al, $0x21
	mov	$0x02, %al
	out	%al, $0xa1
	mov	$0x01, %al
	out	%al, $0x21
	out	%al, $0xa1
	mov	$0xfe, %al
	out	%al, $0x21
	mov	$0xff, %al
	out	%al, $0xa1
	mov	$0x34, %al		/* channel 0, mode 2, 11932 counts */
	out	%al, $0x43
	mov	$(11932 & 0xff), %al
	out	%al, $0x40
	mov	$(11932 >> 8), %al
	out	%al, $0x40
1:	sti
	hlt
	cli
	cmpw	$500, TICKS
	jb	1b
	mov	$0xff, %al		/* IRQ 0 masked */
	out	%al, $0x21
	mov	$500, %ax		/* at least 500: a tick may come */
	out	%ax, $0x10		/* between the IRET and the CLI */
	mov	$42, %al
	mov	$0x501, %dx
	out	%al, (%dx)
2:	hlt
	jmp	2b

/* The tick handler. (Masking IRQ 0 at the 500th tick would hang the guest
 * where nested SVM under TCG returns from an interrupt taken in STI's
 * shadow to the HLT itself.) */
tick:
	push	%ax
	incw	TICKS
	mov	$0x20, %al
	out	%al, $0x20
	pop	%ax
	iret
