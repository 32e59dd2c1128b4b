#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# memmap.sh left the BAR bound with memmap=dev: the first 2 MiB of the
# backing file start with iopmem's info block, the next 8 MiB hold struct
# pages (every 64-byte record of them non-zero, except those of the info
# block's own 2 MiB, which the kernel leaves to the driver and does not
# initialise), the XFS superblock sits
# right after them, and the pattern written through XFS -o dax is at its
# block device offset plus 10 MiB.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"

info=$((2 * 1024 * 1024))
reserved=$((info + 512 * 1024 * 1024 / 4096 * 64))

check_eq "host: the info block's magic starts the BAR" IOPMEM_MEMMAP \
	"$(head -c 13 "$BAR0_FILE")"
first=$((info + info / 4096 * 64))
zero=$(python3 - "$BAR0_FILE" "$first" "$reserved" <<'PY'
import sys
with open(sys.argv[1], "rb") as f:
    f.seek(int(sys.argv[2]))
    data = f.read(int(sys.argv[3]) - int(sys.argv[2]))
print(sum(1 for i in range(0, len(data), 64) if not any(data[i:i + 64])))
PY
)
check_eq "host: every 64-byte struct page from $first to $reserved is non-zero" 0 "$zero"
check_eq "host: the XFS superblock starts right after the struct pages" XFSB \
	"$(dd if="$BAR0_FILE" bs=4096 skip=$((reserved / 4096)) count=1 status=none | head -c 4)"
check_fail "host: no XFS superblock at the start of the BAR" \
	cmp -s <(head -c 4 "$BAR0_FILE") <(printf XFSB)
host_check_pattern memmap
