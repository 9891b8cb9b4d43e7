#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Stopping plugvm from its first millisecond to its last (vmm/watchdog.h):
# SIGINT, SIGTERM and --timeout must end it during start-up (an `output =`
# FIFO nobody reads, a plugin whose create() never returns), while a
# device callback never returns, while its output is stuck in a pipe
# nobody reads, and in teardown; each with its status, one line saying
# what held it, and the guest's output written before. Every run is
# wrapped in timeout -s KILL: a hang is status 137 here, not a hang. TAP.
set -u
builddir=${PLUGVM_BUILDDIR:?run through make check}
plugvm=$builddir/vmm/plugvm
guests=$builddir/tests/guests
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "${PLUGVM_SRCDIR:?run through make check}/tests/tap.sh"

not_ok() {
	tap_fail "$1"
	[ -f "$tmp/err" ] && sed 's/^/# stderr: /' "$tmp/err" | head -20
	[ -f "$tmp/out" ] && sed 's/^/# stdout: /' "$tmp/out" | head -5
	return 0
}
# check DESCRIPTION STATUS STDERR-PATTERN [STDOUT-LINE]
check() {
	if [ "$st" != "$2" ]; then
		not_ok "$1 (status $st, expected $2)"
	elif [ -n "$3" ] && ! grep -q -e "$3" "$tmp/err"; then
		not_ok "$1 (stderr lacks '$3')"
	elif [ $# -ge 4 ] && ! grep -qx -e "$4" "$tmp/out"; then
		not_ok "$1 (stdout lacks '$4')"
	else
		ok "$1"
	fi
}

# blocked PID: whether PID blocks SIGTERM (bit 15 of SigBlk): plugvm is
# past its exec and its first instruction
blocked() {
	mask=$(sed -n 's/^SigBlk:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
	[ -n "$mask" ] && [ $((0x$mask & 0x4000)) != 0 ]
}
# sig_run AFTER SIGNAL [AGAIN] -- ARGS
sig_run() {
	a=$1 s=$2
	shift 2
	ag=-
	[ "$1" != -- ] && { ag=$1; shift; }
	shift
	st=0
	timeout -s KILL 30 "$plugvm" --accel=tcg \
		--plugin-path="$PLUGVM_TEST_PLUGINS" "$@" \
		>"$tmp/out" 2>"$tmp/err" </dev/null &
	pid=$!
	# plugvm itself, once it blocks the stop signals: a signal sent to
	# timeout(1)'s child before its exec is not plugvm's to take
	kid=
	for _ in $(seq 200); do
		kid=$(pgrep -P "$pid" | head -n 1)
		[ -n "$kid" ] && blocked "$kid" && break
		sleep 0.05
	done
	sleep "$a"
	[ -n "$kid" ] && kill -s "$s" "$kid"
	if [ "$ag" != - ] && [ -n "$kid" ]; then
		sleep "$ag"
		kill -s "$s" "$kid" 2>/dev/null
	fi
	wait "$pid" || st=$?
}
# plain_run ARGS: no signal
plain_run() {
	st=0
	timeout -s KILL 30 "$plugvm" --accel=tcg \
		--plugin-path="$PLUGVM_TEST_PLUGINS" "$@" \
		>"$tmp/out" 2>"$tmp/err" </dev/null || st=$?
}

# A machine: the stuck guest, a UART on stdout, a stuck device (IN) and
# what else is given on stdin.
machine() { # machine NAME IN
	{
		printf '[machine]\nmemory = 1M\n[cpu]\nmode = real\nentry = 0x1000\n'
		printf '[image "g"]\nfile = %s\naddress = 0x1000\n' "$guests/stuck.bin"
		printf '[device "com1"]\ntype = serial\n'
		printf '[device "jam"]\ntype = stuck\nin = %s\n' "$2"
		cat
	} >"$tmp/$1.ini"
}

# --- start-up ---------------------------------------------------------------
mkfifo "$tmp/fifo"
machine fifo never <<EOF
[device "log"]
type = debugport
output = $tmp/fifo
EOF
sig_run 0.5 TERM -- "$tmp/fifo.ini"
check "SIGTERM during start-up (output = a FIFO nobody reads): 130" 130 \
	"signal 15 (Terminated) during start-up (while creating device 'log'"
sig_run 0.5 INT -- "$tmp/fifo.ini"
check "SIGINT during start-up (output = a FIFO nobody reads): 130" 130 \
	"signal 2 (Interrupt) during start-up"
sig_run 0.5 HUP -- "$tmp/fifo.ini"
check "SIGHUP during start-up: 130" 130 "signal 1 (Hangup) during start-up"
plain_run --timeout=0.5 "$tmp/fifo.ini"
check "--timeout during start-up (output = a FIFO nobody reads): 124" 124 \
	"timeout: start-up did not finish within 500 ms (while creating device 'log' (type debugport) at $tmp/fifo.ini:14)"
# The same FIFO with a reader: plugvm waits for it, and runs.
: >"$tmp/fifo-read"
(cat "$tmp/fifo" >"$tmp/fifo-read") &
reader=$!
plain_run --timeout=20 "$tmp/fifo.ini"
wait "$reader"
check "output = a FIFO somebody reads: the machine runs" 0 "" \
	"written before the stuck write"

# The machine file itself a FIFO nobody writes.
mkfifo "$tmp/machine-fifo.ini"
plain_run --timeout=0.5 "$tmp/machine-fifo.ini"
check "--timeout while the machine file is a FIFO nobody writes: 124" 124 \
	"start-up did not finish within 500 ms (while reading $tmp/machine-fifo.ini)"

machine create create </dev/null
sig_run 0.5 INT -- "$tmp/create.ini"
check "SIGINT while a plugin's create() never returns: 130" 130 \
	"during start-up (while creating device 'jam' (type stuck)"
plain_run --timeout=0.5 "$tmp/create.ini"
check "--timeout while a plugin's create() never returns: 124" 124 \
	"start-up did not finish within 500 ms (while creating device 'jam'"

# --- a device callback that never returns -----------------------------------
# held STATUS: the status expected of a forced end: STATUS, or 4 (a broken
# plugin) when plugvm named the device whose callback holds it (guard.c's
# describer, registered with vmm_watchdog_set_holder())
held() {
	if grep -q 'device "jam"' "$tmp/err"; then echo 4; else echo "$1"; fi
}
machine never never </dev/null
plain_run --timeout=20 "$tmp/never.ini"
check "control: the same machine with a device that returns: 0" 0 "" \
	"written before the stuck write"
machine write write </dev/null
export PLUGVM_STOP_GRACE=0.5
plain_run --timeout=2 "$tmp/write.ini"
check "--timeout while a device callback never returns: ends after the grace, output kept" \
	"$(held 124)" "plugvm did not stop within 500 ms of being asked to" \
	"written before the stuck write"
sig_run 2 TERM -- "$tmp/write.ini"
check "SIGTERM while a device callback never returns: ends, output kept" "$(held 130)" \
	"plugvm did not stop within 500 ms" "written before the stuck write"
# A long grace, cut short by a second signal.
PLUGVM_STOP_GRACE=3600 sig_run 2 INT 0.5 -- "$tmp/write.ini"
check "a second SIGINT ends plugvm at once" "$(held 130)" \
	"signal 2 (Interrupt) while stopping" "written before the stuck write"

# --- teardown -----------------------------------------------------------------
machine destroy destroy </dev/null
plain_run --timeout=20 "$tmp/destroy.ini"
check "a destroy() that never returns after a halt: not status 0, output kept" \
	"$(held 1)" "did not stop within 500 ms" "written before the stuck write"

# --- output nobody reads ------------------------------------------------------
# stdout a pipe to a reader that never reads: the guest's writes fill it.
printf '[machine]\nmemory = 1M\n[cpu]\nmode = real\nentry = 0x1000\n[image "g"]\nfile = %s\naddress = 0x1000\n[device "com1"]\ntype = serial\n' \
	"$guests/flood.bin" >"$tmp/flood.ini"
rm -f "$tmp/st"
{
	st=0
	timeout -s KILL 30 "$plugvm" --accel=tcg --timeout=1 "$tmp/flood.ini" \
		2>"$tmp/err" </dev/null || st=$?
	echo "$st" >"$tmp/st"
} | sleep 40 &
sleeper=$!
for _ in $(seq 100); do [ -s "$tmp/st" ] && break; sleep 0.2; done
kill "$sleeper" 2>/dev/null
wait "$sleeper" 2>/dev/null
st=$(cat "$tmp/st" 2>/dev/null || echo "none (still running after 20 s)")
rm -f "$tmp/out"
check "--timeout while stdout is a pipe nobody reads: 124" 124 "timeout"

tap_done
