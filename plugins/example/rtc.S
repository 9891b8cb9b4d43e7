/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rtc: reads the example RTC the way PC firmware does and prints what it
 * finds on COM1, then halts. Real mode, cs = ds = 0, linked at 0x1000.
 * With rtc.ini's fixed time every run prints the same (rtc.expected). */
	.code16
	.text
	.globl _start

#define COM1		0x3f8
#define LSR		5
#define LSR_THRE	0x20

#define RTC_INDEX	0x70
#define RTC_DATA	0x71
#define NMI_DISABLE	0x80

#define SECONDS		0x00
#define MINUTES		0x02
#define HOURS		0x04
#define WEEKDAY		0x06
#define DAY		0x07
#define MONTH		0x08
#define YEAR		0x09
#define REG_A		0x0a
#define REG_B		0x0b
#define REG_C		0x0c
#define REG_D		0x0d
#define CENTURY		0x32

#define A_UIP		0x80
#define B_SET		0x80
#define B_DM		0x04	/* binary */
#define B_24H		0x02
#define HOURS_PM	0x80

/* wrreg REG, VALUE: write an RTC register (VALUE without spaces) */
.macro	wrreg reg, value
	mov	$((\value << 8) | \reg), %ax
	call	rtc_write
.endm

/* say STRING: print a NUL-terminated string */
.macro	say label
	mov	$\label, %si
	call	puts
.endm

_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x8000, %sp
	cld

	/* wait until no update is in progress, as firmware does */
1:	mov	$REG_A, %al
	call	rtc_read
	test	$A_UIP, %al
	jnz	1b

	/* the date and time, as the firmware left them: BCD, 24-hour */
	say	s_bcd
	call	print_date_time

	/* the same in binary */
	wrreg	REG_B, (B_DM|B_24H)
	movb	$1, binary
	say	s_binary
	call	print_date_time
	wrreg	REG_B, B_24H
	movb	$0, binary

	/* day of the week: 1 is Sunday */
	say	s_weekday
	mov	$WEEKDAY, %al
	call	rtc_read
	add	$'0', %al
	call	putc
	mov	$'\n', %al
	call	putc

	/* the status registers */
	say	s_status
	mov	$REG_A, %bl
2:	mov	%bl, %al
	call	rtc_read
	call	print_hex
	mov	$' ', %al
	cmp	$REG_D, %bl
	jne	3f
	mov	$'\n', %al
3:	call	putc
	inc	%bl
	cmp	$REG_D, %bl
	jbe	2b

	/* set the clock: updates stop while B.SET is on */
	wrreg	REG_B, (B_SET|B_24H)
	wrreg	CENTURY, 0x20
	wrreg	YEAR, 0x27
	wrreg	MONTH, 0x06
	wrreg	DAY, 0x15
	wrreg	HOURS, 0x12
	wrreg	MINUTES, 0x30
	wrreg	SECONDS, 0x45
	wrreg	REG_B, B_24H
	say	s_set
	call	print_date_time

	/* 12-hour mode: 12:30:45 PM */
	wrreg	REG_B, 0
	say	s_12h
	mov	$HOURS, %al
	call	rtc_read
	mov	%al, %bh		/* keep the PM bit */
	and	$~HOURS_PM, %al
	call	print_hex
	mov	$':', %al
	call	putc
	mov	$MINUTES, %al
	call	print_reg
	mov	$':', %al
	call	putc
	mov	$SECONDS, %al
	call	print_reg
	mov	$s_am, %si
	test	$HOURS_PM, %bh
	jz	4f
	mov	$s_pm, %si
4:	call	puts
	wrreg	REG_B, B_24H

	/* CMOS RAM: a different byte at each address, then read it back */
	say	s_ram
	mov	$0x0e, %bl
5:	cmp	$CENTURY, %bl
	je	6f
	mov	%bl, %ah
	xor	$0xa5, %ah
	mov	%bl, %al
	call	rtc_write
6:	inc	%bl
	cmp	$0x80, %bl
	jb	5b
	mov	$0x0e, %bl
7:	cmp	$CENTURY, %bl
	je	8f
	mov	%bl, %al
	call	rtc_read
	mov	%bl, %ah
	xor	$0xa5, %ah
	cmp	%ah, %al
	jne	ram_failed
8:	inc	%bl
	cmp	$0x80, %bl
	jb	7b
	say	s_ok

	/* the NMI-disable bit is no part of the index */
	say	s_nmi
	mov	$(NMI_DISABLE | 0x0e), %al
	out	%al, $RTC_INDEX
	mov	$0x42, %al
	out	%al, $RTC_DATA
	mov	$0x0e, %al
	call	rtc_read
	cmp	$0x42, %al
	jne	nmi_failed
	say	s_ok
	jmp	done

ram_failed:
	say	s_fail_at
	mov	%bl, %al
	call	print_hex
	mov	$'\n', %al
	call	putc
	jmp	done
nmi_failed:
	say	s_fail
done:
	say	s_done
	hlt

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

/* print_date_time: "YYYY-MM-DD HH:MM:SS\n" from the registers */
print_date_time:
	push	%si
	mov	$date_fields, %si
1:	lodsb				/* register, or 0xff at the end */
	cmp	$0xff, %al
	je	3f
	call	print_reg
	lodsb				/* what follows it, or 0 */
	test	%al, %al
	jz	1b
	call	putc
	jmp	1b
3:	pop	%si
	ret

/* print_reg: %al = register; prints its value as two digits, BCD or
 * binary as the `binary` flag says */
print_reg:
	call	rtc_read
	cmpb	$0, binary
	je	print_hex		/* BCD digits are hex digits */
	aam				/* %ah = %al / 10, %al = %al % 10 */
	add	$0x3030, %ax
	xchg	%al, %ah
	call	putc
	mov	%ah, %al
	jmp	putc

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
	/* fall through */

/* putc: print %al, waiting for the transmitter like a driver */
putc:
	push	%dx
	push	%ax
	mov	$(COM1 + LSR), %dx
1:	in	(%dx), %al
	test	$LSR_THRE, %al
	jz	1b
	pop	%ax
	mov	$COM1, %dx
	out	%al, (%dx)
	pop	%dx
	ret

/* puts: print the NUL-terminated string at %si */
puts:
	lodsb
	test	%al, %al
	jz	1f
	call	putc
	jmp	puts
1:	ret

binary:		.byte 0
/* register, then the character printed after it (0: none) */
date_fields:
	.byte CENTURY, 0, YEAR, '-', MONTH, '-', DAY, ' '
	.byte HOURS, ':', MINUTES, ':', SECONDS, '\n'
	.byte 0xff

s_bcd:		.asciz "date (BCD):     "
s_binary:	.asciz "date (binary):  "
s_weekday:	.asciz "day of week:    "
s_status:	.asciz "registers A-D:  "
s_set:		.asciz "clock set to:   "
s_12h:		.asciz "12-hour clock:  "
s_am:		.asciz " AM\n"
s_pm:		.asciz " PM\n"
s_ram:		.asciz "CMOS RAM 0x0e-0x7f: "
s_nmi:		.asciz "NMI bit masked: "
s_ok:		.asciz "ok\n"
s_fail:		.asciz "FAIL\n"
s_fail_at:	.asciz "FAIL at 0x"
s_done:		.asciz "rtc: done\n"
