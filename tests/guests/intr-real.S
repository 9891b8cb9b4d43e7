/* intr-real: INTR on the software vCPU, real mode, through the IVT; driven
 * by tests/check_tcg.c, which raises INTR from another thread when asked
 * and answers INTA with vector 0x20 (lowering INTR, as an edge-triggered
 * PIC does). The guest reports to port 0x80 (one dword each):
 *   0  a pulse of INTR while IF = 0 was not taken    (port 0x92: pulse)
 *   0  INTR held high while IF = 0 is not taken      (port 0x90: raise)
 *   1  `sti; hlt` with INTR pending: taken ...
 *   1  ... after the HLT: the handler returns past it
 *   1  the pushed FLAGS had IF = 1
 *   0  IF = 0 inside the handler
 *   2  `sti; hlt`, INTR raised while it waits (the test does that when
 *   1     vcpu_run() reports the HLT): taken, returning past the HLT
 *   3  INTR raised while running with IF = 1: taken at a block start
 *   4  INTR raised (10 ms later, port 0x91) while the guest spins in a
 *      loop whose first instruction follows an STI: taken there too
 * then `cli; hlt`, which waits for ever until the test stops the vCPU.
 * Linked at 0x1000, CS = 0. */
	.code16
	.text
	.globl _start

VEC = 0x20

	.macro report src
	movzwl	\src, %eax
	out	%eax, $0x80
	.endm

_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x8000, %sp
	movw	$handler, VEC * 4
	movw	%cs, VEC * 4 + 2

	out	%al, $0x92		/* a pulse while masked */
	sti
	nop
	nop
	nop
	cli
	report	count

	out	%al, $0x90		/* INTR high, masked */
	mov	$100, %cx
1:	loop	1b
	report	count

	sti				/* the shadow: HLT starts first */
	hlt
after1:	cli
	report	count
	xor	%ax, %ax
	cmpw	$after1, retip
	sete	%al
	report	%ax
	report	flags_if
	report	handler_if

	sti				/* wait in HLT */
	hlt
after2:	cli
	report	count
	xor	%ax, %ax
	cmpw	$after2, retip
	sete	%al
	report	%ax

	sti
	out	%al, $0x90		/* taken while running */
	mov	$1000, %cx
1:	loop	1b
	cli
	report	count

	out	%al, $0x91		/* INTR in 10 ms */
	sti
1:	cmpw	$4, count		/* no shadow at every turn */
	jb	1b
	cli
	report	count

	hlt				/* IF = 0: for ever */
	mov	$0xdead, %ax
	report	%ax
	out	%al, $0xf4

handler:
	push	%bp
	mov	%sp, %bp
	push	%ax
	incw	count
	mov	2(%bp), %ax
	mov	%ax, retip
	mov	6(%bp), %ax
	shr	$9, %ax
	and	$1, %ax
	mov	%ax, flags_if
	pushf
	pop	%ax
	shr	$9, %ax
	and	$1, %ax
	mov	%ax, handler_if
	pop	%ax
	pop	%bp
	iret

	.p2align 1
count:	.word	0
retip:	.word	0
flags_if: .word	0
handler_if: .word 0xffff
