/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pit-real: the PC's timer interrupt in real mode. Programs both 8259As
 * (vector bases 0x08 and 0x70, as PC firmware does) and PIT channel 0 in
 * mode 2 at about 1 kHz, takes IRQ 0 through the IVT (EOI to the master),
 * and counts 100 ticks with `sti; hlt`. The time they took is measured
 * independently, on PIT channel 2 running free, read through its counter
 * latch at every tick: 100 ticks must take at least 90 ms (ticks do not
 * come faster than the PIT's period) and at most 2 s (lost ticks are not
 * reinjected, so a busy host makes it longer, not shorter). Prints a
 * verdict, never the time unless it is wrong, so the output is the same on
 * every run and on both accelerators. cs = ds = ss = 0, linked at 0x1000. */
#include "pc.h"

	.code16
	.text
	.globl _start

VECTOR = 0x08			/* IRQ 0 with the master's base at 0x08 */
TICKS = 100
LOW = PIT_HZ * 90 / 1000	/* 90 ms in channel 2 counts */
HIGH = PIT_HZ * 2		/* 2 s */

_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x8000, %sp
	cli
	movw	$irq0, VECTOR * 4	/* IVT entry: offset, segment */
	movw	$0, VECTOR * 4 + 2
	movw	$spurious7, (VECTOR + 7) * 4
	movw	$0, (VECTOR + 7) * 4 + 2

	pic_init 0x08, 0x70, 0xfe, 0xff	/* only IRQ 0 unmasked */
	pit_ch2_freerun
	pit_ch0_periodic PIT_1KHZ

	/* the classic idle loop: STI's shadow covers the HLT, so a tick
	 * between the check and the HLT cannot be missed */
1:	cli
	cmpw	$TICKS + 1, ticks
	jae	2f
	sti
	hlt
	jmp	1b

2:	mov	$0xff, %al		/* mask IRQ 0 again */
	out	%al, $PIC1_DATA
	mov	elapsed, %eax
	cmp	$LOW, %eax
	jb	bad_time
	cmp	$HIGH, %eax
	ja	bad_time
	mov	$s_pass, %si
	call	puts
	exit_with EXIT_PASS

bad_time:
	mov	$s_fail, %si
	call	puts
	mov	elapsed, %eax
	call	put_hex32
	mov	$s_fail_end, %si
	call	puts
	exit_with EXIT_FAIL

/* IRQ 0: count the tick; from the first one on, add the channel 2 counts
 * since the previous tick (the counter goes down, modulo 65536). */
irq0:
	push	%ax
	push	%dx
	incw	ticks
	pit_ch2_latch
	cmpw	$1, ticks
	je	1f
	mov	prev, %ax
	sub	%dx, %ax
	movzwl	%ax, %eax
	addl	%eax, elapsed
1:	mov	%dx, prev
	mov	$PIC_EOI, %al
	out	%al, $PIC1_CMD
	pop	%dx
	pop	%ax
	iret

/* A spurious IRQ 7 (a request that went away before the INTA) sets no
 * ISR bit: no EOI. */
spurious7:
	iret

/* put_hex32: %eax as 8 hex digits */
put_hex32:
	mov	$8, %cx
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

/* puts: the NUL-terminated string at %si, on COM1 */
puts:
	lodsb
	test	%al, %al
	jz	1f
	mov	$COM1, %dx
	out	%al, (%dx)
	jmp	puts
1:	ret

	.p2align 2
elapsed:	.long	0
ticks:		.word	0
prev:		.word	0

s_pass:	.ascii	"pit-real: 100 ticks of PIT channel 0 (mode 2, 1193 counts) "
	.asciz	"through the IVT, elapsed plausible on channel 2\n"
s_fail:	.asciz	"pit-real: FAIL: 100 ticks took 0x"
s_fail_end: .asciz " channel 2 counts, not 90 ms to 2 s\n"
