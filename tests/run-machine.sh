#!/bin/sh
# Run one machine file and compare what the guest printed and plugvm's exit
# status with tests/expected/NAME.out and NAME.status (0 when absent),
# with tests/expected/NAME.in piped to its standard input when it exists.
# Used as the log compiler of every configs/*.ini test. PLUGVM_ACCEL picks
# the accelerator: tcg by default, so that the suite means the same on every
# host; `PLUGVM_ACCEL=kvm make check` runs the machines on this host's KVM,
# and make check-kvm proves kvm on real KVM (nested) against tcg.
set -u
ini=$1
name=$(basename "$ini" .ini)
builddir=${PLUGVM_BUILDDIR:?run through make check}
srcdir=${PLUGVM_SRCDIR:?run through make check}
expected_out=$srcdir/tests/expected/$name.out
expected_status=0
[ -f "$srcdir/tests/expected/$name.status" ] &&
	expected_status=$(cat "$srcdir/tests/expected/$name.status")

# The guests sit next to the machine files in the build tree.
machine=$builddir/configs/$name.ini
[ -f "$machine" ] || machine=$ini

out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
# VALGRIND=1: under memcheck; any error it finds fails the test (status 99)
wrap=
[ "${VALGRIND:-0}" = 1 ] && wrap="valgrind --quiet --error-exitcode=99 \
	--leak-check=full --errors-for-leak-kinds=definite"
status=0
# NAME.in: what the guest reads on its standard input (the first serial
# port's), through a pipe; nothing (/dev/null) for the others.
input=$srcdir/tests/expected/$name.in
[ -f "$input" ] || input=/dev/null
# The example's rtc.so (plugins/example.mk) for rtc-irq.ini; the build
# tree's devices come after it, as plugvm finds them itself.
cat "$input" | $wrap "$builddir/vmm/plugvm" --accel "${PLUGVM_ACCEL:-tcg}" \
	--plugin-path "$builddir/plugins/example/.libs" \
	--timeout 60 "$machine" >"$out" 2>"$err" || status=$?

fail=0
# NAME.realtime: the guest times real-time events against the PIT while
# it polls, which memcheck slows past what it can tell apart; under
# VALGRIND=1 only memcheck's verdict (status 99) and a clean end count.
if [ "${VALGRIND:-0}" = 1 ] && [ -f "$srcdir/tests/expected/$name.realtime" ]; then
	case $status in
	99 | 124 | 1 | 3 | 13[0-9])
		echo "$name: under valgrind: exit status $status"
		cat "$err"
		exit 1
		;;
	esac
	echo "$name: under valgrind: memcheck clean, exit status $status; output not compared: $(cat "$srcdir/tests/expected/$name.realtime")"
	exit 0
fi
if [ ! -f "$expected_out" ]; then
	echo "missing $expected_out"
	fail=1
elif ! cmp -s "$out" "$expected_out"; then
	echo "$name: guest output differs from $expected_out:"
	diff -u "$expected_out" "$out" | head -40
	fail=1
fi
if [ "$status" != "$expected_status" ]; then
	echo "$name: exit status $status, expected $expected_status"
	fail=1
fi
if [ $fail = 1 ]; then
	echo "--- plugvm's stderr:"
	cat "$err"
	exit 1
fi
echo "$name: output and exit status $status as expected"
exit 0
