#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-kvm.sh - test the kvm accelerator for real, on a machine without
# /dev/kvm: build kvm-smoke and accel-kvm-test statically, pack them into
# an initramfs (mkinitramfs.sh) together with the build tree's plugvm, its
# libraries, plugins, and every machine in configs/ with its guest; boot it
# under qemu's TCG with nested SVM (run-nested.sh); run every machine there
# with accel=kvm, and compare each one's stdout and exit status with a tcg
# run of the same machine on this host. One boot, about 40 s on 2 cores.
#
# Without -B only the accelerator's own tests run (no plugvm to pack).
#
#   check-kvm.sh [-m nested|direct|auto] [-B BUILDDIR] [-n BENCH_EXITS]
#                [-i IDLE_SECONDS] [-s STRESS_RUNS]
#
#   -m nested   (default) always inside the nested VM
#   -m direct   on this host's own /dev/kvm, no VM (skips if unusable)
#   -m auto     direct when this host's /dev/kvm works, else nested
#   -B BUILDDIR take config.h from a configured build tree (default: a shim
#               defining _GNU_SOURCE, which is all accel-kvm.c needs)
#   -n N        exits per round-trip benchmark (default 5000)
#   -i S        seconds of the idle-HLT measurement with chipset pc
#               (default 5; 0 skips it and the interrupt benchmarks)
#   -s N        runs of each tests/stress.sh machine on kvm (default 100;
#               0 skips them): plugin threads calling every host function
#               while kvm vCPUs run (needs -B with tests/stress.la built)
#
# Environment: CC (default cc), KVM_KERNEL, KVM_MODULES_DIR, KVM_TIMEOUT
# (seconds the nested VM may run, default 600, plus 200 for the Linux
# boot: under a load of 15 on 2 cores the stress runs alone took 314 s),
# KVM_LINUX (0: leave out the Linux boot of linux-boot.sh),
# KVM_KEEP (a directory: keep the initramfs, console log and results there).
#
# Exit status: 0 all passed; 1 a test failed; 77 SKIP (no qemu, kernel,
# static libc or busybox-static; or -m direct without /dev/kvm); 99 the
# harness failed (see run-nested.sh).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
me=${0##*/}

mode=nested builddir='' bench=5000 idle=5 stress=100
while getopts "m:B:n:i:s:h" opt; do
	case $opt in
	m) mode=$OPTARG ;;
	B) builddir=$OPTARG ;;
	n) bench=$OPTARG ;;
	i) idle=$OPTARG ;;
	s) stress=$OPTARG ;;
	*)
		echo "usage: $me [-m nested|direct|auto] [-B BUILDDIR] [-n BENCH_EXITS] [-i IDLE_SECONDS] [-s STRESS_RUNS]" >&2
		exit 2
		;;
	esac
done
case $mode in nested | direct | auto) ;; *)
	echo "$me: -m nested, direct or auto" >&2
	exit 2
	;;
esac

# The nested VM needs qemu and a kernel: without them, skip before building.
if [ "$mode" = nested ]; then
	. "$here/kvm-env.sh"
	qemu=${KVM_QEMU:-qemu-system-x86_64}
	if ! command -v "$qemu" >/dev/null; then
		echo "$me: SKIP: $qemu not found (apt-get install qemu-system-x86)" >&2
		exit 77
	fi
	if ! kvm_find_kernel; then
		echo "$me: SKIP: no guest kernel" >&2
		exit 77
	fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/plugvm-check-kvm.XXXXXX")
trap 'rm -rf "$work"' EXIT

cc=${CC:-cc}
if [ -n "$builddir" ] && [ -f "$builddir/config.h" ]; then
	cfgdir=$builddir
else
	cfgdir=$work/shim
	mkdir -p "$cfgdir"
	printf '#define _GNU_SOURCE 1\n' >"$cfgdir/config.h"
fi
warn=(-Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes -Wshadow
	-Wformat=2 -Wundef -Wno-unused-parameter)

echo "$me: building static test programs with $cc" >&2
if ! echo 'int main(void){return 0;}' >"$work/t.c" ||
	! $cc -static -o "$work/t" "$work/t.c" 2>/dev/null; then
	echo "$me: SKIP: $cc cannot link static programs (apt-get install libc6-dev)" >&2
	exit 77
