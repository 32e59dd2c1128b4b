#!/bin/sh
# expect: PASS
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
ok "a passing result"
skip "a skipped result" "selftest"
