/* mmio: ECX 32-bit writes to 0xd0000000, which is no RAM anywhere (QEMU pc:
 * unassigned; plugvm: a nullmmio device; raw Unicorn: a uc_mmio_map
 * region), then exit. Each write is one exit to the host. */
#include "guest.h"

	GUEST_ENTRY
	mov	$0xd0000000, %edi
	jecxz	2f
1:	movl	%eax, (%edi)
	dec	%ecx
	jnz	1b
2:	GUEST_EXIT
