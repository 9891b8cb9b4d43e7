/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * machine.h - the machine file, read once into typed settings.
 *
 * The schema of the machine file: which sections exist and what their keys
 * mean. The reading is inifile.c's; [machine], [cpu] and [image] convert
 * through the same settings tables as devices (settings.h). Every key
 * remembers the file and line it came from, so any later error can name
 * them. *
 * Layer 3 (README.md, "Layout"): calls the INI reader (inifile.h),
 * settings, parse.h and the log; cpu.h only for the CPU mode and register
 * names it fills into the config. The machine (vm.c) reads the config.
 */
#ifndef VMM_MACHINE_H
#define VMM_MACHINE_H

#include "cpu.h"
#include "parse.h"
#include "settings.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vmm_accel_kind {
	VMM_ACCEL_AUTO = 0,
	VMM_ACCEL_KVM,
	VMM_ACCEL_TCG,
};

/* [machine] chipset: the interrupt controllers and timer. */
enum vmm_chipset {
	VMM_CHIPSET_NONE = 0, /* none: set_irq() is refused, HLT ends a vCPU */
	VMM_CHIPSET_PC, /* 8259A pair, 8254 PIT, port 0x61 (kvm: the
			 * kernel's, plus its IOAPIC and LAPIC) */
};

/* Limits of the [machine] section. */
#define VMM_MEMORY_DEFAULT (1ULL << 20) /* 1M */
#define VMM_MEMORY_ALIGN 4096ULL /* memory is a multiple of this */
#define VMM_MEMORY_MAX (64ULL << 30) /* 64G */
#define VMM_VCPUS_MAX 64

/* Limits of the machine file itself. */
#define VMM_CONFIG_MAX_SIZE (1 << 20) /* bytes */
#define VMM_CONFIG_MAX_ERRORS VMM_MAX_ERRORS /* reading stops after this many */

struct vmm_image_cfg {
	char *name; /* NAME of [image "NAME"] */
	char *path; /* resolved against the machine file's directory */
	uint64_t address;
	struct vmm_origin origin; /* of the section's `file` key */
	struct vmm_origin address_origin; /* of its `address` key */
	char *section; /* image "NAME", what the origins point to */
	unsigned section_line; /* of the [image "NAME"] line */
};

struct vmm_device_cfg {
	char *id; /* NAME of [device "NAME"] */
	char *type; /* plugin type, from `type =` */
	struct vmm_origin origin; /* of the `type` key */
	struct vmm_kv *kvs; /* every key but `type`, in file order, raw:
			     * vmm_settings_convert_kvs() checks them */
	size_t n_kvs;
	char *section; /* device "NAME", what the origins point to */
	unsigned section_line; /* of the [device "NAME"] line */
};

/*
 * [linux]: a kernel to boot instead of [image] and [cpu] (boot.h). The
 * format is found from the file (bzImage, multiboot, ELF), as QEMU's
 * -kernel does. Paths resolve against the machine file's directory.
 */
struct vmm_linux_cfg {
	bool set; /* the file has a [linux] section (or --kernel) */
	char *kernel; /* path */
	char *initrd; /* path, or NULL; multiboot: modules, comma-separated,
		       * each "PATH[ ARGS]" as QEMU's -initrd */
	char *cmdline; /* or NULL */
	/* bzImage: which entry point: 0 the 64-bit one when the kernel has
	 * it (else code32_start), 32 code32_start, 64 the 64-bit one */
	unsigned entry_bits;
	struct vmm_origin kernel_origin, initrd_origin, cmdline_origin;
	struct vmm_origin entry_origin;
	unsigned section_line; /* of the [linux] line */
};

/*
 * Where each [machine] and [cpu] key was set, for errors found later (no KVM
 * for accel = kvm, entry outside RAM, ...). A key left at its default has
 * line 0, so its origin prints as "FILE: [SECTION] KEY: ...".
 */
struct vmm_config_origins {
	struct vmm_origin memory, accel, vcpus, strict, chipset;
	struct vmm_origin mode, entry, cs;
	struct vmm_origin gprs[VMM_NR_GPRS];
};

struct vmm_config {
	char *path; /* the machine file as given */
	char *dir; /* its directory, for relative image paths */

	/* [machine] */
	uint64_t memory; /* bytes; default 1M */
	enum vmm_accel_kind accel; /* default auto */
	unsigned vcpus; /* default 1 */
	bool strict; /* default false */
	enum vmm_chipset chipset; /* default none */

	/* [cpu] */
	enum vmm_cpu_mode mode; /* default real */
	uint64_t entry; /* initial IP/RIP; default 0 */
	uint16_t cs; /* real mode only; default 0 */
	uint64_t gprs[VMM_NR_GPRS];
	uint32_t gprs_set; /* bit i set when gprs[i] was given */

	struct vmm_linux_cfg boot; /* [linux]; .set false when absent */
	unsigned cpu_section_line; /* of the [cpu] line; 0: none */

	struct vmm_image_cfg *images;
	size_t n_images;
	struct vmm_device_cfg *devices;
	size_t n_devices;

	struct vmm_config_origins at;
};

/*
 * Read @path into a new config. Returns 0 and sets *@out, or a negative
 * errno after printing every error found as "FILE:LINE: [SECTION] KEY: ..."
 * on stderr (-ENOENT/-EACCES for a file that cannot be read, -EINVAL for a
 * bad file). Checks done here: known sections and keys (with a "did you
 * mean" for a near miss), value syntax and ranges, duplicate keys and
 * sections, required keys (image file/address, device type), memory a
 * non-zero multiple of 4 KiB. Device settings other than `type` are kept raw
 * (duplicates too) for vmm_settings_convert_kvs() against the plugin's table.
 *
 * Details of the file format (the syntax is inifile.h's):
 *  - Image and device names use letters, digits, '-', '_' and '.'; a device
 *    type the same but '.'. Image and device names must be unique.
 *  - Lines may be of any length.
 *  - The keys of a section that is itself in error (unknown, duplicate,
 *    bad name) are skipped, not checked.
 *  - After VMM_CONFIG_MAX_ERRORS errors, reading stops.
 * Other errors: -EFBIG for a file over VMM_CONFIG_MAX_SIZE, -ENOMEM.
 * *@out is only written on success.
 */
int vmm_config_load(const char *path, struct vmm_config **out);

/* Same, from a string; @name stands for the file name in messages and
 * relative image paths resolve against the current directory. */
int vmm_config_load_string(const char *name, const char *text,
			   struct vmm_config **out);

/*
 * Make @cfg boot @kernel with @initrd and @cmdline: what a [linux] section
 * does, and plugvm's --kernel, --initrd and --append (@cli). Each non-NULL
 * argument replaces what was set; a kernel must be set in the end. Paths
 * resolve against the machine file's directory, or with @cli as given (the
 * current directory). With @cli, a file with [cpu] or [image] is refused,
 * as a [linux] section beside them is. Returns 0, -EINVAL after printing
 * why, or -ENOMEM.
 */
int vmm_config_set_linux(struct vmm_config *cfg, const char *kernel,
			 const char *initrd, const char *cmdline, bool cli);

/* Free @cfg and everything it holds. NULL is fine. */
void vmm_config_free(struct vmm_config *cfg);

/*
 * Convert @dev's raw keys against its plugin's @table, as
 * vmm_settings_convert_kvs() does: a missing required setting is reported
 * at the section's `type` key.
 */
int vmm_settings_convert(const struct vmm_device_cfg *dev,
			 const struct plugvm_setting *table,
			 struct plugvm_value **values);

#endif
