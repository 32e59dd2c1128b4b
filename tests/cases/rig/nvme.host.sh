#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side of rig/nvme, after the boot: the guest's block is in the image.
set -euo pipefail
# shellcheck source=tests/cases/lib.sh
. "$(dirname "$0")/../lib.sh"

check "guest pattern at 2 MiB of the image" \
	cmp <(pattern nvme-guest) <(dd if="$NVME0_IMG" bs=4096 skip=512 count=1 status=none)
check "host pattern at 1 MiB still intact" \
	cmp <(pattern nvme-host) <(dd if="$NVME0_IMG" bs=4096 skip=256 count=1 status=none)
