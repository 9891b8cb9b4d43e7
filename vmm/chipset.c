// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * chipset.c - `[machine] chipset = pc`: the interrupt routing, the
 * chipset's devices and the ranges it reserves (see chipset.h).
 */
#include "config.h"

#include "chipset.h"

#include "guestmem.h"
#include "irq.h"
#include "log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The IOAPIC's page: guest RAM must end below it with chipset pc. */
#define PC_IOAPIC_BASE 0xfec00000ull
#define PC_LAPIC_BASE 0xfee00000ull
#define PC_APIC_PAGE 0x1000ull

/* The chipset's plugins on tcg, in creation order: the controller first. */
static const struct {
	const char *type, *id;
	bool controller;
} pc_tcg_devices[] = {
	{ "i8259", "pic", true },
	{ "i8254", "pit", false },
};

/* On kvm and tcg: the keyboard controller, whose reset line is how a
 * guest kernel reboots (the kernel has no 8042). */
#define PC_I8042_TYPE "i8042"
#define PC_I8042_ID "i8042"

/* Types and ids a [device] of a pc machine cannot have. */
static const char *const pc_types[] = { "i8259", "i8254", PC_I8042_TYPE };
static const char *const pc_ids[] = { "pic", "pit", PC_I8042_ID };
#define N_PC_TYPES (sizeof(pc_types) / sizeof(pc_types[0]))
#define N_PC_IDS (sizeof(pc_ids) / sizeof(pc_ids[0]))

/* The ports the kernel's PICs (and ELCR), PIT and port 0x61 take on kvm:
 * the ranges i8259.so and i8254.so register on tcg. */
static const struct {
	uint64_t base, len;
} pc_ports[] = {
	{ 0x20, 2 }, { 0xa0, 2 }, { 0x4d0, 2 }, { 0x40, 4 }, { 0x61, 1 },
};

/* ------------------------------------------------------------------------ */
/* "chipset pc": the device that holds what no plugin of ours does          */
/* ------------------------------------------------------------------------ */

struct reserve {
	struct plugvm_device *dev;
	const struct plugvm_host *host;
	atomic_bool said;
};

/* Only tcg gets here (kvm's kernel answers itself): say once what the
 * guest found. */
static void reserve_access(struct reserve *r, uint64_t offset)
{
	(void)offset;
	if (atomic_exchange(&r->said, true))
		return;
	r->host->log(r->dev, PLUGVM_LOG_WARN,
		     "the guest uses the IOAPIC or LAPIC page (0xfec00000, 0xfee00000): chipset pc has them only on kvm; on tcg reads give all-ones and writes are dropped (further accesses are not reported)");
}

static uint64_t reserve_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)size;
	reserve_access(opaque, offset);
	return ~0ull;
}

static void reserve_write(void *opaque, uint64_t offset, unsigned size,
			  uint64_t value)
{
	(void)size;
	(void)value;
	reserve_access(opaque, offset);
}

static const struct plugvm_io_ops reserve_ops = {
	.read = reserve_read,
	.write = reserve_write,
	.sizes = PLUGVM_ACCESS_1 | PLUGVM_ACCESS_2 | PLUGVM_ACCESS_4,
};

static int reserve_create(struct plugvm_device *dev,
			  const struct plugvm_host *host, bool ports,
			  void **state)
{
	struct reserve *r = calloc(1, sizeof(*r));
	int ret = 0;

	if (!r)
		return -ENOMEM;
	r->dev = dev;
	r->host = host;
	for (size_t i = 0; ports && !ret && i < sizeof(pc_ports) /
						sizeof(pc_ports[0]); i++)
		ret = host->register_range(dev, PLUGVM_SPACE_PIO,
					   pc_ports[i].base, pc_ports[i].len,
					   &reserve_ops, r);
	if (!ret)
		ret = host->register_range(dev, PLUGVM_SPACE_MMIO,
					   PC_IOAPIC_BASE, PC_APIC_PAGE,
					   &reserve_ops, r);
	if (!ret)
		ret = host->register_range(dev, PLUGVM_SPACE_MMIO,
					   PC_LAPIC_BASE, PC_APIC_PAGE,
					   &reserve_ops, r);
	if (ret) {
		free(r);
		return ret;
	}
	*state = r;
	return 0;
}

static int reserve_create_kvm(struct plugvm_device *dev,
			      const struct plugvm_host *host,
			      const struct plugvm_value *values, void **state)
{
	(void)values;
	return reserve_create(dev, host, true, state);
}

