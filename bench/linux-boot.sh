#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/linux-boot.sh - boot time of Debian's kernel to /init on plugvm
# against QEMU, both with accel kvm, inside the same nested VM (the one
# check-kvm uses: tests/kvm/README.md).
#
# Both boot the same bzImage ($KVM_KERNEL) and the same busybox initramfs
# as check-kvm's Linux boot (tests/kvm/linux-boot.sh), with 256 MiB, 2 vCPUs
# and its command line ("console=ttyS0 quiet panic=-1 pci=off"):
#   plugvm  vmm/plugvm --accel kvm, the machine of linux-boot.sh
#           (chipset pc, a serial port, the example RTC, [linux]);
#   qemu    qemu-system-x86_64 -accel kvm -cpu host -machine pc -nodefaults
#           -kernel -initrd -append, the serial port on stdio, its SeaBIOS
#           and option ROMs packed in;
# The time is from starting the VMM to the marker /init prints
# (tests/kvm/bootdrive.c watches stdout), which then gets `true` typed and
# reboots. Rounds alternate the two; the table has each one's median and
# range, and the ratio qemu/plugvm of the medians (goal: above 1, plugvm
# reaches /init first). Each boot costs about a minute of wall time in the
# nested VM.
#
#   bench/linux-boot.sh -B BUILDDIR [-r ROUNDS]
#
# Exit status: 0 (numbers printed; a target missed is reported, not
# enforced); 1 a boot failed; 77 SKIP (no qemu, kernel, busybox-static or
# static libc); 99 the nested VM failed.
set -uo pipefail

me=${0##*/}
bench=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$bench/.." && pwd)
here=$srcdir/tests/kvm

builddir='' rounds=3
while getopts "B:r:h" opt; do
	case $opt in
	B) builddir=$OPTARG ;;
	r) rounds=$OPTARG ;;
	*)
		echo "usage: $me -B BUILDDIR [-r ROUNDS]" >&2
		exit 2
		;;
	esac
done
if [ -z "$builddir" ] || [ ! -x "$builddir/vmm/plugvm" ]; then
	echo "$me: -B BUILDDIR with a built vmm/plugvm" >&2
	exit 2
fi

. "$here/kvm-env.sh"
qemu=${KVM_QEMU:-qemu-system-x86_64}
qemu_path=$(command -v "$qemu") || {
	echo "$me: SKIP: $qemu not found" >&2
	exit 77
}
kvm_find_kernel || {
	echo "$me: SKIP: no guest kernel" >&2
	exit 77
}
command -v busybox >/dev/null || {
	echo "$me: SKIP: no busybox (apt-get install busybox-static)" >&2
	exit 77
}

work=$(mktemp -d "${TMPDIR:-/tmp}/plugvm-bench-linux.XXXXXX")
trap 'rm -rf "$work"' EXIT
cc=${CC:-cc}
. "$here/linux-boot.sh"
linux_boot_files || exit 99

# QEMU's firmware: SeaBIOS and the option ROMs -kernel and kvm use.
mkdir -p "$work/qemu-fw"
for f in bios-256k.bin linuxboot_dma.bin kvmvapic.bin; do
	src=
	for d in /usr/share/qemu /usr/share/seabios /usr/lib/ipxe/qemu; do
		[ -e "$d/$f" ] && src=$d/$f && break
	done
	if [ -z "$src" ]; then
		echo "$me: SKIP: QEMU's $f not found" >&2
		exit 77
	fi
	cp -L "$src" "$work/qemu-fw/"
done

plugins=$builddir/devices/.libs
example=$builddir/plugins/example/.libs
if [ ! -f "$example/rtc.so" ]; then
	echo "$me: $example/rtc.so not built (make bench-linux builds it)" >&2
	exit 99
fi
cat >"$work/run.sh" <<EOF
#!/bin/sh
export PLUGVM_PLUGIN_PATH=/plugins:/plugins-example
mkdir -p "\$KVM_OUT/bench"
status=0
r=1
while [ \$r -le $rounds ]; do
	for vmm in plugvm qemu; do
		if [ \$vmm = plugvm ]; then
			set -- plugvm --accel kvm --timeout $LINUX_TIMEOUT \\
				/linux/linux.ini
		else
			set -- qemu-system-x86_64 -accel kvm -cpu host -machine pc \\
				-m 256M -smp 2 -nodefaults -display none \\
				-monitor none -serial stdio -no-reboot -L /qemu-fw \\
				-kernel /linux/vmlinuz -initrd /linux/init.cpio \\
				-append '$LINUX_APPEND'
		fi
		o=\$KVM_OUT/bench/\$vmm.\$r
		bootdrive -m '$LINUX_MARKER' -s true -o \$o.out -T \$o.time \\
			-t $((LINUX_TIMEOUT + 30)) -- "\$@" 2>\$o.err
		st=\$?
		echo "round \$r \$vmm: status \$st, \$(cat \$o.time 2>/dev/null) ms (marker, exit)"
		[ \$st = 0 ] || status=1
	done
	r=\$((r + 1))
done
exit \$status
EOF

"$here/mkinitramfs.sh" -o "$work/initrd.cpio" -s "$work/run.sh" \
	-b "$builddir/vmm/plugvm:/bin/plugvm" -b "$work/bootdrive" \
	-b "$qemu_path:/bin/qemu-system-x86_64" \
	-f "$plugins:/plugins" -f "$example:/plugins-example" \
	-f "$work/linux:/linux" \
	-f "$work/qemu-fw:/qemu-fw"
rc=$?
[ $rc -eq 0 ] || exit $((rc == 77 ? 77 : 99))

KVM_MEM=${KVM_MEM:-2G} "$here/run-nested.sh" -d "$work/out" \
	-t $((300 + rounds * 2 * (LINUX_TIMEOUT + 30))) "$work/initrd.cpio"
rc=$?
[ $rc = 77 ] || [ $rc = 99 ] && exit $rc

# median FILES...: the median of the first numbers in FILES (-1 excluded).
stats() {
	cat "$@" 2>/dev/null | awk '$1 >= 0 { print $1 }' | sort -n |
		awk '{ v[NR] = $1 } END {
			if (NR == 0) { print "- - - 0"; exit }
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%d %d %d %d\n", m, v[1], v[NR], NR }'
}
read -r pm plo phi pn <<<"$(stats "$work"/out/bench/plugvm.*.time)"
read -r qm qlo qhi qn <<<"$(stats "$work"/out/bench/qemu.*.time)"
echo
echo "| boot to /init (kvm, nested, 2 vCPUs, 256M) | median ms | range ms | boots |"
echo "|---|---|---|---|"
echo "| plugvm | $pm | $plo-$phi | $pn of $rounds |"
echo "| QEMU -kernel | $qm | $qlo-$qhi | $qn of $rounds |"
if [ "$pn" -gt 0 ] && [ "$qn" -gt 0 ]; then
	ratio=$(awk -v q="$qm" -v p="$pm" 'BEGIN { printf "%.2f", q / p }')
	verdict=miss
	awk -v r="$ratio" 'BEGIN { exit !(r > 1) }' && verdict=pass
	echo
	echo "QEMU/plugvm: $ratio (goal: above 1, plugvm first: $verdict)"
fi
for f in "$work"/out/bench/*.err; do
	[ -s "$f" ] && grep -v '^bootdrive: marker after' "$f" |
		sed "s|^|${f##*/}: |" | head -5
done
exit $rc
