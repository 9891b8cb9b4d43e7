// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vm.c - build a machine from its config, run it, tear it down.
 */
#include "config.h"

#include "vm.h"

#include "log.h"
#include "settings.h"
#include "vcpu.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void env_exit_request(void *ctx, struct vmm_device *dev, int status)
{
	struct vmm_vm *vm = ctx;

	vmm_debug("%s asks the machine to exit with status %d", dev->id,
		  status);
	vmm_vm_request_stop(vm, VMM_STOP_EXIT, status);
}

static void env_ram_written(void *ctx, uint64_t gpa, uint64_t len)
{
	struct vmm_vm *vm = ctx;

	if (vm->accel->ram_written)
		vm->accel->ram_written(vm, gpa, len);
}

void vmm_vm_request_stop(struct vmm_vm *vm, enum vmm_stop_reason reason,
			 int status)
{
	int none = VMM_STOP_NONE;

	if (!atomic_compare_exchange_strong(&vm->stop_reason, &none,
					    (int)reason))
		return;
	if (reason == VMM_STOP_EXIT)
		vm->exit_status = status;
	for (unsigned i = 0; i < vm->n_vcpus; i++)
		if (vm->vcpus[i].accel)
			vm->accel->kick(&vm->vcpus[i]);
}

void vmm_vcpu_halted(struct vmm_vcpu *vcpu)
{
	if (atomic_fetch_sub(&vcpu->vm->running, 1) == 1)
		vmm_vm_request_stop(vcpu->vm, VMM_STOP_HALT, 0);
}

