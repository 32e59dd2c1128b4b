#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# After memmap-partial.sh (range: 192 MiB at 64 MiB of the BAR, memmap=dev,
# 6 MiB reserved): the range starts with the info block, the next 2 MiB
# hold the full section's struct pages, the last 2 MiB still hold the pre
# hook's pattern (the partial section's struct pages were not put there), the
# data part starts right after and ends with the range, and the pattern
# past the range is untouched.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"

M=1048576
start=$((64 * M))
end=$((256 * M))

# records_zero_or_fill OFFSET LEN : how many 64-byte records of the BAR
# file in that range are zero or part of the pre hook's pattern.
records_zero_or_fill() {
	python3 - "$BAR0_FILE" "$1" "$2" <(pattern fill) <<'PY'
import sys
path, off, length, pat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
fill = open(pat, "rb").read()
with open(path, "rb") as f:
    f.seek(off)
    data = f.read(length)
print(sum(1 for i in range(0, len(data), 64)
          if not any(data[i:i + 64]) or data[i:i + 64] == fill[(off + i) % 4096:(off + i) % 4096 + 64]))
PY
}

check_eq "host: the info block's magic starts the range" IOPMEM_MEMMAP \
	"$(dd if="$BAR0_FILE" bs=4096 skip=$((start / 4096)) count=1 status=none | head -c 13)"
check_eq "host: every 64-byte struct page of the full section's 2 MiB is written" \
	0 "$(records_zero_or_fill $((start + 2 * M)) $((2 * M)))"
check "host: the last 2 MiB of the reservation still hold the pattern" \
	cmp <(for ((i = 0; i < 512; i++)); do pattern fill; done) \
	<(dd if="$BAR0_FILE" bs=4096 skip=$(((start + 4 * M) / 4096)) count=512 status=none)
host_check_pattern partial-first
check "host: the block device's last sector is the range's last 512 bytes" \
	cmp <(pattern partial-last | head -c 512) \
	<(dd if="$BAR0_FILE" bs=512 skip=$((end / 512 - 1)) count=1 status=none)
check "host: the 4 MiB past the range still hold the pattern" \
	cmp <(for ((i = 0; i < 1024; i++)); do pattern fill; done) \
	<(dd if="$BAR0_FILE" bs=4096 skip=$((end / 4096)) count=1024 status=none)
