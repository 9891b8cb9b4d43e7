# SPDX-License-Identifier: GPL-2.0-or-later
# linux-boot.sh - sourced by check-kvm.sh (and bench/linux-boot.sh): boot
# Debian's kernel ($KVM_KERNEL, a bzImage) on plugvm with accel kvm inside
# the nested VM, with a tiny busybox initramfs whose /init
#   - prints the marker "PLUGVM-LINUX: MARKER";
#   - reads one line from the console (plugvm's serial plugin, stdin),
#     runs it with sh, prints its output prefixed "OUT: " and then
#     "PLUGVM-LINUX: STATUS <its exit status>";
#   - reboots with `reboot -f` (Linux pulses the i8042's reset line, and
#     plugvm stops with status 0).
# tests/kvm/bootdrive.c types the line once the marker is out, and times
# plugvm's start to the marker. The line asks the guest what it found:
# both CPUs online (the MP table, APs started by INIT/SIPI), kvm-clock as
# the clocksource (CPUID's KVM leaves) and the hypervisor bit.
#
# Not executable on its own. Uses check-kvm.sh's $work, $here, $cc,
# $builddir, $KVM_KERNEL and its pack array; linux_boot_prepare appends to
# $work/run.sh, linux_boot_check reads the results back.

# The line typed at the guest's prompt, and what it must print.
LINUX_CMD='cat /sys/devices/system/cpu/online /sys/devices/system/clocksource/clocksource0/current_clocksource; grep -c ^processor /proc/cpuinfo; grep -qw hypervisor /proc/cpuinfo && echo hypervisor'
LINUX_WANT='OUT: 0-1
OUT: kvm-clock
OUT: 2
OUT: hypervisor
PLUGVM-LINUX: STATUS 0'
LINUX_MARKER='PLUGVM-LINUX: MARKER'
# The kernel's command line, on plugvm and on QEMU (bench/linux-boot.sh).
# pci=off: plugvm has no PCI, and the kernel's early PCI scans (AMD's AGP
# aperture check) would make about 33,000 port accesses, each an exit to
# plugvm, 5 s in the nested VM; Firecracker's guests pass it too.
LINUX_APPEND='console=ttyS0 quiet panic=-1 pci=off'
# Guest seconds a boot may take in the nested VM (about 6 s to /init
# there, with every exit costing 0.1 ms), and the driver's margin.
LINUX_TIMEOUT=${KVM_LINUX_TIMEOUT:-200}

# linux_initramfs OUT.cpio: busybox and the /init above, uncompressed (the
# guest's gunzip would cost more than the bytes).
linux_initramfs() {
	local root bb
	bb=${BUSYBOX:-$(command -v busybox)} || return 1
	root=$(mktemp -d "${TMPDIR:-/tmp}/plugvm-linux-init.XXXXXX") || return 1
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp}
	cp "$bb" "$root/bin/busybox"
	"$bb" --list-full | while read -r applet; do
		[ -e "$root/$applet" ] && continue
		mkdir -p "$root/$(dirname "$applet")"
		ln -s /bin/busybox "$root/$applet"
	done
	cat >"$root/init" <<'EOF'
#!/bin/sh
# /init of plugvm's Linux boot test (tests/kvm/linux-boot.sh).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/
mount -t devtmpfs dev /dev
exec 0<>/dev/console 1>&0 2>&0
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmp /tmp
dmesg -n 1
echo
echo "PLUGVM-LINUX: MARKER"
if read -t 120 -r line; then
	sh -c "$line" >/tmp/out 2>&1
	st=$?
	sed 's/^/OUT: /' /tmp/out
	echo "PLUGVM-LINUX: STATUS $st"
else
	echo "PLUGVM-LINUX: NO-INPUT (nothing came on the console in 120 s)"
fi
reboot -f
EOF
	chmod 755 "$root/init"
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0) >"$1"
	local rc=$?
	rm -rf "$root"
	return $rc
}

