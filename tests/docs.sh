#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The README and the man pages stay true to the tree: every machine in
# configs/ is in the README's table, every long option --help lists is in
# plugvm(1) and in the README, every setting of every shipped device is in
# plugvm.ini(5) and in the README, and the man pages send nobody to a file
# that is not installed. TAP output.
set -u
srcdir=${PLUGVM_SRCDIR:?run through make check}
builddir=${PLUGVM_BUILDDIR:?run through make check}
plugvm=$builddir/vmm/plugvm
readme=$srcdir/README.md
man1=$srcdir/docs/plugvm.1
man5=$srcdir/docs/plugvm.ini.5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "${PLUGVM_SRCDIR:?run through make check}/tests/tap.sh"
# same WHAT EXPECTED ACTUAL: two sorted lists are equal
same() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		diff "$2" "$3" | grep '^[<>]' | sed 's/^</missing:/; s/^>/extra:  /' >"$tmp/diff"
		not_ok "$1" "$tmp/diff"
	fi
}
# covers WHAT WANTED HAVE: every line of WANTED is in HAVE
covers() {
	sort -u "$3" >"$tmp/have"
	sort -u "$2" | comm -23 - "$tmp/have" >"$tmp/missing"
	if [ ! -s "$2" ]; then
		not_ok "$1 (nothing to look for)"
	elif [ -s "$tmp/missing" ]; then
		not_ok "$1; missing:" "$tmp/missing"
	else
		ok "$1"
	fi
}

# 1. The README's machine table against configs/*.ini.
for f in "$srcdir"/configs/*.ini; do basename "$f"; done | sort >"$tmp/configs"
sed -n '/^### Machines in `configs\/`/,/^#/p' "$readme" |
	sed -n 's/^| \([^|]*\.ini\) |.*/\1/p' | tr ',' '\n' |
	sed 's/^ *//; s/ *$//' | grep . | sort >"$tmp/table"
same "the README's machine table lists every configs/*.ini ($(wc -l <"$tmp/configs"))" \
	"$tmp/configs" "$tmp/table"

# 2. Long options: --help against plugvm(1) and the README's usage.
"$plugvm" --help | grep -o -e '--[a-z][a-z-]*' | sort -u >"$tmp/options"
sed 's/\\-/-/g' "$man1" | grep -o -e '--[a-z][a-z-]*' >"$tmp/man1-options"
covers "plugvm(1) describes every long option of --help ($(wc -l <"$tmp/options"))" \
	"$tmp/options" "$tmp/man1-options"
sed -n '/^## Running a machine/,/^## /p' "$readme" |
	grep -o -e '--[a-z][a-z-]*' >"$tmp/readme-options"
covers "the README's usage lists every long option of --help" \
	"$tmp/options" "$tmp/readme-options"

# 3. Device settings: --describe of every shipped device against the docs.
for so in "$builddir"/devices/.libs/*.so; do
	type=$(basename "$so" .so)
	"$plugvm" --plugin-path="$builddir/devices/.libs" --describe="$type" |
		sed -n 's/^  \([a-z][a-z0-9-]*\) = <.*/\1/p' | sort >"$tmp/settings"
	if [ ! -s "$tmp/settings" ]; then # no settings: described at all?
		if grep -q "^\\.SS $type\$" "$man5"; then
			ok "plugvm.ini(5) describes $type (no settings)"
		else
			not_ok "plugvm.ini(5) describes $type (no settings): no .SS $type"
		fi
		if grep -q "^\\*\\*$type\\*\\*" "$readme"; then
			ok "the README describes $type (no settings)"
		else
			not_ok "the README describes $type (no settings): no **$type**"
		fi
		continue
	fi
	# plugvm.ini(5): the .BI lines of its .SS section
	sed -n "/^\\.SS $type\$/,/^\\.S[SH]/p" "$man5" | sed 's/\\-/-/g' |
		sed -n 's/^\.BI \([a-z][a-z0-9-]*\) .*/\1/p' >"$tmp/man5-settings"
	covers "plugvm.ini(5) describes every setting of $type" \
		"$tmp/settings" "$tmp/man5-settings"
	# README: the first column of the table after **type**
	sed -n "/^\\*\\*$type\\*\\*/,/^\\*\\*\\|^#/p" "$readme" |
		sed -n 's/^| \([a-z][a-z0-9-]*\) |.*/\1/p' >"$tmp/readme-settings"
	covers "the README describes every setting of $type" \
		"$tmp/settings" "$tmp/readme-settings"
done

# 4. The man pages are installed alone: no README to send readers to.
if grep -n -i 'readme' "$man1" "$man5" >"$tmp/readme-refs"; then
	not_ok "the man pages send nobody to a README (not installed)" "$tmp/readme-refs"
else
	ok "the man pages send nobody to a README (not installed)"
fi

tap_done
