#!/bin/sh
# expect: FAIL the scenario exited with status 3
# results: 1
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
ok "results are fine, the exit status is not"
exit 3