fi
$cc -std=c11 -O2 "${warn[@]}" -static -o "$work/kvm-smoke" "$here/kvm-smoke.c" ||
	exit 99
# The accelerator and what it links, for the two accel tests.
accel_kvm=("$srcdir/vmm/accel-kvm.c" "$srcdir/vmm/accel-kvm-irq.c"
	"$srcdir/vmm/kvm-host.c" "$srcdir/vmm/cpu.c" "$srcdir/vmm/guestmem.c"
	"$srcdir/vmm/log.c")
$cc -std=c11 -O2 "${warn[@]}" -static -pthread -I"$cfgdir" \
	-I"$srcdir/plugins/include" -I"$srcdir/vmm" \
	-o "$work/accel-kvm-test" "$here/accel-kvm-test.c" \
	"${accel_kvm[@]}" ||
	exit 99
$cc -std=c11 -O2 "${warn[@]}" -static -pthread -I"$cfgdir" \
	-I"$srcdir/plugins/include" -I"$srcdir/vmm" \
	-o "$work/accel-kvm-irq-test" "$here/accel-kvm-irq-test.c" \
	"${accel_kvm[@]}" ||
	exit 99

# run.sh runs inside the VM (or here with -m direct); PLUGVM, PLUGINS and
# CONFIGS say where plugvm and the machines are, KVM_OUT where results go.
cat >"$work/run.sh" <<EOF
#!/bin/sh
# Every part runs; the status is 1 if any failed.
status=0
echo "== kvm-smoke"
kvm-smoke || status=1
echo "== accel-kvm-test $bench"
accel-kvm-test $bench || status=1
echo "== accel-kvm-irq-test $idle"
# run-nested.sh boots a periodic tick (see there): it caps the rates below
grep -q highres=off /proc/cmdline 2>/dev/null &&
	echo "note: this kernel has highres=off: kvm's timers fire at most HZ times a second"
accel-kvm-irq-test $idle || status=1
EOF

