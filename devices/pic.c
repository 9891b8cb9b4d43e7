// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pic.c - the PC's 8259A master/slave pair as plugvm's tcg interrupt
 * controller (i8259.so): the plugin glue around the model in i8259.c.
 *
 * plugvm creates it itself, as device "pic", for `[machine] chipset = pc`
 * on tcg (the device test kit for plugvm_devtest_set_chipset(t, "pc")); a
 * [device] section cannot, since only the chipset's controller may attach
 * (host->irqchip->attach()). Ports:
 *   0x20-0x21  master: command (ICW1, OCW2, OCW3; IRR/ISR/poll reads),
 *              data (ICW2-4, OCW1 = IMR)
 *   0xa0-0xa1  slave, the same, cascaded on the master's IR2
 *   0x4d0-0x4d1 ELCR of master and slave: 1 = level-triggered input
 * all byte-wide, as on the chips (and under kvm's in-kernel PIC).
 *
 * The host hands it the OR of the levels devices drive on IRQ 0-15
 * (set_irq, under this device's lock); it drives vCPU 0's INTR with
 * irqchip->set_intr() and answers the vCPU's INTA cycle (ack). What the
 * guest does that the model ignores or corrects (i8259.h, enum
 * i8259_report) is logged as a guest error, rate-limited.
 */
#include "config.h"

#include "i8259.h"

#include <plugvm/plugin.h>

#include <errno.h>
#include <stdlib.h>

/* Guest-error reports logged before the device goes quiet. */
#define PIC_REPORT_LIMIT 16

struct pic {
	struct plugvm_device *dev;
	const struct plugvm_host *host;
	struct i8259 model;
	unsigned reports;
};

/* The model's INTR output is vCPU 0's INTR input (the BSP's LINT0). */
static void pic_intr(void *opaque, bool level)
{
	struct pic *p = opaque;

	p->host->irqchip->set_intr(p->dev, 0, level);
}

static void pic_report(void *opaque, unsigned int chip, enum i8259_report what,
		       uint8_t value)
{
	struct pic *p = opaque;

	if (p->reports > PIC_REPORT_LIMIT)
		return;
	if (p->reports++ == PIC_REPORT_LIMIT) {
		p->host->log(p->dev, PLUGVM_LOG_GUEST_ERROR,
			     "further guest errors are not reported");
		return;
	}
	p->host->log(p->dev, PLUGVM_LOG_GUEST_ERROR, "%s: %s (value 0x%02x)",
		     chip == I8259_MASTER ? "master" : "slave",
		     i8259_report_str(what), value);
}

static const struct i8259_ops pic_model_ops = {
	.intr = pic_intr,
	.report = pic_report,
};

static uint64_t pic_master_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pic *p = opaque;

	(void)size;
	return i8259_read(&p->model, I8259_MASTER, (unsigned)offset);
}

static void pic_master_write(void *opaque, uint64_t offset, unsigned size,
			     uint64_t value)
{
	struct pic *p = opaque;

	(void)size;
	i8259_write(&p->model, I8259_MASTER, (unsigned)offset, (uint8_t)value);
}

static uint64_t pic_slave_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pic *p = opaque;

	(void)size;
	return i8259_read(&p->model, I8259_SLAVE, (unsigned)offset);
}

static void pic_slave_write(void *opaque, uint64_t offset, unsigned size,
			    uint64_t value)
{
	struct pic *p = opaque;

	(void)size;
	i8259_write(&p->model, I8259_SLAVE, (unsigned)offset, (uint8_t)value);
}

/* 0x4d0: the master's ELCR, 0x4d1: the slave's. */
static uint64_t pic_elcr_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pic *p = opaque;

	(void)size;
	return i8259_elcr_read(&p->model, (unsigned)offset);
}

static void pic_elcr_write(void *opaque, uint64_t offset, unsigned size,
			   uint64_t value)
{
	struct pic *p = opaque;

	(void)size;
	i8259_elcr_write(&p->model, (unsigned)offset, (uint8_t)value);
}

static const struct plugvm_io_ops pic_master_ops = {
	.read = pic_master_read,
	.write = pic_master_write,
	.sizes = PLUGVM_ACCESS_1,
};

