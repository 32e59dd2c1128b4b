#!/bin/sh
# vm: timeout 25
# expect: FAIL timeout: the guest was killed after 25s
# results: 1
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
ok "then hang"
sleep 600
