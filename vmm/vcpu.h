/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vcpu.h - the shared exit loop (see accel.h for vmm_exit_handle()). */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include "vm.h"

/* Run @vcpu until it halts or the machine stops (threaded accelerators). */
void vmm_vcpu_loop(struct vmm_vcpu *vcpu);

/* Called once when @vcpu halted for good; stops the machine when it was
 * the last vCPU running. Defined in vm.c. */
void vmm_vcpu_halted(struct vmm_vcpu *vcpu);

#endif
