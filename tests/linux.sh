#!/bin/sh
# [linux] machines end to end, as far as this host goes: how plugvm finds
# the kernel (machine file, --kernel), and what it refuses and why. The
# boot itself is check_boot's (entry states on tcg) and check-kvm's (real
# KVM). tests/guests/bzimage.bin is a synthetic bzImage. TAP output.
set -u
builddir=${PLUGVM_BUILDDIR:?run through make check}
plugvm=$builddir/vmm/plugvm
bz=$builddir/tests/guests/bzimage.bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "${PLUGVM_SRCDIR:?run through make check}/tests/tap.sh"

# run ARGS...: plugvm's stdout in $tmp/out, stderr in $tmp/err, status in $st
run() {
	st=0
	"$plugvm" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || st=$?
}
# check DESCRIPTION STATUS [FIXED-STRING-IN-STDERR]
check() {
	if [ "$st" != "$2" ]; then
		not_ok "$1 (status $st, expected $2)" "$tmp/err"
	elif [ $# -ge 3 ] && ! grep -qF -e "$3" "$tmp/err"; then
		not_ok "$1 (stderr lacks '$3')" "$tmp/err"
	else
		ok "$1"
	fi
}

mkdir "$tmp/m" "$tmp/m/boot"
cp "$bz" "$tmp/m/boot/vmlinuz"
printf 'INITRD' >"$tmp/m/boot/initrd"
cat >"$tmp/m/linux.ini" <<'EOF2'
[machine]
memory = 64M
chipset = pc

[linux]
kernel = boot/vmlinuz
initrd = boot/initrd
cmdline = console=ttyS0

[device "com1"]
type = serial
EOF2

# Linux needs kvm: tcg refuses it, naming the file it found (relative to
# the machine file, wherever plugvm runs from).
cd /
run --accel tcg "$tmp/m/linux.ini"
check "tcg refuses a bzImage: Linux needs kvm" 1 \
	"linux.ini:6: [linux] kernel: '$tmp/m/boot/vmlinuz' is a Linux bzImage, and Linux needs kvm"
run --accel tcg --kernel "$bz"
check "--kernel without a machine file: the same refusal" 1 \
	"plugvm: --kernel: '$bz' is a Linux bzImage, and Linux needs kvm"
cd "$tmp"
run --accel tcg --kernel m/boot/vmlinuz --append "quiet" m/linux.ini
check "--kernel over [linux]: relative to the current directory" 1 \
	"plugvm: --kernel: 'm/boot/vmlinuz' is a Linux bzImage, and Linux needs kvm"

# A machine file's mistakes come first, on any accelerator.
sed 's|boot/vmlinuz|boot/missing|' "$tmp/m/linux.ini" >"$tmp/m/missing.ini"
run --accel tcg "$tmp/m/missing.ini"
check "a kernel that is not there" 1 \
	"missing.ini:6: [linux] kernel: cannot read kernel '$tmp/m/boot/missing': No such file or directory"
printf 'not a kernel' >"$tmp/m/boot/junk"
sed 's|boot/vmlinuz|boot/junk|' "$tmp/m/linux.ini" >"$tmp/m/junk.ini"
run --accel tcg "$tmp/m/junk.ini"
check "a file that is no kernel" 1 \
	"is not a kernel plugvm can boot (not a Linux bzImage"
printf '[cpu]\nmode = long\n' >>"$tmp/m/missing.ini"
run "$tmp/m/missing.ini"
check "[linux] with [cpu]" 1 \
	"missing.ini:12: [cpu]: not allowed with [linux] (line 5): the kernel's format decides"
run --initrd x
check "--initrd alone is a usage error" 2 "no machine file given"
run --accel tcg --append x "$tmp/m/linux.ini" extra.ini
check "--kernel still takes one machine file at most" 2 "more than one machine file"

# The loaded kernel on this host's KVM, when there is one: the synthetic
# bzImage reports what it was handed on port 0x80 (tests/kvm/bzentry*.ini).
# A KVM that only emulates refuses Linux, so PLUGVM_CPUINFO names a CPU
# with svm here: the emulator runs this little guest well enough.
# check-kvm runs the same on real KVM.
have_kvm=no
kvm_usable && have_kvm=yes
cp "$bz" "$PLUGVM_SRCDIR/tests/kvm/bzentry64.ini" \
	"$PLUGVM_SRCDIR/tests/kvm/bzentry32.ini" "$tmp/"
printf 'INITRD-CONTENTS\0' >"$tmp/bzinitrd"
printf 'processor\t: 0\nflags\t\t: fpu pae sse sse2 svm\n' >"$tmp/cpuinfo"
for e in 64 32; do
	for v in $e 917504 16 24 24 1400005704 255 1936617315 5 654336 \
		67104768 16 1414090313; do
		echo "out port: 128, data: $v"
	done >"$tmp/want"
	if [ "$have_kvm" = no ]; then
		skip "bzImage $e-bit entry on kvm" "no usable /dev/kvm here (check-kvm runs it)"
		continue
	fi
	st=0
	PLUGVM_CPUINFO=$tmp/cpuinfo "$plugvm" --accel kvm --timeout 60 \
		"$tmp/bzentry$e.ini" >"$tmp/out" 2>"$tmp/err" || st=$?
	if [ "$st" = 0 ] && head -n 13 "$tmp/out" | cmp -s - "$tmp/want"; then
		ok "bzImage $e-bit entry on kvm: boot_params, selectors, cmdline, e820, initrd"
	else
		diff "$tmp/want" "$tmp/out" >"$tmp/diff"
		not_ok "bzImage $e-bit entry on kvm (status $st)" "$tmp/diff" "$tmp/err"
	fi
done
# 4 GiB: the e820 map gains RAM at 4 GiB; the initrd goes below the
# kernel's initrd_addr_max (2 GiB), not at the end of low RAM (3 GiB)
for v in 64 917504 16 24 24 1400005704 255 1936617315 6 654336 \
	2147479552 16 1414090313; do
	echo "out port: 128, data: $v"
done >"$tmp/want"
sed 's/^memory = .*/memory = 4G/' "$tmp/bzentry64.ini" >"$tmp/bz4g.ini"
if [ "$have_kvm" = yes ]; then
	st=0
	PLUGVM_CPUINFO=$tmp/cpuinfo "$plugvm" --accel kvm --timeout 60 \
		"$tmp/bz4g.ini" >"$tmp/out" 2>"$tmp/err" || st=$?
	if [ "$st" = 0 ] && head -n 13 "$tmp/out" | cmp -s - "$tmp/want"; then
		ok "bzImage on a 4 GiB machine: 6 e820 entries, the initrd at initrd_addr_max (2 GiB) - 4K"
	else
		diff "$tmp/want" "$tmp/out" >"$tmp/diff"
		not_ok "bzImage on a 4 GiB machine (status $st)" "$tmp/diff" "$tmp/err"
	fi
else
	skip "bzImage on a 4 GiB machine" "no usable /dev/kvm here"
fi
if [ "$have_kvm" = yes ]; then
	sed '/^chipset/d' "$tmp/bzentry64.ini" >"$tmp/nopc.ini"
	st=0
	PLUGVM_CPUINFO=$tmp/cpuinfo "$plugvm" --accel kvm --timeout 60 \
		"$tmp/nopc.ini" >"$tmp/out" 2>"$tmp/err" || st=$?
	check "a bzImage needs chipset pc" 1 \
		"nopc.ini: [machine] chipset: Linux needs chipset = pc, its interrupt controllers and timer ('"
else
	skip "a bzImage needs chipset pc" "no usable /dev/kvm here"
fi

# The distribution's own kernel, where there is one (check-kvm's setup
# installs linux-image-amd64): its real header loads as the boot protocol
# says, relocatable, at pref_address, 64-bit entry at +0x200, and starts.
# Here it only runs for a few seconds (an emulating KVM would take hours
# to boot it); check-kvm boots it to a shell on real KVM. --timeout counts
# from the start: 1 s was once too short for the loading alone, under the
# load of a parallel make check.
vmlinuz=$(ls /boot/vmlinuz-* 2>/dev/null | sort | tail -n 1)
if [ -z "$vmlinuz" ] || ! [ -r "$vmlinuz" ]; then
	skip "the distribution's bzImage loads" "no readable /boot/vmlinuz-*"
elif [ "$have_kvm" = no ]; then
	skip "the distribution's bzImage loads" "no usable /dev/kvm here"
else
	cat >"$tmp/deb.ini" <<EOF2
[machine]
memory = 256M
chipset = pc

[linux]
kernel = $vmlinuz
cmdline = console=ttyS0

[device "com1"]
type = serial
EOF2
	st=0
	PLUGVM_CPUINFO=$tmp/cpuinfo "$plugvm" -v --accel kvm --timeout 3 \
		"$tmp/deb.ini" >"$tmp/out" 2>"$tmp/err" || st=$?
	if [ "$st" = 124 ] &&
		grep -q "kernel $vmlinuz: bzImage, boot protocol 2\.[0-9]*, at 0x1000000-" "$tmp/err" &&
		grep -q "kernel $vmlinuz: 64-bit entry at 0x1000200, boot_params at 0xe0000" "$tmp/err"; then
		ok "the distribution's bzImage loads: at pref_address 16 MiB, 64-bit entry, runs until --timeout"
	else
		not_ok "the distribution's bzImage loads (status $st)" "$tmp/err"
	fi
fi

tap_done