# linux_boot_files: build $work/bootdrive and, in $work/linux, the
# kernel, the initramfs, the typed line (cmd) and the machine (linux.ini).
linux_boot_files() {
	local d=$work/linux
	mkdir -p "$d" || return 99
	$cc -std=c11 -O2 -Wall -Wextra -static -o "$work/bootdrive" \
		"$here/bootdrive.c" || return 99
	linux_initramfs "$d/init.cpio" || return 99
	cp "$KVM_KERNEL" "$d/vmlinuz" || return 99
	printf '%s\n' "$LINUX_CMD" >"$d/cmd"
	cat >"$d/linux.ini" <<EOF
; Debian's kernel on plugvm (tests/kvm/linux-boot.sh)
[machine]
memory = 256M
chipset = pc
vcpus = 2

[linux]
kernel = vmlinuz
initrd = init.cpio
cmdline = $LINUX_APPEND

[device "com1"]
type = serial

; Debian's kernel probes the CMOS clock (rtc_cmos): without one it spins
; on the update-in-progress bit of a port reading 0xff, in udelay() loops
; that last about 30 s in the nested VM. The SDK's example RTC is one.
[device "rtc"]
type = rtc
EOF
}

# linux_boot_prepare: build the pieces, pack them, and append the boot to
# run.sh. Returns 99 when it cannot.
linux_boot_prepare() {
	linux_boot_files || return $?
	pack+=(-b "$work/bootdrive" -f "$work/linux:/linux")
	cat >>"$work/run.sh" <<EOF
echo "== linux: Debian's kernel to a shell on plugvm (kvm, 2 vCPUs)"
mkdir -p "\$KVM_OUT/linux"
bootdrive -m '$LINUX_MARKER' -s "\$(cat /linux/cmd)" \\
	-o "\$KVM_OUT/linux/out" -T "\$KVM_OUT/linux/time" \\
	-t $((LINUX_TIMEOUT + 30)) -- \\
	\${PLUGVM:-plugvm} -v --accel kvm --timeout $LINUX_TIMEOUT \\
	/linux/linux.ini 2>"\$KVM_OUT/linux/err"
echo \$? >"\$KVM_OUT/linux/status"
echo "linux: exit status \$(cat "\$KVM_OUT/linux/status")"
EOF
}

# linux_boot_check OUTDIR: the marker, the command's output, status 0,
# the reboot through the i8042; prints the boot time.
linux_boot_check() {
	local o=$1/linux fail=0 st t got
	echo "== linux: Debian's kernel on plugvm"
	if [ ! -f "$o/status" ]; then
		echo "not ok linux: no result"
		return 1
	fi
	st=$(cat "$o/status")
	tr -d '\r' <"$o/out" >"$o/out.txt"
	got=$(grep -e '^OUT: ' -e '^PLUGVM-LINUX: STATUS' "$o/out.txt")
	if ! grep -q "^$LINUX_MARKER" "$o/out.txt"; then
		echo "not ok linux: the marker never came"
		fail=1
	elif [ "$got" != "$LINUX_WANT" ]; then
		echo "not ok linux: the command's output (--- wanted, +++ got):"
		diff -u <(printf '%s\n' "$LINUX_WANT") <(printf '%s\n' "$got") |
			tail -n +3
		fail=1
	else
		echo "ok linux: marker, and the command saw 2 CPUs online, kvm-clock, the hypervisor bit"
	fi
	if [ "$st" = 0 ]; then
		echo "ok linux: reboot -f ended plugvm with status 0"
	else
		echo "not ok linux: plugvm's exit status $st, want 0 (reboot)"
		fail=1
	fi
	if grep -q 'pulsed the CPU reset line' "$o/err"; then
		echo "ok linux: the reboot went through the i8042's reset line"
	else
		echo "not ok linux: no reset through the i8042 in plugvm -v's log"
		fail=1
	fi
	if [ $fail != 0 ]; then
		echo "  ---- guest console (last 30 lines) ----"
		tail -n 30 "$o/out.txt" | sed 's/^/  /'
		echo "  ---- plugvm -v (last 15 lines) ----"
		tail -n 15 "$o/err" | sed 's/^/  /'
	fi
	if [ -s "$o/time" ]; then
		read -r t _ <"$o/time"
		echo "bench: linux: plugvm start to the /init marker: $t ms (kvm in the nested VM, 2 vCPUs)"
	fi
	return $fail
}
