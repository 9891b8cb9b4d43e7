/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guest.h - the entry every benchmark guest shares.
 *
 * One flat binary, linked at 0x100000, runs unchanged on all three engines:
 *  - plugvm (mode = protected) and bench/raw-unicorn load it at 0x100000
 *    and start at its first byte with flat 32-bit segments and the loop
 *    count preset in ECX;
 *  - QEMU's -kernel finds the multiboot header below (with the a.out kludge
 *    flag, so QEMU loads the flat file as it is, at the same address) and
 *    enters at the same first byte with EAX = 0x2badb002 and EBX = the
 *    multiboot info. The count then comes from the command line
 *    (-append N): the last decimal number in it goes to ECX.
 *
 * After GUEST_ENTRY, ECX holds the count on every engine and the code that
 * follows is the same bytes everywhere. GUEST_EXIT writes 42 to the exit
 * port 0xf4: QEMU's isa-debug-exit and plugvm's debugport (exit-encoding =
 * qemu) both turn that into exit status (42 << 1) | 1 = 85.
 *
 * No stack is used: multiboot leaves ESP undefined.
 */
#ifndef BENCH_GUEST_H
#define BENCH_GUEST_H

#define MB_HEADER_MAGIC 0x1badb002
#define MB_BOOT_MAGIC 0x2badb002
#define MB_AOUT_KLUDGE 0x00010000
#define MB_INFO_CMDLINE 0x4 /* flags bit: cmdline is valid */

#define GUEST_EXIT_PORT 0xf4
#define GUEST_EXIT_VALUE 42

	.macro GUEST_ENTRY
	.code32
	.text
	.globl _start
_start:
	jmp	.Lmb_entry
	.balign 4
.Lmb_header:
	.long	MB_HEADER_MAGIC
	.long	MB_AOUT_KLUDGE
	.long	-(MB_HEADER_MAGIC + MB_AOUT_KLUDGE)
	.long	.Lmb_header	/* header_addr */
	.long	_start		/* load_addr: the file's first byte */
	.long	0		/* load_end_addr: the whole file */
	.long	0		/* bss_end_addr: no bss */
	.long	_start		/* entry_addr */
.Lmb_entry:
	cmp	$MB_BOOT_MAGIC, %eax
	jne	.Lcount_ready
	/* QEMU: ECX = the last decimal number on the command line, or 0 */
	xor	%ecx, %ecx
	testl	$MB_INFO_CMDLINE, (%ebx)
	jz	.Lcount_ready
	mov	16(%ebx), %esi
.Lnext_char:
	movzbl	(%esi), %eax
	inc	%esi
	test	%eax, %eax
	jz	.Lcount_ready
	sub	$'0', %eax
	cmp	$9, %eax
	jbe	.Ldigit
	xor	%ecx, %ecx	/* not a digit: the number starts again */
	jmp	.Lnext_char
.Ldigit:
	imul	$10, %ecx, %ecx
	add	%eax, %ecx
	jmp	.Lnext_char
.Lcount_ready:
	.endm

	.macro GUEST_EXIT
	mov	$GUEST_EXIT_VALUE, %eax
	out	%al, $GUEST_EXIT_PORT
	/* not reached on QEMU; plugvm and Unicorn stop at the end of the block */
1:	cli
	hlt
	jmp	1b
	.endm

#endif
