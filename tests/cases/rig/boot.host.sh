#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side of rig/boot: the pattern the guest wrote through the BAR must be
# in the ivshmem backing file at the same offset, and nowhere near it.
set -euo pipefail
# shellcheck source=tests/cases/lib.sh
. "$(dirname "$0")/../lib.sh"

OFFSET=$((3 * 1024 * 1024)) # must match boot.sh

check "BAR0_FILE is set and exists" test -f "${BAR0_FILE:-}"
check "pattern at 3 MiB of the backing file" \
	cmp <(pattern boot) <(dd if="$BAR0_FILE" bs=4096 skip=$((OFFSET / 4096)) count=1 status=none)
check "the 4 KiB before it are untouched (zero)" \
	cmp <(head -c 4096 /dev/zero) <(dd if="$BAR0_FILE" bs=4096 skip=$((OFFSET / 4096 - 1)) count=1 status=none)
