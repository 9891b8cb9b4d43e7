# SPDX-License-Identifier: GPL-2.0-or-later
# Unit tests (Check, one program per unit) and machine tests (one per
# configs/*.ini). Plugins are found in the build tree by absolute path.
TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
TEST_LIBS = $(CHECK_LIBS)

AM_TESTS_ENVIRONMENT = \
	PLUGVM_BUILDDIR='$(abs_top_builddir)'; export PLUGVM_BUILDDIR; \
	PLUGVM_SRCDIR='$(abs_top_srcdir)'; export PLUGVM_SRCDIR; \
	PLUGVM_DEVICES='$(abs_top_builddir)/devices/.libs'; export PLUGVM_DEVICES; \
	PLUGVM_DEVTEST_PLUGIN_DIR='$(abs_top_builddir)/devices/.libs'; export PLUGVM_DEVTEST_PLUGIN_DIR; \
	PLUGVM_TEST_PLUGINS='$(abs_top_builddir)/tests/.libs'; export PLUGVM_TEST_PLUGINS; \
	LSAN_OPTIONS="suppressions=$(abs_top_srcdir)/tests/lsan.supp:print_suppressions=0$${LSAN_OPTIONS:+:$$LSAN_OPTIONS}"; export LSAN_OPTIONS; \
	unset PLUGVM_PLUGIN_PATH; \
	PLUGVM_PKGLIBDIR='$(pkglibdir)'; export PLUGVM_PKGLIBDIR; \
	PLUGVM_SAN_CFLAGS='$(SAN_CFLAGS)'; export PLUGVM_SAN_CFLAGS; \
	PLUGVM_COMPILE_FLAGS='$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN_CFLAGS) $(SAN_CFLAGS) $(LDFLAGS) $(SAN_LDFLAGS)'; \
	export PLUGVM_COMPILE_FLAGS; \
	REBUILD_TARGETS='all-am $(check_LTLIBRARIES) $(check_PROGRAMS) $(BENCH_PROGS)'; \
	export REBUILD_TARGETS; MAKE='$(MAKE)'; export MAKE; \
	REBUILD_DEPFILES='$(am__depfiles_remade)'; export REBUILD_DEPFILES; \
	PLUGVM_BASH='$(BASH)'; export PLUGVM_BASH;

# valgrind: make check VALGRIND=1 runs every unit test under memcheck.
LOG_COMPILER = $(top_srcdir)/tests/valgrind-wrap.sh
EXTRA_DIST += tests/valgrind-wrap.sh

# Machine tests: every machine file in configs/ is a test.
TESTS += $(MACHINES)
INI_LOG_COMPILER = $(SHELL) $(top_srcdir)/tests/run-machine.sh
EXTRA_DIST += tests/run-machine.sh tests/expected

# Test-only guests, built like configs/ (tests/cli.sh runs them).
TEST_GUESTS = tests/guests/intloop.bin tests/guests/pgcs.bin \
	tests/guests/irqline.bin \
	tests/guests/replay.bin \
	tests/guests/refuse.bin tests/guests/kitcmp.bin \
	tests/guests/intr-real.bin tests/guests/intr-pm.bin \
	tests/guests/intr-lm.bin tests/guests/intr-smp.bin \
	tests/guests/smc.bin tests/guests/flood.bin tests/guests/console.bin \
	tests/guests/bzimage.bin tests/guests/guard.bin tests/guests/stuck.bin \
	tests/guests/borrow.bin
noinst_DATA += $(TEST_GUESTS)
EXTRA_DIST += $(TEST_GUESTS:.bin=.S)
CLEANFILES += $(TEST_GUESTS) $(TEST_GUESTS:.bin=.o)

tests/guests/%.o: tests/guests/%.S
	$(AM_V_GEN)$(MKDIR_P) tests/guests && \
	$(CCAS) $(CCASFLAGS) -c -o $@ $<

tests/guests/%.bin: tests/guests/%.o
	$(AM_V_GEN)$(GUEST_LD) -m elf_x86_64 -N -e _start -Ttext=0x1000 \
		--oformat binary -o $@ $<

# Unit tests of the core.
CORE_TESTS = tests/check_iobus tests/check_plugin tests/check_cpu \
	tests/check_kvm_host tests/check_log tests/check_x86_intr \
	tests/check_vcpu tests/check_events tests/check_tcg tests/check_chipset \
	tests/check_boot_elf tests/check_boot tests/check_outputs
