// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * irq.c - set_irq() routing: per line, the OR of what every device drives,
 * handed to the chipset's interrupt controller when it changes.
 */
#include "config.h"

#include "irq.h"

#include "device.h"
#include "log.h"
#include "wake.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vmm_irq {
	enum vmm_irq_kind kind;
	unsigned n_cpus;
	struct vmm_irq_hooks hooks;

	/* @lock guards the lines, every device's irq_levels and the
	 * controller's attachment. */
	pthread_mutex_t lock;
	unsigned count[VMM_IRQ_MAX_LINES]; /* devices driving it high */
	/* PLUGIN: lines the controller took, and refused, so far; a line in
	 * neither is handed over on its first set_irq() to learn which */
	uint32_t valid, invalid;
	bool expecting; /* the controller may attach now */
	/* KERNEL: the accelerator takes lines (vmm_irq_replay() ran); until
	 * then levels are only kept, so that a device's own thread never
	 * sees the accelerator half made */
	bool kernel_ready;
	struct vmm_device *ctl; /* the controller device, or NULL */
	const struct plugvm_irqchip_ops *ops;
	void *opaque;

	_Atomic uint64_t intr; /* bit n: vCPU n's INTR */
	atomic_bool bug_said; /* a misuse of irqchip->set_intr() */
};

int vmm_irq_new(enum vmm_irq_kind kind, unsigned n_cpus,
		const struct vmm_irq_hooks *hooks, struct vmm_irq **out)
{
	struct vmm_irq *irq;

	if (!n_cpus || n_cpus > VMM_IRQ_MAX_CPUS)
		return -EINVAL;
	irq = calloc(1, sizeof(*irq));
	if (!irq)
		return -ENOMEM;
	irq->kind = kind;
	irq->n_cpus = n_cpus;
	if (hooks)
		irq->hooks = *hooks;
	pthread_mutex_init(&irq->lock, NULL);
	atomic_init(&irq->intr, 0);
	atomic_init(&irq->bug_said, false);
	*out = irq;
	return 0;
}

void vmm_irq_free(struct vmm_irq *irq)
{
	if (!irq)
		return;
	pthread_mutex_destroy(&irq->lock);
	free(irq);
}

void vmm_irq_expect_controller(struct vmm_irq *irq, bool on)
{
	pthread_mutex_lock(&irq->lock);
	irq->expecting = on;
	pthread_mutex_unlock(&irq->lock);
}

bool vmm_irq_is_controller(const struct vmm_irq *irq,
			   const struct vmm_device *dev)
{
	struct vmm_irq *m = (struct vmm_irq *)irq;
	bool is;

	if (!irq || !dev)
		return false;
	pthread_mutex_lock(&m->lock);
	is = irq->ctl == dev;
	pthread_mutex_unlock(&m->lock);
	return is;
}

bool vmm_irq_ready(const struct vmm_irq *irq)
{
	struct vmm_irq *m = (struct vmm_irq *)irq;
	bool ready;

	if (!irq)
		return false;
	pthread_mutex_lock(&m->lock);
	ready = irq->kind == VMM_IRQ_KERNEL || irq->ops;
	pthread_mutex_unlock(&m->lock);
	return ready;
}

int vmm_irq_attach(struct vmm_irq *irq, struct vmm_device *dev,
		   const struct plugvm_irqchip_ops *ops, void *opaque)
{
	int ret = 0;

	if (!irq || irq->kind != VMM_IRQ_PLUGIN || !dev || !dev->creating)
		return -EPERM;
	pthread_mutex_lock(&irq->lock);
	if (!irq->expecting)
		ret = -EPERM;
	else if (irq->ctl)
		ret = -EBUSY;
	else if (!ops || !ops->set_irq || !ops->ack || !ops->nr_lines)
		ret = -EINVAL;
	if (!ret) {
		irq->ctl = dev;
		irq->ops = ops;
		irq->opaque = opaque;
		irq->valid = irq->invalid = 0;
	}
	pthread_mutex_unlock(&irq->lock);
	return ret;
}

