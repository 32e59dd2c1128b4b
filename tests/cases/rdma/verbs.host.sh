#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The pattern verbs.sh put into /dev/daxN.M by RDMA WRITE is in the BAR's
# backing file at the instance's offset.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"

host_check_pattern rdma
