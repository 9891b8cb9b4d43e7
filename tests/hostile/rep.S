/* rep: string I/O a guest should not do. Protected mode, linked at 0x1000,
 * 1 MiB of RAM. RDI picks one:
 *   0  rep outsb of 2^32 - 1 bytes from address 0 to a port nobody owns:
 *      past the end of RAM it reads all-ones, and it goes on until stopped
 *   1  rep insb of 2^32 - 1 bytes from a port nobody owns into RAM at
 *      0x2000: past the end of RAM the writes are dropped; until stopped
 *   2  rep outsb of 16 bytes from unmapped memory to the UART: 16 bytes
 *      of all-ones reach it
 *   3  rep insb of 16 bytes from the UART into unmapped memory: dropped
 *   4  rep insb of 2^32 - 1 bytes downward from 0x3000, over its own code
 *      with all-ones from nobody: the guest then runs into 0xff bytes
 *      (invalid opcode, a guest fault) */
#include "hostile.h"
	.code32
	.text
	.globl _start
_start:
	mov	%edi, %ebx
	PUTS	start_msg
	cld
	mov	$0x80, %edx
	mov	$0xffffffff, %ecx
	cmp	$1, %ebx
	je	huge_in
	cmp	$2, %ebx
	je	unmapped_out
	cmp	$3, %ebx
	je	unmapped_in
	cmp	$4, %ebx
	je	down
	xor	%esi, %esi
	rep outsb
	jmp	done
huge_in:
	mov	$0x2000, %edi
	rep insb
	jmp	done
unmapped_out:
	mov	$0x80000000, %esi
	mov	$16, %ecx
	mov	$0x3f8, %edx
	rep outsb
	jmp	done
unmapped_in:
	mov	$0x80000000, %edi
	mov	$16, %ecx
	mov	$0x3f8, %edx
	rep insb
	jmp	done
down:
	std
	mov	$0x3000, %edi
	rep insb
	cld
done:	PUTS	done_msg
	hlt

start_msg: .asciz "rep: starting\n"
done_msg:  .asciz "\nrep: done\n"
