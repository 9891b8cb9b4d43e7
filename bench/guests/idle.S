/* idle: an idle guest. Sets up the PICs and PIT channel 0 at 100 Hz (an
 * idle kernel's tick; divisor 11932), then sleeps in HLT, waking for each
 * tick, until it has counted ECX ticks (500: 5 s), and exits. Almost all of
 * its time is spent halted: the host CPU time it costs is what an idle
 * guest costs. */
#include "guest.h"
#include "pc.h"

	GUEST_ENTRY
	PC_SETUP handler
	mov	%ecx, %edi		/* ticks still to wait for */
	test	%edi, %edi
	jz	2f
	PC_PIT	11932
	sti
1:	hlt
	test	%edi, %edi
	jg	1b			/* not jnz: a tick right after IRET can
					 * take EDI past 0 before the test */
	cli
2:	GUEST_EXIT

handler:
	push	%eax
	mov	$0x20, %al		/* non-specific EOI */
	out	%al, $0x20
	pop	%eax
	dec	%edi
	iret
