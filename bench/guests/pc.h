/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pc.h - what the interrupt benchmark guests (irq.S, idle.S) share: their
 * own GDT, a stack, an IDT whose vector 0x20 is IRQ 0, and both 8259As set
 * up with only IRQ 0 unmasked. After GUEST_ENTRY (guest.h), on plugvm with
 * chipset = pc and on QEMU's pc machine alike.
 *
 * Multiboot (QEMU) leaves the GDT and ESP undefined, so the guest loads its
 * own GDT (flat code 0x08, flat data 0x10, as plugvm's) and stack before
 * anything can interrupt it. PC_SETUP keeps ECX; it uses EAX and EDX.
 */
#ifndef BENCH_PC_H
#define BENCH_PC_H

#define PC_STACK_TOP 0x1f0000 /* below the 2 MiB of plugvm's machine */
#define PC_IDT 0x1f0000
#define PC_VECTOR_IRQ0 0x20
#define PC_PIT_HZ 1193182

	/* PC_SETUP HANDLER: segments, stack, IDT, PICs; IF stays 0 */
	.macro PC_SETUP handler
	lgdt	.Lpc_gdtr
	ljmp	$0x08, $.Lpc_cs
.Lpc_cs:
	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs
	mov	$PC_STACK_TOP, %esp
	/* vector 0x20: an interrupt gate to HANDLER */
	mov	$\handler, %eax
	mov	%ax, PC_IDT + PC_VECTOR_IRQ0 * 8
	movw	$0x08, PC_IDT + PC_VECTOR_IRQ0 * 8 + 2
	movw	$0x8e00, PC_IDT + PC_VECTOR_IRQ0 * 8 + 4
	shr	$16, %eax
	mov	%ax, PC_IDT + PC_VECTOR_IRQ0 * 8 + 6
	lidt	.Lpc_idtr
	/* ICW1-4 on both: edge, cascade on IRQ 2, vectors 0x20 and 0x28 */
	mov	$0x11, %al
	out	%al, $0x20
	out	%al, $0xa0
	mov	$PC_VECTOR_IRQ0, %al
	out	%al, $0x21
	mov	$PC_VECTOR_IRQ0 + 8, %al
	out	%al, $0xa1
	mov	$0x04, %al
	out	%al, $0x21
	mov	$0x02, %al
	out	%al, $0xa1
	mov	$0x01, %al
	out	%al, $0x21
	out	%al, $0xa1
	/* OCW1: IRQ 0 alone */
	mov	$0xfe, %al
	out	%al, $0x21
	mov	$0xff, %al
	out	%al, $0xa1
	jmp	.Lpc_done
	.balign 8
.Lpc_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: code, flat, 32-bit */
	.quad	0x00cf92000000ffff	/* 0x10: data, flat */
.Lpc_gdtr:
	.word	3 * 8 - 1
	.long	.Lpc_gdt
.Lpc_idtr:
	.word	(PC_VECTOR_IRQ0 + 1) * 8 - 1
	.long	PC_IDT
.Lpc_done:
	.endm

	/* PC_PIT DIVISOR: channel 0, mode 2 (rate generator), LSB then MSB */
	.macro PC_PIT divisor
	mov	$0x34, %al
	out	%al, $0x43
	mov	$(\divisor & 0xff), %al
	out	%al, $0x40
	mov	$(\divisor >> 8), %al
	out	%al, $0x40
	.endm

#endif
