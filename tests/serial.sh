#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The 16550A's input end to end (issue 11, the device's side), with the
# interrupt-driven echo guest configs/serial-echo.S: 64 KB reach the guest
# whole and in order, through a pipe, a regular file and a FIFO named by
# `input = PATH`, however the writer paces them; the FIFO holds 16 bytes,
# so plugvm reads no faster than the guest takes them (flow control), and
# nothing is lost. With no input at all (/dev/null: at once the end of the
# input, not an error) the guest waits in HLT until --timeout. TAP output.
set -u
builddir=${PLUGVM_BUILDDIR:?run through make check}
plugvm=$builddir/vmm/plugvm
guest=$builddir/configs/serial-echo.bin
tmp=$(mktemp -d)
writer=
trap '[ -n "$writer" ] && kill $writer 2>/dev/null; rm -rf "$tmp"' EXIT
. "${PLUGVM_SRCDIR:?run through make check}/tests/tap.sh"
export PLUGVM_PLUGIN_PATH="$PLUGVM_DEVICES"

# echo_ini NAME INPUT: the echo machine with COM1's input = INPUT
echo_ini() {
	cat >"$tmp/$1.ini" <<EOF
[machine]
memory = 1M
chipset = pc
[cpu]
mode = real
entry = 0x1000
[image "serial-echo"]
file = $guest
address = 0x1000
[device "com1"]
type = serial
input = $2
[device "exit"]
type = debugport
port = 0x501
mode = exit
EOF
}

# 64 KB of lines, then Ctrl-D; what the guest must print back
awk 'BEGIN { for (i = 0; i < 1100; i++)
	printf "%05d the quick brown fox jumps over the lazy dog 0123456789\n", i }' \
	>"$tmp/text"
size=$(wc -c <"$tmp/text")
{ cat "$tmp/text"; printf '\004'; } >"$tmp/in"
{ cat "$tmp/text"; printf 'serial-echo: %s bytes received, all echoed\r\n' \
	"$size"; } >"$tmp/want"

# check WHAT STATUS: the run's status was 16 and its output $tmp/want
check() {
	if [ "$2" = 16 ] && cmp -s "$tmp/out" "$tmp/want"; then
		ok "$1: $size bytes echoed whole, exit status 16"
	else
		{
			echo "exit status $2, want 16"
			cmp "$tmp/out" "$tmp/want"
			echo "--- stderr:"
			cat "$tmp/err"
		} >"$tmp/why" 2>&1
		not_ok "$1" "$tmp/why"
	fi
}

echo_ini stdin stdin
st=0
cat "$tmp/in" | "$plugvm" --timeout 60 "$tmp/stdin.ini" >"$tmp/out" \
	2>"$tmp/err" || st=$?
check "stdin a pipe" $st

st=0
"$plugvm" --timeout 60 "$tmp/stdin.ini" <"$tmp/in" >"$tmp/out" \
	2>"$tmp/err" || st=$?
check "stdin a regular file" $st

# A FIFO as `input = PATH`, its writer pacing the text in four parts
mkfifo "$tmp/fifo"
echo_ini fifo "$tmp/fifo"
split -n 4 "$tmp/in" "$tmp/part."
(
	for p in "$tmp"/part.*; do
		cat "$p"
		sleep 0.2
	done >"$tmp/fifo"
) &
writer=$!
st=0
"$plugvm" --timeout 60 "$tmp/fifo.ini" </dev/null >"$tmp/out" \
	2>"$tmp/err" || st=$?
wait $writer 2>/dev/null
writer=
check "input = a FIFO, written in four parts" $st

# Keys one at a time, as typed: a CR that finds nothing waiting to be
# sent still becomes CR LF (the THR empty interrupt is off then)
rm -f "$tmp/fifo"
mkfifo "$tmp/fifo"
(
	for k in a '\r' b '\r' '\004'; do
		printf "$k"
		sleep 0.3
	done >"$tmp/fifo"
) &
writer=$!
st=0
"$plugvm" --timeout 60 "$tmp/fifo.ini" </dev/null >"$tmp/out" \
	2>"$tmp/err" || st=$?
wait $writer 2>/dev/null
writer=
printf 'a\r\nb\r\nserial-echo: 4 bytes received, all echoed\r\n' >"$tmp/keys"
if [ $st = 16 ] && cmp -s "$tmp/out" "$tmp/keys"; then
	ok "keys one at a time: each CR echoed as CR LF"
else
	{
		echo "exit status $st, want 16; output:"
		od -c "$tmp/out"
		echo "--- stderr:"
		cat "$tmp/err"
	} >"$tmp/why"
	not_ok "keys one at a time" "$tmp/why"
fi

# No input: the end of it at once; the guest waits in HLT for ever
st=0
"$plugvm" --timeout 2 "$tmp/stdin.ini" </dev/null >"$tmp/out" \
	2>"$tmp/err" || st=$?
if [ $st = 124 ] && [ ! -s "$tmp/out" ] && ! grep -qi 'input' "$tmp/err"; then
	ok "stdin /dev/null: no input, no error about it, --timeout ends it (124)"
else
	{
		echo "exit status $st, want 124; stdout:"
		cat "$tmp/out"
		echo "--- stderr:"
		cat "$tmp/err"
	} >"$tmp/why"
	not_ok "stdin /dev/null" "$tmp/why"
fi

tap_done
