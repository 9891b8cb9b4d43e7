#!/bin/sh
# Timers in plugvm: a ticker device (tests/plugins/ticker.c) in a machine
# whose guest only polls it ends the machine through request_exit() after
# N ticks, which only the event thread can make happen; its callbacks never
# ran on the vCPU thread (else it exits with 99). Its watch echoes plugvm's
# stdin, and ends the machine when the writer hangs up. TAP output.
set -u
builddir=${PLUGVM_BUILDDIR:?run through make check}
plugvm=$builddir/vmm/plugvm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "${PLUGVM_SRCDIR:?run through make check}/tests/tap.sh"

# machine NAME VCPUS EXTRA-DEVICE-KEYS...: write $tmp/NAME.ini
machine() {
	name=$1 vcpus=$2
	shift 2
	{
		printf '[machine]\nvcpus = %s\n' "$vcpus"
		printf '[cpu]\nentry = 0x1000\n'
		printf '[image "tickpoll"]\nfile = %s\naddress = 0x1000\n' \
			"$builddir/tests/guests/tickpoll.bin"
		printf '[device "tk"]\ntype = ticker\n'
		for kv in "$@"; do printf '%s\n' "$kv"; done
	} >"$tmp/$name.ini"
}

# run ACCEL NAME: plugvm's status in $st
run() {
	st=0
	timeout -k 5 60 "$plugvm" --accel="$1" --timeout=20 \
		--plugin-path="$PLUGVM_TEST_PLUGINS" "$tmp/$2.ini" \
		>"$tmp/out" 2>"$tmp/err" </dev/null || st=$?
}

have_kvm=no
kvm_usable && have_kvm=yes
for accel in tcg kvm; do
	if [ "$accel" = kvm ] && [ "$have_kvm" = no ]; then
		skip "kvm: 50 ticks of 1 ms end the machine" "no usable /dev/kvm here"
		skip "kvm: 2 vCPUs, 500 ticks of 0.2 ms" "no usable /dev/kvm here"
		continue
	fi
	machine one 1 "period = 1000000" "exit-after = 50" "status = 42"
	run "$accel" one
	if [ "$st" = 42 ]; then
		ok "$accel: 50 ticks of 1 ms end the machine, off the vCPU thread"
	else
		not_ok "$accel: 50 ticks of 1 ms end the machine (status $st)" \
			"$tmp/err"
	fi
	# two vCPUs polling: the device keeps its lock for its timer
	machine two 2 "period = 200000" "exit-after = 500" "status = 43"
	run "$accel" two
	if [ "$st" = 43 ]; then
		ok "$accel: 2 vCPUs, 500 ticks of 0.2 ms"
	else
		not_ok "$accel: 2 vCPUs, 500 ticks of 0.2 ms (status $st)" \
			"$tmp/err"
	fi
done

# A watch in plugvm: the ticker echoes its stdin to its stdout and ends
# the machine when the writer hangs up, all on the event thread.
machine echo 1 "in-fd = 0" "out-fd = 1" "hup-exit = true" "status = 44" \
	"period = 3600000000000"
st=0
printf 'hello, event thread' | timeout -k 5 60 "$plugvm" --accel=tcg \
	--timeout=20 --plugin-path="$PLUGVM_TEST_PLUGINS" "$tmp/echo.ini" \
	>"$tmp/out" 2>"$tmp/err" || st=$?
if [ "$st" = 44 ] && [ "$(cat "$tmp/out")" = 'hello, event thread' ]; then
	ok "a watch echoes a pipe and sees its hang-up"
else
	not_ok "a watch echoes a pipe and sees its hang-up (status $st)" \
		"$tmp/out" "$tmp/err"
fi

# A timer that never comes in time: --timeout still ends the machine.
machine slow 1 "period = 3600000000000" "exit-after = 1"
st=0
timeout -k 5 30 "$plugvm" --accel=tcg --timeout=0.3 \
	--plugin-path="$PLUGVM_TEST_PLUGINS" "$tmp/slow.ini" \
	>"$tmp/out" 2>"$tmp/err" </dev/null || st=$?
if [ "$st" = 124 ]; then
	ok "an hour's timer does not hold the machine past --timeout"
else
	not_ok "an hour's timer does not hold the machine past --timeout (status $st)" \
		"$tmp/err"
fi

tap_done
