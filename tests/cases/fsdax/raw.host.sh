#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The pattern raw.sh wrote to /dev/iopmem0 is in the BAR's backing file.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"

host_check_pattern raw
