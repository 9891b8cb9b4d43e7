// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_abi.c - the plugin ABI, pinned: the size and offset of every member
 * of every public struct in plugvm/plugin.h, its enum values and constants,
 * and the signature of every callback, as compiled plugins see them on
 * x86_64 (LP64). The device test kit's public structs (plugvm/devtest.h),
 * the ABI of libplugvm-devtest, are pinned too.
 *
 * IF A NUMBER HERE NO LONGER MATCHES, the binary interface between plugvm
 * and every plugin already compiled has changed.
 *   - By accident: undo the change to the header.
 *   - On purpose, by adding at the end: a member taken from a struct's
 *     reserved space (its sizeof and every other offset unchanged), a new
 *     enum value or flag: bump PLUGVM_API_VERSION, then update the pinned
 *     numbers here, the API version included.
 *   - On purpose, anything else: a member moved, resized, retyped or
 *     removed, a struct grown, an enum value renumbered, a callback's
 *     arguments changed: bump PLUGVM_ABI_VERSION (every plugin must be
 *     rebuilt), then update the numbers here.
 *   - For devtest.h: change libplugvm-devtest's -version-info
 *     (plugins/devtest.mk) as libtool's rules say.
 * plugin.h's "Versioning rules" comment is the reference.
 */
#include "config.h"

#include <plugvm/devtest.h>
#include <plugvm/plugin.h>

#include <check.h>
#include <stddef.h>
#include <stdlib.h>

/* One struct member: where it is and how big, as pinned. */
struct member {
	const char *name;
	size_t offset, size;	     /* what the compiler says */
	size_t pin_offset, pin_size; /* what it must be */
};

// clang-format off
#define MEMBER(type, m, off, sz)                                           \
	{ #type "." #m, offsetof(struct type, m),                          \
	  sizeof(((struct type *)0)->m), (off), (sz) }
// clang-format on

/* One struct: its members in declaration order, and its size. */
struct layout {
	const char *name;
	size_t size, pin_size;
	const struct member *members;
	size_t n_members;
};

// clang-format off
#define LAYOUT(type, sz, table)                                            \
	{ #type, sizeof(struct type), (sz), (table),                       \
	  sizeof(table) / sizeof((table)[0]) }
// clang-format on

/* ------------------------------------------------------------------------ */
/* plugin.h, x86_64                                                         */
/* ------------------------------------------------------------------------ */

static const struct member setting_members[] = {
	MEMBER(plugvm_setting, name, 0, 8),
	MEMBER(plugvm_setting, type, 8, 4),
	MEMBER(plugvm_setting, def, 16, 8),
	MEMBER(plugvm_setting, help, 24, 8),
	MEMBER(plugvm_setting, choices, 32, 8),
	MEMBER(plugvm_setting, min, 40, 8),
	MEMBER(plugvm_setting, max, 48, 8),
	MEMBER(plugvm_setting, reserved, 56, 16),
};

static const struct member value_members[] = {
	MEMBER(plugvm_value, u64, 0, 8),
	MEMBER(plugvm_value, str, 8, 8),
	MEMBER(plugvm_value, set, 16, 1),
	MEMBER(plugvm_value, reserved0, 17, 7),
	MEMBER(plugvm_value, reserved, 24, 16),
};

static const struct member io_ops_members[] = {
	MEMBER(plugvm_io_ops, read, 0, 8),
	MEMBER(plugvm_io_ops, write, 8, 8),
	MEMBER(plugvm_io_ops, sizes, 16, 4),
	MEMBER(plugvm_io_ops, reserved0, 20, 4),
	MEMBER(plugvm_io_ops, reserved, 24, 16),
};

static const struct member host_members[] = {
	MEMBER(plugvm_host, api_version, 0, 4),
	MEMBER(plugvm_host, size, 4, 4),
	MEMBER(plugvm_host, register_range, 8, 8),
	MEMBER(plugvm_host, log, 16, 8),
	MEMBER(plugvm_host, mem_read, 24, 8),
	MEMBER(plugvm_host, mem_write, 32, 8),
	MEMBER(plugvm_host, request_exit, 40, 8),
	MEMBER(plugvm_host, set_irq, 48, 8),
	MEMBER(plugvm_host, device_id, 56, 8),
	MEMBER(plugvm_host, setting_error, 64, 8), /* API 2 */
	MEMBER(plugvm_host, chardev_open, 72, 8), /* API 2 */
	MEMBER(plugvm_host, chardev_write, 80, 8), /* API 2 */
	MEMBER(plugvm_host, clock_ns, 88, 8), /* API 2 */
	MEMBER(plugvm_host, timer, 96, 8), /* API 2 */
	MEMBER(plugvm_host, watch, 104, 8), /* API 2 */
	MEMBER(plugvm_host, irqchip, 112, 8), /* API 2 */
	MEMBER(plugvm_host, chardev, 120, 8), /* API 3 */
	MEMBER(plugvm_host, reserved, 128, 8), /* 1 function pointer */
};

