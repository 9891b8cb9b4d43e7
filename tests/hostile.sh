#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile guests: every machine in tests/hostile/ (storms of unmapped port
# and MMIO accesses, rep string I/O with huge counts and from or to
# unmapped memory, jumps into unmapped memory, garbage code in each mode, a
# triple fault, guests that never stop). Each must end with its documented
# status, with everything the guest printed before present on stdout, and
# stdout a pipe (flushed by plugvm, not by luck), one clear message, no
# sanitizer report. What a machine expects is in its leading comments:
#   ; expect-status: S [S...]   the status (one of, for garbage)
#   ; expect-timeout: SECONDS   --timeout (default 20)
#   ; expect-args: ARGS         more options
#   ; expect-stderr: TEXT       a line of stderr contains TEXT
#   ; expect-at-most: N TEXT    at most N lines of stderr contain TEXT
#                               (the rate limits)
#   ; expect-offsets: N...      run it once per RDI (garbage offsets)
#   ; stdout: LINE              stdout is exactly these lines, in order
#   ; stdout-first: LINE        stdout starts with this line
#   ; stdout-hex: HEX           stdout is exactly these bytes
# PLUGVM_ACCEL picks the accelerator (tcg by default). TAP.
set -u
builddir=${PLUGVM_BUILDDIR:?run through make check}
srcdir=${PLUGVM_SRCDIR:?run through make check}
plugvm=$builddir/vmm/plugvm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$srcdir/tests/tap.sh"
accel=${PLUGVM_ACCEL:-tcg}

not_ok() {
	tap_fail "$1"
	sed 's/^/# stderr: /' "$tmp/err" | head -15
	od -c "$tmp/out" | head -5 | sed 's/^/# stdout: /'
	return 0
}
# header INI KEY: the values of "; KEY: ..." lines, one a line
header() {
	sed -n "s/^; $2: \{0,1\}//p" "$1"
}

# run INI NAME RDI: run one machine (with RDI when not -), check it
run() {
	ini=$1 name=$2 rdi=$3
	statuses=$(header "$ini" expect-status)
	limit=$(header "$ini" expect-timeout)
	args=$(header "$ini" expect-args)
	# the guest's image from the build tree; RDI as asked
	sed -e "s|^file = |file = $builddir/tests/hostile/|" "$ini" |
		if [ "$rdi" = - ]; then cat; else sed "s/^rdi = .*/rdi = $rdi/"; fi \
		>"$tmp/m.ini"
	rm -f "$tmp/st"
	# stdout a pipe: what the guest wrote must reach it before exit
	{
		st=0
		# shellcheck disable=SC2086 # args is a word list
		timeout -s KILL 60 "$plugvm" --accel="$accel" $args \
			--plugin-path="$PLUGVM_TEST_PLUGINS" \
			--timeout="${limit:-20}" "$tmp/m.ini" 2>"$tmp/err" \
			</dev/null || st=$?
		echo "$st" >"$tmp/st"
	} | cat >"$tmp/out"
	st=$(cat "$tmp/st")
	what=$name
	[ "$rdi" != - ] && what="$name (offset $rdi)"

	case " $statuses " in
	*" $st "*) ;;
	*) not_ok "$what: status $st, expected $statuses"; return ;;
	esac
	if grep -q -e 'Sanitizer' -e 'runtime error' "$tmp/err"; then
		not_ok "$what: a sanitizer report"
		return
	fi
	while read -r text; do
		[ -z "$text" ] && continue
		if ! grep -qF -e "$text" "$tmp/err"; then
			not_ok "$what: stderr lacks '$text'"
			return
		fi
	done <<EOF
$(header "$ini" expect-stderr)
EOF
	while read -r max text; do
		[ -z "$max" ] && continue
		if [ "$(grep -cF -e "$text" "$tmp/err")" -gt "$max" ]; then
			not_ok "$what: more than $max lines of stderr with '$text' (no rate limit)"
			return
		fi
	done <<EOF
$(header "$ini" expect-at-most)
EOF
	hex=$(header "$ini" stdout-hex)
	first=$(header "$ini" stdout-first)
	if [ -n "$hex" ]; then
		got=$(od -An -tx1 -v "$tmp/out" | tr -d ' \n')
		if [ "$got" != "$hex" ]; then
			not_ok "$what: stdout is not the bytes expected"
			return
		fi
	elif [ -n "$first" ]; then
		if [ "$(head -n 1 "$tmp/out")" != "$first" ]; then
			not_ok "$what: stdout does not start with '$first'"
			return
		fi
	else
		header "$ini" stdout >"$tmp/want"
		if ! cmp -s "$tmp/want" "$tmp/out"; then
			not_ok "$what: stdout is not what the guest printed"
			diff "$tmp/want" "$tmp/out" | head -10 | sed 's/^/# /'
			return
		fi
	fi
	ok "$what: status $st$(grep -m 1 -o 'guest fault: [^;]*' "$tmp/err" |
		sed 's/^/, /')"
}

count=0
for ini in "$srcdir"/tests/hostile/*.ini; do
	name=$(basename "$ini" .ini)
	offsets=$(header "$ini" expect-offsets)
	if [ -z "$offsets" ]; then
		run "$ini" "$name" -
	else
		for o in $offsets; do run "$ini" "$name" "$o"; done
	fi
	count=$((count + 1))
done
[ "$count" -ge 15 ] && ok "$count hostile machines" ||
	not_ok "only $count hostile machines in $srcdir/tests/hostile"
tap_done
