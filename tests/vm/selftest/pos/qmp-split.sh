#!/bin/sh
# expect: PASS
# results: 1
# A QMP request that reaches the host in two pieces, the second one 1 s
# after the first (the host polls every 0.2 s), is sent whole: a runner
# that sends what it has of a line sends '{"execute":"query-' and QEMU
# refuses it.
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
printf '%s' 'IOPMEM-RIG: QMP {"execute":"query-' >/dev/ttyS1
sleep 1
printf '%s\n' 'status"}' >/dev/ttyS1
sleep 2
ok "asked for the status in two pieces"
