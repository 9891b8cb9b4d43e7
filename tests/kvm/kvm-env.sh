# SPDX-License-Identifier: GPL-2.0-or-later
# kvm-env.sh - sourced by the nested-KVM scripts: finds the guest kernel and
# its modules. Not executable on its own.
#
# kvm_find_kernel sets KVM_KERNEL (a bzImage) and KVM_MODULES_DIR
# (/lib/modules/<version>) unless they are already set, and returns 0, or
# prints why on stderr and returns 1. Without overrides it takes the newest
# /boot/vmlinuz-<version> that has a /lib/modules/<version>/kernel next to it
# (the running kernel is usually not one of them: this is the kernel that
# boots inside qemu).

# The modules /dev/kvm needs under qemu's TCG (-cpu max emulates AMD SVM,
# not Intel VMX), in load order.
# shellcheck disable=SC2034 # used by the scripts that source this
KVM_MODULE_NAMES="irqbypass kvm ccp kvm-amd"

kvm_find_kernel() {
	local k v best=
	if [ -n "${KVM_KERNEL:-}" ]; then
		if [ ! -r "$KVM_KERNEL" ]; then
			echo "KVM_KERNEL=$KVM_KERNEL: not a readable file" >&2
			return 1
		fi
		if [ -z "${KVM_MODULES_DIR:-}" ]; then
			v=${KVM_KERNEL##*/vmlinuz-}
			if [ "$v" = "$KVM_KERNEL" ] || [ ! -d "/lib/modules/$v/kernel" ]; then
				echo "KVM_KERNEL=$KVM_KERNEL: cannot tell its modules; set KVM_MODULES_DIR" >&2
				return 1
			fi
			KVM_MODULES_DIR=/lib/modules/$v
		fi
		return 0
	fi
	for k in $(printf '%s\n' /boot/vmlinuz-* | sort -V); do
		[ -e "$k" ] || continue
		v=${k#/boot/vmlinuz-}
		if [ -n "${KVM_MODULES_DIR:-}" ] || [ -d "/lib/modules/$v/kernel" ]; then
			best=$k
		fi
	done
	if [ -z "$best" ]; then
		echo "no /boot/vmlinuz-<version> with /lib/modules/<version> (apt-get install linux-image-amd64), or set KVM_KERNEL and KVM_MODULES_DIR" >&2
		return 1
	fi
	if [ ! -r "$best" ]; then
		echo "$best: not readable (run as root or set KVM_KERNEL to a readable copy)" >&2
		return 1
	fi
	KVM_KERNEL=$best
	: "${KVM_MODULES_DIR:=/lib/modules/${best#/boot/vmlinuz-}}"
	return 0
}

# kvm_cache_dir: prints where this user keeps the kernel run-nested.sh
# extracts: $KVM_CACHE_DIR, else $XDG_CACHE_HOME/plugvm, else
# ~/.cache/plugvm; with no usable home, a directory named for this user
# under ${TMPDIR:-/tmp}. (One /tmp directory for all users let the first
# one's 0600 file break every other user's check-kvm.)
kvm_cache_dir() {
	if [ -n "${KVM_CACHE_DIR:-}" ]; then
		printf '%s\n' "$KVM_CACHE_DIR"
	elif [ -n "${XDG_CACHE_HOME:-}" ]; then
		printf '%s/plugvm\n' "$XDG_CACHE_HOME"
	elif [ -n "${HOME:-}" ] && [ -d "$HOME" ] && [ -w "$HOME" ]; then
		printf '%s/.cache/plugvm\n' "$HOME"
	else
		printf '%s/plugvm-kvm-cache-%s\n' "${TMPDIR:-/tmp}" "$(id -u)"
	fi
}

# kvm_find_module NAME: prints the path of module NAME (.ko, .ko.xz, .ko.zst
# or .ko.gz; '-' and '_' alike) under $KVM_MODULES_DIR, or fails.
kvm_find_module() {
	local alt f
	alt=$(printf '%s' "$1" | tr '_-' '-_')
	f=$(find "$KVM_MODULES_DIR/" \( -name "$1.ko" -o -name "$1.ko.*" \
		-o -name "$alt.ko" -o -name "$alt.ko.*" \) -print 2>/dev/null |
		head -n 1)
	[ -n "$f" ] || return 1
	printf '%s\n' "$f"
}
