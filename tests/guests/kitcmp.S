/* kitcmp: a fixed sequence of port and MMIO accesses, the same that
 * tests/check_kitcmp.c makes through the device test kit, so that the two
 * can be compared: writes to a debugport at 0x10 (4 ports) of each size,
 * two of them straddling its end, then accesses of each size to a nullmmio
 * at 0xd0000000 that takes only 2-byte accesses (the bus splits the wider
 * ones and refuses single bytes). Long mode, linked at 0x1000. */
	.code64
	.text
	.globl _start
_start:
	mov	$0x10, %dx
	mov	$0x41, %al
	out	%al, (%dx)		/* 1 byte at 0x10 */
	mov	$0x1234, %ax
	out	%ax, (%dx)		/* 2 bytes at 0x10 */
	mov	$0xdeadbeef, %eax
	out	%eax, (%dx)		/* 4 bytes at 0x10 */
	mov	$0x13, %dx
	mov	$7, %al
	out	%al, (%dx)		/* 1 byte at 0x13 */
	mov	$0x5678, %ax
	out	%ax, (%dx)		/* 2 bytes at 0x13: straddles */
	mov	$0x12, %dx
	mov	$0x9abcdef0, %eax
	out	%eax, (%dx)		/* 4 bytes at 0x12: straddles */

	mov	$0xd0000000, %edi
	movq	(%rdi), %rax		/* 8-byte read: 4 pieces */
	movl	4(%rdi), %eax		/* 4-byte read: 2 pieces */
	movw	%ax, 6(%rdi)		/* 2-byte write */
	movb	7(%rdi), %al		/* 1-byte read: refused */
	movq	%rax, 8(%rdi)		/* 8-byte write: 4 pieces */
	movl	%eax, 20(%rdi)		/* 4-byte write: 2 pieces */
	/* No misaligned access: Unicorn makes one as aligned accesses of its
	 * size around it, where kvm and the kit pass it whole (plugin.h). */
	hlt