/* A plugin bug with the irqchip functions: said once per router. */
static void irqchip_bug(struct vmm_irq *irq, const struct vmm_device *dev,
			const char *what, unsigned cpu)
{
	if (atomic_exchange(&irq->bug_said, true))
		return;
	vmm_err("%s: plugin bug: irqchip->set_intr(cpu %u) %s (further misuse is not reported)",
		dev ? dev->id : "?", cpu, what);
}

void vmm_irq_set_intr(struct vmm_irq *irq, struct vmm_device *dev,
		      unsigned cpu, bool level)
{
	uint64_t bit = 1ull << (cpu % VMM_IRQ_MAX_CPUS);

	if (!irq)
		return;
	/* The controller attached from create(): @ctl is settled before any
	 * of its callbacks can run on another thread. */
	if (dev != irq->ctl) {
		irqchip_bug(irq, dev,
			    "from a device that is not the machine's interrupt controller",
			    cpu);
		return;
	}
	if (cpu >= irq->n_cpus) {
		irqchip_bug(irq, dev, "for a vCPU the machine does not have",
			    cpu);
		return;
	}
	if (level)
		atomic_fetch_or(&irq->intr, bit);
	else
		atomic_fetch_and(&irq->intr, ~bit);
	if (irq->hooks.intr)
		irq->hooks.intr(irq->hooks.ctx, cpu, level);
}

bool vmm_irq_intr(const struct vmm_irq *irq, unsigned cpu)
{
	if (!irq || cpu >= irq->n_cpus)
		return false;
	return (atomic_load(&((struct vmm_irq *)irq)->intr) >> cpu) & 1;
}

/* The controller's lock: its device's, unless it is thread-safe. */
static pthread_mutex_t *ctl_lock(const struct vmm_irq *irq)
{
	return irq->ctl->owner.lock;
}

int vmm_irq_ack(struct vmm_irq *irq, unsigned cpu)
{
	struct vmm_guard_frame g;
	pthread_mutex_t *l;
	int vector;

	if (!irq || irq->kind != VMM_IRQ_PLUGIN || !irq->ops)
		return -1;
	g = vmm_guard_enter(&irq->ctl->owner.who, "ack()");
	l = ctl_lock(irq);
	if (l)
		pthread_mutex_lock(l);
	vector = irq->ops->ack(irq->opaque, cpu);
	if (l)
		pthread_mutex_unlock(l);
	vmm_guard_leave(g);
	return vector;
}

/* Hand @line at @level to the controller. Router lock held. */
static int deliver(struct vmm_irq *irq, unsigned line, bool level)
{
	uint32_t bit = 1u << line;
	struct vmm_guard_frame g;
	pthread_mutex_t *l;
	int ret;

	if (irq->kind == VMM_IRQ_KERNEL)
		return irq->kernel_ready && irq->hooks.line
			       ? irq->hooks.line(irq->hooks.ctx, line, level)
			       : 0;
	g = vmm_guard_enter(&irq->ctl->owner.who, "set_irq()");
	l = ctl_lock(irq);
	if (l)
		pthread_mutex_lock(l);
	ret = irq->ops->set_irq(irq->opaque, line, level);
	if (l)
		pthread_mutex_unlock(l);
	vmm_guard_leave(g);
	if (ret > 0 || ret < -4095)
		ret = -EINVAL; /* not an errno: the controller's bug */
	if (ret == -EINVAL)
		irq->invalid |= bit;
	else if (!ret)
		irq->valid |= bit;
	return ret;
}

/* The lines a router has, before asking the controller. Lock held. */
static int check_line(const struct vmm_irq *irq, const struct vmm_device *dev,
		      unsigned line)
{
	if (irq->kind == VMM_IRQ_KERNEL)
		return line < VMM_IRQ_KERNEL_LINES && line != 2 ? 0 : -EINVAL;
	if (!irq->ops)
		return -ENOTSUP;
	if (dev == irq->ctl) /* it would wait for its own lock */
		return -EINVAL;
	if (line >= VMM_IRQ_MAX_LINES || line >= irq->ops->nr_lines ||
	    (irq->invalid >> line) & 1)
		return -EINVAL;
	return 0;
}

