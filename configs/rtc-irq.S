/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rtc-irq: a line a plugin raises: the example RTC's IRQ 8, through the
 * slave 8259A (vector 0x70, on the master's IRQ 2) and the IVT, EOI to
 * both controllers; the handler reads register C, which clears the flags
 * and lowers the line, and counts an interrupt only when C says IRQF, as
 * Linux's handler does. It checks, waiting with `sti; hlt` for the
 * periodic ones and spinning with IF = 1 for the one-shots:
 *   - the periodic interrupt at 1024 Hz (RS 6) and at 64 Hz (RS 10), each
 *     C with IRQF | PF, the time taken checked on PIT channel 2;
 *   - none with rate 0 in 30 ms;
 *   - the update-ended interrupt (UIE), C = IRQF | UF;
 *   - the alarm (AIE) after setting the clock to 12:00:00 with an alarm at
 *     12:00:02, C = IRQF | AF | UF, and the time then.
 * Prints verdicts only, so the output is the same on every run and on
 * both accelerators. cs = ds = ss = 0, linked at 0x1000. */
#include "pc.h"

	.code16
	.text
	.globl _start

VECTOR = 0x70			/* IRQ 8 with the slave's base at 0x70 */

REG_A = 0x0a
REG_B = 0x0b
REG_C = 0x0c
B_SET = 0x80
B_PIE = 0x40
B_AIE = 0x20
B_UIE = 0x10
B_24H = 0x02
C_IRQF = 0x80
C_PF = 0x40
C_AF = 0x20
C_UF = 0x10

/* wrreg REG, VALUE: write an RTC register */
.macro	wrreg reg, value
	mov	$((\value << 8) | \reg), %ax
	call	rtc_write
.endm

/* say LABEL: print the string at LABEL */
.macro	say label
	mov	$\label, %si
	call	puts
.endm

/* periodic RS, N, LOW, HIGH: N periodic interrupts at rate RS, their time
 * (from the first to the last) between LOW and HIGH channel 2 counts */
.macro	periodic rs, n, low, high, msg
	call	quiet
	wrreg	REG_A, (0x20 | \rs)
	wrreg	REG_B, (B_PIE | B_24H)
	mov	$(\n + 1), %bx
	call	wait_irqs
	wrreg	REG_B, B_24H
	mov	c_and, %al
	and	$(C_IRQF | C_PF), %al
	cmp	$(C_IRQF | C_PF), %al
	jne	bad_flags
	mov	elapsed, %eax
	cmp	$\low, %eax
	jb	bad_time
	cmp	$\high, %eax
	ja	bad_time
	say	\msg
.endm

_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x8000, %sp
	cli
	movw	$rtc_irq, VECTOR * 4
	movw	$0, VECTOR * 4 + 2
	movw	$spurious7, 0x0f * 4
	movw	$0, 0x0f * 4 + 2
	movw	$spurious15, (VECTOR + 7) * 4
	movw	$0, (VECTOR + 7) * 4 + 2

	/* master: only the cascade (IRQ 2); slave: only IRQ 8 */
	pic_init 0x08, VECTOR, 0xfb, 0xfe
	pit_ch2_freerun

	/* 64 interrupts at 1024 Hz: 62.5 ms; 8 at 64 Hz: 125 ms */
	periodic 6, 64, (PIT_HZ * 56 / 1000), (PIT_HZ * 2), s_1024
	periodic 10, 8, (PIT_HZ * 112 / 1000), (PIT_HZ * 2), s_64

	/* rate 0: PIE on, and nothing for 30 ms */
	call	quiet
	wrreg	REG_A, 0x20
	wrreg	REG_B, (B_PIE | B_24H)
	sti
	xor	%ebx, %ebx		/* channel 2 counts waited */
	pit_ch2_latch
	mov	%dx, %cx
1:	pit_ch2_latch
	mov	%cx, %ax
	sub	%dx, %ax
	mov	%dx, %cx
	movzwl	%ax, %eax
	add	%eax, %ebx
	cmp	$(PIT_HZ * 30 / 1000), %ebx
	jb	1b
	cli
	wrreg	REG_B, B_24H
	cmpw	$0, count
	jne	bad_count
	wrreg	REG_A, 0x26
	say	s_rate0

	/* update-ended: one interrupt within a second */
	call	quiet
	wrreg	REG_B, (B_UIE | B_24H)
	mov	$1, %bx
	call	wait_spin
	wrreg	REG_B, B_24H
	mov	last_c, %al
	and	$(C_IRQF | C_PF | C_UF), %al	/* AF at 00:00:00 UTC */
	cmp	$(C_IRQF | C_UF), %al
	jne	bad_flags
	say	s_uie

	/* the alarm: clock set to 12:00:00, alarm at 12:00:02 */
	wrreg	REG_B, (B_SET | B_24H)
	wrreg	0x04, 0x12		/* hours */
	wrreg	0x02, 0x00		/* minutes */
	wrreg	0x00, 0x00		/* seconds */
	wrreg	0x05, 0x12		/* the alarm: hours, minutes, seconds */
	wrreg	0x03, 0x00
	wrreg	0x01, 0x02
	wrreg	REG_B, B_24H
	call	quiet
	wrreg	REG_B, (B_AIE | B_24H)
	mov	$1, %bx
	call	wait_spin
	wrreg	REG_B, B_24H
	mov	last_c, %al
	and	$0xf0, %al
	cmp	$(C_IRQF | C_AF | C_UF), %al
	jne	bad_flags
	say	s_alarm
	mov	$0x04, %al
	call	rtc_read
	call	print_hex
	mov	$':', %al
	call	putc
	mov	$0x02, %al
	call	rtc_read
	call	print_hex
	mov	$':', %al
	call	putc
	mov	$0x00, %al
	call	rtc_read
	call	print_hex
	say	s_alarm_end

	say	s_done
	exit_with EXIT_PASS

bad_flags:
	say	s_bad_flags
	mov	c_and, %al
	call	print_hex
	mov	$' ', %al
	call	putc
	mov	last_c, %al
	call	print_hex
	jmp	fail
bad_time:
	say	s_bad_time
	mov	elapsed, %eax
	call	put_hex32
	jmp	fail
bad_count:
	say	s_bad_count
	mov	count, %ax
	call	print_hex
fail:
	mov	$'\n', %al
	call	putc
	exit_with EXIT_FAIL

/* quiet: clear C and the counts, with interrupts off */
quiet:
	cli
	mov	$REG_C, %al
	call	rtc_read
	movw	$0, count
	movb	$0xff, c_and
	movb	$0, last_c
	movl	$0, elapsed
	ret

/* wait_irqs: wait until %bx interrupts with IRQF came (sti; hlt) */
wait_irqs:
1:	cli
	cmp	%bx, count
	jae	2f
	sti
	hlt
	jmp	1b
2:	ret

/* wait_spin: wait with IF = 1, without HLT, until %bx interrupts with
 * IRQF came. For the one-shot interrupts (the update, the alarm): nested
 * SVM under QEMU's TCG can take an interrupt pending at `sti; hlt` inside
 * STI's shadow and return to the HLT, which would then wait for an
 * interrupt that comes a second (or a day) later. */
wait_spin:
	sti
1:	cmp	%bx, count
	jb	1b
	cli
	ret

/* IRQ 8: read C (clears it, lowers the line); count it if IRQF, with the
 * channel 2 time since the previous one; EOI to the slave, then the
 * master. */
rtc_irq:
	push	%ax
	push	%dx
	mov	$REG_C, %al
	out	%al, $RTC_INDEX
	in	$RTC_DATA, %al
	test	$C_IRQF, %al
	jz	2f			/* stale: nothing to report */
	mov	%al, last_c
	and	%al, c_and
	incw	count
	pit_ch2_latch
	cmpw	$1, count
	je	1f
	mov	prev, %ax
	sub	%dx, %ax
	movzwl	%ax, %eax
	addl	%eax, elapsed
1:	mov	%dx, prev
2:	mov	$PIC_EOI, %al
	out	%al, $PIC2_CMD
	out	%al, $PIC1_CMD
	pop	%dx
	pop	%ax
	iret

/* spurious IRQ 7: no ISR bit, no EOI; spurious IRQ 15: the master's
 * cascade bit is set, so EOI to the master only */
spurious7:
	iret
spurious15:
	push	%ax
	mov	$PIC_EOI, %al
	out	%al, $PIC1_CMD
	pop	%ax
	iret

/* rtc_read: %al = register; returns its value in %al */
rtc_read:
	out	%al, $RTC_INDEX
	in	$RTC_DATA, %al
	ret

/* rtc_write: %al = register, %ah = value */
rtc_write:
	out	%al, $RTC_INDEX
	mov	%ah, %al
	out	%al, $RTC_DATA
	ret

/* put_hex32: %eax as 8 hex digits */
put_hex32:
	mov	$8, %cx
1:	rol	$4, %eax
	push	%eax
	and	$0xf, %al
	call	hex_digit
	pop	%eax
	loop	1b
	ret

/* print_hex: %al as two hex digits */
print_hex:
	push	%ax
	shr	$4, %al
	call	hex_digit
	pop	%ax
	and	$0x0f, %al
hex_digit:
	add	$'0', %al
	cmp	$'9', %al
	jbe	putc
	add	$('a' - '9' - 1), %al
putc:
	push	%dx
	mov	$COM1, %dx
	out	%al, (%dx)
	pop	%dx
	ret

/* puts: the NUL-terminated string at %si */
puts:
	lodsb
	test	%al, %al
	jz	1f
	call	putc
	jmp	puts
1:	ret

	.p2align 2
elapsed:	.long	0
count:		.word	0
prev:		.word	0
c_and:		.byte	0
last_c:		.byte	0

s_1024:	.asciz	"rtc-irq: 64 periodic interrupts at 1024 Hz (RS 6), C = IRQF | PF, elapsed plausible\n"
s_64:	.asciz	"rtc-irq: 8 periodic interrupts at 64 Hz (RS 10), C = IRQF | PF, elapsed plausible\n"
s_rate0: .asciz	"rtc-irq: rate 0: no interrupt in 30 ms\n"
s_uie:	.asciz	"rtc-irq: update-ended interrupt, C = IRQF | UF\n"
s_alarm: .asciz	"rtc-irq: alarm interrupt, C = IRQF | AF | UF, at "
s_alarm_end: .asciz "\n"
s_done:	.asciz	"rtc-irq: done\n"
s_bad_flags: .asciz "rtc-irq: FAIL: register C (AND of all, last): "
s_bad_time: .asciz "rtc-irq: FAIL: the interrupts took 0x"
s_bad_count: .asciz "rtc-irq: FAIL: interrupts with rate 0: 0x"
