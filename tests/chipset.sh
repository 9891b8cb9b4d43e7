#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `[machine] chipset`, end to end: the machine-file errors it brings, the
# set_irq() refusals a device's user sees, and a device's interrupt taken
# by a guest through the 8259A on tcg (tests/guests/irqline.S, with
# testdev driving the line). TAP output.
set -u
builddir=${PLUGVM_BUILDDIR:?run through make check}
plugvm=$builddir/vmm/plugvm
testplugins=${PLUGVM_TEST_PLUGINS:?run through make check}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "${PLUGVM_SRCDIR:?run through make check}/tests/tap.sh"
not_ok() {
	tap_fail "$1"
	[ -f "$tmp/err" ] && sed 's/^/# stderr: /' "$tmp/err" | head -20
	return 0
}
# run ARGS...: stderr in $tmp/err, status in $st (30 s at most)
run() {
	st=0
	timeout -k 5 30 "$plugvm" --plugin-path="$testplugins" "$@" \
		>"$tmp/out" 2>"$tmp/err" </dev/null || st=$?
}
# check DESCRIPTION STATUS [PATTERN...]: every pattern is in stderr
check() {
	what=$1 want=$2
	shift 2
	if [ "$st" != "$want" ]; then
		not_ok "$what (status $st, expected $want)"
		return
	fi
	for p in "$@"; do
		if ! grep -q -F -e "$p" "$tmp/err"; then
			not_ok "$what (stderr lacks '$p')"
			return
		fi
	done
	ok "$what"
}
# irqline CHIPSET LINE: the guest on tcg, raising LINE through testdev
irqline() {
	cat >"$tmp/irq.ini" <<EOF2
[machine]
chipset = $1
accel = tcg

[cpu]
entry = 0x1000
rcx = $2

[image "irqline"]
file = $builddir/tests/guests/irqline.bin
address = 0x1000

[device "td"]
type = testdev

[device "exit"]
type = debugport
port = 0xf4
mode = exit
EOF2
}

# The refusals, said once per device, with the fix.
irqline none 5
run "$tmp/irq.ini"
check "chipset none: set_irq is refused with the fix, and HLT ends the guest" 0 \
	"td: warning: set_irq(line 5): the machine has no interrupt controller" \
	"set \`chipset = pc\` in its [machine] section"
irqline pc 2
run --timeout=1 "$tmp/irq.ini"
check "chipset pc: line 2 is the cascade, refused with the valid lines" 124 \
	"td: warning: set_irq(line 2): the machine has no such interrupt line" \
	"lines 0-15 but 2"
irqline pc 16
run --timeout=1 "$tmp/irq.ini"
check "chipset pc on tcg: line 16 is kvm's only" 124 \
	"set_irq(line 16)" "16-23 only on kvm"

# A device's line, through the PICs and the IVT, on tcg.
irqline pc 5
run "$tmp/irq.ini"
check "chipset pc on tcg: IRQ 5 reaches the guest's handler" 69
irqline pc 12
run "$tmp/irq.ini"
check "chipset pc on tcg: IRQ 12 through the slave" 76
if grep -q . "$tmp/err"; then
	not_ok "nothing said on a clean run"
else
	ok "nothing said on a clean run"
fi

# Machine-file errors: file, line and key, and the chipset named.
cat >"$tmp/bad.ini" <<'EOF2'
[machine]
chipset = pc

[image "x"]
file = x.bin
address = 0x1000

[device "x"]
type = i8259

[device "pit"]
type = serial
EOF2
: >"$tmp/x.bin"
run "$tmp/bad.ini"
check "chipset pc: a chipset type, a chipset name" 1 \
	"bad.ini:9: [device \"x\"] type: i8259 is part of chipset pc (" \
	"bad.ini:11: [device \"pit\"]: the device name 'pit' belongs to chipset pc ("
sed -i 's/^chipset = pc/chipset = isa/' "$tmp/bad.ini"
run "$tmp/bad.ini"
check "a chipset that does not exist" 1 \
	"bad.ini:2: [machine] chipset: invalid value 'isa' (must be one of: none, pc)"
for acc in tcg; do
	for claim in "debugport port = 0x61" "debugport port = 0x20" "nullmmio base = 0xfee00000"; do
		set -- $claim
		cat >"$tmp/claim.ini" <<EOF2
[machine]
chipset = pc
accel = $acc

[image "x"]
file = x.bin
address = 0x1000

[device "mine"]
type = $1
$2 = $4
EOF2
		run "$tmp/claim.ini"
		check "$acc: a device claiming $4 overlaps chipset pc" 1 \
			"claim.ini:9: [device \"mine\"]:" "of chipset pc ($tmp/claim.ini:2)"
	done
done
# A PIC of the file's own is no interrupt controller.
sed -i 's/^chipset = pc/chipset = none/; s/^type = nullmmio/type = i8259/; /^base = /d' "$tmp/claim.ini"
run "$tmp/claim.ini"
check "an i8259 [device] on chipset none says what to do" 1 \
	"i8259 is the interrupt controller of \`[machine] chipset = pc\`" \
	"remove this section and set \`chipset = pc\`"

# tcg: the event thread runs the interrupt of a vCPU asleep in HLT itself
# (borrowing, vmm/accel-tcg-intr.c), and the guest cannot tell: the same
# output with PLUGVM_TCG_NO_BORROW, which always wakes the vCPU's thread
# (pit-pm exits with 16: tests/expected/pit-pm.status).
run --accel tcg --stats "$builddir/configs/pit-pm.ini"
cp "$tmp/out" "$tmp/borrowed.out"
check "tcg: a halted vCPU's interrupts are taken on the event thread" 16 \
	"of them from HLT on the event thread"
PLUGVM_TCG_NO_BORROW=1 run --accel tcg --stats "$builddir/configs/pit-pm.ini"
if [ "$st" != 16 ] || grep -q "on the event thread" "$tmp/err"; then
	not_ok "PLUGVM_TCG_NO_BORROW: the vCPU's thread takes them (status $st)"
elif ! cmp -s "$tmp/out" "$tmp/borrowed.out" || ! [ -s "$tmp/out" ]; then
	not_ok "PLUGVM_TCG_NO_BORROW: the guest's output differs"
else
	ok "PLUGVM_TCG_NO_BORROW: the vCPU's thread takes them, same output"
fi

tap_done
