/* smc: code a host thread rewrites while the guest runs it (the mem_write
 * crash of issue 10). The guest calls `patch` in a loop and reports what
 * it returned to port 0x80; tests/check_tcg.c rewrites the immediate of
 * `patch`'s `mov $n, %eax` from another thread (one aligned 4-byte store)
 * for n = 1, 2, ... and tells the accelerator (ram_written()). Protected
 * mode, linked at 0x1000; the immediate is at 0x1040. */
	.code32
	.text
	.globl _start
_start:
	mov	$0x80000, %esp
1:	call	patch
	out	%eax, $0x80
	jmp	1b

	.org	0x3f
patch:	mov	$0, %eax		/* b8 imm32: imm32 at 0x1040 */
	ret
	.fill	16, 1, 0x90
