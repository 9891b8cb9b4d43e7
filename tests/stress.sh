#!/bin/sh
# Every host function from any thread (plugin.h's threading rules): the
# stress plugin (tests/plugins/stress.c) and its guest (tests/guests/
# stress.S) run STRESS_RUNS machines (default 1000) on tcg, and on kvm where
# /dev/kvm works. In each, the plugin's own threads call mem_write() into
# the code the guest is executing (about 1 kHz), mem_write() and mem_read()
# elsewhere, set_irq(), log() and request_exit() while the guest runs, and
# on while the machine stops. Each run must end within its --timeout with
# the plugin's exit status and its results all "ok". A hang that ignores
# --timeout is killed, and counted as a failure. After STRESS_MAX_FAILURES
# failures (default 10) the remaining runs are left out: that bounds the
# time a broken build takes. STRESS_TIMEOUT is each run's --timeout in
# seconds (default 20; a run takes about 30 ms). TAP output.
#
# This is the regression test of the crash issue 10 reports: mem_write()
# from a plugin's thread crashed plugvm on tcg in 9 runs of 10 (SIGSEGV,
# abort, or a hang that ignored --timeout and SIGTERM).
#
# make check-kvm runs it again inside the nested VM, on real KVM, with
# STRESS_ACCELS=kvm and STRESS_PLUGVM, STRESS_GUEST and STRESS_HELLO (the
# plugvm binary, the guest, and a machine that shows whether kvm works)
# pointing into the VM's file system instead of a build tree.
set -u
builddir=${PLUGVM_BUILDDIR:-}
if [ -z "$builddir" ] && [ -z "${STRESS_PLUGVM:-}" ]; then
	echo "stress.sh: run through make check (PLUGVM_BUILDDIR)" >&2
	exit 99
fi
plugvm=${STRESS_PLUGVM:-$builddir/vmm/plugvm}
guest=${STRESS_GUEST:-$builddir/tests/guests/stress.bin}
hello=${STRESS_HELLO:-$builddir/configs/hello.ini}
accels=${STRESS_ACCELS:-tcg kvm}
plugins=${PLUGVM_TEST_PLUGINS:?run through make check}
runs=${STRESS_RUNS:-1000}
limit=${STRESS_TIMEOUT:-20} # --timeout of each run, in seconds
maxfail=${STRESS_MAX_FAILURES:-10} # then the rest of the runs are left out
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "${PLUGVM_SRCDIR:?run through make check}/tests/tap.sh"

case $runs in
'' | *[!0-9]* | 0) echo "Bail out! STRESS_RUNS='$runs' is not a positive count"; exit 1 ;;
esac

# machine NAME CHIPSET IRQ-EXPECTED: write $tmp/NAME.ini
machine() {
	cat >"$tmp/$1.ini" <<EOF2
[machine]
memory = 1M
$([ "$2" = none ] || echo "chipset = $2")

[cpu]
mode = protected
entry = 0x1000
rsp = 0x8000

[image "stress"]
file = $guest
address = 0x1000

[device "stress"]
type = stress
irq-expected = $3
EOF2
}

# stress NAME ACCEL "RESULTS": run machine NAME $runs times on ACCEL; each
# must exit with 42, print RESULTS (lines separated by '|') and have the
# plugin's threads log. One TAP line for all the runs.
stress() {
	name=$1 accel=$2
	printf '%s\n' "$3" | tr '|' '\n' >"$tmp/want"
	bad=0 i=0 shown=0
	t0=$(date +%s)
	while [ $i -lt "$runs" ] && [ $bad -lt "$maxfail" ]; do
		i=$((i + 1))
		st=0
		# A run ignoring its own --timeout is killed 10 s later.
		timeout -k 5 $((limit + 10)) "$plugvm" -v --accel="$accel" \
			--timeout="$limit" --plugin-path="$plugins" \
			"$tmp/$name.ini" >"$tmp/out" 2>"$tmp/err" </dev/null ||
			st=$?
		why=
		if [ "$st" = 124 ] && ! grep -q 'timeout: the guest ran' "$tmp/err"; then
			why="hung: killed $((limit + 10)) s after it started, past its --timeout"
		elif [ "$st" = 124 ]; then
			why="timed out after $limit s: the guest did not see the changes"
		elif [ "$st" -gt 128 ] && [ "$st" != 130 ]; then
			why="died of signal $((st - 128))"
		elif [ "$st" != 42 ]; then
			why="status $st, expected 42"
		elif ! cmp -s "$tmp/want" "$tmp/out"; then
			why="results differ"
		elif ! grep -q "stress: log 1 from a thread of the plugin's own" "$tmp/err"; then
			why="no log line from the plugin's logger thread"
		elif grep -q 'Sanitizer' "$tmp/err"; then
			why="a sanitizer report"
		fi
		[ -z "$why" ] && continue
		bad=$((bad + 1))
		if [ $shown -lt 3 ]; then
			shown=$((shown + 1))
			echo "# $name on $accel, run $i: $why"
			sed 's/^/#   stdout: /' "$tmp/out" | head -10
			grep -v ' log [0-9]* from a thread' "$tmp/err" |
				sed 's/^/#   stderr: /' | tail -15
		fi
	done
	secs=$(($(date +%s) - t0))
	if [ $bad = 0 ]; then
		ok "$name on $accel: $runs runs, all ok ($secs s)"
	else
		more=
		[ $i -lt "$runs" ] && more=", the last $((runs - i)) left out"
		tap_fail "$name on $accel: $bad of $i runs failed$more ($secs s)"
	fi
}

# chipset none: set_irq() must say -ENOTSUP; pc: the guest takes the
# plugin's interrupts (IRQ 5 through the master 8259A) all the while.
machine none none no
NONE='code: ok|dma: ok|read: ok|irq: refused, as expected|log: ok'
machine pc pc yes
PC='code: ok|dma: ok|read: ok|irq: ok|log: ok'

# kvm counts only where plugvm's own choice (accel = auto) takes it: a
# /dev/kvm that only emulates (kvm_pvm) runs hello but not this guest's
# interrupt returns. auto says which it chose and why; that is the skip
# reason. (kvm_why, not st: stress() sets st for each run.)
kvm_why=$("$plugvm" -v --accel=auto "$hello" 2>&1 >/dev/null |
	sed -n 's/^plugvm: accel: //p' | head -n 1)
case $kvm_why in
kvm*) kvm_why= ;;
"") kvm_why="plugvm did not say which accelerator it chose" ;;
*) kvm_why="accel = auto chose $kvm_why" ;;
esac
for accel in $accels; do
	for m in none pc; do
		if [ $accel = kvm ] && [ -n "$kvm_why" ]; then
			skip "$m on kvm: $runs runs" "$kvm_why"
			continue
		fi
		if [ $m = none ]; then
			stress none $accel "$NONE"
		else
			stress pc $accel "$PC"
		fi
	done
done
tap_done
