/* storm: accesses nobody answers, as fast as the guest can make them.
 * Protected mode, linked at 0x1000. RDI picks the storm:
 *   0  every port from 0 to 0xffff but the UART's, IN and OUT of 1, 2 and
 *      4 bytes each; every IN must read all-ones
 *   1  MMIO: a read and a write of 4 bytes every 64 KiB from 1 MiB (the
 *      end of RAM) to 4 GiB; every read must give all-ones
 *   2  100,000 writes of a command testdev (tests/plugins/testdev.c) does
 *      not know to its port 0x100: each one a guest error it logs
 * A lenient machine survives either (status 0, the warnings rate-limited);
 * a strict one stops at the first access with a guest fault (status 3). */
#include "hostile.h"
	.code32
	.text
	.globl _start
_start:
	cmp	$2, %edi
	je	device
	test	%edi, %edi
	jnz	mmio
	PUTS	ports_msg
	xor	%ebx, %ebx		/* the port */
	mov	$0xffffffff, %ecx	/* AND of every IN */
1:	cmp	$0x3f8, %ebx
	jb	2f
	cmp	$0x3ff, %ebx
	jbe	3f
2:	mov	%ebx, %edx
	inb	(%dx), %al
	and	%eax, %ecx
	or	$0xffffff00, %ecx
	outb	%al, (%dx)
	inw	(%dx), %ax
	and	%eax, %ecx
	or	$0xffff0000, %ecx
	outw	%ax, (%dx)
	inl	(%dx), %eax
	and	%eax, %ecx
	outl	%eax, (%dx)
3:	inc	%ebx
	cmp	$0x10000, %ebx
	jb	1b
	jmp	check

mmio:	PUTS	mmio_msg
	mov	$0x100000, %ebx
	mov	$0xffffffff, %ecx
1:	and	(%ebx), %ecx
	movl	$0x12345678, (%ebx)
	add	$0x10000, %ebx
	jnc	1b

check:	cmp	$0xffffffff, %ecx
	jne	1f
	PUTS	ones_msg
1:	PUTS	done_msg
	hlt

device:	PUTS	device_msg
	mov	$100000, %ecx
	mov	$0x100, %edx
	mov	$0xee, %al
1:	outb	%al, (%dx)
	loop	1b
	PUTS	done_msg
	hlt

ports_msg: .asciz "storm: every port but the UART's, IN and OUT of each size\n"
mmio_msg:  .asciz "storm: MMIO every 64 KiB from 1 MiB to 4 GiB\n"
ones_msg:  .asciz "storm: every read gave all-ones\n"
device_msg: .asciz "storm: 100,000 commands testdev does not know\n"
done_msg:  .asciz "storm: survived\n"
