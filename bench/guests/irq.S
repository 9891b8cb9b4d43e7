/* irq: how many interrupts an engine takes from the PIT. Sets up the PICs
 * and PIT channel 0 in mode 2 (rate generator) with divisor DIV, then takes
 * COUNT IRQ 0 interrupts, waiting for each in HLT, and exits.
 * ECX = COUNT * 16 + I, where DIV is 2 << I (I = 0-9: 596591 Hz down to
 * 1165 Hz). Missed ticks are not queued: an engine that cannot keep up
 * with the PIT takes the next interrupt as soon as it can, so the time per
 * interrupt is the PIT's period or, above the rate the engine sustains,
 * what one interrupt costs it (acknowledge, deliver through the IDT, the
 * handler's EOI to the PIC, IRET, HLT). bench/run.sh tries the divisors
 * from slow to fast and keeps the fastest rate. */
#include "guest.h"
#include "pc.h"

	GUEST_ENTRY
	PC_SETUP handler
	mov	%ecx, %edi
	shr	$4, %edi		/* interrupts still to take */
	jz	2f
	and	$15, %ecx
	mov	$2, %edx
	shl	%cl, %edx		/* the divisor: 2 << I */
	mov	$0x34, %al		/* channel 0, LSB then MSB, mode 2 */
	out	%al, $0x43
	mov	%dl, %al
	out	%al, $0x40
	mov	%dh, %al
	out	%al, $0x40
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
