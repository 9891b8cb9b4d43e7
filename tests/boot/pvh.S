/* pvh: an ELF32 kernel with Xen's PHYS32_ENTRY note, booted by PVH as
 * QEMU's -kernel boots such an ELF file (Linux's vmlinux is one). Its ELF
 * entry point says FAIL: plugvm must enter at the note's address. It
 * prints the hvm_start_info EBX points to: magic, version, command line,
 * each module (its command line and contents) and the memory map; checks
 * flat 32-bit protected mode with paging and interrupts off; exits with
 * status 42, or 13 after saying what was wrong. */
#define BITS 32
	.code32
	.text
	.globl	_start
#include "io.h"

/* The ELF entry point: not where a PVH kernel starts. */
_start:
	mov	$stack_top, %esp
	PUTS(s_bad_entry)
	EXIT(13)

pvh_start:
	mov	$stack_top, %esp
	mov	%ebx, info
	mov	%cr0, %eax
	test	$1, %eax
	jz	bad_cpu
	test	$0x80000000, %eax
	jnz	bad_cpu
	pushf
	pop	%eax
	test	$0x200, %eax
	jnz	bad_cpu
	PUTS(s_cpu)
	mov	info, %ebx
	PUTS(s_magic)
	PUTHEX((%ebx))
	PUTS(s_version)
	PUTDEC(4(%ebx))
	PUTS(s_cmdline)
	mov	24(%ebx), %esi		/* cmdline_paddr (below 4 GiB) */
	call	puts
	PUTS(s_quote_nl)

	PUTS(s_mods)
	PUTDEC(12(%ebx))
	PUTS(s_nl)
	mov	16(%ebx), %ebp		/* modlist_paddr */
	mov	12(%ebx), %eax
	mov	%eax, left
mod_loop:
	cmpl	$0, left
	je	mods_done
	PUTS(s_mod)
	PUTDEC(8(%ebp))			/* size */
	PUTS(s_mod_cmdline)
	mov	16(%ebp), %esi		/* cmdline_paddr, or 0 */
	test	%esi, %esi
	jnz	1f
	LEA(s_none, %esi)
1:	call	puts
	PUTS(s_mod_data)
	mov	(%ebp), %ebx
	mov	%ebx, %edi
	add	8(%ebp), %edi
	mov	%edi, mod_end
1:	cmp	mod_end, %ebx
	jae	2f
	movb	(%ebx), %al
	call	putc
	inc	%ebx
	jmp	1b
2:	mov	info, %ebx
	add	$32, %ebp
	decl	left
	jmp	mod_loop
mods_done:

	mov	40(%ebx), %ebp		/* memmap_paddr */
	mov	48(%ebx), %eax		/* memmap_entries */
	mov	%eax, left
mmap_loop:
	cmpl	$0, left
	je	mmap_done
	PUTS(s_mmap)
	PUTHEX(4(%ebp))
	PUTHEX((%ebp))
	PUTS(s_sp)
	PUTHEX(12(%ebp))
	PUTHEX(8(%ebp))
	PUTS(s_sp)
	PUTDEC(16(%ebp))
	PUTS(s_nl)
	add	$24, %ebp
	decl	left
	jmp	mmap_loop
mmap_done:
	PUTS(s_ok)
	EXIT(42)
bad_cpu:
	PUTS(s_bad_cpu)
	EXIT(13)

/* The note QEMU and plugvm look for: name "Xen", type 18, the entry. */
	.section .note.Xen, "a"
	.align	4
	.long	4			/* namesz */
	.long	4			/* descsz */
	.long	18			/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz	"Xen"
	.long	pvh_start

	.section .rodata
s_bad_entry:	.asciz	"FAIL: entered at the ELF entry point, not the PVH note's\n"
s_cpu:		.asciz	"pvh: flat 32-bit protected mode, paging and interrupts off\n"
s_magic:	.asciz	"start_info magic "
s_version:	.asciz	", version "
s_cmdline:	.asciz	"\ncmdline '"
s_quote_nl:	.asciz	"'\n"
s_mods:		.asciz	"modules: "
s_mod:		.asciz	"module: "
s_mod_cmdline:	.asciz	" bytes, cmdline '"
s_none:		.asciz	"(none)"
s_mod_data:	.asciz	"':\n"
s_mmap:		.asciz	"memmap "
s_sp:		.asciz	" "
s_nl:		.asciz	"\n"
s_ok:		.asciz	"pvh: ok\n"
s_bad_cpu:	.asciz	"FAIL: not in flat 32-bit protected mode with paging and interrupts off\n"

	.data
info:		.long	0
left:		.long	0
mod_end:	.long	0

	.bss
	.align	16
	.skip	4096
stack_top:
