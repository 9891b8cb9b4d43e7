/* garbage: prints a line, then jumps into 48 KiB of pseudo-random bytes at
 * offset RDI * 509. Built three times: MODE 16 (real mode), 32
 * (protected) and 64 (long); linked at 0x1000. What garbage does is
 * garbage, but it is the same each run: a guest fault, a halt, or (real
 * mode, where every exception goes through an IVT of zeros) running until
 * --timeout. Never a crash of plugvm, never a hang past the timeout. */
#include "hostile.h"
	.text
	.globl _start
_start:
#if MODE == 16
	.code16
	mov	$msg, %si
	mov	$0x3f8, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	out	%al, (%dx)
	jmp	1b
2:	mov	%di, %ax
	mov	$509, %bx
	mul	%bx
	add	$garbage, %ax
	jmp	*%ax
#else
#if MODE == 64
	.code64
#else
	.code32
#endif
	mov	%edi, %ebx
	PUTS	msg
	imul	$509, %ebx, %eax
	add	$garbage, %eax
#if MODE == 64
	jmp	*%rax
#else
	jmp	*%eax
#endif
#endif
msg:	.asciz	"garbage next\n"
	.balign	16
garbage:
	.set	seed, 0x2545F491
	.rept	0xC000
	.set	seed, (seed * 1103515245 + 12345) & 0x7fffffff
	.byte	(seed >> 16) & 0xff
	.endr
