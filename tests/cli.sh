#!/bin/sh
# The plugvm command line, end to end: options, exit statuses, and the
# errors a user sees for a bad machine file or plugin. TAP output.
set -u
builddir=${PLUGVM_BUILDDIR:?run through make check}
plugvm=$builddir/vmm/plugvm
guests=$builddir/configs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "${PLUGVM_SRCDIR:?run through make check}/tests/tap.sh"
# Here a failure shows what plugvm said last.
not_ok() {
	tap_fail "$1"
	[ -f "$tmp/err" ] && sed 's/^/# stderr: /' "$tmp/err" | head -20
	[ -f "$tmp/out" ] && sed 's/^/# stdout: /' "$tmp/out" | head -10
	return 0
}

# run ARGS...: plugvm's stdout in $tmp/out, stderr in $tmp/err, status in $st
run() {
	st=0
	"$plugvm" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || st=$?
}
# check DESCRIPTION STATUS [GREP-PATTERN-IN-STDERR]
check() {
	if [ "$st" != "$2" ]; then
		not_ok "$1 (status $st, expected $2)"
	elif [ $# -ge 3 ] && ! grep -q -e "$3" "$tmp/err"; then
		not_ok "$1 (stderr lacks '$3')"
	else
		ok "$1"
	fi
}
machine() { # machine NAME: write $tmp/NAME.ini from stdin
	cat >"$tmp/$1.ini"
}

run --help
if [ "$st" = 0 ] && grep -q '^Usage: plugvm' "$tmp/out"; then ok "--help"; else not_ok "--help"; fi
if grep -qx "  3\. $PLUGVM_DEVICES" "$tmp/out" &&
	grep -qx "  4\. ${PLUGVM_PKGLIBDIR:?}" "$tmp/out"; then
	ok "--help names the build tree's and the installed plugin directory"
else
	not_ok "--help names the build tree's and the installed plugin directory"
fi
run --version
if [ "$st" = 0 ] && grep -q '^plugvm [0-9]' "$tmp/out" && grep -q 'ABI' "$tmp/out"; then ok "--version"; else not_ok "--version"; fi
run
check "no machine file is a usage error" 2 "no machine file"
run a.ini b.ini
check "two machine files is a usage error" 2 "more than one"
run --accel=fast "$guests/hello.ini"
check "bad --accel value" 2 "auto, kvm or tcg"
run --timeout=soon "$guests/hello.ini"
check "bad --timeout value" 2 "positive number"
run --no-such-option
check "unknown option" 2 "Try 'plugvm --help'"

# Plugins from the build tree, with no install and no environment.
run --list-devices
if [ "$st" = 0 ] && grep -q '^serial ' "$tmp/out" && grep -q '^debugport ' "$tmp/out" &&
	grep -q '^nullmmio ' "$tmp/out" && grep -q 'devices/.libs/serial.so' "$tmp/out"; then
	ok "--list-devices finds the build tree's plugins"
else
	not_ok "--list-devices finds the build tree's plugins"
fi
run --describe serial
if [ "$st" = 0 ] && grep -q 'base = <u64>  (default: 0x3f8)' "$tmp/out" &&
	grep -q 'output = <string>' "$tmp/out"; then
	ok "--describe serial lists settings, types and defaults"
else
	not_ok "--describe serial lists settings, types and defaults"
fi
run --describe debugport
if [ "$st" = 0 ] && grep -q 'one of: print exit' "$tmp/out"; then ok "--describe shows enum choices"; else not_ok "--describe shows enum choices"; fi
# the chipset's plugins: no [device] template, which would be refused
for t in i8259 i8254; do
	run --describe $t
	if [ "$st" = 0 ] && grep -q 'plugvm creates this device itself' "$tmp/out" &&
		! grep -q "type = $t" "$tmp/out"; then
		ok "--describe $t says chipset pc creates it, with no [device] template"
	else
		not_ok "--describe $t says chipset pc creates it, with no [device] template" "$tmp/out" "$tmp/err"
	fi
done
run --describe nosuchdevice
check "--describe of a missing type" 1 "nosuchdevice.so is not in any of"

# No plugins anywhere: a copy of plugvm is not the build tree's, so it
# searches only --plugin-path and the installed directory.
mkdir -p "$tmp/bin" "$tmp/empty"
cp "$plugvm" "$tmp/bin/plugvm"
if ls "$PLUGVM_PKGLIBDIR"/*.so >/dev/null 2>&1; then
	skip "--list-devices with no plugins is an error" "plugins are installed in $PLUGVM_PKGLIBDIR"
else
	st=0
	"$tmp/bin/plugvm" --plugin-path="$tmp/empty" --list-devices >"$tmp/out" 2>"$tmp/err" || st=$?
	if [ "$st" = 1 ] && [ ! -s "$tmp/out" ] && grep -q 'no device plugins' "$tmp/err" &&
		grep -qx "  $tmp/empty" "$tmp/err" && grep -qx "  $PLUGVM_PKGLIBDIR" "$tmp/err" &&
		! grep -q "$PLUGVM_DEVICES" "$tmp/err"; then
		ok "--list-devices with no plugins is an error that says where it looked"
	else
		not_ok "--list-devices with no plugins is an error that says where it looked (status $st)"
	fi
fi

# Third-party plugins: --plugin-path and PLUGVM_PLUGIN_PATH.
run --plugin-path="$PLUGVM_TEST_PLUGINS" --list-devices
if grep -q '^testdev ' "$tmp/out" && grep -q '^badabi  *(cannot be loaded' "$tmp/out"; then
	ok "--list-devices includes --plugin-path plugins, broken ones marked"
else
	not_ok "--list-devices includes --plugin-path plugins, broken ones marked"
fi
st=0; PLUGVM_PLUGIN_PATH=$PLUGVM_TEST_PLUGINS "$plugvm" --describe testdev >"$tmp/out" 2>"$tmp/err" || st=$?
if [ "$st" = 0 ] && grep -q 'test device' "$tmp/out"; then ok "PLUGVM_PLUGIN_PATH is searched"; else not_ok "PLUGVM_PLUGIN_PATH is searched"; fi

# Machine-file errors name file, line, section and key.
run "$tmp/missing.ini"
check "missing machine file" 1 "missing.ini"
machine typo <<EOF2
[machine]
memroy = 2M
EOF2
run "$tmp/typo.ini"
check "unknown key with a suggestion" 1 "typo.ini:2: \[machine\] memroy: .*did you mean 'memory'"
machine devtypo <<EOF2
[machine]
memory = 1M
[image "g"]
file = $guests/hello.bin
address = 0x1000
[device "com1"]
type = serial
bsae = 0x2f8
EOF2
run "$tmp/devtypo.ini"
check "unknown device setting with a suggestion" 1 "devtypo.ini:8: \[device \"com1\"\] bsae: .*did you mean 'base'"
machine nodev <<EOF2
[image "g"]
file = $guests/hello.bin
address = 0x1000
[device "x"]
type = warpdrive
EOF2
run "$tmp/nodev.ini"
check "unknown device type names the line" 1 "nodev.ini:5: \[device \"x\"\] type: no plugin for device type 'warpdrive'"
if grep -q 'warpdrive.so is not in any of' "$tmp/err"; then ok "unknown device type lists the plugin path"; else not_ok "unknown device type lists the plugin path"; fi
machine badabi <<EOF2
[image "g"]
file = $guests/hello.bin
address = 0x1000
[device "x"]
type = badabi
EOF2
run --plugin-path="$PLUGVM_TEST_PLUGINS" "$tmp/badabi.ini"
check "incompatible plugin names the file and both versions" 1 "badabi.ini:5: \[device \"x\"\] type: .*badabi.so: plugin was built for plugin ABI version 999"
if [ "$(wc -l <"$tmp/err")" = 1 ]; then ok "a plugin that cannot load is one line"; else not_ok "a plugin that cannot load is one line"; fi
machine noimage <<EOF2
[image "g"]
file = nothere.bin
address = 0x1000
EOF2
run "$tmp/noimage.ini"
check "missing image file names the line" 1 "noimage.ini:2: \[image \"g\"\] file: .*nothere.bin"
machine bigimage <<EOF2
[machine]
memory = 4K
[image "g"]
file = $guests/hello.bin
address = 0x1000
EOF2
run "$tmp/bigimage.ini"
check "image outside RAM" 1 "does not fit"
# Image overlaps, found by address order whatever the file order.
printf 'abcdefgh' >"$tmp/eight.bin"
machine imgoverlap <<EOF2
[image "g"]
file = $guests/hello.bin
address = 0x1000
[image "high"]
file = $tmp/eight.bin
address = 0x3000
[image "low"]
file = $tmp/eight.bin
address = 0x2000
[image "over"]
file = $tmp/eight.bin
address = 0x2ffc
EOF2
run "$tmp/imgoverlap.ini"
check "overlapping images name both" 1 "imgoverlap.ini:11: \[image \"over\"\] file: image 'over' overlaps image 'high'"
machine imgtouch <<EOF2
[image "g"]
file = $guests/hello.bin
address = 0x1000
[image "a"]
file = $tmp/eight.bin
address = 0x2008
[image "b"]
file = $tmp/eight.bin
address = 0x2000
[device "com1"]
type = serial
EOF2
run "$tmp/imgtouch.ini"
check "adjacent images do not overlap" 0
# Start-up is not quadratic in the number of images (it stat()ed every
# earlier image for each one): 20,000 one-byte images start at once.
{
	printf '[machine]\nmemory = 1M\n[cpu]\nentry = 0x1000\nrax = 2\nrbx = 2\n'
	printf '[device "com1"]\ntype = serial\n'
	printf '[image "g"]\nfile = %s\naddress = 0x1000\n' "$guests/hello.bin"
	i=0
	while [ $i -lt 20000 ]; do
		printf '[image "i%d"]\nfile=o\naddress=%d\n' $i $((0x10000 + i))
		i=$((i + 1))
	done
} >"$tmp/many.ini"
printf 'x' >"$tmp/o" # under the file size limit: short lines
st=0
timeout -k 5 20 "$plugvm" --accel=tcg "$tmp/many.ini" >"$tmp/out" 2>"$tmp/err" </dev/null || st=$?
if [ "$st" = 0 ] && [ "$(cat "$tmp/out")" = 4 ]; then
	ok "20,000 images start in well under 20 s"
else
	not_ok "20,000 images start in well under 20 s (status $st)"
fi
machine overlap <<EOF2
[image "g"]
file = $guests/hello.bin
address = 0x1000
[device "a"]
type = serial
[device "b"]
type = serial
base = 0x3fc
EOF2
run "$tmp/overlap.ini"
check "overlapping devices name both" 1 "/overlap.ini:6: \[device \"b\"\]: port range 0x3fc-0x403 overlaps 0x3f8-0x3ff of device 'a' (.*/overlap.ini:4)$"
if [ "$(wc -l <"$tmp/err")" = 1 ]; then ok "an overlap is one line"; else not_ok "an overlap is one line"; fi
machine failing <<EOF2
[image "g"]
file = $guests/hello.bin
address = 0x1000
[device "t"]
type = testdev
fail = yes
EOF2
run --plugin-path="$PLUGVM_TEST_PLUGINS" "$tmp/failing.ini"
check "create() names the setting at fault" 1 "/failing.ini:6: \[device \"t\"\] fail: refusing to start, as asked$"
if [ "$(wc -l <"$tmp/err")" = 1 ]; then ok "a failed create() is one line"; else not_ok "a failed create() is one line"; fi
sed 's/^fail = yes/fail = status/' "$tmp/failing.ini" >"$tmp/default.ini"
run --plugin-path="$PLUGVM_TEST_PLUGINS" "$tmp/default.ini"
check "create() refuses a default, at the type line" 1 "/default.ini:5: \[device \"t\"\] status: 7 will not do (status is not set: that is its default, 7)$"
sed 's/^fail = yes/fail = positive/' "$tmp/failing.ini" >"$tmp/positive.ini"
run --plugin-path="$PLUGVM_TEST_PLUGINS" "$tmp/positive.ini"
check "create() returning 1 is a plugin bug" 1 "positive.ini:5: \[device \"t\"\] type: plugin bug: create() returned 1"
machine port <<EOF2
[image "g"]
file = $guests/hello.bin
address = 0x1000
[device "com1"]
type = serial
port = 0x3f8
EOF2
run "$tmp/port.ini"
check "an unknown device key lists the keys" 1 "port.ini:6: \[device \"com1\"\] port: unknown key 'port' (expected one of: base, .*)"

# Nothing to run: no image, and no device that loads code.
# A machine file over 1 MiB (comments only) is refused before it is read.
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "; %060d\n", i }' >"$tmp/huge.ini"
run "$tmp/huge.ini"
check "a machine file over 1 MiB is refused" 1 "^$tmp/huge.ini: file too large (over 1048576 bytes)"
machine empty </dev/null
run "$tmp/empty.ini"
check "an empty machine file is a configuration error" 1 "^$tmp/empty.ini: there is nothing to run"
machine noimage <<EOF2
[machine]
memory = 1M
[device "com1"]
type = serial
EOF2
run "$tmp/noimage.ini"
check "no image and no loading device: nothing to run" 1 "^$tmp/noimage.ini: there is nothing to run: no \[image\] section"
machine loader <<EOF2
[cpu]
entry = 0x1000
[device "t"]
type = testdev
load = yes
gpa = 0x1000
EOF2
run --plugin-path="$PLUGVM_TEST_PLUGINS" "$tmp/loader.ini"
check "a device that loads code is something to run" 0

machine inram <<EOF2
[machine]
memory = 1M
[image "g"]
file = $guests/hello.bin
address = 0x1000
[device "null"]
type = nullmmio
base = 0x8000
EOF2
run "$tmp/inram.ini"
check "an MMIO range inside guest RAM is refused" 1 "inram.ini:7: \[device \"null\"\] type: device 'null' claims MMIO 0x8000-0x8fff, but guest RAM is at 0x0-0xfffff"
machine badentry <<EOF2
[cpu]
mode = real
entry = 0x12345
[image "g"]
file = $guests/hello.bin
address = 0x1000
EOF2
run "$tmp/badentry.ini"
check "an entry point the CPU mode cannot hold" 1 "badentry.ini:3: \[cpu\] entry: 0x12345 is not an instruction pointer in real mode"
machine tiny <<EOF2
[machine]
memory = 16K
[cpu]
mode = long
[image "g"]
file = $guests/hello.bin
address = 0x1000
EOF2
run "$tmp/tiny.ini"
check "memory too small for the long-mode tables" 1 "tiny.ini:2: \[machine\] memory: 16384 bytes are too few for the long-mode CPU tables"

# Accelerators.
export PLUGVM_KVM_DEVICE=/nonexistent/kvm
run --accel=kvm "$guests/hello.ini"
check "accel kvm without a usable /dev/kvm is an error" 1 "accel kvm is not available: /nonexistent/kvm: No such file"
run -v "$guests/hello.ini"
check "accel auto falls back to tcg and says why" 0 "accel: tcg (auto: kvm is not available: /nonexistent/kvm"
machine needkvm <<EOF2
[machine]
accel = kvm
[image "g"]
file = $guests/hello.bin
address = 0x1000
EOF2
run "$tmp/needkvm.ini"
check "accel = kvm in the file names its line when kvm is missing" 1 "needkvm.ini:2: \[machine\] accel: accel kvm is not available: /nonexistent/kvm"
unset PLUGVM_KVM_DEVICE
# Hardware KVM and a KVM that only emulates (kvm_pvm: no vmx or svm flag)
# are told apart by the CPU flags; a fake /proc/cpuinfo plays each host.
printf 'processor\t: 0\nflags\t\t: fpu pae sse2 vmx\n' >"$tmp/cpuinfo-vmx"
printf 'processor\t: 0\nflags\t\t: fpu pae sse2 hypervisor\n' >"$tmp/cpuinfo-none"
run -v --accel=kvm "$guests/hello.ini"
if [ "$st" != 0 ]; then
	for t in "auto picks kvm where the CPU has hardware virtualization" \
		"auto picks tcg where kvm only emulates, and says why" \
		"accel kvm where kvm only emulates runs, with a warning"; do
		skip "$t" "no usable /dev/kvm here (tests/kvm/check-kvm.sh runs these on real KVM)"
	done
