// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vm.c - build a machine from its config, and tear it down.
 *
 * Running it is run.c's job, printing its statistics stats.c's, loading its
 * images loader.c's.
 */
#include "config.h"

#include "vm.h"

#include "chipset.h"
#include "irq.h"
#include "kvm-host.h"
#include "loader.h"
#include "log.h"
#include "mptable.h"
#include "sandbox.h"
#include "settings.h"
#include "watchdog.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

static void env_exit_request(void *ctx, struct vmm_device *dev, int status)
{
	struct vmm_vm *vm = ctx;

	vmm_debug("%s asks the machine to exit with status %d", dev->id,
		  status);
	vmm_vm_request_stop(vm, VMM_STOP_DEVICE_EXIT, status);
}

/* Ctrl-A x on the console: the user ends the machine, status 0. */
static void console_quit(void *ctx)
{
	vmm_vm_request_stop(ctx, VMM_STOP_DEVICE_EXIT, 0);
}

static void env_ram_written(void *ctx, uint64_t gpa, uint64_t len)
{
	struct vmm_vm *vm = ctx;

	if (vm->accel_vm && vm->accel->ram_written)
		vm->accel->ram_written(vm->accel_vm, gpa, len);
}

/* A vCPU halted for good: the machine stops when it was the last one. */
static void vcpu_halted(void *ctx, struct vmm_vcpu *vcpu)
{
	struct vmm_vm *vm = ctx;

	(void)vcpu;
	if (atomic_fetch_sub(&vm->running, 1) == 1)
		vmm_vm_request_stop(vm, VMM_STOP_HALT, 0);
}

static void vcpu_stop(void *ctx, enum vmm_stop_reason reason)
{
	vmm_vm_request_stop(ctx, reason, 0);
}

/*
 * INTA of vCPU @index (tcg with chipset pc): the PIC plugin's ack(), under
 * its lock. It always answers (a spurious request gets IRQ 7's vector);
 * without one, which cannot happen once the chipset is built, 0xff.
 */
static uint8_t vcpu_inta(void *ctx, unsigned index)
{
	struct vmm_vm *vm = ctx;
	int vector = vmm_irq_ack(vm->irq, index);

	return vector < 0 ? 0xff : (uint8_t)vector;
}

static const struct vmm_vcpu_events vcpu_events = {
	.halted = vcpu_halted,
	.stop = vcpu_stop,
};

int vmm_vm_exit_status(const struct vmm_vm *vm, enum vmm_stop_reason reason)
{
	switch (reason) {
	case VMM_STOP_HALT:
	case VMM_STOP_REBOOT:
		return 0;
	case VMM_STOP_DEVICE_EXIT:
		return vm->exit_status;
	case VMM_STOP_FAULT:
		return 3;
	case VMM_STOP_TIMEOUT:
		return 124;
	case VMM_STOP_SIGNAL:
		return 130;
	case VMM_STOP_ERROR:
	case VMM_STOP_NONE:
	default:
		return 1;
	}
}
/* The entry point must be an address the start mode can hold. */
static int check_entry(const struct vmm_config *cfg)
{
	static const char *const modes[] = { "real", "protected", "long" };
	uint64_t e = cfg->entry;
	bool ok;

	switch (cfg->mode) {
	case VMM_CPU_REAL:
		ok = e <= 0xffff;
		break;
	case VMM_CPU_PROTECTED:
		ok = e <= 0xffffffff;
		break;
	default: /* canonical: bits 63..47 all equal */
		ok = (uint64_t)((int64_t)(e << 16) >> 16) == e;
		break;
	}
	if (ok)
		return 0;
	vmm_origin_error(&cfg->at.entry,
			 "0x%" PRIx64 " is not an instruction pointer in %s mode%s",
			 e, modes[cfg->mode],
			 cfg->mode == VMM_CPU_REAL ? " (at most 0xffff; use cs for the segment)" : "");
	return -EINVAL;
}

