# SPDX-License-Identifier: GPL-2.0-or-later
# Documentation: the man pages (plain man(7) roff, installed to $(mandir))
# and the plugin tutorial (installed to $(docdir), next to the example).
dist_man_MANS += docs/plugvm.1 docs/plugvm.ini.5

tutorialdir = $(docdir)
dist_tutorial_DATA = docs/writing-plugins.md
