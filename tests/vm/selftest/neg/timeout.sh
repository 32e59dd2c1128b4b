#!/bin/sh
# vm: timeout 25
# vm: solo
# expect: FAIL timeout: the guest was killed after
# results: 1
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
ok "then hang"
sleep 600
