/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reboot: a guest that reboots the way Linux does on a PC without ACPI
 * (arch/x86/kernel/reboot.c, reboot=k): it checks chipset pc's 8042 first
 * (controller self test 0xaa answers 0x55, the command byte reads back
 * what was written), then waits for the input buffer to be empty and
 * pulses the CPU's reset line with command 0xfe. plugvm has no machine
 * reset: the reboot ends it with status 0. Should the pulse do nothing,
 * the guest halts with interrupts off and only --timeout ends it (124);
 * a check that fails exits with EXIT_FAIL. Real mode, cs = ds = 0, linked
 * at 0x1000. */
#include "pc.h"

#define I8042_DATA	0x60
#define I8042_CMD	0x64
#define I8042_OBF	0x01
#define I8042_IBF	0x02

	.code16
	.text
	.globl _start

_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x8000, %sp
	cli

	mov	$0xaa, %al		/* controller self test */
	call	command
	cmp	$0x55, %al
	jne	fail
	mov	$0x60, %al		/* write the command byte... */
	out	%al, $I8042_CMD
	mov	$0x65, %al
	out	%al, $I8042_DATA
	mov	$0x20, %al		/* ...and read it back */
	call	command
	cmp	$0x65, %al
	jne	fail
	mov	$msg_ok, %si
	call	puts

	/* kb_wait(), then the pulse, as Linux's BOOT_KBD */
1:	in	$I8042_CMD, %al
	test	$I8042_IBF, %al
	jnz	1b
	mov	$msg_reboot, %si
	call	puts
	mov	$0xfe, %al
	out	%al, $I8042_CMD
2:	hlt				/* not reached: plugvm stopped */
	jmp	2b

fail:
	exit_with EXIT_FAIL

/* command: controller command %al, then its answer in %al */
command:
	out	%al, $I8042_CMD
1:	in	$I8042_CMD, %al
	test	$I8042_OBF, %al
	jz	1b
	in	$I8042_DATA, %al
	ret

/* puts: the NUL-terminated string at %si, on COM1 */
puts:
	lodsb
	test	%al, %al
	jz	1f
	mov	$COM1, %dx
	out	%al, (%dx)
	jmp	puts
1:	ret

msg_ok:
	.asciz	"reboot: the 8042 passed its self test and keeps its command byte\n"
msg_reboot:
	.asciz	"reboot: pulsing the reset line (0xfe to port 0x64)\n"
