# SPDX-License-Identifier: GPL-2.0-or-later
# TAP for the shell tests, sourced: each check prints "ok N - ..." or
# "not ok N - ...", and tap_done prints the plan and fails when any did.
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
# tap_fail DESCRIPTION: count a failed check and name it.
tap_fail() {
	n=$((n + 1)); failed=$((failed + 1))
	echo "not ok $n - $1"
}
# not_ok DESCRIPTION [FILE...]: a failed check, with the last 20 lines of
# each FILE that exists as TAP comments.
not_ok() {
	tap_fail "$1"
	shift
	for f in "$@"; do [ -f "$f" ] && sed 's/^/# /' "$f" | tail -20; done
	return 0
}
# kvm_usable: whether this host's /dev/kvm runs a machine, asked of plugvm
# itself ($builddir's, on configs/hello.ini), as a test on kvm would: a
# /dev/kvm that is absent, not writable, or no KVM at all (a node whose
# driver is not loaded) is not. One that only emulates (kvm_pvm) is.
kvm_usable() {
	"${PLUGVM_BUILDDIR:?}/vmm/plugvm" --accel kvm --timeout 60 \
		"$PLUGVM_BUILDDIR/configs/hello.ini" >/dev/null 2>&1 </dev/null
}
tap_done() {
	echo "1..$n"
	[ "$failed" = 0 ]
}
