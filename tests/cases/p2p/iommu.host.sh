#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Translated, the NVMe pattern still reached the BAR at in's place, but
# QEMU's trace saw the device DMA to I/O virtual addresses, none in the
# BAR; passthrough, the job's DMA was all at pt's BAR addresses.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"

M=1048576
host_check_pattern p2p
host_check_dma_outside_bar "translated: the NVMe DMA'd to I/O virtual addresses, none in the BAR" in
phys=$(guest_p2p_buf pt 1) len=$(guest_p2p_buf pt 3) at=$(guest_p2p_buf pt 4)
host_check_dma "passthrough: all NVMe DMA at the buffer's BAR addresses" \
	r "${phys:-0}" $((phys + len)) "${at:-0}" $((at + 24 * M)) $((16 * M))
