#!/bin/sh
# expect: FAIL host-only scenario neg/hostonly.sh failed with status 1
# results: 1
# host-only
# shellcheck source=tests/cases/lib.sh
. tests/cases/lib.sh
ok "results are fine, the exit status is not"
exit 1
