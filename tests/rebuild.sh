#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A reconfigure rebuilds what it changed. Once, `./configure
# --enable-sanitizers` (or --enable-werror, or --prefix) after a build
# rebuilt nothing, and `make check` passed with no sanitizer in the binary.
# Now:
#  1. config.h records the compiler and flags make compiles with, so
#     config.status rewrites it whenever a reconfigure changes them;
#  2. every object of this build is rebuilt when config.h changes
#     (`make -n -W config.h`: shows what would be rebuilt, touches nothing);
#  3. paths.h names the plugin directory the Makefile installs to now, and
#     the objects that use it are rebuilt when it changes;
#  4. plugvm --version names the sanitizers make compiles with, and the
#     binary carries their runtime.
# (make check-sdk installs with another prefix and runs the installed
# plugvm: tests/sdk.sh.) TAP output.
set -u
builddir=${PLUGVM_BUILDDIR:?run through make check}
: "${PLUGVM_COMPILE_FLAGS?run through make check}"
: "${PLUGVM_SAN_CFLAGS?run through make check}"
: "${PLUGVM_PKGLIBDIR:?run through make check}"
: "${REBUILD_TARGETS:?run through make check}"
: "${REBUILD_DEPFILES:?run through make check}"
MAKE=${MAKE:-make}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "${PLUGVM_SRCDIR:?run through make check}/tests/tap.sh"
squeeze() { tr -s ' \t' '  ' | sed 's/^ //; s/ $//'; }

cd "$builddir" || exit 99

# 1. config.h: #define PLUGVM_BUILD_FLAGS "...", with \ and " escaped.
sed -n 's/^#define PLUGVM_BUILD_FLAGS "\(.*\)"$/\1/p' config.h |
	sed 's/\\\(.\)/\1/g' | squeeze >"$tmp/recorded"
printf '%s\n' "$PLUGVM_COMPILE_FLAGS" | squeeze >"$tmp/make"
if [ -s "$tmp/recorded" ] && cmp -s "$tmp/recorded" "$tmp/make"; then
	ok "config.h records the compiler and flags make uses"
else
	echo "config.h: $(cat "$tmp/recorded")" >"$tmp/why"
	echo "make:     $(cat "$tmp/make")" >>"$tmp/why"
	not_ok "config.h records the compiler and flags make uses" "$tmp/why"
fi

# what_if FILE: the objects make would rebuild if FILE changed.
what_if() {
	(unset MAKEFLAGS MFLAGS MAKELEVEL
	 # shellcheck disable=SC2086 # a list of targets
	 "$MAKE" -n -W "$1" $REBUILD_TARGETS) 2>"$tmp/make.err" |
		grep -o -e '-c -o [^ ]*\.l*o\b' | sed 's/^-c -o //' | sort -u
}

# 2. The objects this build made: those of automake's depfiles (the
# Makefile's list, not what an older build left in .deps) that exist.
for dep in $REBUILD_DEPFILES; do
	d=${dep%%/.deps/*} f=${dep##*/}
	case $f in
	*.Plo) obj=$d/${f%.Plo}.lo ;;
	*) obj=$d/${f%.Po}.o ;;
	esac
	[ -f "$obj" ] && echo "$obj"
done | sort -u >"$tmp/built"
what_if config.h >"$tmp/rebuilt"
comm -23 "$tmp/built" "$tmp/rebuilt" >"$tmp/stale"
if [ "$(wc -l <"$tmp/built")" -lt 10 ]; then
	not_ok "found this build's objects (only $(wc -l <"$tmp/built"))" "$tmp/built"
elif [ -s "$tmp/stale" ]; then
	not_ok "every object is rebuilt when config.h changes; these are not:" \
		"$tmp/stale" "$tmp/make.err"
else
	ok "every object ($(wc -l <"$tmp/built")) is rebuilt when config.h changes"
fi

# 3. paths.h follows the Makefile, and what uses it follows paths.h.
if grep -qxF "#define PLUGVM_PLUGINDIR \"$PLUGVM_PKGLIBDIR\"" paths.h; then
	ok "paths.h names the pkglibdir make installs to"
else
	not_ok "paths.h names the pkglibdir make installs to ($PLUGVM_PKGLIBDIR)" paths.h
fi
what_if paths.h >"$tmp/rebuilt"
if grep -qx 'vmm/main.o' "$tmp/rebuilt" &&
	grep -q '^vmm/.*plugin\.lo$' "$tmp/rebuilt"; then
	ok "main.c and plugin.c are rebuilt when paths.h changes"
else
	not_ok "main.c and plugin.c are rebuilt when paths.h changes" "$tmp/rebuilt"
fi

# 4. What --version says, and what the binary has.
plugvm=$builddir/vmm/plugvm
if [ -n "$PLUGVM_SAN_CFLAGS" ]; then
	want='sanitizers: address,undefined'
else
	want='sanitizers: none'
fi
"$plugvm" --version >"$tmp/version" 2>&1
if grep -qx "$want" "$tmp/version"; then
	ok "--version says '$want'"
else
	not_ok "--version says '$want'" "$tmp/version"
fi
if [ -n "$PLUGVM_SAN_CFLAGS" ]; then
	if grep -q __asan_init "$plugvm" && grep -q __ubsan_handle "$plugvm"; then
		ok "plugvm carries the ASan and UBSan runtime"
	else
		not_ok "plugvm carries the ASan and UBSan runtime"
	fi
elif grep -q __asan_init "$plugvm"; then
	not_ok "plugvm has ASan, but make compiles without sanitizers"
else
	ok "plugvm has no ASan, as make compiles it"
fi

tap_done
