#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Resource limits: --max-memory refuses a machine with more guest RAM (at
# its file and line, both sizes named); a machine with more guest RAM than
# the host has runs, with a warning naming both sizes. TAP.
set -u
builddir=${PLUGVM_BUILDDIR:?run through make check}
plugvm=$builddir/vmm/plugvm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "${PLUGVM_SRCDIR:?run through make check}/tests/tap.sh"

not_ok() {
	tap_fail "$1"
	sed 's/^/# stderr: /' "$tmp/err" | head -10
	return 0
}
run() {
	st=0
	"$plugvm" --accel=tcg --timeout=20 "$@" >"$tmp/out" 2>"$tmp/err" \
		</dev/null || st=$?
}
machine() { # machine NAME MEMORY
	printf '[machine]\nmemory = %s\n[cpu]\nentry = 0x1000\nrax = 2\nrbx = 2\n[image "hello"]\nfile = %s\naddress = 0x1000\n[device "com1"]\ntype = serial\n' \
		"$2" "$builddir/configs/hello.bin" >"$tmp/$1.ini"
}

machine small 1M
run --max-memory=512K "$tmp/small.ini"
if [ "$st" = 1 ] && [ "$(cat "$tmp/err")" = "$tmp/small.ini:2: [machine] memory: 1M of guest RAM is more than --max-memory=512K allows" ] &&
	[ ! -s "$tmp/out" ]; then
	ok "--max-memory below the machine's memory: status 1, file:line, both sizes"
else
	not_ok "--max-memory below the machine's memory (status $st)"
fi
run --max-memory=1M "$tmp/small.ini"
if [ "$st" = 0 ] && [ "$(cat "$tmp/out")" = 4 ] && [ ! -s "$tmp/err" ]; then
	ok "--max-memory equal to the machine's memory: it runs"
else
	not_ok "--max-memory equal to the machine's memory (status $st)"
fi
for bad in lots 0 -1 1Q; do
	run --max-memory="$bad" "$tmp/small.ini"
	if [ "$st" = 2 ] && grep -q "needs a size such as 512M or 4G, not '$bad'" "$tmp/err"; then
		ok "--max-memory=$bad is a usage error"
	else
		not_ok "--max-memory=$bad is a usage error (status $st)"
	fi
done

# More than the host has: 64G, the most a machine file may ask for.
host=$(awk '/^MemTotal:/ { print $2 * 1024 }' /proc/meminfo)
if [ "${host:-0}" -ge $((64 << 30)) ]; then
	skip "memory = 64G above the host's RAM warns" "this host has 64G of RAM or more"
else
	machine huge 64G
	run "$tmp/huge.ini"
	if [ "$st" = 0 ] && [ "$(cat "$tmp/out")" = 4 ] &&
		grep -q "^plugvm: warning: $tmp/huge.ini:2: \[machine\] memory: 64G of guest RAM is more than this host's RAM ([0-9.]*G, [0-9]* bytes)" "$tmp/err" &&
		[ "$(wc -l <"$tmp/err")" = 1 ]; then
		ok "memory = 64G above the host's RAM: it runs, with one warning naming both sizes"
	else
		not_ok "memory = 64G above the host's RAM (status $st)"
	fi
	run --max-memory=32G "$tmp/huge.ini"
	if [ "$st" = 1 ] && grep -q "64G of guest RAM is more than --max-memory=32G allows" "$tmp/err"; then
		ok "--max-memory refuses it before anything is reserved"
	else
		not_ok "--max-memory refuses it before anything is reserved (status $st)"
	fi
fi
tap_done
