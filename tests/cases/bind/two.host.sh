#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# What two.sh wrote through each device is in that device's BAR file, and
# at the same offset the other BAR file holds the other device's data.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"

host_check_pattern two-a "$BAR0_FILE"
host_check_pattern two-b "$BAR1_FILE"
host_check_pattern two-high "$BAR1_FILE"
host_check_pattern two-c "$BAR0_FILE"
host_check_pattern two-d "$BAR1_FILE"
