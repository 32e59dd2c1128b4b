#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side of rig/devices: one backing file per ivshmem line, in order.
set -euo pipefail
# shellcheck source=tests/cases/lib.sh
. "$(dirname "$0")/../lib.sh"

check_eq "BAR0_FILE is 512 MiB" $((512 << 20)) "$(stat -c %s "$BAR0_FILE")"
check_eq "BAR1_FILE is 2 MiB" $((2 << 20)) "$(stat -c %s "$BAR1_FILE")"
check "pattern at 1 MiB of BAR1_FILE" \
	cmp <(pattern devices) <(dd if="$BAR1_FILE" bs=4096 skip=256 count=1 status=none)
check "BAR0_FILE untouched (sparse, no data)" \
	test "$(du -k "$BAR0_FILE" | cut -f1)" -eq 0
