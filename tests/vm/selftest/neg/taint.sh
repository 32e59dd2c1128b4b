#!/bin/sh
# expect: FAIL the kernel is tainted 512 (W)
# results: 1
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
ok "then taint the kernel with W (512)"
echo 512 >/proc/sys/kernel/tainted
