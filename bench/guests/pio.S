/* pio: ECX writes of one byte to port 0x80 (a no-op device everywhere),
 * then exit. Each OUT is one exit to the host. */
#include "guest.h"

	GUEST_ENTRY
	jecxz	2f
1:	out	%al, $0x80
	dec	%ecx
	jnz	1b
2:	GUEST_EXIT
