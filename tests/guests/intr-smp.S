/* intr-smp: two vCPUs that wait in HLT at once, for tests/check_tcg.c.
 * vCPU 1 (RDI = 1) waits with IF = 1 for ever: INTR goes to vCPU 0 only;
 * with EAX = 1 it spins instead, with IF = 0.
 * vCPU 0 reports 1, waits with IF = 1 until the test raises its INTR
 * (vector 0x40), reports 2 from the handler and 3 after it, then waits
 * with IF = 0 until the test stops the machine. Protected mode, linked
 * at 0x1000. */
	.code32
	.text
	.globl _start

IDT = 0x20000
VEC = 0x40

_start:
	cli
	test	%edi, %edi
	jnz	park
	mov	$0x80000, %esp
	mov	$handler, %eax
	mov	%ax, IDT + VEC * 8
	movw	$0x08, IDT + VEC * 8 + 2
	movw	$0x8e00, IDT + VEC * 8 + 4
	shr	$16, %eax
	mov	%ax, IDT + VEC * 8 + 6
	lidt	idtr
	mov	$1, %eax
	out	%eax, $0x80
	sti
	hlt
	cli
	mov	$3, %eax
	out	%eax, $0x80
	hlt
	jmp	.

park:	mov	$0x70000, %esp
	test	%eax, %eax
	jnz	spin
	sti
1:	hlt
	mov	$0x11, %eax		/* never: nothing interrupts vCPU 1 */
	out	%eax, $0x80
	jmp	1b

spin:	jmp	spin

handler:
	mov	$2, %eax
	out	%eax, $0x80
	iret

	.p2align 2
	.word	0
idtr:	.word	256 * 8 - 1
	.long	IDT
