# SPDX-License-Identifier: GPL-2.0-or-later
# The kvm accelerator (part of libvmm), and the kit that tests it inside a
# nested VM on machines without /dev/kvm (tests/kvm/README.md).
vmm_libvmm_la_SOURCES += vmm/accel-kvm.c vmm/accel-kvm.h vmm/accel-kvm-irq.c \
	vmm/kvm-host.c vmm/kvm-host.h

EXTRA_DIST += \
	tests/kvm/README.md \
	tests/kvm/kvm-env.sh \
	tests/kvm/mkinitramfs.sh \
	tests/kvm/run-nested.sh \
	tests/kvm/check-kvm.sh \
	tests/kvm/kvm-smoke.c \
	tests/kvm/accel-kvm-test.c \
	tests/kvm/accel-kvm-irq-test.c

# make check-kvm: the kvm accelerator on real KVM, inside a nested VM by
# default (KVM_MODE=auto uses this machine's own /dev/kvm when it works).
# When it cannot test (no qemu, kernel, busybox-static or static libc),
# check-kvm.sh exits 77, automake's SKIP, and so does this target: make
# then fails with "Error 77", because a skip is not a pass.
KVM_MODE = nested
check-kvm: all
	@$(BASH) $(top_srcdir)/tests/kvm/check-kvm.sh -m $(KVM_MODE) \
		-B $(abs_top_builddir); rc=$$?; \
	if test $$rc = 77; then \
		echo "check-kvm: SKIP: nothing was tested (see above why); exit status 77"; \
	fi; \
	exit $$rc
.PHONY: check-kvm
