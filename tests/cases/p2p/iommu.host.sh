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
bar=$(guest_p2p_buf bar 1) barlen=$(guest_p2p_buf bar 3)
at=$(guest_p2p_buf in 4)
read -r inside total < <(nvme_dma_bytes r "${bar:-0}" $((bar + barlen)) "${at:-0}" $((at + 24 * M)))
info "translated: $total bytes of NVMe DMA, $inside at BAR addresses"
if [[ -n $bar && -n $at ]] && ((total >= 16 * M && inside == 0)); then
	ok "host: translated: the NVMe DMA'd to I/O virtual addresses, none in the BAR"
else
	not_ok "host: translated: the NVMe DMA'd to I/O virtual addresses, none in the BAR"
fi
phys=$(guest_p2p_buf pt 1) len=$(guest_p2p_buf pt 3) at=$(guest_p2p_buf pt 4)
host_check_dma "passthrough: all NVMe DMA at the buffer's BAR addresses" \
	r "${phys:-0}" $((phys + len)) "${at:-0}" $((at + 24 * M)) $((16 * M))
