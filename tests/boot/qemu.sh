#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# qemu.sh - the multiboot and PVH test kernels of tests/boot, booted by
# QEMU's -kernel and by plugvm with the same command line and modules:
# both must hand them the same thing, so a kernel that runs under QEMU
# runs unchanged on plugvm. The kernels print what they were given; the
# lines compared are all but those that differ by design (the memory map,
# mem_lower/mem_upper, the information's flags, where QEMU adds a BIOS
# boot device, and the boot loader's name). QEMU's exit device encodes
# the kernels' status 42 as (42 << 1) | 1 = 85. Plain ELF kernels are
# not compared: QEMU refuses them. SKIP without qemu-system-x86_64 (TAP).
set -u
srcdir=${PLUGVM_SRCDIR:?run through make check}
builddir=${PLUGVM_BUILDDIR:?run through make check}
. "$srcdir/tests/tap.sh"
qemu=${QEMU:-qemu-system-x86_64}
kernels=$builddir/tests/boot
mods=$srcdir/tests/boot
work=$(mktemp -d "${TMPDIR:-/tmp}/plugvm-qemu.XXXXXX")
trap 'rm -rf "$work"' EXIT
# the modules next to the machine files: relative paths mean the same
# to QEMU (run there) and to plugvm (the machine file's directory)
cp "$mods"/mod*.txt "$work/"

# From the kernel's first line on, without the lines that differ by
# design. QEMU's BIOS prints before it, on the same line ("Booting from
# ROM..", and more when a loaded host makes it wait): whatever precedes
# the kernel's first words goes.
compared() {
	tr -d '\r' <"$1" |
		awk '!on && match($0, /(multiboot|pvh): /) {
			$0 = substr($0, RSTART); on = 1 } on' |
		grep -v -e '^mmap ' -e '^memmap ' -e '^flags ' \
			-e '^mem_lower ' -e '^boot loader: '
}

# check NAME KERNEL INITRD APPEND: boot KERNEL both ways, compare.
check() {
	name=$1 kernel=$2 initrd=$3 append=$4
	{
		printf '[machine]\nmemory = 16M\n[linux]\nkernel = %s\n' \
			"$kernels/$kernel"
		[ -n "$initrd" ] && printf 'initrd = %s\n' "$initrd"
		[ -n "$append" ] && printf 'cmdline = %s\n' "$append"
		printf '[device "com1"]\ntype = serial\n'
		printf '[device "exit"]\ntype = debugport\nport = 0x501\nmode = exit\n'
	} >"$work/$name.ini"
	pst=0 qst=0
	(cd "$work" && "$builddir/vmm/plugvm" --accel tcg --timeout 60 \
		"$work/$name.ini") >"$work/$name.plugvm" 2>"$work/$name.err" ||
		pst=$?
	(cd "$work" && timeout 60 "$qemu" -accel tcg -m 16M -nographic \
		-display none -monitor none -serial stdio -net none \
		-no-reboot -device isa-debug-exit,iobase=0x501,iosize=1 \
		-kernel "$kernels/$kernel" ${initrd:+-initrd "$initrd"} \
		${append:+-append "$append"}) </dev/null \
		>"$work/$name.qemu" 2>"$work/$name.qerr" || qst=$?
	compared "$work/$name.plugvm" >"$work/$name.p"
	compared "$work/$name.qemu" >"$work/$name.q"
	if [ "$pst" != 42 ] || [ "$qst" != 85 ]; then
		not_ok "$name: exit status $pst on plugvm (want 42), $qst on QEMU (want 85)" \
			"$work/$name.err" "$work/$name.plugvm" "$work/$name.qerr" \
			"$work/$name.qemu"
	elif ! [ -s "$work/$name.p" ] || ! cmp -s "$work/$name.p" "$work/$name.q"; then
		diff -u "$work/$name.q" "$work/$name.p" >"$work/$name.diff"
		not_ok "$name: plugvm's kernel saw something else than QEMU's (--- QEMU, +++ plugvm)" \
			"$work/$name.diff"
	else
		ok "$name: $(wc -l <"$work/$name.p") lines as under QEMU's -kernel"
	fi
}

if ! command -v "$qemu" >/dev/null 2>&1; then
	skip "multiboot and PVH kernels against QEMU" \
		"$qemu not found (apt-get install qemu-system-x86)"
	tap_done
	exit
fi
check mb-info mb-info.elf "mod1.txt one two,mod2.txt three" \
	"console=ttyS0 hello=world"
check mb-ld mb-ld.elf "mod2.txt" ""
check mb-aout mb-aout.bin "" ""
# QEMU gives a PVH kernel one module, the initrd
check pvh pvh.elf mod1.txt "console=ttyS0 pvh=yes"
tap_done
