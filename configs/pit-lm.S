/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pit-lm: pit-real in long mode: the 8259As at vector bases 0x20 and
 * 0x28, IRQ 0 through a 64-bit interrupt gate of the guest's own IDT, 100
 * ticks of PIT channel 0 (mode 2, about 1 kHz) with `sti; hlt`, their time
 * checked on PIT channel 2 (at least 90 ms, at most 2 s). Prints a
 * verdict, and the time only when it is wrong. plugvm's identity map and
 * code selector 0x18, linked at 0x1000. */
#include "pc.h"

	.code64
	.text
	.globl _start

IDT = 0x20000			/* 256 gates of 16 bytes, in RAM */
INTR_GATE = 0x8e		/* present, ring 0, 64-bit interrupt gate */
VECTOR = 0x20
TICKS = 100
LOW = PIT_HZ * 90 / 1000	/* 90 ms in channel 2 counts */
HIGH = PIT_HZ * 2		/* 2 s */

_start:
	cli
	lea	irq0(%rip), %rax
	mov	$VECTOR, %ebx
	call	set_gate
	lea	spurious7(%rip), %rax
	mov	$VECTOR + 7, %ebx
	call	set_gate
	lidt	idtr(%rip)

	pic_init 0x20, 0x28, 0xfe, 0xff	/* only IRQ 0 unmasked */
	pit_ch2_freerun
	pit_ch0_periodic PIT_1KHZ

1:	cli
	cmpl	$TICKS + 1, ticks(%rip)
	jae	2f
	sti
	hlt
	jmp	1b

2:	mov	$0xff, %al
	out	%al, $PIC1_DATA
	mov	elapsed(%rip), %eax
	cmp	$LOW, %eax
	jb	bad_time
	cmp	$HIGH, %eax
	ja	bad_time
	lea	s_pass(%rip), %rsi
	call	puts
	exit_with EXIT_PASS

bad_time:
	lea	s_fail(%rip), %rsi
	call	puts
	mov	elapsed(%rip), %eax
	call	put_hex32
	lea	s_fail_end(%rip), %rsi
	call	puts
	exit_with EXIT_FAIL

irq0:
	push	%rax
	push	%rdx
	incl	ticks(%rip)
	pit_ch2_latch
	cmpl	$1, ticks(%rip)
	je	1f
	mov	prev(%rip), %ax
	sub	%dx, %ax
	movzwl	%ax, %eax
	addl	%eax, elapsed(%rip)
1:	mov	%dx, prev(%rip)
	mov	$PIC_EOI, %al
	out	%al, $PIC1_CMD
	pop	%rdx
	pop	%rax
	iretq

spurious7:
	iretq

/* set_gate: interrupt gate %ebx -> handler %rax, selector 0x18, no IST. */
set_gate:
	shl	$4, %rbx
	lea	IDT(%rbx), %rdi
	mov	%ax, (%rdi)
	movw	$0x18, 2(%rdi)
	movb	$0, 4(%rdi)
	movb	$INTR_GATE, 5(%rdi)
	shr	$16, %rax
	mov	%ax, 6(%rdi)
	shr	$16, %rax
	mov	%eax, 8(%rdi)
	movl	$0, 12(%rdi)
	ret

put_hex32:
	mov	$8, %ecx
1:	rol	$4, %eax
	push	%rax
	and	$0xf, %al
	add	$'0', %al
	cmp	$'9', %al
	jbe	2f
	add	$('a' - '9' - 1), %al
2:	mov	$COM1, %dx
	out	%al, (%dx)
	pop	%rax
	loop	1b
	ret

puts:
	movb	(%rsi), %al
	test	%al, %al
	jz	1f
	mov	$COM1, %dx
	out	%al, (%dx)
	inc	%rsi
	jmp	puts
1:	ret

	.p2align 3
	.word	0, 0, 0
idtr:	.word	256 * 16 - 1
	.quad	IDT
elapsed:	.long	0
ticks:		.long	0
prev:		.word	0

s_pass:	.ascii	"pit-lm: 100 ticks of PIT channel 0 (mode 2, 1193 counts) "
	.asciz	"through a 64-bit IDT, elapsed plausible on channel 2\n"
s_fail:	.asciz	"pit-lm: FAIL: 100 ticks took 0x"
s_fail_end: .asciz " channel 2 counts, not 90 ms to 2 s\n"
