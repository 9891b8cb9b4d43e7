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

tap_done
