#!/usr/bin/env bash
set -euo pipefail
# shellcheck source=tests/cases/lib.sh
. "$(dirname "$0")/../lib.sh"
check "the host hook sees no pattern" cmp <(pattern selftest) <(head -c 4096 "$BAR0_FILE")
