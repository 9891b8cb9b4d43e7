/* tickpoll: reads the ticker's tick count (tests/plugins/ticker.c, port
 * 0x500) forever, so that the device sees a vCPU thread in read() while
 * its timer ticks. Only the ticker (request_exit after N ticks), --timeout
 * or a signal ends it. Real mode, linked at 0x1000. */
	.code16
	.text
	.globl _start
_start:
	mov	$0x500, %dx
1:	inl	(%dx), %eax
	jmp	1b