/* API 2's sub-tables: each has its own size and reserved space. */
static const struct member timer_ops_members[] = {
	MEMBER(plugvm_timer_ops, size, 0, 4),
	MEMBER(plugvm_timer_ops, reserved0, 4, 4),
	MEMBER(plugvm_timer_ops, create, 8, 8),
	MEMBER(plugvm_timer_ops, arm, 16, 8),
	MEMBER(plugvm_timer_ops, cancel, 24, 8),
	MEMBER(plugvm_timer_ops, free, 32, 8),
	MEMBER(plugvm_timer_ops, reserved, 40, 32),
};

static const struct member watch_ops_members[] = {
	MEMBER(plugvm_watch_ops, size, 0, 4),
	MEMBER(plugvm_watch_ops, reserved0, 4, 4),
	MEMBER(plugvm_watch_ops, create, 8, 8),
	MEMBER(plugvm_watch_ops, set, 16, 8),
	MEMBER(plugvm_watch_ops, free, 24, 8),
	MEMBER(plugvm_watch_ops, reserved, 32, 32),
};

static const struct member irqchip_ops_members[] = {
	MEMBER(plugvm_irqchip_ops, set_irq, 0, 8),
	MEMBER(plugvm_irqchip_ops, ack, 8, 8),
	MEMBER(plugvm_irqchip_ops, nr_lines, 16, 4),
	MEMBER(plugvm_irqchip_ops, reserved0, 20, 4),
	MEMBER(plugvm_irqchip_ops, reserved, 24, 32),
};

static const struct member irqchip_host_members[] = {
	MEMBER(plugvm_irqchip_host, size, 0, 4),
	MEMBER(plugvm_irqchip_host, reserved0, 4, 4),
	MEMBER(plugvm_irqchip_host, attach, 8, 8),
	MEMBER(plugvm_irqchip_host, set_intr, 16, 8),
	MEMBER(plugvm_irqchip_host, reserved, 24, 32),
};

/* API 3's sub-table and the input callbacks a device hands it. */
static const struct member chardev_ops_members[] = {
	MEMBER(plugvm_chardev_ops, size, 0, 4),
	MEMBER(plugvm_chardev_ops, reserved0, 4, 4),
	MEMBER(plugvm_chardev_ops, set_input, 8, 8),
	MEMBER(plugvm_chardev_ops, input_ready, 16, 8),
	MEMBER(plugvm_chardev_ops, dropped, 24, 8),
	MEMBER(plugvm_chardev_ops, reserved, 32, 40),
};

static const struct member chardev_input_members[] = {
	MEMBER(plugvm_chardev_input, can_receive, 0, 8),
	MEMBER(plugvm_chardev_input, receive, 8, 8),
	MEMBER(plugvm_chardev_input, event, 16, 8),
	MEMBER(plugvm_chardev_input, reserved, 24, 32),
};

static const struct member plugin_members[] = {
	MEMBER(plugvm_plugin, abi_version, 0, 4),
	MEMBER(plugvm_plugin, min_api_version, 4, 4),
	MEMBER(plugvm_plugin, name, 8, 8),
	MEMBER(plugvm_plugin, description, 16, 8),
	MEMBER(plugvm_plugin, settings, 24, 8),
	MEMBER(plugvm_plugin, flags, 32, 4),
	MEMBER(plugvm_plugin, reserved0, 36, 4),
	MEMBER(plugvm_plugin, create, 40, 8),
	MEMBER(plugvm_plugin, reset, 48, 8),
	MEMBER(plugvm_plugin, destroy, 56, 8),
	MEMBER(plugvm_plugin, syscalls, 64, 8), /* API 3 */
	MEMBER(plugvm_plugin, reserved, 72, 56), /* 7 pointers */
};

