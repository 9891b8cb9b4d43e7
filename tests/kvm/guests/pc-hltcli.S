/* pc-hltcli: with chipset = pc, HLT waits for an interrupt on both
 * accelerators; with IF = 0 none can come, so only --timeout (status 124),
 * a signal (130) or a device ends the machine. Prints 1 first. Real mode,
 * linked at 0x1000. */
	.code16
	.text
	.globl _start
_start:
	mov	$1, %ax
	out	%ax, $0x10
	cli
	hlt
	mov	$0xdead, %ax		/* not reached */
	out	%ax, $0x10
1:	hlt
	jmp	1b
