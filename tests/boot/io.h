/* io.h - output for the test kernels of tests/boot: COM1 (polling LSR.THRE,
 * as a real driver does) and the exit device at port 0x501. Included by
 * each kernel after its .code32 or .code64; BITS 64 picks %rsi and
 * RIP-relative addresses (the 64-bit kernel runs below where it is linked).
 *
 * putc: %al; puts: the NUL-terminated string at PTR(si); puthex: %ecx as
 * 8 hex digits; putdec: %ecx in decimal. All clobber %eax, %ecx, %edx,
 * PTR(si) and %edi; none touches %ebx or %ebp. */
#if BITS == 64
#define SI %rsi
#define DI %rdi
#define LEA(sym, reg) lea sym(%rip), reg
#else
#define SI %esi
#define DI %edi
#define LEA(sym, reg) lea sym, reg
#endif

#define PUTS(str) LEA(str, SI); call puts
#define PUTHEX(val) mov val, %ecx; call puthex
#define PUTDEC(val) mov val, %ecx; call putdec
/* exit(status) through the exit device (debugport mode = exit) */
#define EXIT(status) mov $status, %al; mov $0x501, %dx; out %al, (%dx); cli; 9: hlt; jmp 9b

putc:
	mov	%al, %ah
	mov	$0x3fd, %dx		/* LSR */
1:	in	(%dx), %al
	test	$0x20, %al		/* THRE */
	jz	1b
	mov	$0x3f8, %dx
	mov	%ah, %al
	out	%al, (%dx)
	ret

puts:
	movb	(SI), %al
	test	%al, %al
	jz	2f
	call	putc
	inc	SI
	jmp	puts
2:	ret

puthex:
	mov	$8, %edi
1:	rol	$4, %ecx
	mov	%ecx, %eax
	and	$0xf, %eax
	cmp	$10, %al
	jb	2f
	add	$('a' - 10 - '0'), %al
2:	add	$'0', %al
	call	putc			/* keeps %ecx and %edi */
	dec	%edi
	jnz	1b
	ret

/* putdec: digits backwards into decbuf, then puts from the first. */
putdec:
	LEA(decbuf_end, DI)
	movb	$0, (DI)
	mov	%ecx, %eax
1:	xor	%edx, %edx
	mov	$10, %ecx
	div	%ecx
	add	$'0', %dl
	dec	DI
	movb	%dl, (DI)
	test	%eax, %eax
	jnz	1b
	mov	DI, SI
	jmp	puts

	.bss
decbuf:	.skip	16
decbuf_end:
	.skip	4
	.text
