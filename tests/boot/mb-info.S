/* mb-info: a multiboot v1 kernel that prints the multiboot information it
 * was started with on COM1: the magic in EAX, the information's flags,
 * mem_lower/mem_upper, its command line (past the kernel's path), the boot
 * loader's name, each module (its arguments and contents), and the memory
 * map; then checks the CPU state the specification promises (flat 32-bit
 * protected mode, paging and interrupts off) and exits with status 42
 * through the exit device, or 13 after saying what was wrong.
 *
 * Built twice: as an ELF file (mb-info.elf, the header without the a.out
 * kludge) and, with -DAOUT, as a flat binary whose header carries the load
 * addresses (mb-aout.bin). Linked at 1 MiB. */
#define BITS 32
#define MB_MAGIC 0x1BADB002
#ifdef AOUT
#define MB_FLAGS 0x00010003	/* page-aligned modules, memory, a.out */
#else
#define MB_FLAGS 0x00000003	/* page-aligned modules, memory */
#endif
	.code32
	.text
	.globl	_start
	.align	4
mb_header:
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)
#ifdef AOUT
	.long	mb_header		/* header_addr */
	.long	mb_header		/* load_addr: the file starts here */
	.long	_edata			/* load_end_addr */
	.long	_end			/* bss_end_addr */
	.long	_start			/* entry_addr */
#endif

#include "io.h"

_start:
	mov	$stack_top, %esp
	mov	%eax, magic
	mov	%ebx, mbi
	PUTS(s_magic)
	PUTHEX(magic)
	cmpl	$0x2BADB002, magic
	jne	bad_magic

	/* the CPU state multiboot promises */
	mov	%cr0, %eax
	test	$1, %eax
	jz	bad_cpu
	test	$0x80000000, %eax
	jnz	bad_cpu
	pushf
	pop	%eax
	test	$0x200, %eax		/* IF */
	jnz	bad_cpu
	PUTS(s_cpu)

	mov	mbi, %ebx
	PUTS(s_flags)
	PUTHEX((%ebx))
	PUTS(s_lower)
	PUTDEC(4(%ebx))
	PUTS(s_upper)
	PUTDEC(8(%ebx))

	/* the command line: "KERNEL ARGS", printed from past the path */
	PUTS(s_cmdline)
	mov	16(%ebx), %esi
1:	cmpb	$0, (%esi)
	je	2f
	cmpb	$' ', (%esi)
	je	2f
	inc	%esi
	jmp	1b
2:	cmpb	$' ', (%esi)
	jne	3f
	inc	%esi
3:	call	puts
	PUTS(s_quote_nl)

	PUTS(s_loader)
	mov	64(%ebx), %esi
	call	puts
	PUTS(s_nl)

	/* modules: page-aligned, above the kernel, below the end of RAM */
	PUTS(s_mods)
	PUTDEC(20(%ebx))
	PUTS(s_nl)
	mov	24(%ebx), %ebp		/* the module list */
	mov	20(%ebx), %eax
	mov	%eax, left
mod_loop:
	cmpl	$0, left
	je	mods_done
	mov	(%ebp), %eax
	test	$0xfff, %eax
	jnz	bad_mod
	cmp	$_end, %eax
	jb	bad_mod
	PUTS(s_mod)
	mov	4(%ebp), %ecx
	sub	(%ebp), %ecx
	call	putdec
	PUTS(s_mod_args)
	mov	8(%ebp), %esi		/* "PATH ARGS": the ARGS */
1:	cmpb	$0, (%esi)
	je	2f
	cmpb	$' ', (%esi)
	je	3f
	inc	%esi
	jmp	1b
3:	inc	%esi
2:	call	puts
	PUTS(s_mod_data)
	mov	(%ebp), %ebx		/* the contents, byte by byte */
1:	cmp	4(%ebp), %ebx
	jae	2f
	movb	(%ebx), %al
	call	putc
	inc	%ebx
	jmp	1b
2:	mov	mbi, %ebx
	add	$16, %ebp
	decl	left
	jmp	mod_loop
mods_done:

	/* the memory map: "size" counts the bytes after itself */
	mov	48(%ebx), %ebp
	mov	44(%ebx), %eax
	add	%ebp, %eax
	mov	%eax, left		/* its end */
mmap_loop:
	cmp	left, %ebp
	jae	mmap_done
	PUTS(s_mmap)
	PUTHEX(8(%ebp))
	PUTHEX(4(%ebp))
	PUTS(s_sp)
	PUTHEX(16(%ebp))
	PUTHEX(12(%ebp))
	PUTS(s_sp)
	PUTDEC(20(%ebp))
	PUTS(s_nl)
	add	(%ebp), %ebp
	add	$4, %ebp
	jmp	mmap_loop
mmap_done:
	PUTS(s_ok)
	EXIT(42)

bad_magic:
	PUTS(s_bad_magic)
	EXIT(13)
bad_cpu:
	PUTS(s_bad_cpu)
	EXIT(13)
bad_mod:
	PUTS(s_bad_mod)
	EXIT(13)

	.section .rodata
s_magic:	.asciz	"multiboot: eax "
s_cpu:		.asciz	"\nflat 32-bit protected mode, paging and interrupts off\n"
s_flags:	.asciz	"flags "
s_lower:	.asciz	"\nmem_lower "
s_upper:	.asciz	" KiB, mem_upper "
s_cmdline:	.asciz	" KiB\ncmdline '"
s_quote_nl:	.asciz	"'\n"
s_loader:	.asciz	"boot loader: "
s_mods:		.asciz	"modules: "
s_mod:		.asciz	"module: "
s_mod_args:	.asciz	" bytes, page-aligned, args '"
s_mod_data:	.asciz	"':\n"
s_mmap:		.asciz	"mmap "
s_sp:		.asciz	" "
s_nl:		.asciz	"\n"
s_ok:		.asciz	"mb-info: ok\n"
s_bad_magic:	.asciz	"\nFAIL: EAX is not 0x2BADB002\n"
s_bad_cpu:	.asciz	"FAIL: not in flat 32-bit protected mode with paging and interrupts off\n"
s_bad_mod:	.asciz	"FAIL: a module is not page-aligned above the kernel\n"

	.data
magic:	.long	0
mbi:	.long	0
left:	.long	0

	.bss
	.align	16
	.skip	4096
stack_top:
