#!/bin/sh
# Set up plugvm on Debian 12: install the build and test dependencies,
# build, and run the demo machine (configs/hello.ini prints "4").
#   ./setup.sh            everything
#   ./setup.sh --deps     only install the Debian packages
#   ./setup.sh --list     only print the packages it installs
#
# Packages are installed with apt-get: directly as root, else through sudo.
# A minimal Debian has no sudo: then run `./setup.sh --deps` as root (for
# instance `su -c ./setup.sh --deps`) and `./setup.sh` as yourself, which
# finds everything installed and needs no root.
#
# On a minimal Debian 12 the packages take about 1.0 GB of disk (210 MB to
# download, apt-get's own figures): 480 MB to build and test with valgrind,
# 550 MB more (qemu, a kernel) for `make check-kvm`'s nested VM.
set -eu
cd "$(dirname "$0")"

PACKAGES="build-essential autoconf automake libtool pkg-config binutils \
libinih-dev libunicorn-dev libseccomp-dev check valgrind \
qemu-system-x86 linux-image-amd64 busybox-static cpio xz-utils \
clang libclang-rt-dev llvm"

# missing_packages: print those of $PACKAGES that are not installed.
missing_packages() {
	for p in $PACKAGES; do
		case $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) in
		*" installed") ;;
		*) echo "$p" ;;
		esac
	done
}

as_root() {
	if [ "$(id -u)" = 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		cat >&2 <<EOF
setup.sh: installing Debian packages needs root, and sudo is not installed.
Run this as root (for instance: su -c './setup.sh --deps'):
  ./setup.sh --deps
then run ./setup.sh again as yourself.
EOF
		exit 1
	fi
}

case ${1:-} in
--list)
	echo $PACKAGES
	exit 0
	;;
--deps | "") ;;
*)
	echo "usage: $0 [--deps | --list]" >&2
	exit 2
	;;
esac

missing=$(missing_packages)
if [ -z "$missing" ]; then
	echo "==> the Debian packages are installed already"
else
	echo "==> installing Debian packages:" $missing
	as_root apt-get update -q
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $missing
fi
[ "${1:-}" = --deps ] && exit 0

echo "==> building"
autoreconf -fi
./configure
make -j"$(nproc)"

echo "==> running configs/hello.ini"
vmm/plugvm configs/hello.ini
