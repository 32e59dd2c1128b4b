#!/bin/sh
# expect: FAIL host-only scenario neg/hosthang.sh timed out: killed after
# results: 1
# host-only
# vm: timeout 3
# shellcheck source=tests/cases/lib.sh
. tests/cases/lib.sh
ok "then hang"
sleep 120
