#!/bin/sh
# expect: FAIL declared 3 results, got 2
# results: 3
# host-only
# A script that stops half-way with status 0.
# shellcheck source=tests/cases/lib.sh
. tests/cases/lib.sh
ok "first"
ok "second"
exit 0
# shellcheck disable=SC2317 # the point: never reached
ok "third, never reached"
