#!/bin/sh
# Broken plugins, end to end (issue 13): a plugin that crashes, calls
# exit() or never returns is named (device, plugin file, callback), plugvm
# ends with status 4, and the guest output written before is all there,
# whether stdout is a file, a pipe or a terminal. TAP output.
# GUARD_ACCELS="tcg kvm" picks the accelerators (default: tcg; check-kvm
# runs it with kvm in the nested VM).
set -u
# check-kvm runs it in the nested VM with GUARD_PLUGVM and GUARD_GUEST.
if [ -n "${GUARD_PLUGVM:-}" ]; then
	plugvm=$GUARD_PLUGVM guest=${GUARD_GUEST:?}
else
	builddir=${PLUGVM_BUILDDIR:?run through make check}
	plugvm=$builddir/vmm/plugvm
	guest=$builddir/tests/guests/guard.bin
fi
plugins=${PLUGVM_TEST_PLUGINS:?run through make check}
# where faulty.so is, as messages name it (PLUGVM_TEST_PLUGINS may be a list)
pdir=${GUARD_PLUGIN_DIR:-$plugins}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "${PLUGVM_SRCDIR:?run through make check}/tests/tap.sh"
fail() { not_ok "$1" "$tmp/err" "$tmp/out"; }

before="guest output before the plugin breaks"
# machine TYPE IN HOW [SPIN]: $tmp/m.ini with the faulty plugin TYPE
machine() {
	cat >"$tmp/m.ini" <<EOF2
[machine]
memory = 1M
accel = $acc

[cpu]
mode = real
entry = 0x1000
rcx = ${4:-0}

[image "guard"]
file = $guest
address = 0x1000

[device "com1"]
type = serial

[device "bad"]
type = $1
in = $2
how = $3
EOF2
}
# run [OPTIONS]: plugvm on $tmp/m.ini, stdout to $tmp/out (a file)
run() {
	st=0
	"$plugvm" --plugin-path="$plugins" "$@" "$tmp/m.ini" >"$tmp/out" \
		2>"$tmp/err" </dev/null || st=$?
}
# expect DESCRIPTION STATUS PATTERN...: the status, each pattern in stderr
# (fixed strings), and one line of plugvm's about it
expect() {
	d=$1 want=$2
	shift 2
	if [ "$st" != "$want" ]; then
		fail "$d (status $st, expected $want)"
		return
	fi
	for p in "$@"; do
		if ! grep -qF -e "$p" "$tmp/err"; then
			fail "$d (stderr lacks '$p')"
			return
		fi
	done
	ok "$d"
}
# output_kept DESCRIPTION: the guest's line before the break is in $tmp/out
output_kept() {
	if grep -qxF "$before" "$tmp/out"; then ok "$1"; else fail "$1"; fi
}

