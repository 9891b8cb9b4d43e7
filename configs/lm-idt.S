/* lm-idt: long-mode interrupts through the guest's own IDT: an INT n on
 * the current stack (aligned to 16 bytes, with SS:RSP in the frame), a
 * divide error and an invalid opcode through trap gates, and an INT n
 * switched to an IST stack of the guest's own TSS. Linked at 0x1000 on
 * plugvm's identity map. */
	.code64
	.text
	.globl _start

IDT = 0x20000			/* 256 gates of 16 bytes, in RAM */
TSS = 0x30000			/* the guest's own 64-bit TSS */
IST1_TOP = 0x40000		/* its IST1 stack */
INTR_GATE = 0x8e		/* present, ring 0, 64-bit interrupt gate */
TRAP_GATE = 0x8f		/* present, ring 0, 64-bit trap gate */
TSS_SEL = 0x20			/* plugvm's GDT slot for a TSS */

_start:
	lea	int40(%rip), %rax
	mov	$0x40, %ebx
	mov	$INTR_GATE, %ecx
	xor	%edx, %edx
	call	set_gate
	lea	divide_error(%rip), %rax
	xor	%ebx, %ebx
	mov	$TRAP_GATE, %ecx
	call	set_gate
	lea	invalid_opcode(%rip), %rax
	mov	$6, %ebx
	mov	$TRAP_GATE, %ecx
	xor	%edx, %edx
	call	set_gate
	lea	int41(%rip), %rax
	mov	$0x41, %ebx
	mov	$INTR_GATE, %ecx
	mov	$1, %edx		/* IST1 */
	call	set_gate
	lidt	idtr(%rip)

	/* Our TSS, with IST1, in plugvm's TSS slot of the GDT. */
	movq	$IST1_TOP, TSS + 0x24
	sgdt	gdtr(%rip)
	mov	gdtr + 2(%rip), %rdi
	movl	$(TSS << 16) & 0xffff0000 | 0x67, TSS_SEL(%rdi)
	movl	$((TSS >> 16) & 0xff) | 0x8900, TSS_SEL + 4(%rdi)
	movq	$0, TSS_SEL + 8(%rdi)
	mov	$TSS_SEL, %ax
	ltr	%ax

	push	$0			/* RSP now 8 off a 16-byte boundary */
	mov	%rsp, %rbp
	mov	$0x1234, %rbx
	int	$0x40
	cmp	$0x1234, %rbx
	jne	fail
	cmp	%rsp, %rbp
	jne	fail
	lea	s_back(%rip), %rsi
	call	puts

	xor	%cl, %cl
	mov	$1, %ax
	div	%cl			/* #DE: the handler skips the 2 bytes */
	cmp	%rsp, %rbp
	jne	fail
	lea	s_div_back(%rip), %rsi
	call	puts

	int	$0x41
	cmp	%rsp, %rbp
	jne	fail
	lea	s_ist_back(%rip), %rsi
	call	puts

	ud2				/* #UD: the handler skips it */
	cmp	%rsp, %rbp
	jne	fail
	lea	s_ud_back(%rip), %rsi
	call	puts
	hlt

int40:
	lea	40(%rsp), %rax		/* the frame sits on a 16-byte boundary */
	test	$0xf, %al
	jnz	fail
	cmpq	$0x18, 8(%rsp)		/* RIP, CS, RFLAGS, RSP, SS */
	jne	fail
	cmp	%rbp, 24(%rsp)		/* the interrupted RSP */
	jne	fail
	lea	s_int(%rip), %rsi
	call	puts
	iretq

divide_error:
	addq	$2, (%rsp)		/* return past the div */
	lea	s_div(%rip), %rsi
	call	puts
	iretq

int41:
	cmp	$IST1_TOP - 40, %rsp	/* on the IST1 stack */
	jne	fail
	cmp	%rbp, 24(%rsp)
	jne	fail
	lea	s_ist(%rip), %rsi
	call	puts
	iretq

invalid_opcode:
	addq	$2, (%rsp)		/* return past the ud2 */
	lea	s_ud(%rip), %rsi
	call	puts
	iretq

fail:
	lea	s_fail(%rip), %rsi
	call	puts
	hlt

/* set_gate: gate %ebx -> handler %rax, selector 0x18, type %cl, IST %dl. */
set_gate:
	shl	$4, %rbx
	lea	IDT(%rbx), %rdi
	mov	%ax, (%rdi)
	movw	$0x18, 2(%rdi)
	mov	%dl, 4(%rdi)
	mov	%cl, 5(%rdi)
	shr	$16, %rax
	mov	%ax, 6(%rdi)
	shr	$16, %rax
	mov	%eax, 8(%rdi)
	movl	$0, 12(%rdi)
	ret

/* puts: print the NUL-terminated string at %rsi on COM1. */
puts:
	movb	(%rsi), %al
	test	%al, %al
	jz	1f
	mov	$0x3f8, %dx
	out	%al, (%dx)
	inc	%rsi
	jmp	puts
1:	ret

	.p2align 3
	.word	0, 0, 0
idtr:	.word	256 * 16 - 1
	.quad	IDT
	.word	0, 0, 0
gdtr:	.word	0
	.quad	0

s_int:		.asciz	"INT 0x40 on the current stack\n"
s_back:		.asciz	"back from INT 0x40\n"
s_div:		.asciz	"divide error through a trap gate\n"
s_div_back:	.asciz	"back from the divide error\n"
s_ist:		.asciz	"INT 0x41 on the IST1 stack\n"
s_ist_back:	.asciz	"back from INT 0x41\n"
s_ud:		.asciz	"invalid opcode\n"
s_ud_back:	.asciz	"back from the invalid opcode\n"
s_fail:		.asciz	"FAIL\n"
