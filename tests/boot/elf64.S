/* elf64: a plain ELF64 kernel linked in the upper half (0xffffffff80100000,
 * high.lds) and loaded at 1 MiB by its physical addresses: plugvm enters
 * it at the physical address under its virtual entry point, in 64-bit long
 * mode with identity-mapped page tables. It runs position-independently
 * (RIP-relative) until it would set up its own page tables; this one
 * prints where it runs and where it was linked, checks long mode (CR0.PG,
 * CR4.PAE, EFER.LMA, interrupts off), that its data segment and bss are
 * loaded, and exits with status 42, or 13 after saying what was wrong. */
#define BITS 64
	.code64
	.text
	.globl	_start
#include "io.h"

_start:
	lea	stack_top(%rip), %rsp
	lea	_start(%rip), %rbx	/* where it runs */
	PUTS(s_running)
	mov	%rbx, %rcx
	shr	$32, %rcx
	call	puthex
	PUTHEX(%ebx)
	PUTS(s_linked)
	movabs	$_start, %rbx		/* where it was linked */
	mov	%rbx, %rcx
	shr	$32, %rcx
	call	puthex
	PUTHEX(%ebx)
	PUTS(s_nl)
	mov	%cr0, %rax
	bt	$31, %rax		/* PG */
	jnc	bad_cpu
	mov	%cr4, %rax
	bt	$5, %rax		/* PAE */
	jnc	bad_cpu
	mov	$0xc0000080, %ecx	/* EFER */
	rdmsr
	bt	$10, %eax		/* LMA */
	jnc	bad_cpu
	pushf
	pop	%rax
	bt	$9, %rax		/* IF */
	jc	bad_cpu
	PUTS(s_cpu)
	cmpl	$0x87654321, data_word(%rip)
	jne	bad_data
	lea	bss_start(%rip), %rsi
	lea	bss_end(%rip), %rdi
1:	cmp	%rdi, %rsi
	jae	2f
	cmpb	$0, (%rsi)
	jne	bad_data
	inc	%rsi
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
s_running:	.asciz	"elf64: running at 0x"
s_linked:	.asciz	", linked at 0x"
s_nl:		.asciz	"\n"
s_cpu:		.asciz	"64-bit long mode, paging on, interrupts off\n"
s_data:		.asciz	"data segment loaded, bss zero\nelf64: ok\n"
s_bad_cpu:	.asciz	"FAIL: not in long mode with interrupts off\n"
s_bad_data:	.asciz	"FAIL: data segment or bss not as linked\n"

	.data
data_word:	.long	0x87654321

	.bss
	.align	16
bss_start:			/* checked: zero */
	.skip	256
bss_end:
	.skip	4096
stack_top:
