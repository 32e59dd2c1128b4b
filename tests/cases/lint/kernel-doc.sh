#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/kernel-doc -none finds nothing to complain about in any kernel
# source file.
# host-only
# kernels: 6.1
# results: 21
set -uo pipefail
. tests/cases/lint/common.inc

scripts=$(lint_scripts)
for f in "${KERNEL_SOURCES[@]}"; do
	out=$(perl "$scripts/kernel-doc" -none "$f" 2>&1)
	if [[ -z $out ]]; then
		ok "kernel-doc $f"
	else
		not_ok "kernel-doc $f"
		sed 's/^/#   /' <<<"$out"
	fi
done