int vmm_vm_exit_status(const struct vmm_vm *vm, enum vmm_stop_reason reason)
{
	switch (reason) {
	case VMM_STOP_HALT:
		return 0;
	case VMM_STOP_EXIT:
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

	for (size_t i = 0; i < n && r[i].base < vm->ram_size; i++) {
		const struct vmm_device_cfg *dc = &vm->cfg->devices[r[i].dev->index];

		vmm_origin_error(&dc->origin,
				 "device '%s' claims MMIO 0x%" PRIx64 "-0x%" PRIx64
				 ", but guest RAM is at 0x0-0x%" PRIx64
				 ": move the device above RAM or give the machine less memory",
				 dc->id, r[i].base, r[i].last, vm->ram_size - 1);
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
	if (vm->cfg->n_images)
		return 0;
	for (size_t i = 0; i < vm->n_devices; i++)
		if (vm->devices[i]->loaded_ram)
			return 0;
	vmm_file_error(vm->cfg->path,
		       "there is nothing to run: no [image] section, and no device loads code into guest RAM");
	return -EINVAL;
}

/* Load every plugin type once and create the devices in file order. */
static int create_devices(struct vmm_vm *vm, const struct vmm_plugin_path *pp)
{
	const struct vmm_config *cfg = vm->cfg;

	vm->plugins = calloc(cfg->n_devices + 1, sizeof(*vm->plugins));
	vm->devices = calloc(cfg->n_devices + 1, sizeof(*vm->devices));
	if (!vm->plugins || !vm->devices)
		return -ENOMEM;

	for (size_t i = 0; i < cfg->n_devices; i++) {
		const struct vmm_device_cfg *dc = &cfg->devices[i];
		struct vmm_plugin *plugin = NULL;
		struct vmm_device_where where;
		struct vmm_origin *origins;
		struct plugvm_value *values;
		int ret;

		for (size_t j = 0; j < vm->n_plugins && !plugin; j++)
			if (!strcmp(vm->plugins[j]->desc->name, dc->type))
				plugin = vm->plugins[j];
		if (!plugin) {
			ret = vmm_plugin_load(pp, dc->type, &plugin);
			if (ret) {
				vmm_origin_error(&dc->origin,
						 "cannot load the plugin for device type '%s'",
						 dc->type);
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
		vm->devices[vm->n_devices]->index = (unsigned)vm->n_devices;
		vm->n_devices++;
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

		for (size_t i = 0; i < n; i++)
			vmm_info("device %s (%s): %s 0x%" PRIx64 "-0x%" PRIx64,
				 r[i].dev->id, r[i].dev->plugin->desc->name,
				 spaces[sp], r[i].base, r[i].last);
	}
}

/* Copy each image into RAM, refusing overlaps with RAM's end, plugvm's
 * boot tables and each other. */
static int load_images(struct vmm_vm *vm)
{
	const struct vmm_config *cfg = vm->cfg;

	for (size_t i = 0; i < cfg->n_images; i++) {
		const struct vmm_image_cfg *im = &cfg->images[i];
		struct stat st;
		uint64_t end;
		ssize_t n;
		int fd, ret = 0;

		fd = open(im->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st)) {
			ret = -errno;
			vmm_origin_error(&im->origin, "cannot read image '%s': %s",
					 im->path, strerror(errno));
			if (fd >= 0)
				close(fd);
			return ret;
		}
		end = im->address + (uint64_t)st.st_size;
		if (!S_ISREG(st.st_mode)) {
			vmm_origin_error(&im->origin, "image '%s' is not a regular file",
					 im->path);
			ret = -EINVAL;
		} else if (end < im->address || end > vm->ram_size) {
			vmm_origin_error(&im->origin,
					 "image '%s' (%lld bytes at 0x%" PRIx64
					 ") does not fit in %" PRIu64 " bytes of RAM",
					 im->path, (long long)st.st_size,
					 im->address, vm->ram_size);
			ret = -EINVAL;
		} else if (vm->layout.size && end > vm->layout.base &&
			   im->address < vm->layout.base + vm->layout.size) {
			vmm_origin_error(&im->origin,
					 "image '%s' (0x%" PRIx64 "-0x%" PRIx64
					 ") overlaps the CPU tables plugvm keeps at 0x%" PRIx64
					 "-0x%" PRIx64 "; give the machine more memory",
					 im->path, im->address, end - 1,
					 vm->layout.base,
					 vm->layout.base + vm->layout.size - 1);
			ret = -EINVAL;
		}
		for (size_t j = 0; j < i && !ret; j++) {
			const struct vmm_image_cfg *o = &cfg->images[j];
			struct stat ost;

			if (stat(o->path, &ost) == 0 && st.st_size &&
			    ost.st_size && im->address < o->address + (uint64_t)ost.st_size &&
			    o->address < end) {
				vmm_origin_error(&im->origin,
						 "image '%s' overlaps image '%s'",
						 im->name, o->name);
				ret = -EINVAL;
			}
		}
		for (off_t done = 0; !ret && done < st.st_size; done += n) {
			n = pread(fd, vm->ram + im->address + done,
				  (size_t)(st.st_size - done), done);
			if (n <= 0) {
				vmm_origin_error(&im->origin,
						 "cannot read image '%s': %s",
						 im->path,
						 n ? strerror(errno) : "short read");
				ret = n ? -errno : -EIO;
			}
		}
		close(fd);
		if (ret)
			return ret;
		vmm_info("image %s: %s at 0x%" PRIx64 "-0x%" PRIx64, im->name,
			 im->path, im->address, end - 1);
	}
	return 0;
}

static int create_vcpus(struct vmm_vm *vm)
{
	vm->vcpus = calloc(vm->cfg->vcpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return -ENOMEM;
	vm->n_vcpus = vm->cfg->vcpus;
	for (unsigned i = 0; i < vm->n_vcpus; i++) {
		struct vmm_vcpu *vcpu = &vm->vcpus[i];
		struct vmm_regs regs;
		int ret;

		vcpu->vm = vm;
		vcpu->pio_map = vmm_iobus_pio_map(vm->bus);
		vcpu->index = i;
		vcpu->io_stats = calloc(vm->n_devices + 1,
					sizeof(*vcpu->io_stats));
		if (!vcpu->io_stats)
			return -ENOMEM;
		vmm_cpu_initial_regs(vm->cfg, &vm->layout, i, &regs);
		ret = vm->accel->vcpu_init(vcpu, &regs);
		if (ret)
			return ret;
	}
	return 0;
}

int vmm_vm_create(const struct vmm_config *cfg,
		  const struct vmm_accel_ops *accel,
		  const struct vmm_plugin_path *pp, struct vmm_vm **out)
{
	struct vmm_vm *vm;
	int ret = -ENOMEM;

	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->cfg = cfg;
	vm->accel = accel;
	vm->done_fd = -1;
	ret = check_entry(cfg);
	if (ret) {
		free(vm);
		return ret;
	}
	ret = -ENOMEM;
	vm->ram_size = cfg->memory;
	vm->ram = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED) {
		vm->ram = NULL;
		ret = -errno;
		vmm_err("%s: cannot allocate %" PRIu64 " bytes of guest RAM: %s",
			cfg->path, vm->ram_size, strerror(errno));
		goto out_destroy;
	}
	ret = vmm_cpu_layout(cfg->mode, vm->ram_size, &vm->layout);
	if (ret) {
		vmm_origin_error(&cfg->at.memory,
				 "%" PRIu64 " bytes are too few for the %s-mode CPU tables plugvm keeps at the top of RAM",
				 vm->ram_size,
				 cfg->mode == VMM_CPU_LONG ? "long" : "protected");
		goto out_destroy;
	}
	vm->bus = vmm_iobus_new();
	vm->done_fd = eventfd(0, EFD_CLOEXEC);
	if (!vm->bus || vm->done_fd < 0) {
		ret = -ENOMEM;
		goto out_destroy;
	}
	vm->env.bus = vm->bus;
	vm->env.ram = vm->ram;
	vm->env.ram_size = vm->ram_size;
	vm->env.ctx = vm;
	vm->env.exit_request = env_exit_request;
	vm->env.ram_written = env_ram_written;

	ret = create_devices(vm, pp);
	if (!ret)
		ret = check_mmio_outside_ram(vm);
	if (!ret)
		ret = check_something_to_run(vm);
	if (ret)
		goto out_destroy;
	/* Devices are only called concurrently from several vCPU threads. */
	if (!accel->threaded || cfg->vcpus == 1)
		for (size_t i = 0; i < vm->n_devices; i++)
			vm->devices[i]->serialize = false;
	vmm_iobus_freeze(vm->bus);
	report_devices(vm);
	ret = load_images(vm);
	if (ret)
		goto out_destroy;
	vmm_cpu_write_tables(cfg->mode, vm->ram, &vm->layout);
	if (vm->layout.size)
		vmm_info("CPU tables (GDT%s) at 0x%" PRIx64 "-0x%" PRIx64,
			 cfg->mode == VMM_CPU_LONG ? ", page tables" : "",
			 vm->layout.base, vm->layout.base + vm->layout.size - 1);

	ret = accel->vm_init(vm);
	if (ret)
		goto out_destroy;
	ret = create_vcpus(vm);
	if (ret)
		goto out_destroy;
	atomic_store(&vm->running, vm->n_vcpus);
	*out = vm;
	return 0;

out_destroy:
	vmm_vm_destroy(vm);
	return ret;
}

/* Round-robin: every vCPU on this one thread (software accelerators). */
static void run_round_robin(struct vmm_vm *vm)
{
	bool any = true;

	while (any && !vmm_vm_stopping(vm)) {
		any = false;
		for (unsigned i = 0; i < vm->n_vcpus; i++) {
			struct vmm_vcpu *vcpu = &vm->vcpus[i];
			struct vmm_exit e;

			if (vcpu->halted || vmm_vm_stopping(vm))
				continue;
			any = true;
			memset(&e, 0, sizeof(e));
			if (vm->accel->vcpu_run(vcpu, &e)) {
				vmm_vm_request_stop(vm, VMM_STOP_ERROR, 0);
				break;
			}
			vmm_exit_handle(vcpu, &e);
		}
	}
}

struct runner {
	struct vmm_vm *vm;
	struct vmm_vcpu *vcpu; /* NULL: round-robin over all */
};

static void *runner_thread(void *arg)
{
	struct runner *r = arg;
	uint64_t one = 1;

	if (r->vcpu)
		vmm_vcpu_loop(r->vcpu);
	else
		run_round_robin(r->vm);
	if (write(r->vm->done_fd, &one, sizeof(one)) != sizeof(one))
		vmm_vm_request_stop(r->vm, VMM_STOP_ERROR, 0);
	return NULL;
}

static uint64_t now_ms(void)
{
	return vmm_now_ns() / 1000000;
}

/* Wait for @n runners, a signal or the deadline. */
static void control_loop(struct vmm_vm *vm, int sfd, unsigned n,
			 uint64_t timeout_ms)
{
	uint64_t deadline = timeout_ms ? now_ms() + timeout_ms : 0;
	bool slicing = !vm->accel->threaded && vm->n_vcpus > 1 &&
		       vm->accel->preempt;

	while (n > 0) {
		struct pollfd fds[2] = { { .fd = vm->done_fd, .events = POLLIN },
					 { .fd = sfd, .events = POLLIN } };
		int wait = slicing ? VMM_TIME_SLICE_MS : -1;
		int ready;

		/*
		 * Once stopping, kick again every few milliseconds until the
		 * runners are gone: a kick that lands in the instant before
		 * an accelerator re-enters the guest can be lost (tcg clears
		 * Unicorn's stop request on entry), and a guest that never
		 * exits by itself would then never stop.
		 */
		if (vmm_vm_stopping(vm)) {
			for (unsigned i = 0; i < vm->n_vcpus; i++)
				if (vm->vcpus[i].accel)
					vm->accel->kick(&vm->vcpus[i]);
			wait = VMM_TIME_SLICE_MS;
		}

		if (deadline && !vmm_vm_stopping(vm)) {
			uint64_t t = now_ms();

			if (t >= deadline) {
				vmm_err("timeout: the guest ran for %" PRIu64
					" ms; stopping it",
					timeout_ms);
				vmm_vm_request_stop(vm, VMM_STOP_TIMEOUT, 0);
				continue;
			}
			if (wait < 0 || deadline - t < (uint64_t)wait)
				wait = (int)(deadline - t);
		}
		ready = poll(fds, sfd >= 0 ? 2 : 1, wait);
		if (ready < 0)
			continue; /* EINTR */
		if (ready == 0 && slicing)
			vm->accel->preempt(vm);
		if (fds[0].revents & POLLIN) {
			uint64_t v;

			if (read(vm->done_fd, &v, sizeof(v)) == sizeof(v))
				n = v >= n ? 0 : n - (unsigned)v;
		}
		if (sfd >= 0 && (fds[1].revents & POLLIN)) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				vmm_info("signal %u: stopping the machine",
					 si.ssi_signo);
				vmm_vm_request_stop(vm, VMM_STOP_SIGNAL, 0);
			}
		}
	}
}

enum vmm_stop_reason vmm_vm_run(struct vmm_vm *vm, uint64_t timeout_ms)
{
	unsigned n_threads = vm->accel->threaded ? vm->n_vcpus : 1;
	struct runner *runners;
	sigset_t mask, old;
	unsigned started = 0;
	int sfd;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &mask, &old);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);

	runners = calloc(n_threads, sizeof(*runners));
	if (!runners) {
		vmm_err("out of memory");
		vmm_vm_request_stop(vm, VMM_STOP_ERROR, 0);
	}
	for (unsigned i = 0; runners && i < n_threads; i++) {
		struct vmm_vcpu *vcpu = vm->accel->threaded ? &vm->vcpus[i] : NULL;
		int err;

		runners[i].vm = vm;
		runners[i].vcpu = vcpu;
		err = pthread_create(vcpu ? &vcpu->thread : &vm->vcpus[0].thread,
				     NULL, runner_thread, &runners[i]);
		if (err) {
			vmm_err("cannot start a vCPU thread: %s", strerror(err));
			vmm_vm_request_stop(vm, VMM_STOP_ERROR, 0);
			break;
		}
		started++;
	}
	control_loop(vm, sfd, started, timeout_ms);
	for (unsigned i = 0; i < started; i++)
		pthread_join(vm->vcpus[i].thread, NULL);
	free(runners);
	if (sfd >= 0)
		close(sfd);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!vmm_vm_stopping(vm))
		vmm_vm_request_stop(vm, VMM_STOP_HALT, 0);
	return (enum vmm_stop_reason)atomic_load(&vm->stop_reason);
}

