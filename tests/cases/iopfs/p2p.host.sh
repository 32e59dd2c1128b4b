#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The checks of p2p/fsdax: the NVMe pattern reached the BAR, the BAR's
# data the NVMe image, and every traced DMA of the jobs hit their buffers.
exec "$(dirname "$0")/../p2p/fsdax.host.sh" "$@"
