#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# What rdma/fsdax-odp.sh stored with write() and wrote by RDMA WRITE through
# an on-demand-paging MR is in the BAR's backing file at the file's blocks
# (FIEMAP; /dev/iopmemN starts at byte 0 of the BAR with memmap=ram).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"

host_check_pattern wfile
host_check_pattern rdma