check_PROGRAMS += $(CORE_TESTS)
TESTS += $(CORE_TESTS)
tests_check_iobus_SOURCES = tests/check_iobus.c
tests_check_iobus_CFLAGS = $(TEST_CFLAGS)
tests_check_iobus_LDADD = vmm/libvmm-core.la $(TEST_LIBS)
tests_check_events_SOURCES = tests/check_events.c
tests_check_events_CFLAGS = $(TEST_CFLAGS)
tests_check_events_LDADD = vmm/libvmm-core.la $(TEST_LIBS)
tests_check_outputs_SOURCES = tests/check_outputs.c
tests_check_outputs_CFLAGS = $(TEST_CFLAGS)
tests_check_outputs_LDADD = vmm/libvmm-core.la $(TEST_LIBS)
tests_check_log_SOURCES = tests/check_log.c
tests_check_log_CFLAGS = $(TEST_CFLAGS)
tests_check_log_LDADD = vmm/libvmm-core.la $(TEST_LIBS)

# Test-only plugins: one source, each build breaks one rule.
TEST_PLUGIN_FLAGS = -module -avoid-version -shared -rpath /nowhere $(SAN_LDFLAGS)
check_LTLIBRARIES += tests/testdev.la tests/badabi.la tests/newapi.la \
	tests/nosym.la tests/undefined.la tests/failcreate.la tests/misnamed.la \
	tests/chartest.la tests/chrin.la tests/stuck.la
tests_chrin_la_SOURCES = tests/plugins/chrin.c
tests_chrin_la_LDFLAGS = $(TEST_PLUGIN_FLAGS) -no-undefined
# A device that never returns from one callback (tests/stop.sh).
tests_stuck_la_SOURCES = tests/plugins/stuck.c
tests_stuck_la_LDFLAGS = $(TEST_PLUGIN_FLAGS) -no-undefined
tests_chartest_la_SOURCES = tests/plugins/chartest.c
tests_chartest_la_LDFLAGS = $(TEST_PLUGIN_FLAGS) -no-undefined
tests_testdev_la_SOURCES = tests/plugins/testdev.c
tests_testdev_la_LDFLAGS = $(TEST_PLUGIN_FLAGS) -no-undefined
tests_badabi_la_SOURCES = tests/plugins/testdev.c
tests_badabi_la_CPPFLAGS = $(AM_CPPFLAGS) -DTESTDEV_ABI=999 -DTESTDEV_NAME='"badabi"'
tests_badabi_la_LDFLAGS = $(TEST_PLUGIN_FLAGS) -no-undefined
tests_newapi_la_SOURCES = tests/plugins/testdev.c
tests_newapi_la_CPPFLAGS = $(AM_CPPFLAGS) '-DTESTDEV_API=(PLUGVM_API_VERSION + 1)' -DTESTDEV_NAME='"newapi"'
tests_newapi_la_LDFLAGS = $(TEST_PLUGIN_FLAGS) -no-undefined
tests_nosym_la_SOURCES = tests/plugins/testdev.c
tests_nosym_la_CPPFLAGS = $(AM_CPPFLAGS) -DTESTDEV_NO_SYMBOL -DTESTDEV_NAME='"nosym"'
tests_nosym_la_LDFLAGS = $(TEST_PLUGIN_FLAGS) -no-undefined
tests_undefined_la_SOURCES = tests/plugins/testdev.c
tests_undefined_la_CPPFLAGS = $(AM_CPPFLAGS) -DTESTDEV_UNDEFINED -DTESTDEV_NAME='"undefined"'
tests_undefined_la_LDFLAGS = $(TEST_PLUGIN_FLAGS)
tests_failcreate_la_SOURCES = tests/plugins/testdev.c
tests_failcreate_la_CPPFLAGS = $(AM_CPPFLAGS) -DTESTDEV_CREATE_FAILS -DTESTDEV_NAME='"failcreate"'
tests_failcreate_la_LDFLAGS = $(TEST_PLUGIN_FLAGS) -no-undefined
tests_misnamed_la_SOURCES = tests/plugins/testdev.c
tests_misnamed_la_CPPFLAGS = $(AM_CPPFLAGS) -DTESTDEV_NAME='"othername"'
tests_misnamed_la_LDFLAGS = $(TEST_PLUGIN_FLAGS) -no-undefined
EXTRA_DIST += tests/capture.h tests/lsan.supp
tests_check_plugin_SOURCES = tests/check_plugin.c
tests_check_plugin_CFLAGS = $(TEST_CFLAGS)
tests_check_plugin_LDADD = vmm/libvmm-core.la $(TEST_LIBS)
EXTRA_tests_check_plugin_DEPENDENCIES = $(check_LTLIBRARIES)
# The machine's chipset on fake kvm and tcg accelerators, with the real
# chipset plugins and testdev.
tests_check_chipset_SOURCES = tests/check_chipset.c tests/capture.h
tests_check_chipset_CFLAGS = $(TEST_CFLAGS)
tests_check_chipset_LDADD = vmm/libvmm.la $(UNICORN_LINK) $(TEST_LIBS)
EXTRA_tests_check_chipset_DEPENDENCIES = devices/i8259.la devices/i8254.la \
	devices/debugport.la devices/nullmmio.la tests/testdev.la \
	devices/i8042.la tests/guests/bzimage.bin

