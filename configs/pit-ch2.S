/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pit-ch2: PIT channel 2 through port 0x61, the way Linux calibrates the
 * TSC (arch/x86/kernel/tsc.c):
 *   - port 0x61 bit 0 (channel 2's gate) and bit 1 (speaker data) read
 *     back as written; bit 4 (the refresh toggle) changes as time passes;
 *   - pit_calibrate_tsc(): channel 2 in mode 0 with a 50 ms count, gate
 *     low while it is written (OUT2, bit 5, is low then), gate high, then
 *     poll bit 5 until OUT2 rises at terminal count. Meanwhile the
 *     latched count only goes down; when OUT2 has risen it has passed 0
 *     (not early), and IRQ 0 from channel 0 (mode 2, about 1 kHz), taken
 *     while polling, counts the time independently: at most 60 ticks
 *     (not late; a busy host loses ticks, never adds them);
 *   - quick_pit_calibrate(): mode 0 from 0xffff, the live count read LSB
 *     then MSB without a latch: the MSB starts near 0xff and steps down.
 * The checks hold however late a busy host runs the guest, up to the
 * 16-bit counter's 55 ms period between two polls; under valgrind, whose
 * 50-fold slowdown exceeds that, run-machine.sh compares nothing but
 * valgrind's verdict (tests/expected/pit-ch2.realtime).
 * Prints verdicts only: the same on every run and on both accelerators.
 * cs = ds = ss = 0, linked at 0x1000. */
#include "pc.h"

	.code16
	.text
	.globl _start

VECTOR = 0x08
LATCH_50MS = PIT_HZ / 20	/* Linux's CAL_LATCH for 50 ms */
MAX_POLLS = 0x2000000		/* about 33 million: OUT2 never rose */

_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x8000, %sp
	cli
	movw	$irq0, VECTOR * 4
	movw	$0, VECTOR * 4 + 2
	movw	$spurious7, (VECTOR + 7) * 4
	movw	$0, (VECTOR + 7) * 4 + 2
	pic_init 0x08, 0x70, 0xfe, 0xff

	/* bits 0 and 1 read back as written, in all four combinations */
	mov	$s_bits, %si
	xor	%bl, %bl
1:	in	$PORT61, %al
	and	$~(PORT61_GATE2 | PORT61_SPEAKER), %al
	or	%bl, %al
	out	%al, $PORT61
	in	$PORT61, %al
	and	$(PORT61_GATE2 | PORT61_SPEAKER), %al
	cmp	%bl, %al
	jne	fail
	inc	%bl
	cmp	$4, %bl
	jb	1b
	call	puts

	/* bit 4 toggles: at least 4 changes in 200000 reads */
	mov	$s_refresh, %si
	in	$PORT61, %al
	and	$PORT61_REFRESH, %al
	mov	%al, %bl
	xor	%cx, %cx		/* changes seen */
	mov	$200000, %edi
2:	in	$PORT61, %al
	and	$PORT61_REFRESH, %al
	cmp	%al, %bl
	je	3f
	mov	%al, %bl
	inc	%cx
	cmp	$4, %cx
	jae	4f
3:	dec	%edi
	jnz	2b
	jmp	fail
4:	call	puts

	/* pit_calibrate_tsc(): gate low, speaker off, mode 0, 50 ms */
	mov	$s_out2_low, %si
	in	$PORT61, %al
	and	$~(PORT61_GATE2 | PORT61_SPEAKER), %al
	out	%al, $PORT61
	mov	$0xb0, %al		/* channel 2, LSB then MSB, mode 0 */
	out	%al, $PIT_CMD
	mov	$(LATCH_50MS & 0xff), %al
	out	%al, $PIT_CH2
	mov	$(LATCH_50MS >> 8), %al
	out	%al, $PIT_CH2
	in	$PORT61, %al
	test	$PORT61_OUT2, %al	/* mode 0: OUT low until terminal count */
	jnz	fail
	pit_settle			/* the count is loaded */
	call	puts

	/* IRQ 0 at about 1 kHz measures the time; then the gate goes high */
	movw	$0, ticks
	pit_ch0_periodic PIT_1KHZ
	sti
	mov	$s_out2_rises, %si
	in	$PORT61, %al
	or	$PORT61_GATE2, %al
	out	%al, $PORT61
	mov	$0xffff, %bx		/* the previous latched count */
	mov	$MAX_POLLS, %edi
5:	pit_ch2_latch			/* latch first, then look at OUT2 */
	in	$PORT61, %al
	test	$PORT61_OUT2, %al
	jnz	6f
	cmp	%bx, %dx		/* before terminal count: only down */
	ja	fail_cli
	mov	%dx, %bx
	dec	%edi
	jnz	5b
	jmp	fail_cli
6:	cli
	mov	$0xff, %al		/* IRQ 0 off */
	out	%al, $PIC1_DATA
	/* OUT2 is high: the count has passed 0 and goes on from 0xffff
	 * (mode 0 wraps), so it is above the last one seen before. Were
	 * OUT2 early, it would still be below that. */
	cmp	$0xffff, %bx
	je	fail			/* never seen low with a count */
	pit_ch2_latch
	cmp	%bx, %dx
	jbe	fail
	mov	ticks, %ax		/* late: at most 60 ticks (lost ticks */
	cmp	$60, %ax		/* on a busy host only make it fewer) */
	ja	bad_ticks
	call	puts

	/* quick_pit_calibrate(): mode 0 from 0xffff, gate high; the live
	 * MSB (read after the LSB, no latch) only goes down, from near
	 * 0xff to below 0xf0 */
	mov	$s_msb, %si
	mov	$0xb0, %al
	out	%al, $PIT_CMD
	mov	$0xff, %al
	out	%al, $PIT_CH2
	out	%al, $PIT_CH2
	pit_settle			/* loaded: Linux's first read */
	in	$PIT_CH2, %al		/* LSB */
	in	$PIT_CH2, %al		/* MSB: 0xff but for a busy host's delay */
	cmp	$0x80, %al		/* (27 ms; a count loaded wrong is far) */
	jb	fail
	mov	%al, %bl
	mov	$MAX_POLLS, %edi
7:	in	$PIT_CH2, %al
	in	$PIT_CH2, %al
	cmp	%bl, %al
	ja	fail
	mov	%al, %bl
	cmp	$0xf0, %al
	jb	8f
	dec	%edi
	jnz	7b
	jmp	fail
8:	call	puts

	in	$PORT61, %al		/* gate low again */
	and	$~(PORT61_GATE2 | PORT61_SPEAKER), %al
	out	%al, $PORT61
	mov	$s_done, %si
	call	puts
	exit_with EXIT_PASS

bad_ticks:
	mov	$s_bad_ticks, %si
	call	puts
	mov	ticks, %ax
	call	print_hex16
	mov	$'\n', %al
	call	putc
	exit_with EXIT_FAIL

fail_cli:
	cli
/* fail: the check whose message is in %si failed */
fail:
	push	%si
	mov	$s_fail, %si
	call	puts
	pop	%si
	call	puts
	exit_with EXIT_FAIL

irq0:
	push	%ax
	incw	ticks
	mov	$PIC_EOI, %al
	out	%al, $PIC1_CMD
	pop	%ax
	iret

spurious7:
	iret

/* print_hex16: %ax as 4 hex digits */
print_hex16:
	mov	$4, %cx
1:	rol	$4, %ax
	push	%ax
	and	$0xf, %al
	add	$'0', %al
	cmp	$'9', %al
	jbe	2f
	add	$('a' - '9' - 1), %al
2:	call	putc
	pop	%ax
	loop	1b
	ret

putc:
	push	%dx
	mov	$COM1, %dx
	out	%al, (%dx)
	pop	%dx
	ret

/* puts: the NUL-terminated string at %si */
puts:
	push	%si
1:	lodsb
	test	%al, %al
	jz	2f
	call	putc
	jmp	1b
2:	pop	%si
	ret

ticks:	.word	0

s_bits:	.asciz	"port 0x61: bits 0 (gate 2) and 1 (speaker data) read back as written\n"
s_refresh: .asciz "port 0x61: bit 4 (refresh) toggles\n"
s_out2_low: .asciz "channel 2, mode 0, 50 ms count written with the gate low: OUT2 (bit 5) low\n"
s_out2_rises: .asciz "gate high: the latched count goes down, OUT2 rises at terminal count, within 60 ticks of channel 0\n"
s_msb:	.asciz	"mode 0 from 0xffff: the live MSB steps down from 0xff (quick calibration)\n"
s_done:	.asciz	"pit-ch2: done\n"
s_fail:	.asciz	"pit-ch2: FAIL: "
s_bad_ticks: .asciz "pit-ch2: FAIL: OUT2 rose after channel 0 ticks: 0x"
