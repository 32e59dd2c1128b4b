#!/bin/sh
# expect: FAIL host: not ok 2 - a failed result
# results: 2
# host-only
# shellcheck source=tests/cases/lib.sh
. tests/cases/lib.sh
ok "a passing result"
check "a failed result" false
