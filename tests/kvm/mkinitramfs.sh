#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mkinitramfs.sh - build the initramfs that tests plugvm's kvm accelerator
# inside a nested VM (see run-nested.sh and README.md in this folder).
#
#   mkinitramfs.sh -o OUT.cpio -s SCRIPT [-b BINARY[:DEST]]... [-f SRC:DEST]...
#
#   -o OUT       the newc cpio to write; gzip'd when OUT ends in .gz. Plain
#                is faster: the guest kernel's gunzip under TCG costs ~6 s
#                for a 10 MB image (plugvm with libunicorn), ~1 s for 2 MB
#   -s SCRIPT    shell script run as /run.sh (busybox sh) once /dev/kvm exists
#   -b BINARY    a program to include, at /bin/<name> or at DEST; its shared
#                libraries and the dynamic loader (ldd) come with it
#   -f SRC:DEST  a file or directory to place at DEST inside
#
# Contents: a static busybox with every applet linked, the modules that make
# /dev/kvm under qemu -accel tcg -cpu max (irqbypass kvm ccp kvm-amd, taken
# decompressed from $KVM_MODULES_DIR, default: the /lib/modules of the newest
# /boot/vmlinuz-*; see kvm-env.sh), the given files, and an /init that:
#   - mounts proc, sys, devtmpfs and reopens its stdio on /dev/console;
#   - loads the modules; prints "PLUGVM-KVM: NO-DEV-KVM" and powers off if
#     /dev/kvm does not appear, else "PLUGVM-KVM: DEV-KVM-OK";
#   - prints "PLUGVM-KVM: RUN-BEGIN", runs /run.sh with its stdout and stderr
#     on the console and copied to $KVM_OUT/output, then prints
#     "PLUGVM-KVM: RUN-EXIT <status>" and writes the status to $KVM_OUT/status;
#   - sends $KVM_OUT (default /out; run.sh may add its own files there) as a
#     base64'd tar on the second serial port, /dev/ttyS1, between the lines
#     "PLUGVM-KVM-OUT-BEGIN" and "PLUGVM-KVM-OUT-END", away from the kernel
#     messages that may interleave on the console;
#   - powers off with `poweroff -f`.
#
# Exit status: 0, 2 on a usage error, 77 when the kernel modules or a static
# busybox are missing (so a test can SKIP), 1 on any other failure.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/kvm-env.sh"

me=${0##*/}
die() {
	echo "$me: $*" >&2
	exit 1
}
skip() {
	echo "$me: SKIP: $*" >&2
	exit 77
}
usage() {
	echo "usage: $me -o OUT.cpio[.gz] -s SCRIPT [-b BINARY[:DEST]]... [-f SRC:DEST]..." >&2
	exit 2
}

out='' script=''
bins=() files=()
while getopts "o:s:b:f:h" opt; do
	case $opt in
	o) out=$OPTARG ;;
	s) script=$OPTARG ;;
	b) bins+=("$OPTARG") ;;
	f) files+=("$OPTARG") ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -ne 0 ] || [ -z "$out" ] || [ -z "$script" ]; then
	usage
fi
[ -r "$script" ] || die "$script: no such script"

kvm_find_kernel || skip "no guest kernel"
busybox=${BUSYBOX:-$(command -v busybox || true)}
[ -n "$busybox" ] || skip "busybox not found (apt-get install busybox-static)"
if ldd "$busybox" >/dev/null 2>&1; then
	skip "$busybox is not static (apt-get install busybox-static)"
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/plugvm-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,modules,out}

# busybox and its applets, at the paths busybox itself names.
cp "$busybox" "$root/bin/busybox"
"$busybox" --list-full | while read -r applet; do
	[ -e "$root/$applet" ] && continue
	mkdir -p "$root/$(dirname "$applet")"
	ln -s /bin/busybox "$root/$applet"
done

# The kvm modules, decompressed so that busybox insmod can load them.
for m in $KVM_MODULE_NAMES; do
	src=$(kvm_find_module "$m") ||
		skip "module $m not found under $KVM_MODULES_DIR"
	dst=$root/modules/$m.ko
	case $src in
	*.ko) cp "$src" "$dst" ;;
	*.ko.xz) xz -dc "$src" >"$dst" ;;
	*.ko.zst) zstd -qdc "$src" >"$dst" ;;
	*.ko.gz) gzip -dc "$src" >"$dst" ;;
	*) die "$src: unknown module compression" ;;
	esac
done

# copy_in SRC DEST: place host file SRC at DEST inside the image.
copy_in() {
	mkdir -p "$root$(dirname "$2")"
	cp -L "$1" "$root$2"
}

# Binaries and, from ldd, their libraries and loader at their host paths.
for b in "${bins[@]+"${bins[@]}"}"; do
	src=${b%%:*}
	dst=/bin/${src##*/}
	if [ "$src" != "$b" ]; then dst=${b#*:}; fi
	[ -f "$src" ] || die "$src: no such binary"
	copy_in "$src" "$dst"
	chmod 755 "$root$dst"
	{ ldd "$src" 2>/dev/null || true; } | awk '
		$2 == "=>" && $3 ~ /^\// { print $3; next }
		$1 ~ /^\// { print $1 }' |
		while read -r lib; do
			[ -e "$root$lib" ] || copy_in "$lib" "$lib"
		done
done

for f in "${files[@]+"${files[@]}"}"; do
	src=${f%%:*}
	dst=${f#*:}
	if [ "$src" = "$f" ] || [ -z "$dst" ]; then
		die "-f $f: want SRC:DEST"
	fi
	[ -e "$src" ] || die "$src: no such file or directory"
	if [ -d "$src" ]; then
		mkdir -p "$root$dst"
		cp -a "$src/." "$root$dst/"
	else
		copy_in "$src" "$dst"
	fi
done

cp "$script" "$root/run.sh"
chmod 755 "$root/run.sh"

cat >"$root/init" <<EOF
#!/bin/sh
# /init of the plugvm nested-KVM initramfs (written by $me).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/ KVM_OUT=/out
mount -t devtmpfs dev /dev 2>/dev/null
# The kernel found no /dev/console in the image: open it now.
exec 0<>/dev/console 1>&0 2>&0
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmp /tmp
# Start on a fresh line, after whatever the firmware left on the console.
echo
for m in $KVM_MODULE_NAMES; do
	insmod /modules/\$m.ko || echo "PLUGVM-KVM: insmod \$m failed"
done
if [ ! -c /dev/kvm ]; then
	echo "PLUGVM-KVM: NO-DEV-KVM"
	dmesg | tail -n 20
	poweroff -f
fi
echo "PLUGVM-KVM: DEV-KVM-OK"
# Keep kernel messages off the console while the script runs.
dmesg -n 1
echo "PLUGVM-KVM: RUN-BEGIN"
{ cd / && sh /run.sh; echo \$? >/tmp/status; } 2>&1 | tee \$KVM_OUT/output
status=\$(cat /tmp/status)
echo \$status >\$KVM_OUT/status
echo "PLUGVM-KVM: RUN-EXIT \$status"
# Closing the tty waits until the UART has sent everything.
{
	echo PLUGVM-KVM-OUT-BEGIN
	tar -cf - -C \$KVM_OUT . | base64
	echo PLUGVM-KVM-OUT-END
} >/dev/ttyS1
poweroff -f
EOF
chmod 755 "$root/init"

# A reproducible archive: sorted names, root-owned, gzip without a time.
compress="cat"
case $out in *.gz) compress="gzip -n -6" ;; esac
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0) | $compress >"$out.tmp"
mv "$out.tmp" "$out"
