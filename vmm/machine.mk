# SPDX-License-Identifier: GPL-2.0-or-later
# The machine file and device settings (part of libvmm-core).
