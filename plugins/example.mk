# SPDX-License-Identifier: GPL-2.0-or-later
# The SDK's example plugin (plugins/example/: an MC146818 RTC), and the
# check that the installed SDK is enough to build and run it.
#
# The example is installed as documentation, Makefile and all, to be copied
# and built out of tree against the installed SDK. It is also built here,
# with the house warnings, and its unit test runs in `make check`.
#
# make check-sdk (tests/sdk.sh): install this build into a temporary
# DESTDIR, check that the installed headers stand alone (C and C++), build
# the installed example against only that tree, run its unit test and its
# machine with the installed plugvm, and compare the output.
SDK_EXAMPLE_FILES = \
	plugins/example/README.md \
	plugins/example/Makefile \
	plugins/example/rtc.c \
	plugins/example/check_rtc.c \
	plugins/example/rtc.S \
	plugins/example/rtc.ini \
	plugins/example/rtc.expected

sdkexampledir = $(docdir)/example
dist_sdkexample_DATA = $(SDK_EXAMPLE_FILES)

# In the tree: the same sources, under the project's warnings.
check_LTLIBRARIES += plugins/example/rtc.la
plugins_example_rtc_la_SOURCES = plugins/example/rtc.c
plugins_example_rtc_la_LDFLAGS = $(TEST_PLUGIN_FLAGS) -no-undefined \
	-export-symbols-regex '^plugvm_plugin_describe$$'

check_PROGRAMS += plugins/example/check_rtc
TESTS += plugins/example/check_rtc
plugins_example_check_rtc_SOURCES = plugins/example/check_rtc.c
plugins_example_check_rtc_CPPFLAGS = $(AM_CPPFLAGS) \
	-DRTC_SO='"$(abs_top_builddir)/plugins/example/.libs/rtc.so"'
plugins_example_check_rtc_CFLAGS = $(TEST_CFLAGS)
plugins_example_check_rtc_LDADD = $(DEVICE_TEST_LDADD)
plugins_example_check_rtc_LDFLAGS = $(DEVICE_TEST_LINKFLAGS)
EXTRA_plugins_example_check_rtc_DEPENDENCIES = plugins/example/rtc.la
UNIT_TESTS += plugins/example/check_rtc
# The example includes no config.h (it builds out of tree too); here it is
# rebuilt with everything else when the flags config.h records change.
$(plugins_example_rtc_la_OBJECTS) $(plugins_example_check_rtc_OBJECTS): \
	$(CONFIG_HEADER)

EXTRA_DIST += tests/sdk.sh

check-sdk: all
	@PLUGVM_BUILDDIR='$(abs_top_builddir)' MAKE='$(MAKE)' \
	prefix='$(prefix)' bindir='$(bindir)' libdir='$(libdir)' \
	includedir='$(includedir)' pkglibdir='$(pkglibdir)' mandir='$(mandir)' \
	sdkexampledir='$(sdkexampledir)' tutorialdir='$(tutorialdir)' \
	sanitizers='$(SAN_CFLAGS)' \
		$(SHELL) $(top_srcdir)/tests/sdk.sh; rc=$$?; \
	if test $$rc = 77; then echo "check-sdk: SKIP (see above why)"; exit 0; fi; \
	exit $$rc
.PHONY: check-sdk
