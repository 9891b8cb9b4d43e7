/* bzimage: a synthetic Linux bzImage (boot protocol 2.15) whose kernel
 * reports what the loader handed it instead of booting. check_boot.c
 * loads it with boot-linux.c and runs it on tcg, entered at either entry
 * point: code32_start (offset 0 of the protected-mode part) or the 64-bit
 * entry (offset 0x200). Each writes to port 0x80, in this order: the
 * entry (32 or 64), ESI, CS, DS, SS, the "HdrS" magic and type_of_loader
 * in the zero page, the first 4 bytes at cmd_line_ptr, the number of e820
 * entries, the size of the first, ramdisk_image, ramdisk_size, the first
 * 4 bytes of the initrd, CR0, and EFER's low half; then out to 0xf4
 * (stop). Position-independent: it only addresses through ESI/RSI. */
	.text
	.globl _start
_start:
	.org	0x1f1
	.byte	1			/* setup_sects: setup is 2 sectors */
	.org	0x1fe
	.word	0xaa55			/* boot_flag */
	.byte	0xeb, 0x66		/* jump; the header ends at 0x268 */
	.ascii	"HdrS"			/* 0x202 */
	.word	0x020f			/* version 2.15 */
	.org	0x211
	.byte	0x01			/* loadflags: LOADED_HIGH */
	.org	0x214
	.long	0x100000		/* code32_start */
	.org	0x22c
	.long	0x7fffffff		/* initrd_addr_max */
	.long	0x200000		/* kernel_alignment */
	.byte	0			/* relocatable_kernel */
	.org	0x236
	.word	0x0001			/* xloadflags: XLF_KERNEL_64 */
	.long	2047			/* cmdline_size */
	.org	0x258
	.quad	0x100000		/* pref_address */
	.long	0x20000			/* init_size */
	.org	0x400

	.macro	report32 src
	mov	\src, %eax
	out	%eax, $0x80
	.endm

/* code32_start: flat 32-bit protected mode, ESI = boot_params */
	.code32
entry32:
	report32 $32
	report32 %esi
	report32 %cs
	report32 %ds
	report32 %ss
	report32 0x202(%esi)
	movzbl	0x210(%esi), %eax
	out	%eax, $0x80
	mov	0x228(%esi), %ebx
	report32 (%ebx)
	movzbl	0x1e8(%esi), %eax
	out	%eax, $0x80
	report32 0x2d8(%esi)
	report32 0x218(%esi)
	report32 0x21c(%esi)
	mov	0x218(%esi), %ebx
	report32 (%ebx)
	report32 %cr0
	mov	$0xc0000080, %ecx
	rdmsr
	out	%eax, $0x80
	out	%al, $0xf4
	hlt

	.org	0x600
/* the 64-bit entry, load address + 0x200: long mode, RSI = boot_params */
	.code64
entry64:
	report32 $64
	report32 %esi
	mov	%cs, %eax
	out	%eax, $0x80
	mov	%ds, %eax
	out	%eax, $0x80
	mov	%ss, %eax
	out	%eax, $0x80
	report32 0x202(%rsi)
	movzbl	0x210(%rsi), %eax
	out	%eax, $0x80
	mov	0x228(%rsi), %ebx
	report32 (%rbx)
	movzbl	0x1e8(%rsi), %eax
	out	%eax, $0x80
	report32 0x2d8(%rsi)
	report32 0x218(%rsi)
	report32 0x21c(%rsi)
	mov	0x218(%rsi), %ebx
	report32 (%rbx)
	mov	%cr0, %rax
	out	%eax, $0x80
	mov	$0xc0000080, %ecx
	rdmsr
	out	%eax, $0x80
	out	%al, $0xf4
	hlt
	.org	0x800