tests_check_vcpu_SOURCES = tests/check_vcpu.c
tests_check_vcpu_CFLAGS = $(TEST_CFLAGS)
tests_check_vcpu_LDADD = vmm/libvmm.la $(UNICORN_LINK) $(TEST_LIBS)
# The tcg accelerator itself: INTR, HLT waits, host writes to running
# code; it runs the test guests above.
# The kernel loaders on synthetic bzImages; the entry states run on tcg.
tests_check_boot_SOURCES = tests/check_boot.c
tests_check_boot_CFLAGS = $(TEST_CFLAGS)
tests_check_boot_LDADD = vmm/libvmm.la $(UNICORN_LINK) $(TEST_LIBS)
EXTRA_tests_check_boot_DEPENDENCIES = $(TEST_GUESTS)
tests_check_tcg_SOURCES = tests/check_tcg.c
tests_check_tcg_CFLAGS = $(TEST_CFLAGS)
tests_check_tcg_LDADD = vmm/libvmm.la $(UNICORN_LINK) $(TEST_LIBS)
EXTRA_tests_check_tcg_DEPENDENCIES = $(TEST_GUESTS)
tests_check_boot_elf_SOURCES = tests/check_boot_elf.c
tests_check_boot_elf_CFLAGS = $(TEST_CFLAGS)
tests_check_boot_elf_LDADD = vmm/libvmm.la $(UNICORN_LINK) $(TEST_LIBS)
tests_check_cpu_SOURCES = tests/check_cpu.c
tests_check_cpu_CFLAGS = $(TEST_CFLAGS)
tests_check_cpu_LDADD = vmm/libvmm.la $(UNICORN_LINK) $(TEST_LIBS)
tests_check_kvm_host_SOURCES = tests/check_kvm_host.c
tests_check_kvm_host_CFLAGS = $(TEST_CFLAGS)
tests_check_kvm_host_LDADD = vmm/libvmm.la $(UNICORN_LINK) $(TEST_LIBS)
# x86-intr.c alone, without Unicorn or the rest of the core: the link
# fails if it ever calls more than its header says.
tests_check_x86_intr_SOURCES = tests/check_x86_intr.c vmm/x86-intr.c
tests_check_x86_intr_CFLAGS = $(TEST_CFLAGS)
tests_check_x86_intr_LDADD = $(TEST_LIBS)

# The command line, end to end (TAP: each check counts).
TESTS += tests/cli.sh
TESTS += tests/console.sh
# plugvm on a pseudo-terminal: raw mode, its restoring, Ctrl-A escapes.
check_PROGRAMS += tests/check_console
TESTS += tests/check_console
tests_check_console_SOURCES = tests/check_console.c
tests_check_console_CFLAGS = $(TEST_CFLAGS)
tests_check_console_LDADD = $(TEST_LIBS)
EXTRA_tests_check_console_DEPENDENCIES = tests/chrin.la \
	tests/guests/console.bin
EXTRA_DIST += tests/console.sh
# The 16550A's input end to end, through the interrupt-driven echo guest.
TESTS += tests/serial.sh
EXTRA_DIST += tests/serial.sh
# Stopping from the first millisecond to the last: signals and --timeout
# during start-up, in a device callback that never returns, with output
# nobody reads, in teardown (the watchdog, vmm/watchdog.h; TAP).
TESTS += tests/stop.sh
EXTRA_DIST += tests/stop.sh
# Resource limits: --max-memory, memory above the host's RAM (TAP).
TESTS += tests/limits.sh
EXTRA_DIST += tests/limits.sh
# Hostile guests (tests/hostile/*.ini, each with what it expects in its
# comments): storms, huge and unmapped string I/O, jumps into nothing,
# garbage in each mode, a triple fault, guests that never stop (TAP).
TESTS += tests/hostile.sh
HOSTILE_GUESTS = tests/hostile/storm.bin tests/hostile/rep.bin \
	tests/hostile/jump.bin tests/hostile/lm-jump.bin tests/hostile/lm-far.bin \
	tests/hostile/garbage-16.bin tests/hostile/garbage-32.bin \
	tests/hostile/garbage-64.bin
