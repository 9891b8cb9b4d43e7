#!/bin/sh
# Set up plugvm on Debian 12: install the build and test dependencies,
# build, and run the demo machine (configs/hello.ini prints "4").
#   ./setup.sh            everything
#   ./setup.sh --deps     only install the Debian packages
# Runs apt-get through sudo when not root.
set -eu
cd "$(dirname "$0")"

PACKAGES="build-essential autoconf automake libtool pkg-config binutils \
libunicorn-dev check valgrind \
qemu-system-x86 linux-image-amd64 busybox-static cpio xz-utils"

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

echo "==> installing Debian packages"
as_root apt-get update -q
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	--no-install-recommends $PACKAGES
[ "${1:-}" = --deps ] && exit 0

echo "==> building"
autoreconf -fi
./configure
make -j"$(nproc)"

echo "==> running configs/hello.ini"
vmm/plugvm configs/hello.ini
