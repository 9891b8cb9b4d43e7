#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make check-sdk: the plugin SDK as a plugin author gets it.
#
#  1. `make install DESTDIR=$tmp/stage` of this build;
#  2. the installed headers compile on their own, in C99 and C11 and, with
#     a C++ compiler, in C++11 and C++17, with -Wall -Wextra -pedantic;
#  3. the installed example (share/doc/plugvm/example) is copied out and
#     built with its own Makefile against nothing but the staged tree
#     (PKG_CONFIG_PATH and PKG_CONFIG_SYSROOT_DIR point there), its unit
#     test runs, and the staged plugvm runs its machine, whose output must
#     equal rtc.expected;
#  4. the tutorial (docs/writing-plugins.md, as installed) is followed
#     verbatim against the staged tree;
#  5. the installed man pages format without warnings;
#  6. installed for another prefix than the configured one (what a
#     reconfigure with --prefix changes), plugvm finds that prefix's plugins.
# Prints one line per check and ends with "sdk: N passed, M failed".
# Exit status: 0, 1 when a check failed, 77 when a tool is missing.
# SDK_KEEP=1 keeps the temporary directory for a look.
set -u

builddir=${PLUGVM_BUILDDIR:?run through make check-sdk}
for v in prefix bindir libdir includedir pkglibdir mandir sdkexampledir \
	tutorialdir; do
	eval "val=\${$v:-}"
	if [ -z "$val" ]; then
		echo "sdk.sh: \$$v is not set; run through make check-sdk" >&2
		exit 99
	fi
done
MAKE=${MAKE:-make}
CC=${CC:-cc}
CXX=${CXX:-c++}

skip() {
	echo "sdk: SKIP: $*"
	exit 77
}
command -v "$CC" >/dev/null 2>&1 || skip "no C compiler ($CC)"
for tool in pkg-config ld make diff cmp; do
	command -v $tool >/dev/null 2>&1 || skip "$tool is missing"
done
make --version 2>/dev/null | grep -q 'GNU Make' ||
	skip "the example's Makefile needs GNU make as 'make'"
pkg-config --exists check ||
	skip "Check's pkg-config file (check.pc) is missing: apt-get install check"
[ -z "${sanitizers:-}" ] ||
	skip "this build uses sanitizers: a test built without them cannot link its libplugvm-devtest"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/plugvm-sdk.XXXXXX") || exit 99
if [ "${SDK_KEEP:-0}" = 1 ]; then
	echo "sdk: keeping $tmp"
else
	trap 'rm -rf "$tmp"' EXIT
fi
stage=$tmp/stage

passed=0
failed=0
pass() {
	passed=$((passed + 1))
	echo "PASS: $1"
}
# fail WHAT [LOG]: LOG's last lines show why
fail() {
	failed=$((failed + 1))
	echo "FAIL: $1"
	if [ $# -ge 2 ] && [ -s "$2" ]; then
		tail -n 30 "$2" | sed 's/^/  | /'
	fi
}
finish() {
	echo "sdk: $passed passed, $failed failed"
	[ "$failed" = 0 ] && exit 0
	exit 1
}

# The example's make must not see this make's flags or variables.
fresh_make() {
	(unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES; make "$@")
}

# --- 1. a staged install -------------------------------------------------
if "$MAKE" -C "$builddir" install DESTDIR="$stage" >"$tmp/install.log" 2>&1; then
	pass "make install DESTDIR=<tmp>"
else
	fail "make install DESTDIR=<tmp>" "$tmp/install.log"
	finish
fi
missing=
for f in "$bindir/plugvm" "$includedir/plugvm/plugin.h" \
	"$includedir/plugvm/devtest.h" "$libdir/pkgconfig/plugvm-plugin.pc" \
	"$libdir/pkgconfig/plugvm-devtest.pc" "$pkglibdir/serial.so" \
	"$sdkexampledir/Makefile" "$sdkexampledir/rtc.expected"; do
	[ -e "$stage$f" ] || missing="$missing $f"
done
if [ -z "$missing" ]; then
	pass "the SDK is installed"
else
	fail "not installed:$missing"
fi
plugvm=$stage$bindir/plugvm

# Only the staged tree: its .pc files name the configured prefix, so the
# sysroot puts the stage in front of every path pkg-config prints.
PKG_CONFIG_PATH=$stage$libdir/pkgconfig
PKG_CONFIG_SYSROOT_DIR=$stage
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
unset PLUGVM_PLUGIN_PATH CFLAGS LDFLAGS
case $(pkg-config --cflags plugvm-plugin) in
"-I$stage$includedir"*) pass "pkg-config finds the staged SDK" ;;
*)
	echo "pkg-config --cflags plugvm-plugin: $(pkg-config --cflags plugvm-plugin 2>&1)" >"$tmp/pc.log"
	fail "pkg-config finds the staged SDK" "$tmp/pc.log"
	;;
esac

# --- 2. the headers stand alone -----------------------------------------
inc=$stage$includedir
# header_check COMPILER STD HEADER SUFFIX [FLAGS...]: included twice, alone
header_check() {
	compiler=$1 std=$2 h=$3 suffix=$4
	shift 4
	src=$tmp/alone-$h-$std.$suffix
	printf '#include <plugvm/%s.h>\n#include <plugvm/%s.h>\n' "$h" "$h" >"$src"
	if "$compiler" -std="$std" -Wall -Wextra -pedantic -Werror -Wundef "$@" \
		-I"$inc" -c -o "$tmp/alone.o" "$src" >"$tmp/alone.log" 2>&1; then
		pass "plugvm/$h.h alone, -std=$std -pedantic"
	else
		fail "plugvm/$h.h alone, -std=$std -pedantic" "$tmp/alone.log"
	fi
}
for std in c99 c11; do
	for h in plugin devtest; do
		header_check "$CC" $std $h c -Wshadow -Wstrict-prototypes
	done
done
if command -v "$CXX" >/dev/null 2>&1; then
	for std in c++11 c++17; do
		for h in plugin devtest; do
			header_check "$CXX" $std $h cc
		done
	done

	# A plugin written in C++ must export the entry point unmangled.
	mkdir -p "$tmp/cxx"
	cat >"$tmp/cxx/cxxdev.cc" <<'EOF'
#include <plugvm/plugin.h>

static int cxxdev_create(struct plugvm_device *, const struct plugvm_host *,
			 const struct plugvm_value *, void **state)
{
	*state = nullptr;
	return 0;
}

static struct plugvm_plugin cxxdev_describe()
{
	struct plugvm_plugin p = {};

	p.abi_version = PLUGVM_ABI_VERSION;
	p.min_api_version = PLUGVM_API_VERSION;
	p.name = "cxxdev";
	p.description = "a plugin in C++";
	p.create = cxxdev_create;
	return p;
}

static const struct plugvm_plugin cxxdev_plugin = cxxdev_describe();
PLUGVM_PLUGIN_DEFINE(cxxdev_plugin)
EOF
	if "$CXX" -std=c++11 -Wall -Wextra -shared -fPIC -I"$inc" \
		-o "$tmp/cxx/cxxdev.so" "$tmp/cxx/cxxdev.cc" >"$tmp/cxx.log" 2>&1 &&
		"$plugvm" --plugin-path="$tmp/cxx" --describe=cxxdev >>"$tmp/cxx.log" 2>&1; then
		pass "a plugin written in C++ loads"
	else
		fail "a plugin written in C++ loads" "$tmp/cxx.log"
	fi
else
	echo "SKIP: the headers in C++ ($CXX is missing)"
fi

# --- 3. the installed example, out of tree --------------------------------
ex=$tmp/example
if cp -R "$stage$sdkexampledir" "$ex"; then
	pass "copy the installed example"
else
	fail "copy the installed example"
	finish
fi
if (cd "$ex" && fresh_make CFLAGS='-O2 -g -Wall -Wextra -Werror') >"$tmp/build.log" 2>&1; then
	pass "example: make (-Werror)"
else
	fail "example: make (-Werror)" "$tmp/build.log"
	finish
fi
# Every plugvm header the example's sources include comes from the stage.
(cd "$ex" &&
	"$CC" -M $(pkg-config --cflags plugvm-plugin) rtc.c &&
	"$CC" -M $(pkg-config --cflags plugvm-devtest) \
		$(PKG_CONFIG_SYSROOT_DIR= pkg-config --cflags check) check_rtc.c) \
	2>&1 | tr ' \\' '\n\n' | grep 'plugvm/' >"$tmp/deps.log"
if grep -q "^$stage$includedir/plugvm/plugin.h\$" "$tmp/deps.log" &&
	grep -q "^$stage$includedir/plugvm/devtest.h\$" "$tmp/deps.log" &&
	! grep -v "^$stage$includedir/plugvm/" "$tmp/deps.log" >/dev/null; then
	pass "example: uses the staged headers only"
else
	fail "example: uses the staged headers only" "$tmp/deps.log"
fi
if (cd "$ex" && fresh_make check) >"$tmp/check.log" 2>&1; then
	pass "example: make check ($(grep -o 'Checks: [0-9]*' "$tmp/check.log"))"
else
	fail "example: make check" "$tmp/check.log"
fi

# The staged plugvm looks for plugins in the configured $(pkglibdir),
# which is not where they are: name both places.
path=$ex:$stage$pkglibdir
"$plugvm" --plugin-path="$path" --list-devices >"$tmp/list.out" 2>&1
if grep -q "$ex/rtc.so" "$tmp/list.out" &&
	grep -q "$stage$pkglibdir/serial.so" "$tmp/list.out"; then
	pass "staged plugvm lists the example and the staged devices"
else
	fail "staged plugvm lists the example and the staged devices" "$tmp/list.out"
fi
if "$plugvm" --plugin-path="$path" --describe=rtc >"$tmp/describe.out" 2>&1 &&
	grep -q '^  time = <string>  (default: host)' "$tmp/describe.out"; then
	pass "staged plugvm --describe=rtc"
else
	fail "staged plugvm --describe=rtc" "$tmp/describe.out"
fi
status=0
(cd / && "$plugvm" --plugin-path="$path" --timeout=60 "$ex/rtc.ini") \
	>"$tmp/rtc.out" 2>"$tmp/rtc.err" || status=$?
if [ "$status" = 0 ] && cmp -s "$tmp/rtc.out" "$ex/rtc.expected"; then
	pass "example: rtc.ini output as expected"
else
	{
		echo "exit status $status"
		diff -u "$ex/rtc.expected" "$tmp/rtc.out"
		cat "$tmp/rtc.err"
	} >"$tmp/rtc.log"
	fail "example: rtc.ini output as expected" "$tmp/rtc.log"
fi
if (cd "$ex" && fresh_make check-run PLUGVM="$plugvm") >"$tmp/check-run.log" 2>&1; then
	pass "example: make check-run"
else
	fail "example: make check-run" "$tmp/check-run.log"
fi
# make install with a DESTDIR of its own, where the .pc files point
if (cd "$ex" && PKG_CONFIG_SYSROOT_DIR= fresh_make install \
	DESTDIR="$tmp/stage2") >"$tmp/ex-install.log" 2>&1 &&
	[ -f "$tmp/stage2$pkglibdir/rtc.so" ]; then
	pass "example: make install DESTDIR=<tmp>"
else
	fail "example: make install DESTDIR=<tmp>" "$tmp/ex-install.log"
fi

# --- 4. the tutorial, verbatim --------------------------------------------
tutorial=$stage$tutorialdir/writing-plugins.md
if [ ! -f "$tutorial" ]; then
	fail "tutorial: $tutorial is not installed"
elif [ "$libdir" != "$prefix/lib" ]; then
	echo "SKIP: tutorial (it assumes libdir = PREFIX/lib, not $libdir)"
else
	# Turn the markdown into files and a script (see the comment at its top).
	work=$tmp/tutorial
	mkdir -p "$work/files"
	awk -v files="$work/files" -v script="$work/steps.sh" '
	function q(s) { gsub(/\047/, "\047\\\047\047", s); return "\047" s "\047" }
	/^<!-- (file|append): [^ ]+ -->$/ { mark = $2; name = $3; next }
	/^<!-- (output|skip) -->$/ { mark = $2; next }
	!inblock && /^```/ {
		inblock = 1; lang = substr($0, 4); n = 0
		if (mark == "file:" || mark == "append:") {
			out = files "/" name
			if (mark == "file:") { printf "" > out; close(out) }
			kind = "file"
		} else if (mark == "output") {
			nout++; out = files "/expected." nout
			printf "" > out; close(out)
			kind = "output"
		} else if (mark == "skip") {
			kind = "skip"
		} else if (lang == "sh") {
			kind = "sh"
		} else {
			kind = "text"
		}
		mark = ""
		next
	}
	inblock && /^```$/ {
		inblock = 0
		if (kind == "file" || kind == "output") close(out)
		if (kind == "output")
			print "expect " q(out) >> script
		next
	}
	inblock {
		if (kind == "file" || kind == "output") print >> out
		else if (kind == "sh" && $0 !~ /^[ \t]*(#|$)/) {
			# a line ending in a backslash goes on
			line = line $0
			if (line ~ /\\$/) { sub(/\\$/, "", line); next }
			print "step " q(line) >> script
			line = ""
		}
	}' "$tutorial"
	cat >"$work/run.sh" <<'EOF'
# step LINE: run it in this shell; stdout in $last.out, stderr in $last.err
step() {
	n=$((n + 1))
	case $1 in
	"cd "*|"export "*) ;;
	*) place_files ;;
	esac
	printf '$ %s\n' "$1" >>"$log"
	st=0
	eval "$1" >"$last.out" 2>"$last.err" || st=$?
	cat "$last.out" "$last.err" >>"$log"
	if [ "$st" != 0 ]; then
		echo "step $n failed with status $st: $1" >>"$log"
		exit 1
	fi
	case $1 in
	"cc "*)
		if [ -s "$last.err" ]; then
			echo "step $n printed warnings: $1" >>"$log"
			exit 1
		fi ;;
	esac
}
# expect FILE: the last step printed exactly FILE
expect() {
	if ! cmp -s "$1" "$last.out"; then
		echo "the output of step $n differs from the tutorial's:" >>"$log"
		diff -u "$1" "$last.out" >>"$log"
		exit 1
	fi
}
# The files the tutorial shows go where the reader is when they need them.
place_files() {
	[ -n "${placed:-}" ] && return
	case $PWD in */lights) ;; *) return ;; esac
	cp "$files"/* .
	rm -f expected.*
	placed=1
}
n=0
EOF
	# The reader's environment: the staged prefix, whose plugvm finds the
	# staged devices through PLUGVM_PLUGIN_PATH. PKG_CONFIG_SYSROOT_DIR
	# stays set, as the staged .pc files need it.
	if (cd "$work" && PREFIX=$stage$prefix \
		PLUGVM_PLUGIN_PATH=$stage$pkglibdir HOME=$work \
		files=$work/files log=$work/log last=$work/last \
		sh -c '. ./run.sh && . ./steps.sh') >/dev/null 2>&1; then
		pass "tutorial: $(grep -c '^\$ ' "$work/log") commands as written"
	else
		fail "tutorial: every command as written" "$work/log"
	fi
fi

# --- 5. the man pages -----------------------------------------------------
if command -v groff >/dev/null 2>&1; then
	for page in "$mandir/man1/plugvm.1" "$mandir/man5/plugvm.ini.5"; do
		if [ ! -f "$stage$page" ]; then
			fail "man page $page is not installed"
		elif groff -man -Tutf8 -ww -z "$stage$page" >"$tmp/man.log" 2>&1 &&
			[ ! -s "$tmp/man.log" ]; then
			pass "$(basename "$page") formats without warnings"
		else
			fail "$(basename "$page") formats without warnings" "$tmp/man.log"
		fi
	done
else
	echo "SKIP: the man pages (groff is missing)"
fi

# --- 6. installed for another prefix -------------------------------------
# `make install prefix=...` changes the Makefile's directories as
# `./configure --prefix=...` does; the plugvm installed there must look for
# plugins there. Every directory make installs to is named, so nothing
# lands outside $tmp whatever configure was told; paths.h is put back for
# the configured prefix afterwards.
moved=$tmp/moved
if "$MAKE" -C "$builddir" install prefix="$moved" exec_prefix="$moved" \
	bindir="$moved/bin" libdir="$moved/lib" includedir="$moved/include" \
	datarootdir="$moved/share" datadir="$moved/share" \
	mandir="$moved/share/man" docdir="$moved/share/doc/plugvm" \
	>"$tmp/moved.log" 2>&1; then
	(cd / && "$moved/bin/plugvm" --list-devices) >"$tmp/moved.out" 2>&1
	(cd / && "$moved/bin/plugvm" "$moved/share/plugvm/machines/hello.ini") \
		>"$tmp/moved-hello.out" 2>>"$tmp/moved.out"
	if grep -q "^  *$moved/lib/plugvm/serial.so\$" "$tmp/moved.out" &&
		[ "$(cat "$tmp/moved-hello.out")" = 4 ]; then
		pass "installed with another prefix, plugvm finds its plugins there"
	else
		fail "installed with another prefix, plugvm finds its plugins there" \
			"$tmp/moved.out"
	fi
else
	fail "make install prefix=<tmp>" "$tmp/moved.log"
fi
"$MAKE" -C "$builddir" >"$tmp/rebuild.log" 2>&1 ||
	fail "make, back to the configured prefix" "$tmp/rebuild.log"

finish