# plugvm and every machine: run on kvm in there, on tcg here, compare.
# The machines of configs/, tests/boot/ (the [linux] kernels that are not
# Linux; expected results in tests/expected/), and tests/kvm/guests/ (built by make
# check-kvm) whose expected stdout and status are checked as well. A
# machine file's line "; check-kvm timeout: SECONDS" replaces the 60 s
# --timeout (a machine that must end by timing out).
machines=()
timeouts=()
expected=()
pack=()
if [ -n "$builddir" ] && [ -x "$builddir/vmm/plugvm" ]; then
	mkdir -p "$work/configs" "$work/tcg"
	for ini in "$srcdir"/configs/*.ini "$srcdir"/tests/kvm/guests/*.ini \
		"$srcdir"/tests/boot/*.ini; do
		[ -f "$ini" ] || continue
		name=$(basename "$ini" .ini)
		case $ini in
		*/tests/boot/*)
			# [linux] kernels of other formats (tests/boot/local.mk),
			# their modules, and what make check expects of them
			if [ ! -f "$builddir/tests/boot/$name.elf" ] &&
				[ ! -f "$builddir/tests/boot/$name.bin" ]; then
				echo "$me: tests/boot/$name's kernel not built (make builds it)" >&2
				exit 99
			fi
			cp "$builddir"/tests/boot/*.elf "$builddir"/tests/boot/*.bin \
				"$srcdir"/tests/boot/*.txt "$work/configs/"
			expected+=("$srcdir/tests/expected/$name")
			;;
		*/tests/kvm/guests/*)
			if [ ! -f "$builddir/tests/kvm/guests/$name.bin" ]; then
				echo "$me: $name.bin not built (make check-kvm builds it)" >&2
				exit 99
			fi
			cp "$builddir/tests/kvm/guests/$name.bin" "$work/configs/"
			expected+=("${ini%.ini}")
			;;
		esac
		machines+=("$name")
		t=$(sed -n 's/^; check-kvm timeout: *\([0-9.]*\) *$/\1/p' "$ini")
		timeouts+=("${t:-60}")
		cp "$ini" "$work/configs/"
		# its standard input, as run-machine.sh pipes it
		if [ -f "$srcdir/tests/expected/$name.in" ]; then
			cp "$srcdir/tests/expected/$name.in" "$work/configs/"
		fi
	done
	cp "$builddir"/configs/*.bin "$work/configs/"
	# The plugins: devices/, the test plugins (testdev drives lines in
	# pc-pic) and the example's rtc.so (rtc-irq), each where built.
	plugins= vm_plugins=
	pack=(-b "$builddir/vmm/plugvm:/bin/plugvm" -f "$work/configs:/configs")
	for p in devices:/plugins tests:/plugins-test \
		plugins/example:/plugins-example; do
		d=$builddir/${p%:*}/.libs
		[ -d "$d" ] || continue
		plugins=$plugins${plugins:+:}$d
		vm_plugins=$vm_plugins${vm_plugins:+:}${p#*:}
		pack+=(-f "$d:${p#*:}")
	done
	runs=
	for i in "${!machines[@]}"; do
		runs="$runs ${machines[$i]}:${timeouts[$i]}"
	done
	cat >>"$work/run.sh" <<EOF
echo "== plugvm: every machine with accel kvm"
mkdir -p "\$KVM_OUT/kvm"
export PLUGVM_PLUGIN_PATH=\${PLUGINS:-$vm_plugins}
# time(1) (busybox's in the VM) keeps each run's wall and CPU seconds
timecmd=\$(command -v time 2>/dev/null)
for run in$runs; do
	name=\${run%:*}
	input=\${CONFIGS:-/configs}/\$name.in
	[ -f "\$input" ] || input=/dev/null
	cat "\$input" | \\
	\${timecmd:+\$timecmd -o "\$KVM_OUT/kvm/\$name.time" -f "%e %U %S"} \\
		\${PLUGVM:-plugvm} --accel kvm --timeout \${run#*:} \\
		"\${CONFIGS:-/configs}/\$name.ini" \\
		>"\$KVM_OUT/kvm/\$name.out" 2>"\$KVM_OUT/kvm/\$name.err"
	echo \$? >"\$KVM_OUT/kvm/\$name.status"
	echo "\$name: exit status \$(cat "\$KVM_OUT/kvm/\$name.status")"
done
# What an idle guest (a 100 Hz tick, HLT in between) costs plugvm.
if [ -f "\$KVM_OUT/kvm/pc-idle.time" ]; then
	tail -n 1 "\$KVM_OUT/kvm/pc-idle.time" | {
		read -r wall user sys
		echo "bench: pc-idle on kvm (100 Hz PIT, HLT): \$user s user + \$sys s system in \$wall s"
	}
fi

# A vCPU waiting in HLT inside the kernel (chipset pc, IF = 0) still
# stops on SIGINT and SIGTERM (status 130), not only on --timeout.
echo "== plugvm: signals stop a vCPU halted in the kernel"
for sig in INT TERM; do
	\${PLUGVM:-plugvm} --accel kvm --timeout 60 \\
		"\${CONFIGS:-/configs}/pc-hltcli.ini" >/tmp/s.out 2>/tmp/s.err &
	pid=\$!
	# time to reach its HLT (its output is buffered to the end, so it
	# cannot tell us); 1 s was too short on a loaded host
	sleep 3
	kill -\$sig \$pid
	wait \$pid
	st=\$?
	if [ \$st = 130 ] && [ "\$(cat /tmp/s.out)" = "out port: 16, data: 1" ]; then
		echo "ok SIG\$sig stops pc-hltcli (status 130)"
	else
		echo "not ok SIG\$sig stops pc-hltcli: status \$st"
		sed 's/^/  stderr: /' /tmp/s.err | head -5
		status=1
	fi
done

# accel = auto on a real KVM, and on a KVM that only emulates (kvm_pvm and
# the like: no vmx or svm flag), told apart through a fake /proc/cpuinfo.
echo "== plugvm: kvm host detection"
printf 'processor\t: 0\nflags\t\t: fpu pae sse sse2 svm\n' >/tmp/cpuinfo-svm
printf 'processor\t: 0\nflags\t\t: fpu pae sse sse2 hypervisor\n' >/tmp/cpuinfo-none
dpass=0 dfail=0
# detect NAME CPUINFO ACCEL WANT-IN-STDERR: plugvm -v hello.ini prints 4
detect() {
	PLUGVM_CPUINFO=\$2 PLUGVM_PLUGIN_PATH=\${PLUGINS:-/plugins} \\
		\${PLUGVM:-plugvm} -v --accel \$3 --timeout 60 \\
		"\${CONFIGS:-/configs}/hello.ini" >/tmp/d.out 2>/tmp/d.err
	if [ \$? = 0 ] && [ "\$(cat /tmp/d.out)" = 4 ] && grep -q "\$4" /tmp/d.err; then
		echo "ok \$1"; dpass=\$((dpass + 1))
	else
		echo "not ok \$1"; sed 's/^/  stderr: /' /tmp/d.err | head -5
		dfail=\$((dfail + 1)); status=1
	fi
}
detect "auto picks kvm with svm" /tmp/cpuinfo-svm auto \\
	'accel: kvm (auto: /dev/kvm is usable; the CPU has hardware virtualization (svm))'
detect "auto picks tcg when kvm only emulates" /tmp/cpuinfo-none auto \\
	'accel: tcg (auto: /dev/kvm works but the CPU has no hardware virtualization'
detect "accel kvm still runs where kvm only emulates, with a warning" \\
	/tmp/cpuinfo-none kvm 'accel kvm: /dev/kvm works but the CPU has no hardware virtualization'
detect "auto picks kvm when the CPU flags cannot be read" /nonexistent auto \\
	'accel: kvm (auto: /dev/kvm is usable; /nonexistent could not be read)'
echo "detect: \$dpass passed, \$dfail failed"
EOF
	# tests/stress.sh on kvm: its guest, script and TAP helpers go
	# with the machines; its plugin is among the test plugins.
	if [ "$stress" -gt 0 ] 2>/dev/null; then
		if [ ! -f "$builddir/tests/guests/stress.bin" ] ||
			[ ! -f "$builddir/tests/.libs/stress.so" ]; then
			echo "$me: tests/stress.la or stress.bin not built (make check-kvm builds them)" >&2
			exit 99
		fi
		mkdir -p "$work/configs/tests"
		cp "$builddir/tests/guests/stress.bin" "$srcdir/tests/stress.sh" \
			"$work/configs/"
		cp "$srcdir/tests/tap.sh" "$work/configs/tests/"
		cat >>"$work/run.sh" <<EOF
echo "== stress: plugin threads against kvm vCPUs, $stress runs a machine"
c=\${CONFIGS:-/configs}
# shown as it comes: a failing run's reason reaches the console (and the
# last lines run-nested.sh prints) even if the VM's time runs out
{ PLUGVM_SRCDIR=\$c STRESS_ACCELS=kvm STRESS_RUNS=$stress \\
	STRESS_PLUGVM=\${PLUGVM:-plugvm} STRESS_GUEST=\$c/stress.bin \\
	STRESS_HELLO=\$c/hello.ini \\
	PLUGVM_TEST_PLUGINS=\${PLUGINS:-$vm_plugins} \\
	sh \$c/stress.sh 2>&1; echo \$? >/tmp/stress.st; } | tee /tmp/stress.tap
st=\$(cat /tmp/stress.st)
if [ \$st != 0 ] || grep -q -e '^not ok' -e '# SKIP' /tmp/stress.tap; then
	echo "stress: FAILED (status \$st)"
	status=1
else
	echo "stress: \$(grep -c '^ok' /tmp/stress.tap) machines passed on kvm"
fi
EOF
	fi
	# tests/guard.sh on kvm: broken plugins and the sandbox, with the
	# faulty test plugins (among the test plugins).
	if [ ! -f "$builddir/tests/guests/guard.bin" ] ||
		[ ! -f "$builddir/tests/.libs/faulty.so" ]; then
		echo "$me: tests/faulty.la or guard.bin not built (make check-kvm builds them)" >&2
		exit 99
	fi
	mkdir -p "$work/configs/tests"
	cp "$builddir/tests/guests/guard.bin" "$srcdir/tests/guard.sh" \
		"$work/configs/"
	cp "$srcdir/tests/tap.sh" "$work/configs/tests/"
	cat >>"$work/run.sh" <<EOF
echo "== guard: crashing, exiting and forbidden-call plugins on kvm"
c=\${CONFIGS:-/configs}
gdir=/plugins-test
[ -n "\${PLUGINS:-}" ] && gdir=$builddir/tests/.libs
PLUGVM_SRCDIR=\$c GUARD_ACCELS=kvm GUARD_PLUGVM=\${PLUGVM:-plugvm} \\
	GUARD_GUEST=\$c/guard.bin PLUGVM_TEST_PLUGINS=\${PLUGINS:-$vm_plugins} \\
	GUARD_PLUGIN_DIR=\$gdir \\
	sh \$c/guard.sh >/tmp/guard.tap 2>&1
st=\$?
cat /tmp/guard.tap
if [ \$st != 0 ] || grep -q '^not ok' /tmp/guard.tap; then
	echo "guard: FAILED (status \$st)"
	status=1
else
	echo "guard: \$(grep -c '^ok' /tmp/guard.tap) checks passed on kvm"
fi
EOF
	# boot-linux.c on real KVM: the synthetic bzImage at both entry
	# points (on tcg plugvm refuses it: Linux needs kvm).
	cp "$builddir/tests/guests/bzimage.bin" "$srcdir/tests/kvm/bzentry64.ini" \
		"$srcdir/tests/kvm/bzentry32.ini" "$work/configs/"
	printf 'INITRD-CONTENTS\0' >"$work/configs/bzinitrd"
	cat >>"$work/run.sh" <<EOF
echo "== plugvm: a synthetic bzImage at each entry point"
for e in 64 32; do
	\${PLUGVM:-plugvm} --accel kvm --timeout 60 \\
		"\${CONFIGS:-/configs}/bzentry\$e.ini" >/tmp/bz.out 2>/tmp/bz.err
	st=\$?
	# entry, ESI, CS, DS, SS, "HdrS", type_of_loader, "cons", e820
	# entries, the first one's size, ramdisk_image (64M - 4K), its size,
	# "INIT"; then CR0 and EFER, which differ between CPUs
	for v in \$e 917504 16 24 24 1400005704 255 1936617315 5 654336 \\
		67104768 16 1414090313; do
		echo "out port: 128, data: \$v"
	done >/tmp/bz.want
	if [ \$st = 0 ] && head -n 13 /tmp/bz.out | cmp -s - /tmp/bz.want; then
		echo "ok bzImage \$e-bit entry: boot_params, selectors, cmdline, e820, initrd as loaded"
	else
		echo "not ok bzImage \$e-bit entry: status \$st"
		diff /tmp/bz.want /tmp/bz.out | head -20
		sed 's/^/  stderr: /' /tmp/bz.err | head -5
		status=1
	fi
done
EOF
	echo "$me: running ${#machines[@]} machines with accel tcg on this host" >&2
	for i in "${!machines[@]}"; do
		name=${machines[$i]} st=0
		input=$work/configs/$name.in
		[ -f "$input" ] || input=/dev/null
		cat "$input" | PLUGVM_PLUGIN_PATH=$plugins \
			"$builddir/vmm/plugvm" --accel tcg --timeout "${timeouts[$i]}" \
			"$work/configs/$name.ini" >"$work/tcg/$name.out" \
			2>"$work/tcg/$name.err" || st=$?
		echo "$st" >"$work/tcg/$name.status"
	done
fi
# Debian's kernel to a shell on plugvm (tests/kvm/linux-boot.sh); KVM_LINUX=0
# leaves it out (one boot, about a minute in the nested VM).
linux=
if [ -n "$builddir" ] && [ -x "$builddir/vmm/plugvm" ] &&
	[ "${KVM_LINUX:-1}" != 0 ]; then
	. "$here/linux-boot.sh"
	printf '[linux]\nkernel = /dev/null\n' >"$work/probe.ini"
	if "$builddir/vmm/plugvm" --accel tcg "$work/probe.ini" 2>&1 |
		grep -q "unknown section 'linux'"; then
		echo "$me: linux: SKIP: this plugvm boots no kernel yet (no [linux] section)" >&2
	else
		linux_boot_prepare || exit $?
		linux=1
	fi
fi
echo 'exit $status' >>"$work/run.sh"
chmod +x "$work/run.sh"

# compare_machines OUTDIR: each machine's kvm result against its tcg one.
compare_machines() {
	local out=$1 name k t pass=0 fail=0
	[ ${#machines[@]} -gt 0 ] || return 0
	echo "== plugvm: kvm against tcg"
	for name in "${machines[@]}"; do
		k=$out/kvm/$name t=$work/tcg/$name
		if [ ! -f "$k.status" ]; then
			echo "not ok $name: no kvm result"
			fail=$((fail + 1))
		elif ! cmp -s "$k.out" "$t.out"; then
			echo "not ok $name: stdout differs (--- tcg, +++ kvm):"
			diff -u "$t.out" "$k.out" | head -20
			sed 's/^/  kvm stderr: /' "$k.err" | head -10
			fail=$((fail + 1))
		elif [ "$(cat "$k.status")" != "$(cat "$t.status")" ]; then
			echo "not ok $name: exit status $(cat "$k.status") on kvm, $(cat "$t.status") on tcg"
			sed 's/^/  kvm stderr: /' "$k.err" | head -10
			fail=$((fail + 1))
		else
			echo "ok $name: stdout ($(wc -c <"$t.out") bytes) and exit status $(cat "$t.status") identical"
			pass=$((pass + 1))
		fi
	done
	echo "machines: $pass passed, $fail failed"
	# The tests/kvm machines: what both must print, so that the two
	# cannot agree on a wrong answer.
	for e in "${expected[@]}"; do
		name=${e##*/} t=$work/tcg/${e##*/}
		if cmp -s "$e.out" "$t.out" &&
			[ "$(cat "$e.status")" = "$(cat "$t.status")" ]; then
			echo "ok $name: as expected (${e#"$srcdir"/}.out, status $(cat "$e.status"))"
		else
			echo "not ok $name: not as expected (--- expected, +++ tcg), status $(cat "$t.status"), want $(cat "$e.status"):"
			diff -u "$e.out" "$t.out" | head -20
			sed 's/^/  tcg stderr: /' "$t.err" | head -10
			fail=$((fail + 1))
		fi
	done
	[ $fail = 0 ]
}

