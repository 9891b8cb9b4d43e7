#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The bad-file corpus: every machine file in tests/bad/ (EXPECTED lists
# them) and a few made here (a FIFO as an image, an image larger than RAM,
# plugins for another machine or class, an unreadable image, a machine file
# too large) must end plugvm with status 1 and one message that names the
# file and line: no second message, no sanitizer report, no leak, no hang.
# VALGRIND=1 runs each under memcheck (a leak or error is status 99). TAP.
set -u
builddir=${PLUGVM_BUILDDIR:?run through make check}
srcdir=${PLUGVM_SRCDIR:?run through make check}
plugvm=$builddir/vmm/plugvm
bad=$srcdir/tests/bad
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$srcdir/tests/tap.sh"

wrap=
[ "${VALGRIND:-0}" = 1 ] && wrap="valgrind --quiet --error-exitcode=99 \
	--leak-check=full --errors-for-leak-kinds=definite"

# expect DIR NAME LINE TEXT: run DIR/NAME.ini from DIR and check the result.
expect() {
	dir=$1 name=$2 line=$3 text=$4
	if [ "$line" = - ]; then where="$name.ini: "; else where="$name.ini:$line: "; fi
	st=0
	# timeout(1): a start-up that blocks is a failure here, not a hang
	(cd "$dir" && timeout -k 5 60 $wrap "$plugvm" --accel tcg --timeout 20 \
		--plugin-path "$PLUGVM_TEST_PLUGINS:$tmp/plugins" "$name.ini") \
		>"$tmp/out" 2>"$tmp/err" </dev/null || st=$?
	first=$(head -n 1 "$tmp/err")
	# only indented continuation lines may follow the message
	others=$(tail -n +2 "$tmp/err" | grep -cv '^plugvm: error:   ')
	if [ "$st" != 1 ]; then
		not_ok "$name: exit status $st, expected 1" "$tmp/err"
	elif [ "${first#"$where"}" = "$first" ]; then
		not_ok "$name: the message does not start with '$where'" "$tmp/err"
	elif [ "${first#*"$text"}" = "$first" ]; then
		not_ok "$name: the message lacks '$text'" "$tmp/err"
	elif [ "$others" != 0 ]; then
		not_ok "$name: more than one message" "$tmp/err"
	elif [ -s "$tmp/out" ]; then
		not_ok "$name: wrote to stdout" "$tmp/out"
	else
		ok "$name: status 1, $where...$text"
	fi
}

# --- the checked-in corpus ------------------------------------------------
mkdir -p "$tmp/plugins"
count=0
while read -r name line text; do
	case $name in '#'* | '') continue ;; esac
	[ -f "$bad/$name.ini" ] || { not_ok "$name: $bad/$name.ini is missing"; continue; }
	expect "$bad" "$name" "$line" "$text"
	count=$((count + 1))
done <"$bad/EXPECTED"
# every file is listed
for f in "$bad"/*.ini; do
	grep -q "^$(basename "$f" .ini) " "$bad/EXPECTED" ||
		not_ok "$(basename "$f") is not in tests/bad/EXPECTED"
done

# --- made here ------------------------------------------------------------
image() { # image NAME FILE: a machine of one [image] FILE at 0
	printf '[machine]\nmemory = 1M\n[image "i"]\nfile = %s\naddress = 0\n' "$2" \
		>"$tmp/$1.ini"
}
# A FIFO nobody writes: refused at once, never waited for (defect 2).
mkfifo "$tmp/fifo"
image fifo-image fifo
expect "$tmp" fifo-image 4 "image 'fifo' is not a regular file"
# A [linux] kernel that is a FIFO nobody writes: refused, not waited for.
printf '[machine]\nmemory = 16M\n[linux]\nkernel = fifo\n' >"$tmp/fifo-kernel.ini"
expect "$tmp" fifo-kernel 4 "[linux] kernel: kernel 'fifo' is not a regular file"
# Larger than RAM (sparse: 2 MiB of nothing on disk).
dd if=/dev/null of="$tmp/big.bin" bs=1 seek=2097152 2>/dev/null
image image-larger-than-ram big.bin
expect "$tmp" image-larger-than-ram 4 "(2097152 bytes at 0x0) does not fit in 1048576 bytes of RAM"
# A symlink loop.
ln -s loop "$tmp/loop"
image image-symlink-loop loop
expect "$tmp" image-symlink-loop 4 "cannot read image 'loop': Too many levels of symbolic links"
# Unreadable (root reads anything: then skipped).
printf '\364' >"$tmp/secret.bin"
chmod 000 "$tmp/secret.bin"
image image-unreadable secret.bin
if [ -r "$tmp/secret.bin" ]; then
	skip "image-unreadable" "running as root, which reads a mode 000 file"
else
	expect "$tmp" image-unreadable 4 "cannot read image 'secret.bin': Permission denied"
fi
# A plugin built for another machine, and one of another ELF class: the
# build's testdev.so with e_machine (offset 18) or e_ident[EI_CLASS] (4)
# changed.
cp "$PLUGVM_TEST_PLUGINS/testdev.so" "$tmp/plugins/armdev.so"
printf '\267\000' | dd of="$tmp/plugins/armdev.so" bs=1 seek=18 conv=notrunc 2>/dev/null
printf '[device "d"]\ntype = armdev\n[image "i"]\nfile = %s\naddress = 0\n' \
	"$bad/tiny.bin" >"$tmp/plugin-wrong-machine.ini"
expect "$tmp" plugin-wrong-machine 2 "it is an ELF file for aarch64, but this plugvm runs on x86-64"
cp "$PLUGVM_TEST_PLUGINS/testdev.so" "$tmp/plugins/thirtytwo.so"
printf '\001' | dd of="$tmp/plugins/thirtytwo.so" bs=1 seek=4 conv=notrunc 2>/dev/null
printf '[device "d"]\ntype = thirtytwo\n[image "i"]\nfile = %s\naddress = 0\n' \
	"$bad/tiny.bin" >"$tmp/plugin-wrong-class.ini"
expect "$tmp" plugin-wrong-class 2 "ELFCLASS32 (32-bit), but this plugvm is 64-bit"
# A machine file over the 1 MiB limit: refused before it is parsed.
{ echo '[machine]'; yes '; padding padding padding padding padding padding' |
	head -n 30000; } >"$tmp/too-large.ini"
expect "$tmp" too-large - "file too large"

[ "$count" -ge 40 ] && ok "the corpus has $count files (at least 40)" ||
	not_ok "the corpus has only $count files"
tap_done