static int reserve_create_tcg(struct plugvm_device *dev,
			      const struct plugvm_host *host,
			      const struct plugvm_value *values, void **state)
{
	(void)values;
	return reserve_create(dev, host, false, state);
}

static const struct plugvm_setting reserve_settings[] = { { .name = NULL } };

static const struct plugvm_plugin reserve_kvm_desc = {
	.abi_version = PLUGVM_ABI_VERSION,
	.min_api_version = PLUGVM_API_VERSION,
	.name = "chipset-pc",
	.description = "the ranges of chipset pc the kernel answers (kvm)",
	.settings = reserve_settings,
	.flags = PLUGVM_PLUGIN_THREAD_SAFE,
	.create = reserve_create_kvm,
	.destroy = free,
};

static const struct plugvm_plugin reserve_tcg_desc = {
	.abi_version = PLUGVM_ABI_VERSION,
	.min_api_version = PLUGVM_API_VERSION,
	.name = "chipset-pc",
	.description = "the IOAPIC and LAPIC pages of chipset pc (tcg: none)",
	.settings = reserve_settings,
	.flags = PLUGVM_PLUGIN_THREAD_SAFE,
	.create = reserve_create_tcg,
	.destroy = free,
};

static struct vmm_plugin reserve_kvm = {
	.path = (char *)"(built in)",
	.desc = &reserve_kvm_desc,
};

static struct vmm_plugin reserve_tcg = {
	.path = (char *)"(built in)",
	.desc = &reserve_tcg_desc,
};

/* ------------------------------------------------------------------------ */
/* Checks                                                                   */
/* ------------------------------------------------------------------------ */

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (s && !strcmp(list[i], s))
			return true;
	return false;
}

bool vmm_chipset_owns_type(const char *type)
{
	return in_list(pc_types, N_PC_TYPES, type);
}

int vmm_chipset_check(const struct vmm_config *cfg,
		      const struct accel_ops *accel)
{
	int ret = 0;

	(void)accel;
	if (cfg->chipset != VMM_CHIPSET_PC)
		return 0;
	/* RAM never covers the IOAPIC: above 3 GiB it goes to 4 GiB. */
	_Static_assert(VMM_GUESTMEM_LOW_MAX <= PC_IOAPIC_BASE,
		       "the PCI hole holds the IOAPIC");
	for (size_t i = 0; i < cfg->n_devices; i++) {
		const struct vmm_device_cfg *dc = &cfg->devices[i];
		struct vmm_origin o = { .file = cfg->path,
					.line = dc->section_line,
					.section = dc->section };

		if (in_list(pc_types, N_PC_TYPES, dc->type)) {
			vmm_origin_error(&dc->origin,
					 "%s is part of chipset pc (%s:%u), which plugvm creates itself: remove this section",
					 dc->type, cfg->at.chipset.file,
					 cfg->at.chipset.line);
			ret = -EINVAL;
		} else if (in_list(pc_ids, N_PC_IDS, dc->id)) {
			vmm_origin_error(&o,
					 "the device name '%s' belongs to chipset pc (%s:%u): choose another",
					 dc->id, cfg->at.chipset.file,
					 cfg->at.chipset.line);
			ret = -EINVAL;
		}
	}
	return ret;
}

/* ------------------------------------------------------------------------ */
/* The machine's side of the routing                                        */
/* ------------------------------------------------------------------------ */

/* kvm: a line the kernel's controllers take; only once the accelerator's
 * VM exists (the router holds levels until vmm_chipset_accel_ready()). */
static int chipset_line(void *ctx, unsigned line, bool level)
{
	struct vmm_vm *vm = ctx;

	if (!vm->accel->irq_line)
		return -ENOTSUP;
	return vm->accel->irq_line(vm->accel_vm, line, level);
}

/* tcg: the PIC drives a vCPU's INTR; any thread, under the PIC's lock. */
static void chipset_intr(void *ctx, unsigned cpu, bool level)
{
	struct vmm_vm *vm = ctx;

	if (!atomic_load(&vm->vcpus_ready) || cpu >= vm->n_vcpus ||
	    !vm->accel->set_intr)
		return;
	vm->accel->set_intr(vm->vcpus[cpu].accel_vcpu, level);
}

