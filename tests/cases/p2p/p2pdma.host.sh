#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The NVMe pattern reached the BAR, the BAR's data the NVMe image, and
# QEMU's trace puts every DMA of the jobs at their buffers in the BAR
# (host_check_p2p in ../host.sh).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"

host_check_p2p
