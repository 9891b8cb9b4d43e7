/* lm-jump: long mode, linked at 0x1000: print a line, then jump to a
 * non-canonical address (RDI = 0: #GP with no IDT) or to 64 GiB, far
 * outside RAM and plugvm's identity map (RDI = 1). Either is a guest
 * fault. */
#include "hostile.h"
	.code64
	.text
	.globl _start
_start:
	mov	%edi, %ebx
	PUTS	start_msg
	movabs	$0x8000000000000000, %rax
	test	%ebx, %ebx
	jz	1f
	movabs	$0x1000000000, %rax
1:	jmp	*%rax
start_msg: .asciz "lm-jump: starting\n"
