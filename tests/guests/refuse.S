/* refuse: protected-mode deliveries tcg refuses, one per run, chosen by
 * ECX ([cpu] rcx): each must end in a guest fault that says why (with -v).
 *   1 a gate that is not present       4 a gate naming a data segment
 *   2 INT 13 (its vector has an error  5 a vector past the IDT limit
 *     code tcg cannot know)            6 #BR after two #DEs, which
 *   3 a task gate                        Unicorn no longer reports
 * Linked at 0x1000. */
	.code32
	.text
	.globl _start

IDT = 0x20000

#define GATE(vec, handler, sel, type)			\
	mov	$handler, %eax;				\
	mov	%ax, IDT + (vec) * 8;			\
	movw	$(sel), IDT + (vec) * 8 + 2;		\
	movw	$((type) << 8), IDT + (vec) * 8 + 4;	\
	shr	$16, %eax;				\
	mov	%ax, IDT + (vec) * 8 + 6

_start:
	GATE(0, divide_error, 0x08, 0x8f)
	GATE(13, handler, 0x08, 0x8e)
	GATE(0x40, handler, 0x08, 0x0e)		/* not present */
	GATE(0x41, handler, 0x08, 0x85)		/* task gate */
	GATE(0x42, handler, 0x10, 0x8e)		/* a data segment */
	lidt	idtr
	cmp	$1, %ecx
	je	1f
	cmp	$2, %ecx
	je	2f
	cmp	$3, %ecx
	je	3f
	cmp	$4, %ecx
	je	4f
	cmp	$5, %ecx
	je	5f
	cmp	$6, %ecx
	je	6f
	hlt
1:	int	$0x40
	hlt
2:	int	$13
	hlt
3:	int	$0x41
	hlt
4:	int	$0x42
	hlt
5:	lidt	idtr_short
	int	$0x42
	hlt
6:	xor	%edx, %edx
	mov	$1, %eax
	div	%edx			/* #DE */
	mov	$1, %eax
	div	%edx			/* #DE, which Unicorn calls #DF */
	mov	$5, %eax
	bound	%eax, bounds		/* #BR: 5 is outside 0..1 */
	hlt

handler:
	iret

divide_error:
	addl	$2, (%esp)		/* return past the div */
	iret

	.p2align 2
bounds:	.long	0, 1
	.word	0
idtr:	.word	256 * 8 - 1
	.long	IDT
	.word	0
idtr_short:
	.word	0x40 * 8 - 1		/* ends before vector 0x40 */
	.long	IDT