int vmm_irq_set(struct vmm_irq *irq, struct vmm_device *dev, unsigned line,
		bool level)
{
	uint32_t bit = 1u << (line % VMM_IRQ_MAX_LINES);
	bool was, now, unknown;
	int ret;

	if (!irq)
		return -ENOTSUP;
	/* the vCPU the controller wakes: once both locks are free (wake.h) */
	vmm_wake_lock(&irq->lock);
	ret = check_line(irq, dev, line);
	if (ret)
		goto out_unlock;
	was = irq->count[line] > 0;
	unknown = irq->kind == VMM_IRQ_PLUGIN && !(irq->valid & bit);
	if (!(dev->irq_levels & bit) == !level) {
		/* the device's level stands; a new line is still checked */
		if (unknown)
			ret = deliver(irq, line, was);
		goto out_unlock;
	}
	dev->irq_levels ^= bit;
	if (level)
		irq->count[line]++;
	else
		irq->count[line]--;
	now = irq->count[line] > 0;
	if (was == now && !unknown)
		goto out_unlock;
	ret = deliver(irq, line, now);
	if (ret) { /* refused: as if it never happened */
		dev->irq_levels ^= bit;
		if (level)
			irq->count[line]--;
		else
			irq->count[line]++;
	} else if (was != now && irq->hooks.changed) {
		irq->hooks.changed(irq->hooks.ctx, line, now);
	}
out_unlock:
	vmm_wake_unlock(&irq->lock);
	return ret;
}

void vmm_irq_device_gone(struct vmm_irq *irq, struct vmm_device *dev)
{
	if (!irq || !dev)
		return;
	vmm_wake_lock(&irq->lock);
	if (dev == irq->ctl) {
		irq->ctl = NULL;
		irq->ops = NULL;
		irq->opaque = NULL;
		irq->valid = irq->invalid = 0;
		atomic_store(&irq->intr, 0);
	}
	for (unsigned line = 0; dev->irq_levels; line++) {
		uint32_t bit = 1u << line;

		if (!(dev->irq_levels & bit))
			continue;
		dev->irq_levels &= ~bit;
		if (--irq->count[line])
			continue;
		if (irq->kind == VMM_IRQ_KERNEL || irq->ops)
			deliver(irq, line, false);
		if (irq->hooks.changed)
			irq->hooks.changed(irq->hooks.ctx, line, false);
	}
	vmm_wake_unlock(&irq->lock);
}

int vmm_irq_replay(struct vmm_irq *irq)
{
	int ret = 0;

	if (!irq || irq->kind != VMM_IRQ_KERNEL)
		return 0;
	pthread_mutex_lock(&irq->lock);
	irq->kernel_ready = true;
	for (unsigned line = 0; line < VMM_IRQ_KERNEL_LINES && !ret; line++)
		if (irq->count[line])
			ret = deliver(irq, line, true);
	pthread_mutex_unlock(&irq->lock);
	return ret;
}

const char *vmm_irq_refusal(const struct vmm_irq *irq, unsigned line, int err,
			    char *buf, size_t len)
{
	if (!irq && err != -ENOTSUP) /* a test kit's forced answer */
		snprintf(buf, len,
			 "set_irq(line %u): refused: %s (further refusals are not reported)",
			 line, strerror(-err));
	else if (!irq || err == -ENOTSUP)
		snprintf(buf, len,
			 "set_irq(line %u): the machine has no interrupt controller (chipset none), so no interrupt is delivered; set `chipset = pc` in its [machine] section (further refusals are not reported)",
			 line);
	else if (irq->kind == VMM_IRQ_KERNEL)
		snprintf(buf, len,
			 "set_irq(line %u): the machine has no such interrupt line: chipset pc on kvm has lines 0-23 but 2 (the cascade), and only 0-15 but 2 on tcg (further refusals are not reported)",
			 line);
	else
		snprintf(buf, len,
			 "set_irq(line %u): the machine has no such interrupt line: chipset pc on tcg has lines 0-15 but 2 (the cascade; a device on the ISA bus's IRQ2 uses 9), and 16-23 only on kvm (further refusals are not reported)",
			 line);
	return buf;
}
