#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.pl --strict (Debian's linux-source-6.1): 0 errors, 0 warnings
# and 0 checks in every kernel source file.
# host-only
# kernels: 6.1
# results: 21
set -uo pipefail
. tests/cases/lint/common.inc

scripts=$(lint_scripts)
for f in "${KERNEL_SOURCES[@]}"; do
	out=$("$scripts/checkpatch.pl" --strict --no-tree --show-types -f "$f" 2>&1)
	if grep -q '^total: 0 errors, 0 warnings, 0 checks' <<<"$out"; then
		ok "checkpatch --strict $f"
	else
		not_ok "checkpatch --strict $f"
		grep -E '^(ERROR|WARNING|CHECK)|^#|^total' <<<"$out" | sed 's/^/#   /'
	fi
done
