/* elf32: a plain ELF32 kernel (no multiboot header), two PT_LOAD segments
 * (kernel32.lds). Prints where it was entered and the CPU state it found:
 * flat 32-bit protected mode, paging and interrupts off, EAX and EBX zero
 * (no multiboot information), its data segment loaded and its bss zero.
 * Exits with status 42, or 13 after saying what was wrong. */
#define BITS 32
	.code32
	.text
	.globl	_start
#include "io.h"

_start:
	mov	%eax, save_eax
	mov	%ebx, save_ebx
	mov	$stack_top, %esp
	call	1f			/* where are we? */
1:	pop	%ebx
	sub	$(1b - _start), %ebx
	PUTS(s_entered)
	PUTHEX(%ebx)
	PUTS(s_regs)
	PUTHEX(save_eax)
	PUTS(s_ebx)
	PUTHEX(save_ebx)
	PUTS(s_nl)
	mov	%cr0, %eax
	test	$1, %eax
	jz	bad_cpu
	test	$0x80000000, %eax
	jnz	bad_cpu
	pushf
	pop	%eax
	test	$0x200, %eax
	jnz	bad_cpu
	PUTS(s_cpu)
	cmpl	$0x12345678, data_word	/* the second segment: data, bss */
	jne	bad_data
	mov	$bss_start, %esi
1:	cmp	$bss_end, %esi
	jae	2f
	cmpb	$0, (%esi)
	jne	bad_data
	inc	%esi
	jmp	1b
2:	PUTS(s_data)
	EXIT(42)
bad_cpu:
	PUTS(s_bad_cpu)
	EXIT(13)
bad_data:
	PUTS(s_bad_data)
	EXIT(13)

	.section .rodata
s_entered:	.asciz	"elf32: entered at 0x"
s_regs:		.asciz	", eax "
s_ebx:		.asciz	" ebx "
s_nl:		.asciz	"\n"
s_cpu:		.asciz	"flat 32-bit protected mode, paging and interrupts off\n"
s_data:		.asciz	"data segment loaded, bss zero\nelf32: ok\n"
s_bad_cpu:	.asciz	"FAIL: not in flat 32-bit protected mode with paging and interrupts off\n"
s_bad_data:	.asciz	"FAIL: data segment or bss not as linked\n"

	.data
data_word:	.long	0x12345678
save_eax:	.long	0
save_ebx:	.long	0

	.bss
	.align	16
bss_start:			/* checked: zero */
	.skip	256
bss_end:
	.skip	4096
stack_top:
