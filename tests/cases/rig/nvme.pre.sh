#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side of rig/nvme, before the boot: put a known block into the image.
set -euo pipefail
# shellcheck source=tests/cases/lib.sh
. "$(dirname "$0")/../lib.sh"

check "NVME0_IMG is set and exists" test -f "${NVME0_IMG:-}"
# 1 MiB into the disk; must match nvme.sh. fullblock: a pipe may return
# less than 4 KiB per read, and dd would then write a short block.
check "write the host pattern at 1 MiB of the image" \
	dd if=<(pattern nvme-host) of="$NVME0_IMG" bs=4096 seek=256 count=1 conv=notrunc status=none iflag=fullblock
