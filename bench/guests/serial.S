/* SPDX-License-Identifier: GPL-2.0-or-later */
/* serial: ECX bytes out of COM1 as a polling driver sends them: wait for
 * LSR.THRE, then write THR. Each byte is two exits (IN from LSR, OUT to
 * THR) to the 16550A at 0x3f8: plugvm's serial.so, QEMU's isa-serial,
 * both with their output to /dev/null. */
#include "guest.h"

#define COM1	0x3f8
#define LSR	5
#define THRE	0x20

	GUEST_ENTRY
	jecxz	3f
	mov	$'a', %bl
1:	mov	$(COM1 + LSR), %dx
2:	in	(%dx), %al
	test	$THRE, %al
	jz	2b
	mov	%bl, %al
	mov	$COM1, %dx
	out	%al, (%dx)
	inc	%bl
	dec	%ecx
	jnz	1b
3:	GUEST_EXIT
