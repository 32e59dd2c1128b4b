#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The pattern provider.sh wrote at offset 4 KiB of the published sub-range
# is in the BAR's backing file at 64 MiB + 4 KiB.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"

host_check_pattern provider