static const struct layout plugin_h_layouts[] = {
	LAYOUT(plugvm_setting, 72, setting_members),
	LAYOUT(plugvm_value, 40, value_members),
	LAYOUT(plugvm_io_ops, 40, io_ops_members),
	LAYOUT(plugvm_host, 136, host_members),
	LAYOUT(plugvm_timer_ops, 72, timer_ops_members),
	LAYOUT(plugvm_watch_ops, 64, watch_ops_members),
	LAYOUT(plugvm_irqchip_ops, 56, irqchip_ops_members),
	LAYOUT(plugvm_irqchip_host, 56, irqchip_host_members),
	LAYOUT(plugvm_chardev_ops, 72, chardev_ops_members),
	LAYOUT(plugvm_chardev_input, 56, chardev_input_members),
	LAYOUT(plugvm_plugin, 128, plugin_members),
};

/* ------------------------------------------------------------------------ */
/* devtest.h, x86_64                                                        */
/* ------------------------------------------------------------------------ */

static const struct member log_entry_members[] = {
	MEMBER(plugvm_devtest_log_entry, level, 0, 4),
	MEMBER(plugvm_devtest_log_entry, device, 8, 8),
	MEMBER(plugvm_devtest_log_entry, msg, 16, 8),
};

static const struct member irq_members[] = {
	MEMBER(plugvm_devtest_irq, level, 0, 1),
	MEMBER(plugvm_devtest_irq, edges, 4, 4),
	MEMBER(plugvm_devtest_irq, calls, 8, 4),
};

static const struct layout devtest_h_layouts[] = {
	LAYOUT(plugvm_devtest_log_entry, 24, log_entry_members),
	LAYOUT(plugvm_devtest_irq, 12, irq_members),
};

/*
 * Every member where it was pinned, and the members in declaration order
 * cover the struct to its end: a member added anywhere, even one that
 * fits into padding, moves an offset or the size, or leaves a hole that
 * the table does not list.
 */
static void check_layouts(const struct layout *l, size_t n)
{
	for (size_t i = 0; i < n; i++, l++) {
		size_t end = 0;

		ck_assert_msg(l->size == l->pin_size,
			      "sizeof(struct %s) is %zu, pinned %zu", l->name,
			      l->size, l->pin_size);
		for (size_t j = 0; j < l->n_members; j++) {
			const struct member *m = &l->members[j];

			ck_assert_msg(m->offset == m->pin_offset,
				      "offsetof(%s) is %zu, pinned %zu",
				      m->name, m->offset, m->pin_offset);
			ck_assert_msg(m->size == m->pin_size,
				      "sizeof(%s) is %zu, pinned %zu", m->name,
				      m->size, m->pin_size);
			ck_assert_msg(m->offset >= end,
				      "%s overlaps the member before it",
				      m->name);
			/* padding only to the member's own alignment */
			ck_assert_msg(m->offset - end < 8,
				      "%s: %zu unlisted bytes before it",
				      m->name, m->offset - end);
			end = m->offset + m->size;
		}
		ck_assert_msg(l->size - end < 8,
			      "struct %s: %zu unlisted bytes at its end",
			      l->name, l->size - end);
	}
}

START_TEST(test_plugin_h_layout)
{
	check_layouts(plugin_h_layouts,
		      sizeof(plugin_h_layouts) / sizeof(plugin_h_layouts[0]));
}
END_TEST

START_TEST(test_devtest_h_layout)
{
	check_layouts(devtest_h_layouts,
		      sizeof(devtest_h_layouts) / sizeof(devtest_h_layouts[0]));
}
END_TEST

