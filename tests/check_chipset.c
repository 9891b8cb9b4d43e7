// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_chipset.c - `[machine] chipset = pc` as vm.c builds it
 * (chipset.c, irq.c), on fake accelerators named "kvm" and "tcg": no
 * /dev/kvm and no guest needed. The machine is built from a machine file
 * string with the real plugins (the build tree's devices, and testdev:
 * data byte = line, command 6 raises it, 7 lowers it); the test plays the
 * guest through the bus and sees what reaches the accelerator: kvm's
 * irq_line() for each GSI, tcg's set_intr() for vCPU 0.
 */
#include "config.h"

#include "capture.h"
#include "chipset.h"
#include "irq.h"
#include "machine.h"
#include "vm.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the fake accelerators ------------------------------------------- */

static struct accel_vm *const fake_vm = (struct accel_vm *)&fake_vm;
static struct accel_vcpu *const fake_vcpu = (struct accel_vcpu *)&fake_vcpu;

static struct {
	bool irqchip; /* what vm_create was asked for */
	bool aps_wait_sipi;
	unsigned lines; /* irq_line() calls */
	unsigned last_gsi;
	bool last_level;
	bool levels[24];
	unsigned intrs; /* set_intr() calls */
	bool intr;
} fake;

static int fake_probe(const char **why)
{
	(void)why;
	return 0;
}

static int fake_vm_create(const struct accel_vm_config *cfg,
			  struct accel_vm **out)
{
	fake.irqchip = cfg->irqchip;
	fake.aps_wait_sipi = cfg->aps_wait_sipi;
	*out = fake_vm;
	return 0;
}

static void fake_vm_destroy(struct accel_vm *vm)
{
	ck_assert_ptr_eq(vm, fake_vm);
}

static int fake_vcpu_create(struct accel_vm *vm, unsigned index,
			    struct vmm_exit_sink *sink,
			    const struct vmm_regs *regs,
			    struct accel_vcpu **out)
{
	(void)vm;
	(void)index;
	(void)sink;
	(void)regs;
	*out = fake_vcpu;
	return 0;
}

static void fake_vcpu_destroy(struct accel_vcpu *v)
{
	(void)v;
}

static int fake_vcpu_run(struct accel_vcpu *v, struct vmm_exit *exit)
{
	(void)v;
	exit->reason = VMM_EXIT_HLT;
	return 0;
}

static int fake_get_regs(struct accel_vcpu *v, struct vmm_regs *regs)
{
	(void)v;
	memset(regs, 0, sizeof(*regs));
	return 0;
}

static void fake_kick(struct accel_vcpu *v)
{
	(void)v;
}

static int fake_irq_line(struct accel_vm *vm, unsigned gsi, bool level)
{
	ck_assert_ptr_eq(vm, fake_vm);
	ck_assert_uint_lt(gsi, 24);
	fake.lines++;
	fake.last_gsi = gsi;
	fake.last_level = level;
	fake.levels[gsi] = level;
	return 0;
}

static void fake_set_intr(struct accel_vcpu *v, bool level)
{
	ck_assert_ptr_eq(v, fake_vcpu);
	fake.intrs++;
	fake.intr = level;
}

static const struct accel_ops fake_kvm = {
	.name = "kvm",
	.threaded = true,
	.probe = fake_probe,
	.vm_create = fake_vm_create,
	.vm_destroy = fake_vm_destroy,
	.vcpu_create = fake_vcpu_create,
	.vcpu_destroy = fake_vcpu_destroy,
	.vcpu_run = fake_vcpu_run,
	.get_regs = fake_get_regs,
	.kick = fake_kick,
	.irq_line = fake_irq_line,
};

static const struct accel_ops fake_tcg = {
	.name = "tcg",
	.threaded = false,
	.probe = fake_probe,
	.vm_create = fake_vm_create,
	.vm_destroy = fake_vm_destroy,
	.vcpu_create = fake_vcpu_create,
	.vcpu_destroy = fake_vcpu_destroy,
	.vcpu_run = fake_vcpu_run,
	.get_regs = fake_get_regs,
	.kick = fake_kick,
	.set_intr = fake_set_intr,
};

/* ---- machines ---------------------------------------------------------- */

