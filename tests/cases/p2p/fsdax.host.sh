#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The NVMe pattern reached the BAR by DMA; the BAR's data reached the NVMe
# image by DMA.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"

host_check_p2p
