#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The pattern data.sh wrote through an mmap of /dev/daxN.M is in the BAR's
# backing file at the instance's offset.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"

host_check_pattern devdax