START_TEST(test_scalar_sizes)
{
	/* the enums are stored in structs: their size is ABI too */
	ck_assert_uint_eq(sizeof(enum plugvm_setting_type), 4);
	ck_assert_uint_eq(sizeof(enum plugvm_space), 4);
	ck_assert_uint_eq(sizeof(enum plugvm_log_level), 4);
	ck_assert_uint_eq(sizeof(enum plugvm_devtest_result), 4);
	ck_assert_uint_eq(sizeof(bool), 1);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* any architecture                                                         */
/* ------------------------------------------------------------------------ */

START_TEST(test_versions)
{
	/* bump these together with the numbers above, never alone */
	ck_assert_int_eq(PLUGVM_ABI_VERSION, 1);
	ck_assert_int_eq(PLUGVM_API_VERSION, 3);
	ck_assert_str_eq(PLUGVM_PLUGIN_SYMBOL, "plugvm_plugin_describe");
	/* the host reads abi_version before trusting anything else */
	ck_assert_uint_eq(offsetof(struct plugvm_plugin, abi_version), 0);
	ck_assert_uint_eq(sizeof(((struct plugvm_plugin *)0)->abi_version), 4);
}
END_TEST

START_TEST(test_enum_values)
{
	ck_assert_int_eq(PLUGVM_SETTING_U64, 0);
	ck_assert_int_eq(PLUGVM_SETTING_SIZE, 1);
	ck_assert_int_eq(PLUGVM_SETTING_BOOL, 2);
	ck_assert_int_eq(PLUGVM_SETTING_STRING, 3);
	ck_assert_int_eq(PLUGVM_SETTING_ENUM, 4);

	ck_assert_int_eq(PLUGVM_SPACE_PIO, 0);
	ck_assert_int_eq(PLUGVM_SPACE_MMIO, 1);

	ck_assert_int_eq(PLUGVM_LOG_ERROR, 0);
	ck_assert_int_eq(PLUGVM_LOG_WARN, 1);
	ck_assert_int_eq(PLUGVM_LOG_GUEST_ERROR, 2);
	ck_assert_int_eq(PLUGVM_LOG_INFO, 3);
	ck_assert_int_eq(PLUGVM_LOG_DEBUG, 4);

	ck_assert_int_eq(PLUGVM_DEVTEST_OK, 0);
	ck_assert_int_eq(PLUGVM_DEVTEST_UNMAPPED, 1);
	ck_assert_int_eq(PLUGVM_DEVTEST_STRADDLE, 2);
	ck_assert_int_eq(PLUGVM_DEVTEST_BAD_SIZE, 3);
	ck_assert_int_eq(PLUGVM_DEVTEST_INVALID, 4);
}
END_TEST

START_TEST(test_flags)
{
	ck_assert_uint_eq(PLUGVM_ACCESS_1, 0x1);
	ck_assert_uint_eq(PLUGVM_ACCESS_2, 0x2);
	ck_assert_uint_eq(PLUGVM_ACCESS_4, 0x4);
	ck_assert_uint_eq(PLUGVM_ACCESS_8, 0x8);
	ck_assert_uint_eq(PLUGVM_ACCESS_ANY, 0xf);
	ck_assert_uint_eq(PLUGVM_PLUGIN_THREAD_SAFE, 0x1);
	ck_assert_uint_eq(PLUGVM_CHARDEV_OUTPUT, 0x1);
	ck_assert_uint_eq(PLUGVM_CHARDEV_INPUT, 0x2);
	ck_assert_uint_eq(PLUGVM_CHARDEV_STDIN_FIRST, 0x4);
	ck_assert_uint_eq(PLUGVM_CHARDEV_EVENT_EOF, 1);
	ck_assert_uint_eq(PLUGVM_CHARDEV_EVENT_BREAK, 2);
	ck_assert_uint_eq(PLUGVM_WATCH_READ, 0x1);
	ck_assert_uint_eq(PLUGVM_WATCH_WRITE, 0x2);
	ck_assert_uint_eq(PLUGVM_WATCH_HUP, 0x4);
	ck_assert_uint_eq(PLUGVM_WATCH_ERROR, 0x8);
	ck_assert_int_eq(PLUGVM_DEVTEST_IRQ_LINES, 32);
	ck_assert_int_eq(PLUGVM_DEVTEST_ANY_LEVEL, -1);
}
END_TEST

START_TEST(test_reserved_space)
{
	/* what is left for API appends; taking one bumps the API version */
	ck_assert_uint_eq(sizeof(((struct plugvm_setting *)0)->reserved) /
				  sizeof(void *),
			  2);
	ck_assert_uint_eq(sizeof(((struct plugvm_io_ops *)0)->reserved) /
				  sizeof(void *),
			  2);
	ck_assert_uint_eq(sizeof(((struct plugvm_host *)0)->reserved) /
				  sizeof(void (*)(void)),
			  1);
	ck_assert_uint_eq(sizeof(((struct plugvm_plugin *)0)->reserved) /
				  sizeof(void *),
			  7);
}
END_TEST

/* Nonzero when @x has exactly type @T (qualifiers of @x aside). */
// clang-format off
#define HAS_TYPE(x, T) _Generic((x), T: 1, default: 0)
// clang-format on

START_TEST(test_signatures)
{
	const struct plugvm_host h = { 0 };
	const struct plugvm_plugin p = { 0 };
	const struct plugvm_io_ops o = { 0 };
	plugvm_plugin_describe_fn describe = NULL;

	ck_assert(HAS_TYPE(h.register_range,
			   int (*)(struct plugvm_device *, enum plugvm_space,
				   uint64_t, uint64_t,
				   const struct plugvm_io_ops *, void *)));
	ck_assert(HAS_TYPE(h.log,
			   void (*)(struct plugvm_device *,
				    enum plugvm_log_level, const char *, ...)));
	ck_assert(HAS_TYPE(h.mem_read, int (*)(struct plugvm_device *, uint64_t,
					       void *, size_t)));
	ck_assert(
		HAS_TYPE(h.mem_write, int (*)(struct plugvm_device *, uint64_t,
					      const void *, size_t)));
	ck_assert(HAS_TYPE(h.request_exit,
			   void (*)(struct plugvm_device *, int)));
	ck_assert(HAS_TYPE(h.set_irq,
			   int (*)(struct plugvm_device *, unsigned, bool)));
	ck_assert(
		HAS_TYPE(h.device_id, const char *(*)(struct plugvm_device *)));
	ck_assert(HAS_TYPE(h.setting_error,
			   int (*)(struct plugvm_device *, const char *,
				   const char *, ...)));
	ck_assert(HAS_TYPE(h.chardev_open,
			   int (*)(struct plugvm_device *, const char *,
				   const char *, uint32_t,
				   struct plugvm_chardev **)));
	ck_assert(HAS_TYPE(h.chardev_write,
			   size_t (*)(struct plugvm_chardev *, const void *,
				      size_t)));

	ck_assert(HAS_TYPE(h.clock_ns, uint64_t(*)(struct plugvm_device *)));
	ck_assert(HAS_TYPE(h.timer, const struct plugvm_timer_ops *));
	ck_assert(HAS_TYPE(h.watch, const struct plugvm_watch_ops *));
	ck_assert(HAS_TYPE(h.irqchip, const struct plugvm_irqchip_host *));
	{
		const struct plugvm_timer_ops t = { 0 };
		const struct plugvm_watch_ops w = { 0 };
		const struct plugvm_irqchip_ops io = { 0 };
		const struct plugvm_irqchip_host ih = { 0 };

		ck_assert(HAS_TYPE(t.create,
				   int (*)(struct plugvm_device *,
					   plugvm_timer_fn, void *,
					   struct plugvm_timer **)));
		ck_assert(HAS_TYPE(t.arm,
				   int (*)(struct plugvm_timer *, uint64_t)));
		ck_assert(HAS_TYPE(t.cancel, void (*)(struct plugvm_timer *)));
		ck_assert(HAS_TYPE(t.free, void (*)(struct plugvm_timer *)));
		ck_assert(HAS_TYPE(w.create,
				   int (*)(struct plugvm_device *, int,
					   uint32_t, plugvm_watch_fn, void *,
					   struct plugvm_watch **)));
		ck_assert(HAS_TYPE(w.set,
				   int (*)(struct plugvm_watch *, uint32_t)));
		ck_assert(HAS_TYPE(w.free, void (*)(struct plugvm_watch *)));
		ck_assert(HAS_TYPE(io.set_irq,
				   int (*)(void *, unsigned, bool)));
		ck_assert(HAS_TYPE(io.ack, uint8_t(*)(void *, unsigned)));
		ck_assert(HAS_TYPE(ih.attach,
				   int (*)(struct plugvm_device *,
					   const struct plugvm_irqchip_ops *,
					   void *)));
		ck_assert(HAS_TYPE(ih.set_intr,
				   void (*)(struct plugvm_device *, unsigned,
					    bool)));
	}

	ck_assert(HAS_TYPE(p.create,
			   int (*)(struct plugvm_device *,
				   const struct plugvm_host *,
				   const struct plugvm_value *, void **)));
	ck_assert(HAS_TYPE(p.reset, void (*)(void *)));
	ck_assert(HAS_TYPE(p.destroy, void (*)(void *)));

	ck_assert(HAS_TYPE(o.read, uint64_t(*)(void *, uint64_t, unsigned)));
	ck_assert(HAS_TYPE(o.write,
			   void (*)(void *, uint64_t, unsigned, uint64_t)));

	ck_assert(HAS_TYPE(describe, const struct plugvm_plugin *(*)(void)));
}
END_TEST

static Suite *abi_suite(void)
{
	Suite *s = suite_create("abi");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_test(tc, test_versions);
	tcase_add_test(tc, test_enum_values);
	tcase_add_test(tc, test_flags);
	tcase_add_test(tc, test_reserved_space);
	tcase_add_test(tc, test_signatures);
	suite_add_tcase(s, tc);

	/* The pinned numbers are those of x86_64; elsewhere they differ. */
	tc = tcase_create("x86_64");
#if defined(__x86_64__) && defined(__LP64__)
	tcase_add_test(tc, test_plugin_h_layout);
	tcase_add_test(tc, test_devtest_h_layout);
	tcase_add_test(tc, test_scalar_sizes);
#endif
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(abi_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
