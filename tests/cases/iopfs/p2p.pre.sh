#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The NVMe pattern of p2p/fsdax, over the part of the image p2p.sh reads.
exec "$(dirname "$0")/../p2p/fsdax.pre.sh" "$@"
