#!/bin/sh
# expect: FAIL the kernel log has 1 error line
# results: 1
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
ok "results are fine, the kernel log is not"
echo "WARNING: CPU: 0 PID: 1 at selftest (injected)" >/dev/kmsg
