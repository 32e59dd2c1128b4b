#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# memmap.sh left the BAR bound with memmap=dev: the first 8 MiB of the
# backing file hold struct pages (every 64-byte record of them non-zero),
# the XFS superblock sits right after them, and the pattern written
# through XFS -o dax is at its block device offset plus 8 MiB.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"

reserved=$((512 * 1024 * 1024 / 4096 * 64))

zero=$(python3 - "$BAR0_FILE" "$reserved" <<'PY'
import sys
with open(sys.argv[1], "rb") as f:
    data = f.read(int(sys.argv[2]))
print(sum(1 for i in range(0, len(data), 64) if not any(data[i:i + 64])))
PY
)
check_eq "host: every 64-byte struct page in the first $reserved bytes is non-zero" 0 "$zero"
check_eq "host: the XFS superblock starts right after the struct pages" XFSB \
	"$(dd if="$BAR0_FILE" bs=4096 skip=$((reserved / 4096)) count=1 status=none | head -c 4)"
check_fail "host: no XFS superblock at the start of the BAR" \
	cmp -s <(head -c 4 "$BAR0_FILE") <(printf XFSB)
host_check_pattern memmap
