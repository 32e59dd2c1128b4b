#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# fio-mmap-dev.sh's first and last sectors are at the ends of the data part
# of the BAR file.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fio-mmap-host.inc"

fio_mmap_host