else
	export PLUGVM_CPUINFO="$tmp/cpuinfo-vmx"
	run -v "$guests/hello.ini"
	check "auto picks kvm where the CPU has hardware virtualization" 0 \
		"accel: kvm (auto: /dev/kvm is usable; the CPU has hardware virtualization (vmx))"
	export PLUGVM_CPUINFO="$tmp/cpuinfo-none"
	run -v "$guests/hello.ini"
	check "auto picks tcg where kvm only emulates, and says why" 0 \
		"accel: tcg (auto: /dev/kvm works but the CPU has no hardware virtualization"
	run --accel=kvm "$guests/hello.ini"
	check "accel kvm where kvm only emulates runs, with a warning" 0 \
		"accel kvm: /dev/kvm works but the CPU has no hardware virtualization"
	unset PLUGVM_CPUINFO
fi
# Without /dev/kvm the CPU flags do not matter: tcg, because kvm is missing.
export PLUGVM_KVM_DEVICE=/nonexistent/kvm PLUGVM_CPUINFO="$tmp/cpuinfo-vmx"
run -v "$guests/hello.ini"
check "auto without /dev/kvm picks tcg whatever the CPU flags" 0 \
	"accel: tcg (auto: kvm is not available: /nonexistent/kvm"
unset PLUGVM_KVM_DEVICE PLUGVM_CPUINFO
run -v --accel=tcg "$guests/hello.ini"
if [ "$st" = 0 ] && grep -q 'device com1 (serial): port 0x3f8-0x3ff' "$tmp/err" &&
	grep -q 'com1  *port out  *2 ' "$tmp/err" && grep -q 'vCPU 0: 1 hlt' "$tmp/err" &&
	[ "$(cat "$tmp/out")" = 4 ]; then
	ok "-v shows devices, ranges and exit counts"