/* MMIO ranges inside guest RAM would never be called: RAM answers first. */
static int check_mmio_outside_ram(const struct vmm_vm *vm)
{
	size_t n;
	const struct vmm_io_range *r =
		vmm_iobus_ranges(vm->bus, PLUGVM_SPACE_MMIO, &n);

	for (size_t i = 0; i < n; i++) {
		uint64_t low = vmm_guestmem_low(&vm->mem);

		if (r[i].base >= low &&
		    (!vm->mem.high || r[i].last < VMM_GUESTMEM_HIGH_BASE ||
		     r[i].base >= vmm_guestmem_top(&vm->mem)))
			continue;
		/* every MMIO range has a device as its owner; the chipset's
		 * are above RAM (vmm_chipset_check()) */
		const struct vmm_device_cfg *dc =
			&vm->cfg->devices[r[i].owner->stat_slot - 1 -
					  vm->n_chipset_devices];
		char high[64] = "";

		if (vm->mem.high)
			snprintf(high, sizeof(high), " and 0x%llx-0x%" PRIx64,
				 VMM_GUESTMEM_HIGH_BASE,
				 vmm_guestmem_top(&vm->mem) - 1);
		vmm_origin_error(&dc->origin,
				 "device '%s' claims MMIO 0x%" PRIx64 "-0x%" PRIx64
				 ", but guest RAM is at 0x0-0x%" PRIx64
				 "%s: move the device above RAM or give the machine less memory",
				 dc->id, r[i].base, r[i].last, low - 1, high);
		return -EBUSY;
	}
	return 0;
}

/*
 * Without an image, or a device that wrote guest RAM while it was created,
 * the guest would execute zeros until it faults: a mistake in the file.
 */
static int check_something_to_run(const struct vmm_vm *vm)
{
	if (vm->cfg->n_images || vm->cfg->boot.set)
		return 0;
	for (size_t i = 0; i < vm->n_devices; i++)
		if (vm->devices[i]->loaded_ram)
			return 0;
	vmm_file_error(vm->cfg->path,
		       "there is nothing to run: no [image] section, and no device loads code into guest RAM");
	return -EINVAL;
}

/* The system calls a plugin lists must be ones the sandbox knows. */
static int check_syscalls(const struct vmm_plugin *plugin,
			  const struct vmm_origin *at)
{
	const char *bad = NULL;

	if (!vmm_sandbox_check_names(plugin->desc->syscalls, &bad))
		return 0;
	vmm_origin_error(at,
			 "%s: plugin '%s' lists system call '%s' in its descriptor's syscalls, which this system does not know",
			 plugin->path, plugin->desc->name, bad);
	return -EINVAL;
}

/* Load every plugin type once and create the devices in file order. */
static int create_devices(struct vmm_vm *vm, const struct vmm_plugin_path *pp)
{
	const struct vmm_config *cfg = vm->cfg;

	for (size_t i = 0; i < cfg->n_devices; i++) {
		const struct vmm_device_cfg *dc = &cfg->devices[i];
		struct vmm_plugin *plugin = NULL;
		struct vmm_device_where where = { 0 }; /* .chipset: none */
		struct vmm_origin *origins;
		struct plugvm_value *values;
		int ret;

		vmm_watchdog_phase("creating device '%s' (type %s) at %s:%u",
				   dc->id, dc->type, cfg->path, dc->section_line);
		for (size_t j = 0; j < vm->n_plugins && !plugin; j++)
			if (!strcmp(vm->plugins[j]->desc->name, dc->type))
				plugin = vm->plugins[j];
		if (!plugin) {
			/* says why, at the type key, when it fails */
			ret = vmm_plugin_load_at(pp, dc->type, &dc->origin,
						 &plugin);
			if (ret)
				return ret;
			ret = check_syscalls(plugin, &dc->origin);
			if (ret) {
				vmm_plugin_close(plugin);
				return ret;
			}
			vm->plugins[vm->n_plugins++] = plugin;
		}
		ret = vmm_settings_convert_kvs(dc->kvs, dc->n_kvs, &dc->origin,
					       plugin->desc->settings, &values,
					       &origins);
		if (ret)
			return ret;
		where.section = (struct vmm_origin){ .file = cfg->path,
						     .line = dc->section_line,
						     .section = dc->section };
		where.type = dc->origin;
		where.settings = origins;
		/* says why when it fails */
		ret = vmm_device_create_at(dc->id, plugin, values, &where,
					   &vm->env, &vm->devices[vm->n_devices]);
		free(origins);
		if (ret)
			return ret;
		vm->n_devices++;
		vm->devices[vm->n_devices - 1]->owner.stat_slot =
			(unsigned)vm->n_devices;
	}
	return 0;
}

