/* jump: control flow into nowhere. Protected mode, linked at 0x1000.
 * RDI picks one:
 *   0  jump to 0x40000000, outside RAM: a guest fault
 *   1  a triple fault: an empty IDT, then an exception (kvm: the CPU shuts
 *      down; tcg: the exception cannot be delivered): a guest fault
 *   2  print, then jmp . for ever: only --timeout or a signal ends it
 *   3  print, then cli; hlt for ever: with `chipset = pc` that waits for an
 *      interrupt that cannot come; only --timeout or a signal ends it */
#include "hostile.h"
	.code32
	.text
	.globl _start
_start:
	mov	%edi, %ebx
	PUTS	start_msg
	cmp	$1, %ebx
	je	triple
	cmp	$2, %ebx
	je	forever
	cmp	$3, %ebx
	je	asleep
	mov	$0x40000000, %eax
	jmp	*%eax
triple:
	lidt	idtr
	int3
	hlt
forever:
	jmp	.
asleep:
	cli
	hlt
	jmp	asleep
idtr:	.word	0
	.long	0
start_msg: .asciz "jump: starting\n"
