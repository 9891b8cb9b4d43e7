# SPDX-License-Identifier: GPL-2.0-or-later
# Unit tests (Check, one program per unit) and machine tests (one per
# configs/*.ini). Plugins are found in the build tree by absolute path.
TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
TEST_LIBS = $(CHECK_LIBS)

AM_TESTS_ENVIRONMENT = \
	PLUGVM_BUILDDIR='$(abs_top_builddir)'; export PLUGVM_BUILDDIR; \
	PLUGVM_SRCDIR='$(abs_top_srcdir)'; export PLUGVM_SRCDIR; \
	PLUGVM_DEVICES='$(abs_top_builddir)/devices/.libs'; export PLUGVM_DEVICES; \
	PLUGVM_TEST_PLUGINS='$(abs_top_builddir)/tests/.libs'; export PLUGVM_TEST_PLUGINS; \
	unset PLUGVM_PLUGIN_PATH;

# valgrind: make check VALGRIND=1 runs every unit test under memcheck.
LOG_COMPILER = $(top_srcdir)/tests/valgrind-wrap.sh
EXTRA_DIST += tests/valgrind-wrap.sh