static void report_devices(const struct vmm_vm *vm)
{
	static const char *const spaces[] = { "port", "mmio" };

	if (!vmm_log_enabled(PLUGVM_LOG_INFO))
		return;
	for (int sp = 0; sp < 2; sp++) {
		size_t n;
		const struct vmm_io_range *r = vmm_iobus_ranges(vm->bus, sp, &n);

		for (size_t i = 0; i < n; i++) {
			const struct vmm_device *dev =
				vm->devices[r[i].owner->stat_slot - 1];

			vmm_info("device %s (%s): %s 0x%" PRIx64 "-0x%" PRIx64,
				 dev->id, dev->plugin->desc->name, spaces[sp],
				 r[i].base, r[i].last);
		}
	}
}

/* The [cpu] section, as the x86 set-up takes it. */
static void cpu_setup(const struct vmm_config *cfg, struct vmm_cpu_setup *s)
{
	memset(s, 0, sizeof(*s));
	s->mode = cfg->mode;
	s->entry = cfg->entry;
	s->cs = cfg->cs;
	memcpy(s->gprs, cfg->gprs, sizeof(s->gprs));
	s->gprs_set = cfg->gprs_set;
	s->n_vcpus = cfg->vcpus;
}

static int create_vcpus(struct vmm_vm *vm)
{
	const struct vmm_cpu_setup *setup = &vm->setup;

	vm->vcpus = calloc(vm->cfg->vcpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return -ENOMEM;
	vm->n_vcpus = vm->cfg->vcpus;
	for (unsigned i = 0; i < vm->n_vcpus; i++) {
		struct vmm_regs regs;
		struct vmm_vcpu_config vc = {
			.index = i,
			.bus = vm->bus,
			.accel = vm->accel,
			.accel_vm = vm->accel_vm,
			.regs = &regs,
			.stop_flag = &vm->stop_reason,
			.strict = vm->cfg->strict,
			.unmapped_warnings = &vm->unmapped_warnings,
			.n_stat_slots = vm->n_devices + 1,
			.events = &vcpu_events,
			.ctx = vm,
			/* chipset pc: HLT waits for an interrupt; tcg
			 * takes INTR from the PIC plugin */
			.irqchip = vm->cfg->chipset == VMM_CHIPSET_PC,
			/* a kernel's triple fault is its reboot */
			.shutdown_is_reboot = vm->cfg->boot.set,
			.inta = vm->irq && vm->accel->set_intr ? vcpu_inta
							       : NULL,
			.inta_ctx = vm,
		};
		int ret;

		vmm_cpu_initial_regs(setup, &vm->layout, i, &regs);
		ret = vmm_vcpu_init(&vm->vcpus[i], &vc);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * [linux]: the kernel (boot.c picks the loader by format) with the PC
 * memory map of this machine, RAM and devices as built; how the vCPUs
 * start and where their tables are come back from the loader.
 */
static int load_kernel(struct vmm_vm *vm, const struct accel_ops *accel)
{
	const struct vmm_config *cfg = vm->cfg;
	struct vmm_memmap map = { 0 };
	struct vmm_boot_ctx ctx = {
		.lx = &cfg->boot,
		.config_path = cfg->path,
		.mem = &vm->mem,
		.map = &map,
		.n_vcpus = cfg->vcpus,
		.accel_is_tcg = accel == &vmm_accel_tcg,
		.kvm_emulated = accel == &vmm_accel_kvm &&
				vmm_kvm_host_detect(NULL) ==
					VMM_KVM_HOST_EMULATED,
	};
	int ret;

	ret = vmm_memmap_pc(&map, &vm->mem, vm->bus,
			    cfg->chipset == VMM_CHIPSET_PC);
	for (size_t i = 0; !ret && i < map.n; i++)
		vmm_info("memory map: 0x%" PRIx64 "-0x%" PRIx64 " %s",
			 map.e[i].addr, map.e[i].addr + map.e[i].size - 1,
			 map.e[i].type == VMM_E820_RAM ? "RAM" : "reserved");
	if (!ret)
		ret = vmm_boot_load(&ctx);
	vmm_memmap_free(&map);
	if (!ret && ctx.format == VMM_KERNEL_BZIMAGE &&
	    cfg->chipset != VMM_CHIPSET_PC) {
		vmm_origin_error(&cfg->at.chipset,
				 "Linux needs chipset = pc, its interrupt controllers and timer ('%s' is a bzImage)",
				 cfg->boot.kernel);
		ret = -EINVAL;
	}
	if (ret)
		return ret;
	vm->setup = ctx.setup;
	vm->layout = ctx.layout;
	vm->boot_format = ctx.format;
	return 0;
}

/*
 * A kernel on `chipset = pc` learns of its CPUs and the IOAPIC from the MP
 * tables (mptable.h), in the BIOS area the memory map reserves. Linux
 * cannot do without them (its timer and interrupts are the LAPIC's, the
 * IOAPIC's and the PIT's): a bzImage on any other chipset is refused.
 */
static int write_mptable(struct vmm_vm *vm)
{
	int ret;

	if (vm->cfg->chipset != VMM_CHIPSET_PC &&
	    vm->boot_format == VMM_KERNEL_BZIMAGE) {
		vmm_origin_error(&vm->cfg->at.chipset,
				 "%s is a Linux kernel, which needs chipset = pc (the LAPIC, IOAPIC, PICs and PIT it runs on): set it in [machine]",
				 vm->cfg->boot.kernel);
		return -EINVAL;
	}
	if (vm->cfg->chipset != VMM_CHIPSET_PC)
		return 0;
	ret = vmm_mptable_write(&vm->mem, VMM_BOOT_MPTABLE, vm->cfg->vcpus);
	if (ret)
		vmm_origin_error(&vm->cfg->at.memory,
				 "the MP table for %u vCPUs goes at 0x%llx, which this RAM does not hold (%s)",
				 vm->cfg->vcpus, VMM_BOOT_MPTABLE,
				 strerror(-ret));
	else
		vmm_info("MP table (%u CPUs, IOAPIC) at 0x%llx-0x%llx",
			 vm->cfg->vcpus, VMM_BOOT_MPTABLE,
			 VMM_BOOT_MPTABLE +
				 vmm_mptable_size(vm->cfg->vcpus) - 1);
	return ret;
}

int vmm_vm_create(const struct vmm_config *cfg, const struct accel_ops *accel,
		  const struct vmm_plugin_path *pp, struct vmm_vm **out)
{
	struct accel_vm_config ac = { .n_vcpus = cfg->vcpus,
				      .mode = VMM_CPU_REAL };
	struct vmm_vm *vm;
	int ret = -ENOMEM;
	void *ram;

	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->cfg = cfg;
	vm->accel = accel;
	vm->done_fd = -1;
	vm->wake_fd = -1;
	ret = cfg->boot.set ? 0 : check_entry(cfg);
	if (!ret)
		ret = vmm_chipset_check(cfg, accel);
	if (ret) {
		free(vm);
		return ret;
	}
	ret = -ENOMEM;
	ram = mmap(NULL, cfg->memory, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED) {
		ret = -errno;
		vmm_err("%s: cannot allocate %" PRIu64 " bytes of guest RAM: %s",
			cfg->path, cfg->memory, strerror(errno));
		goto out_destroy;
	}
	vm->mem.host = ram;
	vm->mem.size = cfg->memory;
	vm->mem.high = vmm_guestmem_high_part(cfg->memory); /* PCI hole */
	cpu_setup(cfg, &vm->setup); /* [linux]: the loader's, below */
	ret = cfg->boot.set ? 0
			    : vmm_cpu_layout(cfg->mode, vm->mem.size,
					     &vm->layout);
	if (ret) {
		vmm_origin_error(&cfg->at.memory,
				 "%" PRIu64 " bytes are too few for the %s-mode CPU tables plugvm keeps at the top of RAM",
				 vm->mem.size,
				 cfg->mode == VMM_CPU_LONG ? "long" : "protected");
		goto out_destroy;
	}
	vm->bus = vmm_iobus_new();
	vm->done_fd = eventfd(0, EFD_CLOEXEC);
	if (!vm->bus || vm->done_fd < 0) {
		ret = -ENOMEM;
		goto out_destroy;
	}
	ret = vmm_events_new(false, &vm->events);
	if (ret) {
		vmm_err("cannot set up the event loop: %s", strerror(-ret));
		goto out_destroy;
	}
	ret = vmm_chardevs_new(vm->events, false, console_quit, vm,
			       &vm->chardevs);
	if (ret)
		goto out_destroy;
	vm->env.chardevs = vm->chardevs;
	vm->env.events = vm->events;
	vm->env.bus = vm->bus;
	vm->env.mem = vm->mem;
	vm->env.ctx = vm;
	vm->env.exit_request = env_exit_request;
	vm->env.ram_written = env_ram_written;

	ret = -ENOMEM;
	vm->plugins = calloc(cfg->n_devices + VMM_CHIPSET_MAX_DEVICES,
			     sizeof(*vm->plugins));
	vm->devices = calloc(cfg->n_devices + VMM_CHIPSET_MAX_DEVICES,
			     sizeof(*vm->devices));
	if (!vm->plugins || !vm->devices)
		goto out_destroy;
	vmm_watchdog_phase("creating the chipset's devices");
	ret = vmm_chipset_create(vm, pp);
	if (!ret)
		ret = create_devices(vm, pp);
	if (!ret)
		ret = check_mmio_outside_ram(vm);
	if (!ret)
		ret = check_something_to_run(vm);
	if (ret)
		goto out_destroy;
	/*
	 * Devices are only called concurrently from several vCPU threads,
	 * or from one and the event thread (timers, watches; on tcg also the
	 * vCPU it runs itself, never while the vCPUs' thread does), but for
	 * the interrupt controller: set_irq() comes from any.
	 */
	if (!accel->threaded || cfg->vcpus == 1)
		for (size_t i = 0; i < vm->n_devices; i++)
			if (!vmm_irq_is_controller(vm->irq, vm->devices[i]) &&
			    !vmm_device_needs_lock(vm->devices[i]))
				vm->devices[i]->owner.lock = NULL;
	vmm_iobus_freeze(vm->bus);
	report_devices(vm);
	if (cfg->boot.set) {
		vmm_watchdog_phase("loading the kernel");
		ret = load_kernel(vm, accel);
		if (ret)
			goto out_destroy;
		ret = write_mptable(vm);
		if (ret)
			goto out_destroy;
	} else {
		vmm_watchdog_phase("loading the images");
		ret = vmm_load_images(cfg, &vm->mem, &vm->layout);
		if (ret)
			goto out_destroy;
		vmm_cpu_write_tables(cfg->mode, vm->mem.host, &vm->layout);
	}
	if (vm->layout.size)
		vmm_info("CPU tables (GDT%s) at 0x%" PRIx64 "-0x%" PRIx64,
			 vm->setup.mode == VMM_CPU_LONG ? ", page tables" : "",
			 vm->layout.base, vm->layout.base + vm->layout.size - 1);

	ac.mem = &vm->mem;
	ac.mode = vm->setup.mode;
	ac.irqchip = cfg->chipset == VMM_CHIPSET_PC;
	/* a kernel starts its other CPUs itself (INIT, SIPI) */
	ac.aps_wait_sipi = cfg->boot.set;
	vmm_watchdog_phase("setting up the accelerator");
	ret = accel->vm_create(&ac, &vm->accel_vm);
	if (!ret)
		ret = vmm_chipset_accel_ready(vm);
	if (ret)
		goto out_destroy;
	ret = create_vcpus(vm);
	if (ret)
		goto out_destroy;
	vmm_chipset_vcpus_ready(vm);
	atomic_store(&vm->running, vm->n_vcpus);
	*out = vm;
	return 0;

out_destroy:
	vmm_vm_destroy(vm);
	return ret;
}

void vmm_vm_destroy(struct vmm_vm *vm)
{
	if (!vm)
		return;
	/* No timer or watch callback runs from here on (run.c stopped the
	 * event thread already, unless the machine never ran). */
	vmm_events_stop(vm->events);
	/* Devices first: they flush their output while RAM is still there. */
	for (size_t i = vm->n_devices; i-- > 0;)
		vmm_device_destroy(vm->devices[i]);
	vmm_chardevs_free(vm->chardevs);
	vmm_events_free(vm->events);
	fflush(stdout);
	if (vm->vcpus) {
		for (unsigned i = 0; i < vm->n_vcpus; i++)
			vmm_vcpu_destroy(&vm->vcpus[i]);
		free(vm->vcpus);
	}
	if (vm->accel_vm)
		vm->accel->vm_destroy(vm->accel_vm);
	vmm_irq_free(vm->irq);
	for (size_t i = 0; i < vm->n_plugins; i++)
		vmm_plugin_close(vm->plugins[i]);
	free(vm->plugins);
	free(vm->devices);
	vmm_iobus_free(vm->bus);
	if (vm->done_fd >= 0)
		close(vm->done_fd);
	if (vm->wake_fd >= 0)
		close(vm->wake_fd);
	if (vm->mem.host)
		munmap(vm->mem.host, vm->mem.size);
	free(vm);
}