static const struct plugvm_io_ops pic_slave_ops = {
	.read = pic_slave_read,
	.write = pic_slave_write,
	.sizes = PLUGVM_ACCESS_1,
};

static const struct plugvm_io_ops pic_elcr_ops = {
	.read = pic_elcr_read,
	.write = pic_elcr_write,
	.sizes = PLUGVM_ACCESS_1,
};

/* The controller's side of the host: lines in, INTA. Under our lock. */
static int pic_set_irq(void *opaque, unsigned line, bool level)
{
	struct pic *p = opaque;

	return i8259_set_irq(&p->model, line, level);
}

static uint8_t pic_ack(void *opaque, unsigned cpu)
{
	struct pic *p = opaque;

	(void)cpu; /* only vCPU 0's INTR is wired */
	return i8259_ack(&p->model);
}

static const struct plugvm_irqchip_ops pic_irqchip_ops = {
	.set_irq = pic_set_irq,
	.ack = pic_ack,
	.nr_lines = I8259_NR_IRQS,
};

/* Why attach() refused us, for the user. */
static int pic_attach_failed(struct pic *p, int err)
{
	if (err == -EPERM)
		p->host->log(p->dev, PLUGVM_LOG_ERROR,
			     "i8259 is the interrupt controller of `[machine] chipset = pc`, which plugvm creates itself (as device \"pic\", on tcg); it cannot be a [device] of the machine file: remove this section and set `chipset = pc`");
	else if (err == -EBUSY)
		p->host->log(p->dev, PLUGVM_LOG_ERROR,
			     "the machine has an interrupt controller already");
	else
		p->host->log(p->dev, PLUGVM_LOG_ERROR,
			     "cannot become the machine's interrupt controller (error %d)",
			     err);
	return err;
}

static int pic_create(struct plugvm_device *dev, const struct plugvm_host *host,
		      const struct plugvm_value *values, void **state)
{
	struct pic *p;
	int ret;

	(void)values;
	if (host->api_version < 2 || !host->irqchip) {
		host->log(dev, PLUGVM_LOG_ERROR,
			  "the host has no interrupt controller interface (API 2)");
		return -ENOTSUP;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->dev = dev;
	p->host = host;
	i8259_init(&p->model, &pic_model_ops, p);

	ret = host->irqchip->attach(dev, &pic_irqchip_ops, p);
	if (ret) {
		ret = pic_attach_failed(p, ret);
		goto out_free;
	}
	ret = host->register_range(dev, PLUGVM_SPACE_PIO, 0x20, 2,
				   &pic_master_ops, p);
	if (!ret)
		ret = host->register_range(dev, PLUGVM_SPACE_PIO, 0xa0, 2,
					   &pic_slave_ops, p);
	if (!ret)
		ret = host->register_range(dev, PLUGVM_SPACE_PIO, 0x4d0, 2,
					   &pic_elcr_ops, p);
	if (ret)
		goto out_free; /* the host said why, and detaches us */
	*state = p;
	return 0;

out_free:
	free(p);
	return ret;
}

/*
 * Power-on (i8259.h): both chips uninitialized, everything masked, ELCR 0.
 * The devices keep driving their lines. INTR drops if it was high.
 */
static void pic_reset(void *state)
{
	struct pic *p = state;
	bool was = p->model.intr;

	i8259_reset(&p->model);
	p->reports = 0;
	if (was)
		p->host->irqchip->set_intr(p->dev, 0, false);
}

static void pic_destroy(void *state)
{
	free(state);
}

static const struct plugvm_setting pic_settings[] = {
	{ .name = NULL },
};

static const struct plugvm_plugin pic_plugin = {
	.abi_version = PLUGVM_ABI_VERSION,
	.min_api_version = 2,
	.name = "i8259",
	.description = "8259A master/slave interrupt controllers (ports 0x20, 0xa0, ELCR 0x4d0): chipset pc's on tcg, created by plugvm",
	.settings = pic_settings,
	.create = pic_create,
	.reset = pic_reset,
	.destroy = pic_destroy,
};

PLUGVM_PLUGIN_DEFINE(pic_plugin)
