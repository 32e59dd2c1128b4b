#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The NVMe pattern reached the BAR by DMA; the BAR's data reached the NVMe
# image by DMA.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"

host_check_pattern p2p
host_check_text iopmem-p2p "$NVME0_IMG" 0
# fio wrote 8 blocks of 2040 KiB, each starting with the text.
host_check_text iopmem-p2p "$NVME0_IMG" $((7 * 2040 * 1024))
