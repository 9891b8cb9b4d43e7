/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * irq.h - interrupt lines: what the devices drive with set_irq(), routed to
 * the machine's interrupt controller.
 *
 * A machine with `chipset = pc` has one struct vmm_irq (chipset none has
 * none: every set_irq() is -ENOTSUP). Per line it keeps the OR of the
 * levels every device drives (each device's own levels live in its struct
 * vmm_device), and hands the line to the controller when that OR changes:
 *   - VMM_IRQ_PLUGIN (tcg, and the device test kit): the controller is a
 *     device plugin (the 8259A pair, i8259.so) that attached itself with
 *     host->irqchip->attach() from create(). Its plugvm_irqchip_ops run
 *     under that device's lock, as its read() and write() do. It drives
 *     the vCPUs' INTR inputs back through vmm_irq_set_intr(), and a vCPU
 *     acknowledges with vmm_irq_ack().
 *   - VMM_IRQ_KERNEL (kvm): the kernel's PIC/IOAPIC; lines go to the
 *     hooks' line(), GSIs 0-23 but 2.
 *
 * Locks: the router's own (lines and levels) is taken inside a device's
 * lock (a device may call set_irq() from its callbacks) and outside the
 * controller's. INTR and INTA take no router lock, since the controller
 * calls vmm_irq_set_intr() under its own lock.
 *
 * Layer 3 (README.md, "Layout"), beside device.c: calls the controller
 * device's callbacks, the hooks its owner (the machine, or the test kit)
 * gives it, and the log.
 */
#ifndef VMM_IRQ_H
#define VMM_IRQ_H

#include <plugvm/plugin.h>

#include <stdbool.h>

struct vmm_device;
struct vmm_irq;

/* Lines a router can have: a bit each in a 32-bit mask. */
#define VMM_IRQ_MAX_LINES 32
/* The kernel's GSIs on kvm: the IOAPIC's 24 pins. */
#define VMM_IRQ_KERNEL_LINES 24
/* vCPUs whose INTR a router tracks. */
#define VMM_IRQ_MAX_CPUS 64

enum vmm_irq_kind {
	VMM_IRQ_PLUGIN, /* a controller plugin attaches (tcg, the kit) */
	VMM_IRQ_KERNEL, /* the accelerator's own controllers (kvm) */
};

/* What the router's owner provides. Every hook may be NULL. */
struct vmm_irq_hooks {
	void *ctx;
	/* KERNEL: drive GSI @line to @level; 0 or -errno. Under the
	 * router's lock. */
	int (*line)(void *ctx, unsigned line, bool level);
	/* PLUGIN: the controller drove vCPU @cpu's INTR to @level. Any
	 * thread, under the controller's lock: record and kick only. */
	void (*intr)(void *ctx, unsigned cpu, bool level);
	/* The level the controller receives on @line changed (both kinds).
	 * Under the router's lock. */
	void (*changed)(void *ctx, unsigned line, bool level);
};

/*
 * A router of @kind for a machine of @n_cpus vCPUs (1 to
 * VMM_IRQ_MAX_CPUS). Returns 0 and *@out, -EINVAL or -ENOMEM.
 */
int vmm_irq_new(enum vmm_irq_kind kind, unsigned n_cpus,
		const struct vmm_irq_hooks *hooks, struct vmm_irq **out);
/* NULL is fine. Devices must be gone (vmm_irq_device_gone()) first. */
void vmm_irq_free(struct vmm_irq *irq);

/*
 * PLUGIN: while @on, a device in its create() may attach as the
 * controller; the machine opens this window around creating its chipset's
 * controller only.
 */
void vmm_irq_expect_controller(struct vmm_irq *irq, bool on);

/* Whether @dev is the attached controller (whose lock set_irq() needs). */
bool vmm_irq_is_controller(const struct vmm_irq *irq,
			   const struct vmm_device *dev);

/* Whether a controller is attached (PLUGIN) or the kind is KERNEL. */
bool vmm_irq_ready(const struct vmm_irq *irq);

/*
 * host->irqchip->attach(): 0, -EPERM (no router, KERNEL, outside the
 * window, or @dev not creating), -EBUSY (one is attached), -EINVAL (@ops
 * NULL, without set_irq or ack, nr_lines 0). Logs nothing: the caller
 * (the controller's create()) says why it fails.
 */
int vmm_irq_attach(struct vmm_irq *irq, struct vmm_device *dev,
		   const struct plugvm_irqchip_ops *ops, void *opaque);

/*
 * host->irqchip->set_intr(): only from the attached controller, for a vCPU
 * the machine has (else a plugin bug, logged once per router).
 */
void vmm_irq_set_intr(struct vmm_irq *irq, struct vmm_device *dev,
		      unsigned cpu, bool level);

/* vCPU @cpu's INTR as the controller last drove it. */
bool vmm_irq_intr(const struct vmm_irq *irq, unsigned cpu);

/*
 * The INTA cycle of vCPU @cpu: the controller's ack() under its lock.
 * Returns the vector, or -1 without a controller.
 */
int vmm_irq_ack(struct vmm_irq *irq, unsigned cpu);

/*
 * host->set_irq(): @dev drives @line to @level. Returns 0, -ENOTSUP (NULL
 * @irq: chipset none; PLUGIN before a controller attached), -EINVAL (a
 * line the machine does not have, as plugin.h lists them; the
 * controller's own refusal, e.g. the 8259A's cascade), or the -errno of
 * the hooks' line(). A refused call changes nothing. Logs nothing: the
 * host table says the first refusal of each device
 * (vmm_irq_refusal()).
 */
int vmm_irq_set(struct vmm_irq *irq, struct vmm_device *dev, unsigned line,
		bool level);

/*
 * @dev goes away: the controller detaches if it is @dev; else every line
 * @dev drives high is lowered (the controller sees the new OR).
 */
void vmm_irq_device_gone(struct vmm_irq *irq, struct vmm_device *dev);

/* KERNEL: the accelerator can take lines from now on (before, levels are
 * only kept): hand it every line that is high. 0 or the first -errno. */
int vmm_irq_replay(struct vmm_irq *irq);

/*
 * The warning for @dev's first refused set_irq(@line) with @err (-ENOTSUP
 * or -EINVAL), into @buf: it names the line and the fix (`[machine]
 * chipset = pc`, or the lines the machine has). Returns @buf.
 */
const char *vmm_irq_refusal(const struct vmm_irq *irq, unsigned line, int err,
			    char *buf, size_t len);

#endif
