#!/bin/sh
# expect: FAIL the guest stopped before the scenario finished
# results: 1
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
ok "then panic"
echo c >/proc/sysrq-trigger
