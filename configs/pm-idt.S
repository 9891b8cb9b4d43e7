/* pm-idt: protected-mode interrupts through the guest's own IDT: an INT n
 * through an interrupt gate (IF cleared inside); two divide errors, a
 * breakpoint, an invalid opcode and an INT 6 through trap gates (IF kept),
 * with the same handler for the last two. Each is
 * handled and returned from with IRET, the stack as it was. Flat
 * segments, linked at 0x1000. */
	.code32
	.text
	.globl _start

IDT = 0x20000			/* 256 gates of 8 bytes, in RAM */
INTR_GATE = 0x8e		/* present, ring 0, 32-bit interrupt gate */
TRAP_GATE = 0x8f		/* present, ring 0, 32-bit trap gate */

_start:
	mov	$int40, %eax
	mov	$0x40, %ebx
	mov	$INTR_GATE, %ecx
	call	set_gate
	mov	$divide_error, %eax
	mov	$0, %ebx
	mov	$TRAP_GATE, %ecx
	call	set_gate
	mov	$breakpoint, %eax
	mov	$3, %ebx
	mov	$TRAP_GATE, %ecx
	call	set_gate
	mov	$invalid_opcode, %eax
	mov	$6, %ebx
	mov	$TRAP_GATE, %ecx
	call	set_gate
	mov	$int41, %eax
	mov	$0x41, %ebx
	mov	$INTR_GATE, %ecx
	call	set_gate
	movw	$0x0b, IDT + 0x41 * 8 + 2	/* selector RPL 3: ignored */
	lidt	idtr

	sti				/* no interrupt controller: nothing comes */
	mov	%esp, %ebp		/* the stack must come back as it was */
	mov	$0x1234, %ebx		/* and so must the registers */
	int	$0x40
	cmp	$0x1234, %ebx
	jne	fail
	cmp	%esp, %ebp
	jne	fail
	pushf
	pop	%eax
	test	$0x200, %eax		/* IRET gave IF back */
	jz	fail
	mov	$s_back, %esi
	call	puts

	xor	%cl, %cl
	mov	$1, %ax
	div	%cl			/* #DE: the handler skips the 2 bytes */
	cmp	%esp, %ebp
	jne	fail
	mov	$s_div_back, %esi
	call	puts
	xor	%cl, %cl
	mov	$1, %ax
	div	%cl			/* a second #DE is a #DE too */
	cmp	%esp, %ebp
	jne	fail
	mov	$s_div_back, %esi
	call	puts

	int3
	cmp	%esp, %ebp
	jne	fail
	mov	$s_bp_back, %esi
	call	puts

	ud2				/* #UD: the handler skips it */
	cmp	%esp, %ebp
	jne	fail
	mov	$s_ud_back, %esi
	call	puts

	movb	$1, int6		/* INT 6 returns past itself */
	int	$6
	movb	$0, int6
	cmp	%esp, %ebp
	jne	fail
	mov	$s_int6_back, %esi
	call	puts
	movb	$1, int6
	.byte	0x3e			/* a prefix: INT 6 returns past both */
	int	$6
	movb	$0, int6
	cmp	%esp, %ebp
	jne	fail
	mov	$s_int6_back, %esi
	call	puts

	int	$0x41
	cmp	%esp, %ebp
	jne	fail
	mov	$s_int41_back, %esi
	call	puts
	cli
	hlt

int40:
	pushf
	pop	%eax
	test	$0x200, %eax		/* an interrupt gate cleared IF */
	jnz	fail
	cmpl	$0x08, 4(%esp)		/* the frame: EIP, CS, EFLAGS */
	jne	fail
	testl	$0x200, 8(%esp)		/* with the interrupted IF */
	jz	fail
	mov	$s_int, %esi
	call	puts
	iret

divide_error:
	pushf
	pop	%eax
	test	$0x200, %eax		/* a trap gate keeps IF */
	jz	fail
	addl	$2, (%esp)		/* return past the div */
	mov	$s_div, %esi
	call	puts
	iret

breakpoint:
	mov	$s_bp, %esi		/* EIP already points past the int3 */
	call	puts
	iret

int41:
	cmpl	$0x08, 4(%esp)		/* the interrupted CS */
	jne	fail
	mov	%cs, %ax		/* the handler's CS has RPL 0 */
	cmp	$0x08, %ax
	jne	fail
	mov	$s_int41, %esi
	call	puts
	iret

invalid_opcode:
	cmpb	$0, int6
	jne	1f
	addl	$2, (%esp)		/* return past the ud2 */
1:
	mov	$s_ud, %esi
	call	puts
	iret

fail:
	mov	$s_fail, %esi
	call	puts
	cli
	hlt

/* set_gate: gate %ebx -> handler %eax, selector 0x08, type byte %cl. */
set_gate:
	lea	IDT(,%ebx,8), %edi
	mov	%ax, (%edi)
	movw	$0x08, 2(%edi)
	movb	$0, 4(%edi)
	mov	%cl, 5(%edi)
	shr	$16, %eax
	mov	%ax, 6(%edi)
	ret

/* puts: print the NUL-terminated string at %esi on COM1. */
puts:
	movb	(%esi), %al
	test	%al, %al
	jz	1f
	mov	$0x3f8, %dx
	out	%al, (%dx)
	inc	%esi
	jmp	puts
1:	ret

	.p2align 2
	.word	0
idtr:	.word	256 * 8 - 1
	.long	IDT

s_int:		.asciz	"INT 0x40 through an interrupt gate\n"
s_back:		.asciz	"back from INT 0x40, IF restored\n"
s_div:		.asciz	"divide error through a trap gate\n"
s_div_back:	.asciz	"back from the divide error\n"
s_bp:		.asciz	"breakpoint\n"
s_bp_back:	.asciz	"back from the breakpoint\n"
s_ud:		.asciz	"invalid opcode\n"
s_ud_back:	.asciz	"back from the invalid opcode\n"
s_int6_back:	.asciz	"back from INT 6\n"
s_int41:	.asciz	"INT 0x41 through a gate whose selector has RPL 3\n"
s_int41_back:	.asciz	"back from INT 0x41\n"
s_fail:		.asciz	"FAIL\n"
int6:		.byte	0
