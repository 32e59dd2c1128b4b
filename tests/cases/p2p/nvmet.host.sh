#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The fabric's writes and verify reads reached the NVMe device through host
# memory: QEMU's trace has the device's DMA for those blocks (4 MiB at
# least each way), none of it in the BAR. A target that used iopmem's
# p2pmem would put it there (p2p/p2pdma shows the trace finds DMA in the
# BAR when it is there).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"

M=1048576
bar=$(guest_p2p_buf bar 1) barlen=$(guest_p2p_buf bar 3)
at=$(guest_p2p_buf fabric 4)
for op in w r; do
	read -r inside total < <(nvme_dma_bytes "$op" "${bar:-0}" $((bar + barlen)) "${at:-0}" $((at + 24 * M)))
	what="$([[ $op == w ]] && echo writes || echo verify reads) through the fabric"
	info "$what: $total bytes of NVMe DMA, $inside in the BAR"
	if [[ -n $bar && -n $at ]] && ((total >= 4 * M && inside == 0)); then
		ok "host: $what: NVMe DMA traced, in host memory, none in the BAR"
	else
		not_ok "host: $what: NVMe DMA traced, in host memory, none in the BAR"
	fi
done
