/* lm-far: long mode, linked at 0x1000. Its own page tables map linear
 * 1 GiB + i * 2 MiB to physical i GiB for i < 512, so it can touch 508
 * gigabytes above RAM and the 4 GiB plugvm maps: a read and a write in
 * each. Every read must give all-ones (nobody is there), and the machine
 * must survive the 508 windows a software vCPU maps for them. */
#include "hostile.h"
	.code64
	.text
	.globl _start

PML4 = 0x10000
PDPT = 0x11000
PD0 = 0x12000	/* linear 0-1 GiB: identity, 2 MiB pages */
PD1 = 0x13000	/* linear 1-2 GiB: 2 MiB page i -> physical i GiB */

_start:
	PUTS	start_msg
	/* zero the four tables */
	mov	$PML4, %edi
	xor	%eax, %eax
	mov	$(4 * 4096 / 8), %ecx
	rep stosq
	movq	$(PDPT | 3), PML4
	movq	$(PD0 | 3), PDPT
	movq	$(PD1 | 3), PDPT + 8
	xor	%ecx, %ecx
1:	mov	%rcx, %rax
	shl	$21, %rax
	or	$0x83, %rax		/* present, writable, 2 MiB */
	mov	%rax, PD0(, %rcx, 8)
	mov	%rcx, %rax
	shl	$30, %rax
	or	$0x83, %rax
	mov	%rax, PD1(, %rcx, 8)
	inc	%ecx
	cmp	$512, %ecx
	jb	1b
	mov	$PML4, %eax
	mov	%rax, %cr3
	/* one read and one write in each gigabyte from 4 GiB up */
	mov	$-1, %edx
	mov	$4, %ecx
2:	mov	%rcx, %rax
	shl	$21, %rax
	add	$0x40000000, %rax
	and	(%rax), %edx
	movl	$0x5a5a5a5a, (%rax)
	inc	%ecx
	cmp	$512, %ecx
	jb	2b
	cmp	$-1, %edx
	jne	3f
	PUTS	ones_msg
3:	PUTS	done_msg
	hlt
start_msg: .asciz "lm-far: 508 gigabytes above RAM\n"
ones_msg:  .asciz "lm-far: every read gave all-ones\n"
done_msg:  .asciz "lm-far: survived\n"
