#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-nested.sh - boot an initramfs made by mkinitramfs.sh under
# qemu-system-x86_64 -accel tcg -cpu max (which emulates AMD SVM, so the
# guest kernel gets a working /dev/kvm), and hand back what its /run.sh
# printed and returned.
#
#   run-nested.sh [-v] [-t SECONDS] [-d OUTDIR] [-l CONSOLE_LOG] INITRD
#
#   -v             copy the whole guest console to stderr afterwards
#   -t SECONDS     give up after this long (default $KVM_TIMEOUT or 300)
#   -d OUTDIR      extract everything run.sh left in $KVM_OUT here: output
#                  (its stdout and stderr), status, and its own files
#   -l CONSOLE_LOG keep the guest console (ttyS0, \r stripped) here
#
# The results do not come from the console, where kernel messages may
# interleave, but from a second serial port (the guest's /dev/ttyS1, a file
# on the host): a base64'd tar of $KVM_OUT between two marker lines, so the
# output is byte-exact. On success the script's output goes to stdout.
#
# Boot time: half of a plain boot under TCG goes into the bzImage's own
# xz decompressor, so when the kernel has a PVH entry (Debian's do) its
# vmlinux is extracted once, cached per user (kvm_cache_dir in kvm-env.sh:
# $KVM_CACHE_DIR, else $XDG_CACHE_HOME/plugvm, else ~/.cache/plugvm), and
# booted directly (~5 s instead of ~10 s to power-off). A cached file this
# user cannot read is extracted again, or the bzImage booted. KVM_PVH=0
# boots the bzImage as it is.
#
# Environment: KVM_KERNEL (default: newest /boot/vmlinuz-*, see
# kvm-env.sh), KVM_QEMU (default qemu-system-x86_64), KVM_MEM (2G: tcg runs in there too, and Unicorn reserves a 1 GiB code buffer),
# KVM_PVH, KVM_CACHE_DIR, KVM_APPEND (extra kernel arguments).
#
# Exit status: the script's own status; 77 (SKIP) when qemu or the kernel is
# missing; 99 (ERROR, with the console's tail on stderr) when the harness
# itself fails: no boot, timeout, no /dev/kvm in the guest, no markers.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/kvm-env.sh"

me=${0##*/}
skip() {
	echo "$me: SKIP: $*" >&2
	exit 77
}
usage() {
	echo "usage: $me [-v] [-t SECONDS] [-d OUTDIR] [-l CONSOLE_LOG] INITRD" >&2
	exit 2
}

timeout_s=${KVM_TIMEOUT:-300} outdir='' keep_log='' verbose=''
while getopts "vt:d:l:h" opt; do
	case $opt in
	v) verbose=1 ;;
	t) timeout_s=$OPTARG ;;
	d) outdir=$OPTARG ;;
	l) keep_log=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
initrd=$1
[ -r "$initrd" ] || { echo "$me: $initrd: no such initramfs" >&2; exit 99; }

qemu=${KVM_QEMU:-qemu-system-x86_64}
command -v "$qemu" >/dev/null ||
	skip "$qemu not found (apt-get install qemu-system-x86)"
kvm_find_kernel || skip "no guest kernel"

work=$(mktemp -d "${TMPDIR:-/tmp}/plugvm-nested.XXXXXX")
trap 'rm -rf "$work"' EXIT
console=$work/console
: >"$work/ttyS0"
: >"$work/ttyS1"

# fail WHY: the harness failed; show why and the end of the console.
fail() {
	echo "$me: ERROR: $*" >&2
	echo "$me: ---- last lines of the guest console ----" >&2
	tail -n 40 "$console" >&2
	echo "$me: ---- qemu ----" >&2
	tail -n 10 "$work/qemu.log" >&2
	exit 99
}

