/* startup: exits at once; measures the cost of starting a machine. */
#include "guest.h"

	GUEST_ENTRY
	GUEST_EXIT
