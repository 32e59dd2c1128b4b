#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# memmap-partial.sh's range and 4 MiB past it start out holding a pattern,
# so the host hook can tell which parts the kernel wrote.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"

M=1048576
host_fill_pattern fill "$BAR0_FILE" $((64 * M)) $((196 * M))
check "host: the pattern is at 64 MiB of the BAR file" \
	cmp <(pattern fill) <(dd if="$BAR0_FILE" bs=4096 skip=$((64 * 256)) count=1 status=none)