/* Create device @id of @plugin, with no settings, for the chipset. */
static int chipset_device(struct vmm_vm *vm, const struct vmm_plugin *plugin,
			  const char *id)
{
	const struct vmm_config *cfg = vm->cfg;
	struct vmm_device_where where = {
		.section = cfg->at.chipset,
		.type = cfg->at.chipset,
		.chipset = VMM_CHIPSET_PC_NAME,
	};
	struct plugvm_value *values;
	int ret;

	where.section.key = NULL;
	ret = vmm_settings_convert_kvs(NULL, 0, &cfg->at.chipset,
				       plugin->desc->settings, &values, NULL);
	if (ret)
		return ret;
	ret = vmm_device_create_at(id, plugin, values, &where, &vm->env,
				   &vm->devices[vm->n_devices]);
	if (ret)
		return ret;
	vm->n_devices++;
	vm->n_chipset_devices++;
	vm->devices[vm->n_devices - 1]->owner.stat_slot =
		(unsigned)vm->n_devices;
	return 0;
}

/* tcg: the chipset's plugins, found like any other. */
static int create_tcg_devices(struct vmm_vm *vm,
			      const struct vmm_plugin_path *pp)
{
	for (size_t i = 0; i < sizeof(pc_tcg_devices) /
				       sizeof(pc_tcg_devices[0]); i++) {
		struct vmm_plugin *plugin;
		int ret;

		ret = vmm_plugin_load_at(pp, pc_tcg_devices[i].type,
					 &vm->cfg->at.chipset, &plugin);
		if (ret)
			return ret;
		vm->plugins[vm->n_plugins++] = plugin;
		if (pc_tcg_devices[i].controller)
			vmm_irq_expect_controller(vm->irq, true);
		ret = chipset_device(vm, plugin, pc_tcg_devices[i].id);
		if (pc_tcg_devices[i].controller)
			vmm_irq_expect_controller(vm->irq, false);
		if (ret)
			return ret;
	}
	if (!vmm_irq_ready(vm->irq)) {
		vmm_origin_error(&vm->cfg->at.chipset,
				 "the i8259 plugin did not attach as the interrupt controller");
		return -EINVAL;
	}
	return 0;
}

/* Both accelerators: the 8042, found on the plugin path like any other. */
static int create_i8042(struct vmm_vm *vm, const struct vmm_plugin_path *pp)
{
	struct vmm_plugin *plugin;
	int ret;

	ret = vmm_plugin_load_at(pp, PC_I8042_TYPE, &vm->cfg->at.chipset,
				 &plugin);
	if (ret)
		return ret;
	vm->plugins[vm->n_plugins++] = plugin;
	return chipset_device(vm, plugin, PC_I8042_ID);
}

int vmm_chipset_create(struct vmm_vm *vm, const struct vmm_plugin_path *pp)
{
	/* kvm's kernel has the controllers; a software vCPU needs ours */
	bool tcg = strcmp(vm->accel->name, "kvm") != 0;
	struct vmm_irq_hooks hooks = { .ctx = vm };
	int ret;

	if (vm->cfg->chipset != VMM_CHIPSET_PC)
		return 0;
	if (tcg)
		hooks.intr = chipset_intr;
	else
		hooks.line = chipset_line;
	ret = vmm_irq_new(tcg ? VMM_IRQ_PLUGIN : VMM_IRQ_KERNEL,
			  vm->cfg->vcpus, &hooks, &vm->irq);
	if (ret) {
		vmm_err("%s: out of memory", vm->cfg->path);
		return ret;
	}
	vm->env.irq = vm->irq;
	if (tcg) {
		ret = create_tcg_devices(vm, pp);
		if (ret)
			return ret;
	}
	ret = create_i8042(vm, pp);
	if (ret)
		return ret;
	return chipset_device(vm, tcg ? &reserve_tcg : &reserve_kvm,
			      VMM_CHIPSET_PC_NAME);
}

int vmm_chipset_accel_ready(struct vmm_vm *vm)
{
	int ret = vmm_irq_replay(vm->irq);

	if (ret)
		vmm_err("%s: cannot set the interrupt lines of the %s accelerator: %s",
			vm->cfg->path, vm->accel->name, strerror(-ret));
	return ret;
}

void vmm_chipset_vcpus_ready(struct vmm_vm *vm)
{
	atomic_store(&vm->vcpus_ready, true);
	/* INTR raised before now went nowhere: hand it over. */
	for (unsigned cpu = 0; vm->irq && cpu < vm->n_vcpus; cpu++)
		if (vmm_irq_intr(vm->irq, cpu))
			chipset_intr(vm, cpu, true);
}