else
	not_ok "-v shows devices, ranges and exit counts"
fi
run --stats --accel=tcg "$guests/mmio.ini"
if [ "$st" = 0 ] && grep -q 'exit statistics (accel tcg, 1 vCPU' "$tmp/err" &&
	grep -q 'null  *mmio read  *4 ' "$tmp/err" && grep -q '(nobody)  *mmio write  *1 ' "$tmp/err" &&
	grep -q 'ms running the guest, .* ms in plugvm' "$tmp/err" &&
	! grep -q 'device com1' "$tmp/err"; then
	ok "--stats counts exits per device and kind, without the rest of -v"
else
	not_ok "--stats counts exits per device and kind, without the rest of -v"
fi

# Stopping a guest that never stops by itself.
machine forever <<EOF2
[cpu]
cs = 0x1000
[image "counter"]
file = $guests/counter.bin
address = 0x10000
[device "debug"]
type = debugport
EOF2
run --timeout=1 "$tmp/forever.ini"
if [ "$st" = 124 ] && grep -q 'timeout' "$tmp/err" && [ -s "$tmp/out" ] &&
	[ "$(tail -c 1 "$tmp/out" | od -An -c | tr -d ' ')" = '\n' ] &&
	head -1 "$tmp/out" | grep -qx 'out port: 16, data: 0'; then
	ok "--timeout stops a runaway guest with 124, output flushed"
else
	not_ok "--timeout stops a runaway guest with 124, output flushed (status $st)"
