/* compute: ECX iterations of 10 plain register instructions (8 ALU
 * operations, dec, jnz) with no exit, then exit. */
#include "guest.h"

	GUEST_ENTRY
	mov	$0x12345678, %eax
	mov	$0x9abcdef0, %edx
	xor	%ebx, %ebx
	jecxz	2f
1:	add	%edx, %eax
	xor	%eax, %edx
	rol	$5, %eax
	sub	%ecx, %edx
	lea	1(%eax,%edx,2), %ebx
	and	$0x7fffffff, %ebx
	or	%ebx, %eax
	shr	$1, %edx
	dec	%ecx
	jnz	1b
2:	GUEST_EXIT
