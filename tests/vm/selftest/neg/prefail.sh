#!/bin/sh
# expect: FAIL pre hook prefail.pre.sh failed with status 1
# results: 1
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
ok "never boots: its pre hook failed"
