#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The zeros zeroing-ext4.sh read back are in the BAR's backing file.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"
. "$(dirname "$0")/zeroing-host.inc"

zeroing_host