if [ "$mode" != nested ] && "$work/kvm-smoke" >/dev/null 2>&1; then
	echo "$me: using this host's /dev/kvm directly" >&2
	mkdir -p "$work/out"
	KVM_OUT=$work/out PATH=$work:$PATH PLUGVM=$builddir/vmm/plugvm \
		PLUGINS=${plugins:-} CONFIGS=$work/configs \
		sh "$work/run.sh"
	rc=$?
	compare_machines "$work/out" || rc=1
	[ -z "$linux" ] || linux_boot_check "$work/out" || rc=1
	exit $rc
elif [ "$mode" = direct ]; then
	echo "$me: SKIP: no usable /dev/kvm on this host" >&2
	exit 77
fi

"$here/mkinitramfs.sh" -o "$work/initrd.cpio" -s "$work/run.sh" \
	-b "$work/kvm-smoke" -b "$work/accel-kvm-test" \
	-b "$work/accel-kvm-irq-test" "${pack[@]}"
rc=$?
[ $rc -eq 0 ] || exit $((rc == 77 ? 77 : 99))

keep=${KVM_KEEP:-}
"$here/run-nested.sh" -d "$work/out" -l "$work/console.log" \
	-t $((${KVM_TIMEOUT:-600} + ${linux:+${LINUX_TIMEOUT:-0}} + 0)) \
	"$work/initrd.cpio"
rc=$?
if [ -n "$keep" ]; then
	mkdir -p "$keep"
	cp -a "$work/initrd.cpio" "$work/console.log" "$keep/" 2>/dev/null
	[ -d "$work/out" ] && cp -a "$work/out" "$keep/"
fi
if [ $rc = 77 ] || [ $rc = 99 ]; then
	exit $rc
fi
compare_machines "$work/out" || rc=1
[ -z "$linux" ] || linux_boot_check "$work/out" || rc=1
exit $rc
