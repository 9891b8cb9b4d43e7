# SPDX-License-Identifier: GPL-2.0-or-later
# libFuzzer targets (fuzz/README.md). Built only by `make fuzz`, with clang
# (FUZZ_CC), from the same source lists as the libraries above, so the
# normal build needs no clang and a new source file is fuzzed as soon as it
# is in its library:
#   make fuzz                  each target for FUZZ_TIME seconds (300)
#   make fuzz FUZZ_TIME=60     CI's short run
#   make fuzz FUZZ_TARGETS='machine serial'
#   make fuzz-build            only build them
# Objects go to fuzz/obj/, targets to fuzz/bin/fuzz-NAME, the instrumented
# plugins to fuzz/bin/plugins/, work corpora and findings to fuzz/work/.
FUZZ_CC = clang
FUZZ_TIME = 300
FUZZ_SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS = -std=c11 -g -O1 -fPIC -fno-omit-frame-pointer $(FUZZ_SANITIZE) \
	-I$(top_builddir) -I$(top_srcdir)/vmm -I$(top_srcdir)/plugins/include \
	$(INIH_CFLAGS) '-DFUZZ_PLUGIN_DIR="$(abs_top_builddir)/fuzz/bin/plugins"'
FUZZ_LIBS = $(INIH_LIBS) $(LIBS)

# Every target: machine, then one per shipped device (fuzz/device.c's
# table, in its order), then the boot loaders.
FUZZ_DEVICES = serial debugport nullmmio i8259 i8254 i8042 rtc
# The kernel loaders (vmm/boot*.c, vmm/memmap.c), once both the Linux and
# the multiboot/ELF ones are in libvmm.
FUZZ_BOOT_SRCS = $(filter vmm/boot%.c vmm/memmap.c,$(vmm_libvmm_la_SOURCES))
FUZZ_ALL = machine $(FUZZ_DEVICES) \
	$(if $(and $(filter vmm/boot-linux.c,$(FUZZ_BOOT_SRCS)),$(filter vmm/boot-elf.c,$(FUZZ_BOOT_SRCS))),boot)
FUZZ_TARGETS = $(FUZZ_ALL)

fuzz_src = $(filter %.c,$(1))
fuzz_obj = $(patsubst %.c,fuzz/obj/%.o,$(call fuzz_src,$(1)))
FUZZ_CORE_OBJS = $(call fuzz_obj,$(vmm_libvmm_core_la_SOURCES))
FUZZ_MACHINE_OBJS = $(call fuzz_obj,$(vmm_libvmm_machine_la_SOURCES))
FUZZ_KIT_OBJS = $(call fuzz_obj,$(plugins_libplugvm_devtest_la_SOURCES))

# The instrumented plugins: each shipped device and the chipset's.
FUZZ_PLUGINS = fuzz/bin/plugins/serial.so fuzz/bin/plugins/debugport.so \
	fuzz/bin/plugins/nullmmio.so fuzz/bin/plugins/i8259.so \
	fuzz/bin/plugins/i8254.so fuzz/bin/plugins/i8042.so \
	fuzz/bin/plugins/rtc.so

fuzz/obj/%.o: %.c $(BUILT_SOURCES) config.h
	@$(MKDIR_P) $(@D)
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

fuzz/bin/plugins/serial.so: $(call fuzz_obj,$(devices_serial_la_SOURCES))
fuzz/bin/plugins/debugport.so: $(call fuzz_obj,$(devices_debugport_la_SOURCES))
fuzz/bin/plugins/nullmmio.so: $(call fuzz_obj,$(devices_nullmmio_la_SOURCES))
fuzz/bin/plugins/i8259.so: $(call fuzz_obj,$(devices_i8259_la_SOURCES))
fuzz/bin/plugins/i8254.so: $(call fuzz_obj,$(devices_i8254_la_SOURCES))
fuzz/bin/plugins/i8042.so: $(call fuzz_obj,$(devices_i8042_la_SOURCES))
fuzz/bin/plugins/rtc.so: $(call fuzz_obj,$(devices_rtc_la_SOURCES))
$(FUZZ_PLUGINS):
	@$(MKDIR_P) $(@D)
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_CFLAGS) -shared -o $@ $^

fuzz/bin/fuzz-machine: fuzz/obj/fuzz/machine.o $(FUZZ_MACHINE_OBJS) \
		$(FUZZ_CORE_OBJS) | $(FUZZ_PLUGINS)
	@$(MKDIR_P) $(@D)
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ \
		$(FUZZ_LIBS)

# The loaders with what they call below them: cpu.c (its tables),
# kvm-host.c (whether kvm only emulates), the core (guest memory, the bus,
# the log) and the machine file's origins.
fuzz/bin/fuzz-boot: fuzz/obj/fuzz/boot.o \
		$(call fuzz_obj,$(FUZZ_BOOT_SRCS) vmm/cpu.c vmm/kvm-host.c) \
		$(FUZZ_MACHINE_OBJS) $(FUZZ_CORE_OBJS)
	@$(MKDIR_P) $(@D)
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ \
		$(FUZZ_LIBS)

# One binary per device from fuzz/device.c, -DFUZZ_DEVICE=its index.
fuzz/obj/fuzz/device-%.o: fuzz/device.c $(BUILT_SOURCES) config.h
	@$(MKDIR_P) $(@D)
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
		-DFUZZ_DEVICE=$$(echo $(FUZZ_DEVICES) | tr ' ' '\n' | \
			grep -nx '$*' | cut -d: -f1 | awk '{ print $$1 - 1 }') \
		-c -o $@ $<
$(addprefix fuzz/bin/fuzz-,$(FUZZ_DEVICES)): fuzz/bin/fuzz-%: \
		fuzz/obj/fuzz/device-%.o $(FUZZ_KIT_OBJS) $(FUZZ_CORE_OBJS) \
		| $(FUZZ_PLUGINS)
	@$(MKDIR_P) $(@D)
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ \
		$(FUZZ_LIBS)

fuzz-build: $(addprefix fuzz/bin/fuzz-,$(FUZZ_TARGETS))
fuzz: fuzz-build
	$(SHELL) $(top_srcdir)/fuzz/run.sh --time $(FUZZ_TIME) \
		--corpus $(top_srcdir)/fuzz/corpus --bin fuzz/bin \
		--work fuzz/work $(FUZZ_TARGETS)
fuzz-clean:
	rm -rf fuzz/obj fuzz/bin fuzz/work
.PHONY: fuzz fuzz-build fuzz-clean
clean-local: fuzz-clean

EXTRA_DIST += fuzz/README.md fuzz/run.sh fuzz/machine.c fuzz/device.c \
	fuzz/boot.c \
	fuzz/corpus
