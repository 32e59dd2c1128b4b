#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# zeroing-ext4.sh starts from a BAR full of a pattern, not of zeros.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"
. "$(dirname "$0")/zeroing-host.inc"

zeroing_prefill
