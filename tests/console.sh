#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Character input and output end to end (issue 11, the host's side), with
# tests/plugins/chrin.c and the guests tests/guests/console.S and flood.S:
# input through a file, a pipe and /dev/null reaches the guest whole,
# however small the device's FIFO (flow control: the bytes wait outside
# plugvm); a consumer that never reads stalls neither the guest nor
# plugvm, which drops and counts, does not grow, and stops on --timeout
# and SIGTERM. The terminal side is check_console (a pseudo-terminal).
# TAP output.
set -u
builddir=${PLUGVM_BUILDDIR:?run through make check}
plugvm=$builddir/vmm/plugvm
guests=$builddir/tests/guests
tmp=$(mktemp -d)
readers=
trap 'for p in $readers; do kill $p 2>/dev/null; done; rm -rf "$tmp"' EXIT
. "${PLUGVM_SRCDIR:?run through make check}/tests/tap.sh"
export PLUGVM_PLUGIN_PATH="$PLUGVM_TEST_PLUGINS:$PLUGVM_DEVICES"

# console_ini NAME INPUT ROOM MODE: the console guest with chrin's input
console_ini() {
	cat >"$tmp/$1.ini" <<EOF2
[machine]
memory = 1M
[cpu]
mode = real
entry = 0x1000
rcx = $4
[image "console"]
file = $guests/console.bin
address = 0x1000
[device "in"]
type = chrin
port = 0x300
input = $2
room = $3
EOF2
}
# flood_ini NAME BYTES: flood.S writing BYTES (0: for ever) to a serial port
flood_ini() {
	cat >"$tmp/$1.ini" <<EOF2
[machine]
memory = 1M
[cpu]
mode = real
entry = 0x1000
rcx = $2
[image "flood"]
file = $guests/flood.bin
address = 0x1000
[device "com1"]
type = serial
EOF2
}
# stalled: a FIFO at $tmp/fifo whose reader never reads
stalled() {
	rm -f "$tmp/fifo"
	mkfifo "$tmp/fifo"
	sleep 120 <"$tmp/fifo" &
	readers="$readers $!"
}
# hwm PID: the process's peak resident set, in KiB
hwm() {
	sed -n 's/^VmHWM:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$1/status" 2>/dev/null
}

# 100 KiB of text with every byte value but Ctrl-A's meaning (no terminal)
awk 'BEGIN { for (i = 0; i < 1600; i++) { for (c = 32; c < 95; c++)
	printf "%c", c; printf "\n" } }' >"$tmp/text"
printf 'ready\n' >"$tmp/want"
cat "$tmp/text" >>"$tmp/want"

console_ini file "$tmp/text" 16 0
st=0
"$plugvm" --timeout 120 "$tmp/file.ini" >"$tmp/out" 2>"$tmp/err" </dev/null || st=$?
if [ $st = 0 ] && cmp -s "$tmp/out" "$tmp/want"; then
	ok "a file reaches a 16-byte FIFO whole, then the end of input"
else
	not_ok "a file reaches a 16-byte FIFO whole (status $st)" "$tmp/err"
fi

console_ini pipe auto 1 0
st=0
cat "$tmp/text" | "$plugvm" --timeout 120 "$tmp/pipe.ini" >"$tmp/out" 2>"$tmp/err" || st=$?
if [ $st = 0 ] && cmp -s "$tmp/out" "$tmp/want"; then
	ok "a pipe on stdin reaches a 1-byte FIFO whole"
else
	not_ok "a pipe on stdin reaches a 1-byte FIFO whole (status $st)" "$tmp/err"
fi

console_ini null stdin 16 0
st=0
"$plugvm" --timeout 60 "$tmp/null.ini" >"$tmp/out" 2>"$tmp/err" </dev/null || st=$?
if [ $st = 0 ] && [ "$(cat "$tmp/out")" = ready ]; then
	ok "stdin /dev/null is an end of input, not an error"
else
	not_ok "stdin /dev/null is an end of input (status $st)" "$tmp/err"
fi

st=0
timeout 60 "$plugvm" "$tmp/null.ini" >"$tmp/out" 2>"$tmp/err" <&- || st=$?
if [ $st = 0 ] && [ "$(cat "$tmp/out")" = ready ]; then
	ok "a closed stdin is an end of input too"
else
	not_ok "a closed stdin is an end of input (status $st)" "$tmp/err"
fi

cat >>"$tmp/null.ini" <<EOF2
[device "in2"]
type = chrin
port = 0x310
input = stdin
EOF2
st=0
"$plugvm" "$tmp/null.ini" >"$tmp/out" 2>"$tmp/err" </dev/null || st=$?
if [ $st = 1 ] && grep -q "input: stdin is the input of device 'in' (input) already" "$tmp/err"; then
	ok "a second device reading stdin is refused, naming the first"
else
	not_ok "a second device reading stdin is refused (status $st)" "$tmp/err"
fi

# 10 MB into a pipe nobody reads: the guest runs to its end, plugvm says
# what it dropped.
flood_ini flood 10485760
stalled
st=0
"$plugvm" -v --timeout 120 "$tmp/flood.ini" >"$tmp/fifo" 2>"$tmp/err" </dev/null || st=$?
dropped=$(sed -n 's/.*com1: output: \([0-9]*\) bytes of output dropped.*/\1/p' "$tmp/err")
if [ $st = 0 ] && [ -n "$dropped" ] && [ "$dropped" -gt $((10485760 - 1048576)) ]; then
	ok "10 MB to a stalled pipe: the guest ends, $dropped bytes dropped and counted (-v)"
else
	not_ok "10 MB to a stalled pipe (status $st, dropped '${dropped:-}')" "$tmp/err"
fi

flood_ini forever 0
stalled
st=0
"$plugvm" --timeout 1 "$tmp/forever.ini" >"$tmp/fifo" 2>"$tmp/err" </dev/null || st=$?
if [ $st = 124 ] && grep -q timeout "$tmp/err"; then
	ok "--timeout stops a guest whose output stalls"
else
	not_ok "--timeout stops a guest whose output stalls (status $st)" "$tmp/err"
fi

# No growth: the peak resident set a second into the flood, and two
# seconds later (some 40 MB more of output offered), differ by less than
# 4 MiB; then SIGTERM stops it.
stalled
"$plugvm" "$tmp/forever.ini" >"$tmp/fifo" 2>"$tmp/err" </dev/null &
pid=$!
sleep 1
m1=$(hwm $pid)
sleep 2
m2=$(hwm $pid)
kill -TERM $pid
st=0
wait $pid || st=$?
if [ -n "$m1" ] && [ -n "$m2" ] && [ $((m2 - m1)) -lt 4096 ]; then
	ok "plugvm does not grow while its output stalls (${m1} KiB, then ${m2} KiB)"
else
	not_ok "plugvm does not grow while its output stalls ('${m1:-}' KiB, then '${m2:-}' KiB)" "$tmp/err"
fi
if [ $st = 130 ]; then
	ok "SIGTERM stops a guest whose output stalls"
else
	not_ok "SIGTERM stops a guest whose output stalls (status $st)" "$tmp/err"
fi

tap_done
