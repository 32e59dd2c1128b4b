#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Both halves of the split BAR hold what was put there: the XFS file's
# pattern where FIEMAP put it in the fsdax part, the NVMe pattern at the
# P2PDMA part's start; QEMU's trace puts every DMA of the NVMe job in the
# P2PDMA part's buffer, and the control job's outside the BAR.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"

M=1048576
host_check_pattern split
host_check_pattern p2p
phys=$(guest_p2p_buf in 1) len=$(guest_p2p_buf in 3) at=$(guest_p2p_buf in 4)
if [[ -z $phys || -z $len || -z $at ]]; then
	not_ok "host: the guest named buffer in"
else
	host_check_dma "reads into the P2PDMA part: all NVMe DMA in its buffer" \
		r "$phys" $((phys + len)) "$at" $((at + 24 * M)) $((16 * M))
fi
host_check_dma_outside_bar "control: a job's DMA into RAM is traced, outside the BAR" ram