fi
# A guest that takes interrupts through its IDT without end: each
# delivery must leave it stoppable (under tcg, a register written from a
# Unicorn hook used to make it drop every later stop request).
machine intloop <<EOF2
[cpu]
mode = protected
entry = 0x1000
rsp = 0x8000
[image "intloop"]
file = $builddir/tests/guests/intloop.bin
address = 0x1000
[device "com1"]
type = serial
EOF2
st=0
timeout -k 5 30 "$plugvm" --accel=tcg --timeout=1 "$tmp/intloop.ini" >"$tmp/out" 2>"$tmp/err" || st=$?
if [ "$st" = 124 ] && [ "$(cat "$tmp/out")" = . ] && grep -q 'timeout' "$tmp/err"; then
	ok "--timeout stops a guest looping on INT n through its IDT"
else
	not_ok "--timeout stops a guest looping on INT n through its IDT (status $st)"
fi

# Two vCPUs on tcg take turns in 2 ms slices; hundreds of slices end while
# vCPU 0 does OUT after OUT. Each OUT reaches the device exactly once (a
# slice that ended just after an OUT used to restart its block and replay
# it, about once a thousand slices).
machine replay <<EOF2
[machine]
vcpus = 2
[cpu]
entry = 0x1000
[image "replay"]
file = $builddir/tests/guests/replay.bin
address = 0x1000
[device "dbg"]
type = debugport
limit = 300000
EOF2
st=0
timeout -k 5 60 "$plugvm" --accel=tcg "$tmp/replay.ini" >"$tmp/out" 2>"$tmp/err" || st=$?
bad=$(awk '$NF != NR - 1 { print "line " NR ": " $0; exit }' "$tmp/out")
if [ "$st" = 0 ] && [ -z "$bad" ] && [ "$(wc -l <"$tmp/out")" = 300000 ]; then
	ok "an OUT is never replayed when a tcg time slice ends"
else
	not_ok "an OUT is never replayed when a tcg time slice ends (status $st, $bad)"
fi

# Paging on, and a gate that names another code segment: refused, never
# a crash (Unicorn would read that descriptor through the MMU from outside
# its run loop).
machine pgcs <<EOF2
[cpu]
mode = protected
entry = 0x1000
rsp = 0x8000
[image "pgcs"]
file = $builddir/tests/guests/pgcs.bin
address = 0x1000
EOF2
st=0
timeout -k 5 30 "$plugvm" -v --accel=tcg "$tmp/pgcs.ini" >"$tmp/out" 2>"$tmp/err" || st=$?
check "tcg refuses to switch CS with paging on, as a guest fault" 3 \
	'cannot switch CS with paging on'

# Deliveries tcg refuses: each a guest fault (exit 3) that says why.
for c in "1 the IDT gate is not present" \
	"2 tcg cannot deliver exceptions with an error code" \
	"3 tcg delivers through interrupt and trap gates only" \
	"4 the gate's selector is not a present code segment" \
	"5 the vector is outside the IDT" \
	"6 an exception Unicorn did not report"; do
	machine refuse <<EOF2
[cpu]
mode = protected
entry = 0x1000
rsp = 0x8000
rcx = ${c%% *}
[image "refuse"]
file = $builddir/tests/guests/refuse.bin
address = 0x1000
EOF2
	st=0
	timeout -k 5 30 "$plugvm" -v --accel=tcg "$tmp/refuse.ini" \
		>"$tmp/out" 2>"$tmp/err" || st=$?
	check "tcg refuses a delivery: ${c#* }" 3 "${c#* }"
done

for sig in INT TERM HUP QUIT; do
	st=0
	# emptied here: the loop below must not see the last run's output
	: >"$tmp/out"
	"$plugvm" "$tmp/forever.ini" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	# Signal a running guest: once it has printed (a fixed sleep was too
	# short for an ASan build on a loaded host, and a signal before
	# main() has blocked them kills plugvm with 128 + N).
	for _ in $(seq 100); do
		[ -s "$tmp/out" ] && break
		sleep 0.1
	done
	kill -$sig $pid
	wait $pid || st=$?
	if [ "$st" = 130 ] && [ -s "$tmp/out" ] &&
		[ "$(tail -c 1 "$tmp/out" | od -An -c | tr -d ' ')" = '\n' ]; then
		ok "SIG$sig stops the machine cleanly with 130"
	else
		not_ok "SIG$sig stops the machine cleanly with 130 (status $st)"
	fi
done

tap_done