static struct vmm_plugin_path pp;
static struct vmm_config *cfg;
static struct vmm_vm *vm;

static void setup(void)
{
	const char *dev = getenv("PLUGVM_DEVICES");
	const char *tst = getenv("PLUGVM_TEST_PLUGINS");
	char dirs[8192];

	snprintf(dirs, sizeof(dirs), "%s:%s", dev ? dev : "devices/.libs",
		 tst ? tst : "tests/.libs");
	ck_assert_int_eq(vmm_plugin_path_init(&pp, dirs), 0);
	memset(&fake, 0, sizeof(fake));
}

static void teardown(void)
{
	vmm_vm_destroy(vm);
	vm = NULL;
	vmm_config_free(cfg);
	cfg = NULL;
	vmm_plugin_path_free(&pp);
}

/* A pc machine on @accel with testdev (which loads a HLT, so there is
 * code to run) and @extra lines at the end; vmm_vm_create()'s answer. */
static int build(const struct accel_ops *accel, const char *chipset,
		 const char *extra)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "[machine]\nchipset = %s\n\n"
		 "[cpu]\nentry = 0x1000\n\n"
		 "[device \"td\"]\ntype = testdev\nload = true\ngpa = 0x1000\n"
		 "%s",
		 chipset, extra ? extra : "");
	ck_assert_int_eq(vmm_config_load_string("pc.ini", text, &cfg), 0);
	return vmm_vm_create(cfg, accel, &pp, &vm);
}

static void outb(uint16_t port, uint8_t v)
{
	uint64_t value = v;
	const struct vmm_io_range *r;

	ck_assert_uint_eq(vmm_iobus_access(vm->bus, PLUGVM_SPACE_PIO, port, 1,
					   true, &value, &r),
			  VMM_IO_OK);
}

static uint8_t inb(uint16_t port)
{
	uint64_t value = 0;
	const struct vmm_io_range *r;

	ck_assert_uint_eq(vmm_iobus_access(vm->bus, PLUGVM_SPACE_PIO, port, 1,
					   false, &value, &r),
			  VMM_IO_OK);
	return (uint8_t)value;
}

/* testdev drives @line to @level: set_irq()'s answer. */
static int drive(unsigned line, bool level)
{
	outb(0x101, (uint8_t)line);
	outb(0x100, level ? 6 : 7);
	return (int8_t)inb(0x100);
}

/* Who owns @addr in @space: a device id, or NULL. */
static const char *owner(enum plugvm_space space, uint64_t addr)
{
	const struct vmm_io_range *r = vmm_iobus_lookup(vm->bus, space, addr);

	return r && r->owner ? r->owner->name : NULL;
}

/* ---- kvm --------------------------------------------------------------- */

START_TEST(test_kvm_lines)
{
	ck_assert_int_eq(build(&fake_kvm, "pc", NULL), 0);
	ck_assert(fake.irqchip);
	/* the kernel's chipset: no plugin of ours but the 8042, its
	 * ranges reserved */
	ck_assert_uint_eq(vm->n_chipset_devices, 2);
	ck_assert_str_eq(vm->devices[0]->id, "i8042");
	ck_assert_str_eq(owner(PLUGVM_SPACE_PIO, 0x60), "i8042");
	ck_assert_str_eq(owner(PLUGVM_SPACE_PIO, 0x64), "i8042");
	ck_assert_ptr_null(owner(PLUGVM_SPACE_PIO, 0x63));
	ck_assert_str_eq(owner(PLUGVM_SPACE_PIO, 0x20), "chipset pc");
	ck_assert_str_eq(owner(PLUGVM_SPACE_PIO, 0xa1), "chipset pc");
	ck_assert_str_eq(owner(PLUGVM_SPACE_PIO, 0x4d1), "chipset pc");
	ck_assert_str_eq(owner(PLUGVM_SPACE_PIO, 0x43), "chipset pc");
	ck_assert_str_eq(owner(PLUGVM_SPACE_PIO, 0x61), "chipset pc");
	ck_assert_ptr_null(owner(PLUGVM_SPACE_PIO, 0x62));
	ck_assert_str_eq(owner(PLUGVM_SPACE_MMIO, 0xfec00fff), "chipset pc");
	ck_assert_str_eq(owner(PLUGVM_SPACE_MMIO, 0xfee00000), "chipset pc");
	ck_assert_ptr_null(owner(PLUGVM_SPACE_MMIO, 0xfed00000));

	/* GSIs 0-23 but 2 go to irq_line(), on a change of the OR only */
	ck_assert_int_eq(drive(20, true), 0);
	ck_assert_uint_eq(fake.lines, 1);
	ck_assert_uint_eq(fake.last_gsi, 20);
	ck_assert(fake.last_level);
	ck_assert_int_eq(drive(20, true), 0);
	ck_assert_uint_eq(fake.lines, 1);
	ck_assert_int_eq(drive(20, false), 0);
	ck_assert_uint_eq(fake.lines, 2);
	ck_assert(!fake.levels[20]);
	ck_assert_int_eq(drive(0, true), 0);
	ck_assert(fake.levels[0]);
	/* refused, and not handed on */
	CAPTURE_STDERR(ck_assert_int_eq(drive(2, true), -EINVAL));
	ck_assert_ptr_nonnull(strstr(captured,
				     "td: warning: set_irq(line 2): the machine has no such interrupt line: chipset pc on kvm has lines 0-23 but 2"));
	ck_assert_int_eq(drive(24, true), -EINVAL);
	ck_assert_uint_eq(fake.lines, 3);
}
END_TEST