noinst_DATA += $(HOSTILE_GUESTS)
EXTRA_DIST += tests/hostile.sh tests/hostile/hostile.h tests/hostile/garbage.S \
	$(filter-out tests/hostile/garbage-%,$(HOSTILE_GUESTS:.bin=.S)) \
	$(patsubst $(srcdir)/%,%,$(wildcard $(srcdir)/tests/hostile/*.ini))
CLEANFILES += $(HOSTILE_GUESTS) $(HOSTILE_GUESTS:.bin=.o)
tests/hostile/garbage-%.o: tests/hostile/garbage.S tests/hostile/hostile.h
	$(AM_V_GEN)$(MKDIR_P) tests/hostile && \
	$(CCAS) $(CCASFLAGS) -DMODE=$* -c -o $@ $<
tests/hostile/%.o: tests/hostile/%.S tests/hostile/hostile.h
	$(AM_V_GEN)$(MKDIR_P) tests/hostile && \
	$(CCAS) $(CCASFLAGS) -c -o $@ $<
tests/hostile/%.bin: tests/hostile/%.o
	$(AM_V_GEN)$(GUEST_LD) -m elf_x86_64 -N -e _start -Ttext=0x1000 \
		--oformat binary -o $@ $<

# The bad-file corpus: tests/bad/*.ini and a few made at run time, each
# status 1 with one FILE:LINE message (TAP).
TESTS += tests/bad.sh
EXTRA_DIST += tests/bad.sh tests/bad
# `[machine] chipset` end to end: errors, set_irq refusals, an IRQ on tcg.
TESTS += tests/chipset.sh
EXTRA_DIST += tests/chipset.sh
# [linux] machines: finding the kernel, and each refusal
TESTS += tests/linux.sh
EXTRA_DIST += tests/linux.sh
# Host functions from a plugin's own threads while the guest runs: 1000
# machines on each accelerator (STRESS_RUNS=N for fewer; TAP).
TESTS += tests/stress.sh
EXTRA_DIST += tests/stress.sh
TEST_GUESTS += tests/guests/stress.bin
check_LTLIBRARIES += tests/stress.la
tests_stress_la_SOURCES = tests/plugins/stress.c
tests_stress_la_LDFLAGS = $(TEST_PLUGIN_FLAGS) -no-undefined
tests_stress_la_LIBADD = -lpthread
# Broken plugins (crash, exit(), hang) and the sandbox, end to end (TAP).
TESTS += tests/guard.sh
EXTRA_DIST += tests/guard.sh
check_LTLIBRARIES += tests/faulty.la tests/faultyok.la tests/crashctor.la \
	tests/faultybogus.la
# Built without the sanitizers: their breakage is plugvm's to report, not
# UBSan's to catch first (a NULL store, a division by zero).
FAULTY_CFLAGS = -std=c11 $(WARN_CFLAGS)
tests_faulty_la_SOURCES = tests/plugins/faulty.c
tests_faulty_la_CFLAGS = $(FAULTY_CFLAGS)
tests_faulty_la_LDFLAGS = $(TEST_PLUGIN_FLAGS) -no-undefined
tests_faultyok_la_SOURCES = tests/plugins/faulty.c
tests_faultyok_la_CFLAGS = $(FAULTY_CFLAGS)
tests_faultyok_la_CPPFLAGS = $(AM_CPPFLAGS) -DFAULTY_LISTS_SOCKET -DFAULTY_NAME='"faultyok"'
tests_faultyok_la_LDFLAGS = $(TEST_PLUGIN_FLAGS) -no-undefined
tests_faultybogus_la_SOURCES = tests/plugins/faulty.c
tests_faultybogus_la_CFLAGS = $(FAULTY_CFLAGS)
tests_faultybogus_la_CPPFLAGS = $(AM_CPPFLAGS) -DFAULTY_LISTS_BOGUS -DFAULTY_NAME='"faultybogus"'
tests_faultybogus_la_LDFLAGS = $(TEST_PLUGIN_FLAGS) -no-undefined
tests_crashctor_la_SOURCES = tests/plugins/faulty.c
tests_crashctor_la_CFLAGS = $(FAULTY_CFLAGS)
tests_crashctor_la_CPPFLAGS = $(AM_CPPFLAGS) -DFAULTY_CTOR -DFAULTY_NAME='"crashctor"'
tests_crashctor_la_LDFLAGS = $(TEST_PLUGIN_FLAGS) -no-undefined

# A reconfigure rebuilds what it changed (config.h, paths.h; TAP).
TESTS += tests/rebuild.sh
EXTRA_DIST += tests/rebuild.sh
# setup.sh, the nested-KVM kernel cache, check-kvm's SKIP (TAP).
TESTS += tests/scripts.sh
EXTRA_DIST += tests/scripts.sh setup.sh
# The README and man pages against the tree and plugvm itself (TAP).
TESTS += tests/docs.sh
EXTRA_DIST += tests/docs.sh
SH_LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
SH_LOG_COMPILER = $(SHELL)
EXTRA_DIST += tests/cli.sh tests/tap.sh
UNIT_TESTS = $(CORE_TESTS) $(DEVICE_TESTS) tests/check_machine tests/check_settings
