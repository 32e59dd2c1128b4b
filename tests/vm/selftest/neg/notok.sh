#!/bin/sh
# expect: FAIL guest: not ok 2 - a failed result
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
ok "a passing result"
check "a failed result" false
