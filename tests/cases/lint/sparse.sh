#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The modules build with W=1 and sparse (C=2) without a single warning,
# against every kernel the project supports.
# host-only
# kernels: 6.1
# results: 6
# vm: timeout 600
set -uo pipefail
. tests/cases/lint/common.inc

for k in $KERNELS; do
	tests/vm/setup.sh "$k" >/dev/null || die "cannot set up kernel $k"
	kernel_select "$k"
	tmp=$(mktemp -d)
	git ls-files -co --exclude-standard -- Kbuild drivers include tests/provider tests/ptewalk tests/kasan tests/kunit |
		while read -r f; do [[ -f $f ]] && install -D -m 0644 "$f" "$tmp/$f"; done
	if make -C "$KDIR" M="$tmp" W=1 C=2 -j"$(nproc)" modules >"$tmp/build.log" 2>&1 &&
		! grep -Ei 'warning|error' "$tmp/build.log" | grep -v 'Skipping BTF generation' >/dev/null; then
		ok "W=1 C=2 build against $KVER: no warning"
	else
		not_ok "W=1 C=2 build against $KVER: no warning"
		grep -Ei 'warning|error' "$tmp/build.log" | sed 's/^/#   /'
	fi
	if grep -q 'sparse is not available or not up to date' "$tmp/build.log"; then
		# 7.x headers use __typeof_unqual__, which bookworm's sparse
		# 0.6.4 does not parse; the kernel's Makefile then skips it.
		skip "sparse ran against $KVER" "sparse $(sparse --version) is too old for these headers"
	elif grep -q 'CHECK ' "$tmp/build.log"; then
		ok "sparse ran against $KVER"
	else
		not_ok "sparse ran against $KVER (no CHECK lines in the build log)"
	fi
	rm -rf "$tmp"
done
