#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The pattern xfs.sh wrote through XFS -o dax is in the BAR's backing file
# at the offset FIEMAP gave in the guest.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"

host_check_pattern xfs-dax
