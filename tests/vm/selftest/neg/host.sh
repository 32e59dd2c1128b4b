#!/bin/sh
# expect: FAIL host: not ok 1 - the host hook sees no pattern
# results: 2
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
ok "the guest writes nothing into the BAR"
