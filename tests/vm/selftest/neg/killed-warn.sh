#!/bin/sh
# expect: FAIL the kernel console has 1 error line
# results: 1
# A warning, then a power cut (as the persist group does): the boot leaves
# no dmesg dump, so the console must show warnings for the rig to see it.
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
ok "a warning, then the power is cut"
echo "<4>WARNING: CPU: 0 PID: 1 at selftest (injected before a power cut)" >/dev/kmsg
# The console prints from the writer's context; give it a moment anyway.
sleep 1
rig_say "IOPMEM-RIG: KILL"
sleep 60
