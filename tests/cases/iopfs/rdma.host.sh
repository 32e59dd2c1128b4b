#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# What iopfs/rdma.sh stored through a mapping of /mnt/f and wrote by RDMA
# is in the BAR's backing file at the file's extent; so is what the MRs
# wrote after their files were unlinked or truncated.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"

host_check_pattern load
host_check_pattern rdma
host_check_pattern unlinked
host_check_pattern truncated
