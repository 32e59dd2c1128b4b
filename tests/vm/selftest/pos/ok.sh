#!/bin/sh
# expect: PASS
# results: 2
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
ok "a passing result"
skip "a skipped result" "selftest"