/* Lines a device drives before the accelerator's VM exists (from its
 * create(), or a thread of its own) wait in the router, then go over
 * once: never to a half-made accelerator. */
static int replay_line(void *ctx, unsigned line, bool level)
{
	(void)ctx;
	fake.lines++;
	fake.levels[line] = level;
	return 0;
}

START_TEST(test_kvm_replay)
{
	const struct vmm_irq_hooks hooks = { .line = replay_line };
	struct vmm_device a = { .id = (char *)"a" }, b = { .id = (char *)"b" };
	struct vmm_irq *irq;

	ck_assert_int_eq(vmm_irq_new(VMM_IRQ_KERNEL, 1, &hooks, &irq), 0);
	ck_assert_int_eq(vmm_irq_set(irq, &a, 5, true), 0);
	ck_assert_int_eq(vmm_irq_set(irq, &b, 5, true), 0);
	ck_assert_int_eq(vmm_irq_set(irq, &a, 7, true), 0);
	ck_assert_int_eq(vmm_irq_set(irq, &a, 7, false), 0);
	ck_assert_int_eq(vmm_irq_set(irq, &b, 2, true), -EINVAL);
	ck_assert_uint_eq(fake.lines, 0);
	ck_assert_int_eq(vmm_irq_replay(irq), 0);
	ck_assert_uint_eq(fake.lines, 1); /* line 5, high, once */
	ck_assert(fake.levels[5]);
	/* from now on, changes of the OR go straight through */
	ck_assert_int_eq(vmm_irq_set(irq, &a, 5, false), 0);
	ck_assert_uint_eq(fake.lines, 1); /* b still drives it */
	vmm_irq_device_gone(irq, &b);
	ck_assert_uint_eq(fake.lines, 2);
	ck_assert(!fake.levels[5]);
	vmm_irq_free(irq);
}
END_TEST

/* A device's range over the chipset's: the same message on both. */
static void claim(const struct accel_ops *accel, const char *extra,
		  const char *expect)
{
	int ret;

	CAPTURE_STDERR(ret = build(accel, "pc", extra));
	ck_assert_int_eq(ret, -EBUSY);
	ck_assert_msg(strstr(captured, expect), "%s", captured);
	vmm_config_free(cfg);
	cfg = NULL;
	vm = NULL;
}