for acc in ${GUARD_ACCELS:-tcg}; do
	# A crash in each callback, each way.
	for how in segv bus ill fpe abort assert stack; do
		machine faulty write $how
		run
		expect "$acc: $how in write() names device, plugin and callback" 4 \
			"device \"bad\" (plugin $pdir/faulty.so) crashed in write()" \
			"m.ini:17: [device \"bad\"]" "exit status 4"
		output_kept "$acc: $how in write(): the guest's output before it is kept"
	done
	machine faulty write segv
	run
	[ "$(grep -c . "$tmp/err")" = 1 ] && ok "$acc: a crash is one line" ||
		fail "$acc: a crash is one line"
	grep -q "SIGSEGV (invalid memory access at 0x0)" "$tmp/err" &&
		ok "$acc: SIGSEGV names the address" || fail "$acc: SIGSEGV names the address"
	for in in create reset read timer destroy; do
		machine faulty $in segv 1
		if [ $in = timer ]; then run --timeout=5; else run --timeout=1; fi
		what="$in()"
		[ $in = timer ] && what="timer callback"
		expect "$acc: a crash in $what is named" 4 \
			"device \"bad\" (plugin $pdir/faulty.so) crashed in $what"
	done
	# destroy() runs after the guest stopped: its output is there too
	machine faulty destroy abort
	run
	expect "$acc: abort() in destroy()" 4 "crashed in destroy(): SIGABRT"
	output_kept "$acc: abort() in destroy(): the guest's output is kept"

	# exit() from a plugin is never a success.
	for in in create read write; do
		machine faulty $in exit
		run
		expect "$acc: exit(0) in $in() is status 4, and says so" 4 \
			"device \"bad\" (plugin $pdir/faulty.so) called exit(0) in $in()"
	done
	machine faulty write exit
	run
	output_kept "$acc: exit() in write(): the guest's output before it is kept"

	# The sandbox: a call the plugin does not list is refused by name.
	machine faulty write syscall
	run -v
	expect "$acc: a forbidden socket() in write() is SIGSYS, naming device and call" 4 \
		"device \"bad\" (plugin $pdir/faulty.so) crashed in write(): SIGSYS" \
		"socket (number " "sandbox: seccomp filter installed"
	output_kept "$acc: a forbidden call: the guest's output before it is kept"
	machine faulty read syscall
	run
	expect "$acc: a forbidden socket() in read() too" 4 \
		"crashed in read(): SIGSYS" "socket (number "
	machine faulty timer syscall 1
	run --timeout=5
	expect "$acc: a forbidden socket() in a timer callback" 4 \
		"crashed in timer callback: SIGSYS" "socket (number "
	machine faulty write syscall
	run --no-sandbox
	expect "$acc: --no-sandbox lets it through" 0 \
		"socket() returned" "the sandbox let it through"
	machine faultyok write syscall
	run
	expect "$acc: a plugin that lists socket may call it" 0 \
		"socket() returned" "the sandbox let it through"
	# A whole machine runs under the filter: serial output, halt.
	machine faulty none segv
	run -v
	expect "$acc: a machine runs to its end under the sandbox" 0 \
		"sandbox: seccomp filter installed"
	grep -qx after "$tmp/out" && ok "$acc: ... with all its output" ||
		fail "$acc: ... with all its output"
done

# A plugin listing a call nobody knows is refused at its type key.
machine faultybogus none segv
run
expect "a plugin listing an unknown system call is refused" 1 \
	"m.ini:18: [device \"bad\"] type: $pdir/faultybogus.so: plugin 'faultybogus' lists system call 'no_such_call'"

# What follows does not depend on the accelerator: once, on the first.
set -- ${GUARD_ACCELS:-tcg}
acc=$1

# Crashes and exit() in a constructor, while plugvm loads the plugin.
for how in segv abort exit; do
	machine crashctor none segv
	st=0
	FAULTY_CTOR=$how "$plugvm" --plugin-path="$plugins" "$tmp/m.ini" \
		>"$tmp/out" 2>"$tmp/err" </dev/null || st=$?
	expect "$how in a constructor: 'while loading', at the type key" 4 \
		"m.ini:18: [device \"bad\"] type: plugin $pdir/crashctor.so" \
		"while loading"
done
st=0
FAULTY_CTOR=segv "$plugvm" --plugin-path="$plugins" --describe crashctor \
	>"$tmp/out" 2>"$tmp/err" </dev/null || st=$?
expect "--describe of a plugin whose constructor crashes" 4 \
	"plugin $pdir/crashctor.so crashed while loading"

# Guest output kept when stdout is a pipe.
machine faulty write segv
st=0
{ "$plugvm" --plugin-path="$plugins" "$tmp/m.ini" 2>"$tmp/err" </dev/null ||
	echo "status $?" >"$tmp/st"; } | cat >"$tmp/out"
if [ "$(cat "$tmp/st" 2>/dev/null)" = "status 4" ] && grep -qxF "$before" "$tmp/out"; then
	ok "stdout a pipe: status 4 and the guest's output kept"
else
	fail "stdout a pipe: status 4 and the guest's output kept"
