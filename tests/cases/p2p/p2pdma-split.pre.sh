#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A known pattern over the 16 MiB of the NVMe image that p2pdma-split.sh
# reads into the P2PDMA part.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"

host_fill_pattern p2p "$NVME0_IMG" "$P2P_IN_NVME" $((16 * 1048576))