void vmm_vm_destroy(struct vmm_vm *vm)
{
	if (!vm)
		return;
	/* Devices first: they flush their output while RAM is still there. */
	for (size_t i = vm->n_devices; i-- > 0;)
		vmm_device_destroy(vm->devices[i]);
	fflush(stdout);
	if (vm->vcpus) {
		for (unsigned i = 0; i < vm->n_vcpus; i++) {
			if (vm->vcpus[i].accel)
				vm->accel->vcpu_destroy(&vm->vcpus[i]);
			free(vm->vcpus[i].io_stats);
		}
		free(vm->vcpus);
	}
	if (vm->accel_priv)
		vm->accel->vm_destroy(vm);
	for (size_t i = 0; i < vm->n_plugins; i++)
		vmm_plugin_close(vm->plugins[i]);
	free(vm->plugins);
	free(vm->devices);
	vmm_iobus_free(vm->bus);
	if (vm->done_fd >= 0)
		close(vm->done_fd);
	if (vm->ram)
		munmap(vm->ram, vm->ram_size);
	free(vm);
}

static const char *const io_kind_names[VMM_NR_IO_KINDS] = {
	[VMM_IO_PIO_IN] = "port in",
	[VMM_IO_PIO_OUT] = "port out",
	[VMM_IO_MMIO_READ] = "mmio read",
	[VMM_IO_MMIO_WRITE] = "mmio write",
};

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