fi
# ... and a terminal (script(1) gives it one; util-linux's).
if script -V 2>&1 | grep -q util-linux; then
	st=0
	script -qec "'$plugvm' --plugin-path='$plugins' '$tmp/m.ini' 2>'$tmp/err'" \
		/dev/null </dev/null >"$tmp/out" 2>&1 || st=$?
	tr -d '\r' <"$tmp/out" >"$tmp/out2" && mv "$tmp/out2" "$tmp/out"
	if [ "$st" = 4 ] && grep -qxF "$before" "$tmp/out"; then
		ok "stdout a terminal: status 4 and the guest's output kept"
	else
		fail "stdout a terminal: status 4 and the guest's output kept (status $st)"
	fi
else
	skip "stdout a terminal" "no script(1)"
fi

# plugvm's own threads: named for ps, top -H and gdb, and a crash on one
# of them outside a plugin is plugvm's own bug (the signal's default
# action), never blamed on a plugin. A SIGSEGV sent to the watchdog thread
# stands for one; perl (Debian's perl-base) sends it with tgkill.
cat >"$tmp/spin.ini" <<EOF2
[machine]
memory = 1M
chipset = pc

[cpu]
mode = real
entry = 0x1000
rcx = 1

[image "guard"]
file = $guest
address = 0x1000
EOF2
# tgkill's number, for perl's syscall()
case $(uname -m) in
x86_64) nr_tgkill=234 ;;
i?86) nr_tgkill=270 ;;
aarch64) nr_tgkill=131 ;;
*) nr_tgkill= ;;
esac
acc=${GUARD_ACCELS:-tcg}
acc=${acc%% *}
if ! command -v perl >/dev/null || [ -z "$nr_tgkill" ] || [ ! -d /proc/self/task ]; then
	skip "plugvm's threads are named; a crash on one is plugvm's" \
		"needs perl, a known tgkill number and /proc"
else
	# ASan would take the SIGSEGV over from the default action and exit 1
	# shellcheck disable=SC3045 # dash and bash have ulimit -c
	( ulimit -c 0
	  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0
	  export ASAN_OPTIONS
	  exec "$plugvm" --plugin-path="$plugins" --accel "$acc" --timeout 30 \
		"$tmp/spin.ini" >"$tmp/out" 2>"$tmp/err" </dev/null ) &
	pid=$!
	# the subshell execs plugvm: $pid is plugvm's; the vCPU's thread is
	# the last one it starts, and the sandbox goes on after it
	wd='' names=''
	for _ in $(seq 200); do
		wd=$(grep -lx watchdog /proc/$pid/task/*/comm 2>/dev/null | cut -d/ -f5)
		[ -n "$wd" ] && grep -qx "vCPU 0" /proc/$pid/task/*/comm 2>/dev/null &&
			grep -q '^Seccomp:[[:space:]]*2' "/proc/$pid/task/$wd/status" 2>/dev/null &&
			break
		sleep 0.05
	done
	# less the main thread, and KVM's own workers in the process
	# (kvm-nx-lpage-recovery)
	main=$(cat "/proc/$pid/comm" 2>/dev/null)
	names=$(cat /proc/$pid/task/*/comm 2>/dev/null | grep -vxF "$main" |
		grep -v '^kvm-' | sort | tr '\n' ,)
	if [ "$names" = "events,finisher,vCPU 0,watchdog," ]; then
		ok "$acc: plugvm's threads are named: $names"
	else
		tap_fail "$acc: plugvm's threads are named (got '$names')"
	fi
	st=0
	if [ -n "$wd" ]; then
		perl -e 'syscall($ARGV[0] + 0, $ARGV[1] + 0, $ARGV[2] + 0, 11) == 0 or die "tgkill: $!\n"' \
			"$nr_tgkill" "$pid" "$wd"
	else
		kill "$pid"
	fi
	wait "$pid" || st=$?
	if [ "$st" = 139 ] && ! grep -qE "crashed|did not start" "$tmp/err"; then
		ok "$acc: a crash on the watchdog thread is plugvm's (the default action), not a plugin's"
	else
		fail "$acc: a crash on the watchdog thread is plugvm's, not a plugin's (status $st)"
	fi
fi

tap_done
