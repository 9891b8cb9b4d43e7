/* stuck: prints a line on the UART, writes port 0x600 (tests/plugins/
 * stuck.c, which may never return from that write), then halts. Real mode,
 * linked at 0x1000. tests/stop.sh runs it. */
	.code16
	.text
	.globl _start
_start:
	mov	$msg, %si
	mov	$0x3f8, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	out	%al, (%dx)
	jmp	1b
2:	mov	$0x600, %dx
	out	%al, (%dx)
	hlt
msg:	.asciz	"written before the stuck write\n"
