#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The zeros zero-page-range.sh read back, and the Z around them, are in the
# BAR's backing file.
set -euo pipefail
# shellcheck source=tests/cases/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/cases/host.sh
. "$(dirname "$0")/../host.sh"

host_check_layout zpr "$BAR0_FILE" 4096:Z 12288:0 4096:Z
