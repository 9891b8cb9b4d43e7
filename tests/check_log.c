// SPDX-License-Identifier: GPL-2.0-or-later
/* check_log.c - the log sink: levels, formats, blocks. */
#include "config.h"

#include "log.h"

#include "capture.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* A sink that keeps the last message it got. */
struct last {
	int calls;
	struct vmm_log_msg m;
	char text[256];
};

static void last_emit(void *ctx, const struct vmm_log_msg *m)
{
	struct last *l = ctx;

	l->calls++;
	l->m = *m;
	snprintf(l->text, sizeof(l->text), "%s", m->text);
	l->m.text = l->text;
}

/* @m as the default sink writes it, to free(). */
static char *format(const struct vmm_log_msg *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	vmm_log_write(f, m);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

START_TEST(test_format)
{
	static const struct {
		struct vmm_log_msg m;
		const char *want;
	} cases[] = {
		{ { PLUGVM_LOG_ERROR, NULL, NULL, "boom", false },
		  "plugvm: error: boom\n" },
		{ { PLUGVM_LOG_WARN, "com1", NULL, "w", false },
		  "plugvm: com1: warning: w\n" },
		{ { PLUGVM_LOG_GUEST_ERROR, "d", NULL, "g", false },
		  "plugvm: d: guest error: g\n" },
		{ { PLUGVM_LOG_INFO, NULL, NULL, "i", false }, "plugvm: i\n" },
		{ { PLUGVM_LOG_DEBUG, NULL, NULL, "x", false },
		  "plugvm: debug: x\n" },
		{ { PLUGVM_LOG_ERROR, NULL, "f.ini:3: [cpu] mode", "bad",
		    false },
		  "f.ini:3: [cpu] mode: bad\n" },
		{ { PLUGVM_LOG_ERROR, NULL, "", "bare", false }, "bare\n" },
		{ { PLUGVM_LOG_ERROR, NULL, NULL, "head:\n  a\n  b", true },
		  "plugvm: head:\nplugvm:   a\nplugvm:   b\n" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = format(&cases[i].m);

		ck_assert_str_eq(got, cases[i].want);
		free(got);
	}
}
END_TEST

START_TEST(test_sink_levels)
{
	struct last l = { 0 };
	struct vmm_log_sink sink = { last_emit, &l, PLUGVM_LOG_WARN };
	struct vmm_log_sink old = vmm_log_set_sink(&sink);

	vmm_info("not shown");
	vmm_debug("not shown");
	ck_assert_int_eq(l.calls, 0);
	ck_assert(!vmm_log_enabled(PLUGVM_LOG_GUEST_ERROR));
	vmm_warn("shown %d", 1);
	ck_assert_int_eq(l.calls, 1);
	ck_assert_int_eq(l.m.level, PLUGVM_LOG_WARN);
	ck_assert_str_eq(l.text, "shown 1");
	ck_assert_ptr_null(l.m.prefix);
	ck_assert_ptr_null(l.m.origin);

	sink.level = PLUGVM_LOG_DEBUG;
	vmm_log_set_sink(&sink);
	vmm_debug("now %s", "yes");
	ck_assert_int_eq(l.calls, 2);
	ck_assert_str_eq(l.text, "now yes");

	/* Putting the old one back; NULL is the default at WARN. */
	old = vmm_log_set_sink(&old);
	ck_assert_ptr_eq(old.ctx, &l);
	vmm_log_set_sink(NULL);
	ck_assert_int_eq(vmm_log_level(), PLUGVM_LOG_WARN);
}
END_TEST

START_TEST(test_stderr_verbosity)
{
	vmm_log_to_stderr(0);
	ck_assert_int_eq(vmm_log_level(), PLUGVM_LOG_WARN);
	vmm_log_to_stderr(1);
	ck_assert_int_eq(vmm_log_level(), PLUGVM_LOG_INFO);
	vmm_log_to_stderr(2);
	ck_assert_int_eq(vmm_log_level(), PLUGVM_LOG_DEBUG);
	vmm_log_to_stderr(5);
	ck_assert_int_eq(vmm_log_level(), PLUGVM_LOG_DEBUG);
	vmm_log_to_stderr(0);
}
END_TEST

START_TEST(test_block)
{
	struct last l = { 0 };
	struct vmm_log_sink sink = { last_emit, &l, PLUGVM_LOG_WARN };
	struct vmm_log_sink old = vmm_log_set_sink(&sink);
	struct vmm_log_block b;
	FILE *f;

	/* A level the sink does not take: nothing to write into. */
	ck_assert_ptr_null(vmm_log_block_begin(&b, PLUGVM_LOG_INFO));
	vmm_log_block_end(&b);
	ck_assert_int_eq(l.calls, 0);

	f = vmm_log_block_begin(&b, PLUGVM_LOG_ERROR);
	ck_assert_ptr_nonnull(f);
	fprintf(f, "regs:\n");
	fprintf(f, "  rip %d\n", 7);
	vmm_log_block_end(&b);
	ck_assert_int_eq(l.calls, 1); /* one message, not one per line */
	ck_assert(l.m.block);
	ck_assert_str_eq(l.text, "regs:\n  rip 7");
	vmm_log_set_sink(&old);
}
END_TEST

START_TEST(test_capture)
{
	struct capture c;
	char *out;

	capture_begin(&c);
	vmm_err("one");
	vmm_info("hidden at the default level");
	out = capture_end(&c);
	ck_assert_str_eq(out, "plugvm: error: one\n");
	free(out);
}
END_TEST

static Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_sink_levels);
	tcase_add_test(tc, test_stderr_verbosity);
	tcase_add_test(tc, test_block);
	tcase_add_test(tc, test_capture);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(log_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