void vmm_vm_print_stats(const struct vmm_vm *vm, uint64_t wall_ns)
{
	bool kvm = !strcmp(vm->accel->name, "kvm");
	struct vmm_log_block b;
	/* Asked for (--stats or -v): shown at every verbosity. */
	FILE *f = vmm_log_block_begin(&b, PLUGVM_LOG_ERROR);

	if (!f)
		return;
	fprintf(f, "exit statistics (accel %s, %u vCPU%s, %.3f ms):\n",
		vm->accel->name, vm->n_vcpus, vm->n_vcpus > 1 ? "s" : "",
		ms(wall_ns));
	fprintf(f, "  %-12s %-10s %12s %12s %10s\n", "device", "exit", "count",
		"host ms", "ns/exit");
	/* The devices in machine order, then accesses nobody took. */
	for (size_t s = 1; s <= vm->n_devices + 1; s++) {
		size_t d = s % (vm->n_devices + 1);
		const char *name = d ? vm->devices[d - 1]->id : "(nobody)";

		for (int k = 0; k < VMM_NR_IO_KINDS; k++) {
			uint64_t n = 0, ns = 0;

			for (unsigned i = 0; i < vm->n_vcpus; i++) {
				n += vm->vcpus[i].io_stats[d].count[k];
				ns += vm->vcpus[i].io_stats[d].ns[k];
			}
			if (!n)
				continue;
			fprintf(f,
				"  %-12s %-10s %12" PRIu64 " %12.3f %10.0f\n",
				name, io_kind_names[k], n, ms(ns),
				(double)ns / (double)n);
		}
	}
	for (unsigned i = 0; i < vm->n_vcpus; i++) {
		const struct vmm_vcpu *v = &vm->vcpus[i];

		fprintf(f,
			"  vCPU %u: %" PRIu64 " hlt, %" PRIu64
			" unmapped, %" PRIu64 " other; ",
			i, v->stats[VMM_STAT_HLT], v->stats[VMM_STAT_UNMAPPED],
			v->stats[VMM_STAT_OTHER]);
		if (kvm)
			fprintf(f,
				"%.3f ms in KVM_RUN, %.3f ms in plugvm's exit "
				"handling\n",
				ms(v->run_ns), ms(v->exit_ns));
		else
			fprintf(f,
				"%.3f ms running the guest, %.3f ms in "
				"plugvm's exit handling\n",
				ms(v->run_ns > v->exit_ns
					   ? v->run_ns - v->exit_ns
					   : 0),
				ms(v->exit_ns));
	}
	vmm_log_block_end(&b);
}
