#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The scripts a newcomer runs before anything else: setup.sh (with fake
# id, dpkg-query, apt-get and sudo, so nothing is installed), the per-user
# kernel cache of the nested-KVM tests, and what `make check-kvm` does when
# it cannot test. TAP output.
set -u
srcdir=${PLUGVM_SRCDIR:?run through make check}
builddir=${PLUGVM_BUILDDIR:?run through make check}
MAKE=${MAKE:-make}
BASH=${PLUGVM_BASH:-bash}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "${PLUGVM_SRCDIR:?run through make check}/tests/tap.sh"

# --- setup.sh -------------------------------------------------------------
# A bin directory with only what setup.sh needs, and fakes that log their
# calls to $tmp/calls: `id -u` prints $FAKE_UID, dpkg-query says every
# package is installed when $FAKE_INSTALLED is 1.
fake=$tmp/bin
mkdir -p "$fake"
for tool in dirname env cat; do
	ln -s "$(command -v $tool)" "$fake/$tool"
done
cat >"$fake/id" <<'EOF'
#!/bin/sh
echo "$FAKE_UID"
EOF
cat >"$fake/dpkg-query" <<'EOF'
#!/bin/sh
[ "$FAKE_INSTALLED" = 1 ] && printf 'install ok installed'
[ "$FAKE_INSTALLED" = 1 ]
EOF
for tool in apt-get sudo; do
	printf '#!/bin/sh\necho "%s $*" >>"$CALLS"\n' $tool >"$fake/$tool"
done
chmod +x "$fake"/*
shell=$(command -v sh)

# setup ARGS...: run setup.sh --deps with the fakes; status in $st
setup() {
	: >"$tmp/calls"
	st=0
	env -i PATH="$fake" CALLS="$tmp/calls" FAKE_UID="$uid" \
		FAKE_INSTALLED="$installed" "$shell" "$srcdir/setup.sh" "$@" \
		>"$tmp/out" 2>"$tmp/err" || st=$?
}

uid=0 installed=0
setup --deps
if [ "$st" = 0 ] && grep -q '^apt-get update' "$tmp/calls" &&
	grep -q '^apt-get install .*libunicorn-dev' "$tmp/calls" &&
	! grep -q '^sudo' "$tmp/calls"; then
	ok "setup.sh as root runs apt-get itself"
else
	not_ok "setup.sh as root runs apt-get itself (status $st)" "$tmp/calls" "$tmp/err"
fi
uid=1000
setup --deps
if [ "$st" = 0 ] && grep -q '^sudo apt-get update' "$tmp/calls" &&
	grep -q '^sudo env .*apt-get install' "$tmp/calls"; then
	ok "setup.sh as a user goes through sudo"
else
	not_ok "setup.sh as a user goes through sudo (status $st)" "$tmp/calls" "$tmp/err"
fi
rm "$fake/sudo"
setup --deps
if [ "$st" = 1 ] && [ ! -s "$tmp/calls" ] &&
	grep -q 'sudo is not installed' "$tmp/err" &&
	grep -q "su -c './setup.sh --deps'" "$tmp/err"; then
	ok "setup.sh without root or sudo says what to run as root"
else
	not_ok "setup.sh without root or sudo says what to run as root (status $st)" "$tmp/calls" "$tmp/err"
fi
installed=1
setup --deps
if [ "$st" = 0 ] && [ ! -s "$tmp/calls" ] && grep -q 'installed already' "$tmp/out"; then
	ok "setup.sh needs no root once the packages are installed"
else
	not_ok "setup.sh needs no root once the packages are installed (status $st)" "$tmp/calls" "$tmp/err"
fi

# --- the nested-KVM tests' kernel cache -----------------------------------
# cache ENV...: what kvm_cache_dir prints with only ENV set
cache() {
	env -i PATH="$PATH" "$@" "$BASH" -c \
		'. "$0/tests/kvm/kvm-env.sh" && kvm_cache_dir' "$srcdir" 2>&1
}
mkdir -p "$tmp/home"
got1=$(cache HOME="$tmp/home")
got2=$(cache HOME="$tmp/home" XDG_CACHE_HOME="$tmp/xdg")
got3=$(cache HOME="$tmp/home" XDG_CACHE_HOME="$tmp/xdg" KVM_CACHE_DIR="$tmp/k")
got4=$(cache HOME=/nonexistent TMPDIR="$tmp")
if [ "$got1" = "$tmp/home/.cache/plugvm" ] && [ "$got2" = "$tmp/xdg/plugvm" ] &&
	[ "$got3" = "$tmp/k" ] && [ "$got4" = "$tmp/plugvm-kvm-cache-$(id -u)" ]; then
	ok "the nested-KVM kernel cache is per user"
else
	printf '%s\n' "$got1" "$got2" "$got3" "$got4" >"$tmp/why"
	not_ok "the nested-KVM kernel cache is per user" "$tmp/why"
fi

# --- make check-kvm when it cannot test -----------------------------------
# No qemu: check-kvm.sh skips (77), and make must not call that a pass.
st=0
(unset MAKEFLAGS MFLAGS MAKELEVEL
 KVM_QEMU=/nonexistent/qemu "$MAKE" -C "$builddir" check-kvm) \
	>"$tmp/kvm.out" 2>&1 || st=$?
if [ "$st" != 0 ] && grep -q '^check-kvm: SKIP' "$tmp/kvm.out" &&
	grep -q 'Error 77' "$tmp/kvm.out"; then
	ok "make check-kvm fails visibly (Error 77) when it skips"
else
	not_ok "make check-kvm fails visibly (Error 77) when it skips (status $st)" "$tmp/kvm.out"
fi

tap_done
