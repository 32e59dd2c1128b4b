#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The modules build with W=1 and sparse (C=2) without a single warning,
# against every kernel the project supports (sparse is skipped where the
# kernel refuses the host's sparse as too old: 7.x with bookworm's 0.6.4).
# On a stock kernel's run: every stock kernel.  A kernel built from source
# (the debug kernel) is checked in its own run, after its build: setting
# it up here would build it, minutes that a cold make check spends on it
# in the background meanwhile anyway.
# host-only
# kernels: 6.1 7.2
# results: 4
# results[7.2]: 2
# vm: timeout 600
set -uo pipefail
. tests/cases/lint/common.inc

kernel_select "${KERNEL:-6.1}"
if [[ -n $KSOURCE_PKG ]]; then
	check_kernels=$KERNEL
else
	check_kernels=''
	for k in $KERNELS; do
		kernel_select "$k"
		[[ -z $KSOURCE_PKG ]] && check_kernels+=" $k"
	done
fi
for k in $check_kernels; do
	tests/vm/setup.sh "$k" >/dev/null || die "cannot set up kernel $k"
	kernel_select "$k"
	tmp=$(mktemp -d)
	git ls-files -co --exclude-standard -- Kbuild VERSION drivers fs include tests/provider tests/ptewalk \
		tests/daxzero tests/kasan tests/kunit tests/p2palloc |
		while read -r f; do [[ -f $f ]] && install -D -m 0644 "$f" "$tmp/$f"; done
	# 6.14+ runs sparse only if it knows __typeof_unqual__, which
	# bookworm's 0.6.4 does not; the kernel's Makefile then says so.
	old_sparse='C=2 specified, but .* is not available or not up to date'
	if make -C "$KDIR" M="$tmp" W=1 C=2 -j"$(nproc)" modules >"$tmp/build.log" 2>&1 &&
		! grep -Ei 'warning|error' "$tmp/build.log" | grep -v 'Skipping BTF generation' |
		grep -v "$old_sparse" >/dev/null; then
		ok "W=1 C=2 build against $KVER: no warning"
	else
		not_ok "W=1 C=2 build against $KVER: no warning"
		grep -Ei 'warning|error' "$tmp/build.log" | sed 's/^/#   /'
	fi
	if grep -q 'CHECK ' "$tmp/build.log"; then
		ok "sparse ran against $KVER"
	elif grep -q "$old_sparse" "$tmp/build.log"; then
		skip "sparse ran against $KVER" "$KVER refuses $(sparse --version 2>&1 | head -n 1): too old (no __typeof_unqual__)"
	else
		not_ok "sparse ran against $KVER (no CHECK lines in the build log)"
	fi
	rm -rf "$tmp"
done
