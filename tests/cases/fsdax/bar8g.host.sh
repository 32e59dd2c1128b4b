#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The blocks bar8g.sh wrote above 4 GiB are in the 8 GiB BAR file there.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../host.sh"

host_check_pattern big-mmap
host_check_pattern big-write
