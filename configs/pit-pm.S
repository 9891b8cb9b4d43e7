/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pit-pm: pit-real in 32-bit protected mode: the 8259As at vector bases
 * 0x20 and 0x28, IRQ 0 through an interrupt gate of the guest's own IDT,
 * 100 ticks of PIT channel 0 (mode 2, about 1 kHz) with `sti; hlt`, their
 * time checked on PIT channel 2 (at least 90 ms, at most 2 s). Prints a
 * verdict, and the time only when it is wrong. Flat segments (plugvm's
 * code selector 0x08), linked at 0x1000. */
#include "pc.h"

	.code32
	.text
	.globl _start

IDT = 0x20000			/* 256 gates of 8 bytes, in RAM */
INTR_GATE = 0x8e		/* present, ring 0, 32-bit interrupt gate */
VECTOR = 0x20			/* IRQ 0 with the master's base at 0x20 */
TICKS = 100
LOW = PIT_HZ * 90 / 1000	/* 90 ms in channel 2 counts */
HIGH = PIT_HZ * 2		/* 2 s */

_start:
	cli
	mov	$irq0, %eax
	mov	$VECTOR, %ebx
	call	set_gate
	mov	$spurious7, %eax
	mov	$VECTOR + 7, %ebx
	call	set_gate
	lidt	idtr

	pic_init 0x20, 0x28, 0xfe, 0xff	/* only IRQ 0 unmasked */
	pit_ch2_freerun
	pit_ch0_periodic PIT_1KHZ

1:	cli
	cmpl	$TICKS + 1, ticks
	jae	2f
	sti
	hlt
	jmp	1b

2:	mov	$0xff, %al
	out	%al, $PIC1_DATA
	mov	elapsed, %eax
	cmp	$LOW, %eax
	jb	bad_time
	cmp	$HIGH, %eax
	ja	bad_time
	mov	$s_pass, %esi
	call	puts
	exit_with EXIT_PASS

bad_time:
	mov	$s_fail, %esi
	call	puts
	mov	elapsed, %eax
	call	put_hex32
	mov	$s_fail_end, %esi
	call	puts
	exit_with EXIT_FAIL

irq0:
	push	%eax
	push	%edx
	incl	ticks
	pit_ch2_latch
	cmpl	$1, ticks
	je	1f
	mov	prev, %ax
	sub	%dx, %ax
	movzwl	%ax, %eax
	addl	%eax, elapsed
1:	mov	%dx, prev
	mov	$PIC_EOI, %al
	out	%al, $PIC1_CMD
	pop	%edx
	pop	%eax
	iret

spurious7:
	iret

/* set_gate: interrupt gate %ebx -> handler %eax, selector 0x08. */
set_gate:
	lea	IDT(,%ebx,8), %edi
	mov	%ax, (%edi)
	movw	$0x08, 2(%edi)
	movb	$0, 4(%edi)
	movb	$INTR_GATE, 5(%edi)
	shr	$16, %eax
	mov	%ax, 6(%edi)
	ret

put_hex32:
	mov	$8, %ecx
1:	rol	$4, %eax
	push	%eax
	and	$0xf, %al
	add	$'0', %al
	cmp	$'9', %al
	jbe	2f
	add	$('a' - '9' - 1), %al
2:	mov	$COM1, %dx
	out	%al, (%dx)
	pop	%eax
	loop	1b
	ret

puts:
	movb	(%esi), %al
	test	%al, %al
	jz	1f
	mov	$COM1, %dx
	out	%al, (%dx)
	inc	%esi
	jmp	puts
1:	ret

	.p2align 2
	.word	0
idtr:	.word	256 * 8 - 1
	.long	IDT
elapsed:	.long	0
ticks:		.long	0
prev:		.word	0

s_pass:	.ascii	"pit-pm: 100 ticks of PIT channel 0 (mode 2, 1193 counts) "
	.asciz	"through a 32-bit IDT, elapsed plausible on channel 2\n"
s_fail:	.asciz	"pit-pm: FAIL: 100 ticks took 0x"
s_fail_end: .asciz " channel 2 counts, not 90 ms to 2 s\n"