START_TEST(test_same_overlap_on_both)
{
	static const struct {
		const char *device, *message;
	} cases[] = {
		{ "[device \"spk\"]\ntype = debugport\nport = 0x61\n",
		  "pc.ini:11: [device \"spk\"]: port range 0x61-0x64 overlaps 0x61-0x61 of chipset pc (pc.ini:2)" },
		{ "[device \"pic2\"]\ntype = debugport\nport = 0xa0\nsize = 1\n",
		  "pc.ini:11: [device \"pic2\"]: port range 0xa0-0xa0 overlaps 0xa0-0xa1 of chipset pc (pc.ini:2)" },
		{ "[device \"elcr\"]\ntype = debugport\nport = 0x4d0\n",
		  "port range 0x4d0-0x4d3 overlaps 0x4d0-0x4d1 of chipset pc (pc.ini:2)" },
		{ "[device \"apic\"]\ntype = nullmmio\nbase = 0xfee00000\n",
		  "pc.ini:11: [device \"apic\"]: MMIO range 0xfee00000-0xfee00fff overlaps 0xfee00000-0xfee00fff of chipset pc (pc.ini:2)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		claim(&fake_kvm, cases[i].device, cases[i].message);
		claim(&fake_tcg, cases[i].device, cases[i].message);
	}
}
END_TEST

START_TEST(test_none)
{
	ck_assert_int_eq(build(&fake_kvm, "none", NULL), 0);
	ck_assert(!fake.irqchip);
	ck_assert_ptr_null(vm->irq);
	ck_assert_uint_eq(vm->n_chipset_devices, 0);
	ck_assert_ptr_null(owner(PLUGVM_SPACE_PIO, 0x20));
	CAPTURE_STDERR(ck_assert_int_eq(drive(4, true), -ENOTSUP));
	ck_assert_ptr_nonnull(strstr(captured, "set `chipset = pc`"));
	ck_assert_uint_eq(fake.lines, 0);
}
END_TEST

/* ---- tcg --------------------------------------------------------------- */

START_TEST(test_tcg_intr)
{
	static const uint8_t init[][2] = {
		{ 0x20, 0x11 }, { 0x21, 0x08 }, { 0x21, 0x04 }, { 0x21, 0x01 },
		{ 0xa0, 0x11 }, { 0xa1, 0x70 }, { 0xa1, 0x02 }, { 0xa1, 0x01 },
		{ 0x21, 0x00 }, { 0xa1, 0x00 },
	};

	ck_assert_int_eq(build(&fake_tcg, "pc", NULL), 0);
	ck_assert(fake.irqchip);
	/* the plugins first, then the reservation, then the file's */
	ck_assert_uint_eq(vm->n_chipset_devices, 4);
	ck_assert_str_eq(vm->devices[0]->id, "pic");
	ck_assert_str_eq(vm->devices[1]->id, "pit");
	ck_assert_str_eq(vm->devices[2]->id, "i8042");
	ck_assert_str_eq(vm->devices[3]->id, "chipset pc");
	ck_assert_str_eq(vm->devices[4]->id, "td");
	ck_assert_str_eq(owner(PLUGVM_SPACE_PIO, 0x64), "i8042");
	ck_assert_str_eq(owner(PLUGVM_SPACE_PIO, 0x21), "pic");
	ck_assert_str_eq(owner(PLUGVM_SPACE_PIO, 0x4d0), "pic");
	ck_assert_str_eq(owner(PLUGVM_SPACE_PIO, 0x42), "pit");
	ck_assert_str_eq(owner(PLUGVM_SPACE_PIO, 0x61), "pit");
	ck_assert_str_eq(owner(PLUGVM_SPACE_MMIO, 0xfec00000), "chipset pc");
	/* the controller keeps its lock: set_irq comes from any thread */
	ck_assert_ptr_nonnull(vm->devices[0]->owner.lock);

	for (size_t i = 0; i < sizeof(init) / sizeof(init[0]); i++)
		outb(init[i][0], init[i][1]);
	ck_assert_uint_eq(fake.intrs, 0);
	/* a device's line: INTR of vCPU 0 through the accelerator */
	ck_assert_int_eq(drive(9, true), 0);
	ck_assert_uint_eq(fake.intrs, 1);
	ck_assert(fake.intr);
	/* the vCPU's INTA: the PIC's vector */
	ck_assert_int_eq(vmm_irq_ack(vm->irq, 0), 0x71);
	ck_assert(!fake.intr);
	ck_assert_int_eq(drive(9, false), 0);
	/* kvm's lines are not tcg's */
	CAPTURE_STDERR(ck_assert_int_eq(drive(16, true), -EINVAL));
	ck_assert_ptr_nonnull(strstr(captured, "16-23 only on kvm"));
	ck_assert_uint_eq(fake.lines, 0);
}
END_TEST

/* The chipset's plugins are found like any other, and a missing one is
 * said at the chipset key. */
START_TEST(test_tcg_no_plugins)
{
	const char *installed = getenv("PLUGVM_PKGLIBDIR");
	char path[4096];
	int ret;

	/* the installed directory is always searched last */
	snprintf(path, sizeof(path), "%s/i8259.so",
		 installed ? installed : "/nonexistent");
	if (!access(path, F_OK)) {
		fprintf(stderr, "SKIP test_tcg_no_plugins: %s is installed\n",
			path);
		return;
	}
	vmm_plugin_path_free(&pp);
	ck_assert_int_eq(vmm_plugin_path_init(&pp, "/nonexistent"), 0);
	CAPTURE_STDERR(ret = build(&fake_tcg, "pc", NULL));
	ck_assert_int_eq(ret, -ENOENT);
	ck_assert_msg(strstr(captured, "pc.ini:2: [machine] chipset:"), "%s",
		      captured);
	ck_assert_msg(strstr(captured, "i8259.so"), "%s", captured);
	vm = NULL;
}
END_TEST

/* ---- a Linux kernel ---------------------------------------------------- */

/* A [linux] machine with the synthetic bzImage (tests/guests/bzimage.bin)
 * on @chipset, 2 vCPUs, on fake kvm; vmm_vm_create()'s answer. */
static int build_linux(const char *chipset)
{
	const char *bdir = getenv("PLUGVM_BUILDDIR");
	char text[4096];

	snprintf(text, sizeof(text),
		 "[machine]\nchipset = %s\nvcpus = 2\nmemory = 64M\n\n"
		 "[linux]\nkernel = %s/tests/guests/bzimage.bin\n",
		 chipset, bdir ? bdir : ".");
	ck_assert_int_eq(vmm_config_load_string("lx.ini", text, &cfg), 0);
	return vmm_vm_create(cfg, &fake_kvm, &pp, &vm);
}

/* What a kernel gets on kvm: the MP table, APs that wait for SIPI, its
 * triple fault as a reboot, the 8042. */
START_TEST(test_linux_platform)
{
	const uint8_t *mpf;

	ck_assert_int_eq(build_linux("pc"), 0);
	ck_assert(fake.irqchip);
	ck_assert(fake.aps_wait_sipi);
	mpf = vmm_guestmem_ptr(&vm->mem, 0xf0000, 16);
	ck_assert_ptr_nonnull(mpf);
	ck_assert_mem_eq(mpf, "_MP_", 4);
	ck_assert_mem_eq(vmm_guestmem_ptr(&vm->mem, mpf[4] | mpf[5] << 8 |
							    (uint32_t)mpf[6] << 16,
					  4),
			 "PCMP", 4);
	ck_assert_uint_eq(vm->n_vcpus, 2);
	ck_assert(vm->vcpus[0].shutdown_is_reboot);
	ck_assert(vm->vcpus[1].shutdown_is_reboot);
	ck_assert_str_eq(owner(PLUGVM_SPACE_PIO, 0x64), "i8042");
}
END_TEST

/* An [image] machine keeps its triple fault a fault, its APs running. */
START_TEST(test_image_platform)
{
	ck_assert_int_eq(build(&fake_kvm, "pc", NULL), 0);
	ck_assert(!fake.aps_wait_sipi);
	ck_assert(!vm->vcpus[0].shutdown_is_reboot);
}
END_TEST

/* Linux without chipset pc is refused at the chipset key. */
START_TEST(test_linux_needs_pc)
{
	int ret;

	CAPTURE_STDERR(ret = build_linux("none"));
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_msg(strstr(captured, "lx.ini:2: [machine] chipset:"), "%s",
		      captured);
	ck_assert_msg(strstr(captured, "needs chipset = pc"), "%s", captured);
	vm = NULL;
}
END_TEST

static Suite *chipset_suite(void)
{
	Suite *s = suite_create("chipset");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_kvm_lines);
	tcase_add_test(tc, test_kvm_replay);
	tcase_add_test(tc, test_tcg_intr);
	tcase_add_test(tc, test_none);
	tcase_add_test(tc, test_linux_platform);
	tcase_add_test(tc, test_image_platform);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_same_overlap_on_both);
	tcase_add_test(tc, test_tcg_no_plugins);
	tcase_add_test(tc, test_linux_needs_pc);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(chipset_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