# pvh_kernel BZIMAGE: print the path of its cached vmlinux if it has a PVH
# entry point (ELF note 0x12), or fail.
pvh_kernel() {
	local cache key vmlinux off tmp
	cache=$(kvm_cache_dir)
	key=$(stat -L -c '%s-%Y' "$1") || return 1
	vmlinux=$cache/vmlinux-${1##*/}-$key
	if [ ! -s "$vmlinux" ] || [ ! -r "$vmlinux" ]; then
		command -v readelf >/dev/null && command -v xz >/dev/null ||
			return 1
		off=$(LC_ALL=C grep -m 1 -obUaP '\xfd7zXZ\x00' "$1" |
			cut -d: -f1)
		[ -n "$off" ] || return 1
		mkdir -p "$cache" || return 1
		tmp=$(mktemp "$vmlinux.XXXXXX") || return 1
		# The PVH entry is the Xen ELF note 0x12, PHYS32_ENTRY.
		# (xz stops reading after the stream: tail's SIGPIPE is fine.)
		if ! xz -dc --single-stream >"$tmp" 2>/dev/null \
			< <(tail -c +$((off + 1)) "$1") ||
			! readelf -n "$tmp" 2>/dev/null |
			grep -c 'Unknown note type: (0x00000012)' >/dev/null; then
			rm -f "$tmp"
			return 1
		fi
		# Readable by all, like the bzImage it comes from, in case
		# KVM_CACHE_DIR is shared.
		chmod 644 "$tmp" && mv -f "$tmp" "$vmlinux" || {
			rm -f "$tmp"
			return 1
		}
	fi
	printf '%s\n' "$vmlinux"
}

kernel=$KVM_KERNEL
if [ "${KVM_PVH:-1}" != 0 ]; then
	kernel=$(pvh_kernel "$KVM_KERNEL") || kernel=$KVM_KERNEL
fi

# The guest kernel runs a periodic 250 Hz tick (lapic=notscdeadline
# nohz=off highres=off) because of a lost-interrupt race in qemu's TCG
# (seen with Debian 12's 7.2): the SVM helpers clear bits of the vCPU's
# interrupt_request without the lock that the main loop holds while it sets
# CPU_INTERRUPT_POLL for a local APIC timer interrupt (a qemu-devel series
# of September 2025, "clear bits of cs->interrupt_request with
# cpu_reset_interrupt()", makes those updates atomic). A lost POLL left
# the timer's vector pending in the APIC's IRR forever: with one-shot
# timers nothing re-arms it, and the guest sat idle with IF=1 (in HLT, or
# polling with idle=poll; not even an NMI woke it) until check-kvm ran out
# of time. Five boots looping accel-kvm-irq-test all wedged within five
# rounds, at kvm's 10 kHz PIT bench (its interrupt window makes many
# VMRUN/#VMEXIT cycles). With the periodic tick, the next tick polls the
# APIC again: two boots of eight rounds passed, and the nested VM of a
# whole check-kvm ran 186 s (417 in the last CI run that passed). The
# price: kvm's hrtimers in there (its PIT, the LAPIC timers) fire at most
# every 4 ms; run.sh says so.
nested_append="lapic=notscdeadline nohz=off highres=off"

t0=$(date +%s%N)
timeout -k 5 "$timeout_s" "$qemu" -accel tcg -cpu max -m "${KVM_MEM:-2G}" \
	-smp 1 -nodefaults -nographic -no-reboot \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 quiet $nested_append ${KVM_APPEND:-}" \
	-serial "file:$work/ttyS0" -serial "file:$work/ttyS1" \
	</dev/null >"$work/qemu.log" 2>&1
qrc=$?
t1=$(date +%s%N)
tr -d '\r' <"$work/ttyS0" >"$console"
[ -n "$keep_log" ] && cp "$console" "$keep_log"
if [ -n "$verbose" ]; then
	echo "$me: ---- guest console ----" >&2
	cat "$console" >&2
	echo "$me: ---- end of guest console ----" >&2
fi
echo "$me: qemu ran $(((t1 - t0) / 1000000)) ms (boot, run.sh, power-off; kernel ${kernel##*/})" >&2

[ $qrc -eq 124 ] || [ $qrc -eq 137 ] && fail "timed out after ${timeout_s}s"
[ $qrc -eq 0 ] || fail "$qemu exited with status $qrc"

# The results on ttyS1 are what counts; the console only explains failures.
mkdir -p "$work/out"
tr -d '\r' <"$work/ttyS1" |
	sed -n '/^PLUGVM-KVM-OUT-BEGIN$/,/^PLUGVM-KVM-OUT-END$/p' |
	sed '1d;$d' | base64 -d 2>/dev/null |
	tar -xf - -C "$work/out" 2>/dev/null
if [ ! -f "$work/out/status" ] || [ ! -f "$work/out/output" ]; then
	grep -q 'PLUGVM-KVM: NO-DEV-KVM' "$console" &&
		fail "/dev/kvm did not appear in the guest (does $qemu -cpu max offer svm?)"
	grep -q 'PLUGVM-KVM: DEV-KVM-OK' "$console" ||
		fail "the guest did not reach /init's kvm check (kernel or initramfs broken?)"
	grep -q 'PLUGVM-KVM: RUN-EXIT' "$console" ||
		fail "no RUN-EXIT marker: run.sh did not finish"
	fail "no results on ttyS1 (or a garbled stream)"
fi
status=$(cat "$work/out/status")
case $status in
'' | *[!0-9]*) fail "bad status '$status' on ttyS1" ;;
esac

if [ -n "$outdir" ]; then
	mkdir -p "$outdir"
	cp -a "$work/out/." "$outdir/"
fi
cat "$work/out/output"
exit "$status"
