/* pgcs: protected mode with paging on, mapping only the low 256 KiB
 * (not plugvm's GDT at the top of RAM), then an INT through a gate that
 * names another code segment. tcg must refuse that delivery as a guest
 * fault: Unicorn would read the new descriptor through the MMU outside
 * its run loop, and the page fault there crashed the process. Linked at
 * 0x1000. */
	.code32
	.text
	.globl _start

IDT = 0x20000
PD = 0x30000
PT = 0x31000

_start:
	movl	$PT + 3, PD		/* present, writable */
	xor	%ecx, %ecx
1:	mov	%ecx, %eax
	shl	$12, %eax
	or	$3, %eax
	mov	%eax, PT(,%ecx,4)	/* 0-256 KiB, identity */
	inc	%ecx
	cmp	$64, %ecx
	jne	1b
	mov	$PD, %eax
	mov	%eax, %cr3
	mov	%cr0, %eax
	or	$0x80000000, %eax	/* CR0.PG */
	mov	%eax, %cr0

	mov	$handler, %eax
	mov	%ax, IDT + 0x40 * 8
	movw	$0x18, IDT + 0x40 * 8 + 2	/* not the current CS (0x08) */
	movw	$0x8e00, IDT + 0x40 * 8 + 4
	shr	$16, %eax
	mov	%ax, IDT + 0x40 * 8 + 6
	lidt	idtr
	int	$0x40
	hlt

handler:
	iret

	.p2align 2
	.word	0
idtr:	.word	256 * 8 - 1
	.long	IDT
