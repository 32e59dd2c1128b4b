#!/bin/sh
# expect: PASS
# vm: kernel-warns selftest_expected
# results: 1
# A report in the function the header names, as the kernel prints one
# (and its W taint): the scenario passes.
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
ok "the kernel warns where the scenario says it will"
for l in "------------[ cut here ]------------" \
	"WARNING: CPU: 0 PID: 1 at selftest/x.c:1 selftest_expected+0x10/0x20" \
	"Call Trace:" "---[ end trace 0000000000000000 ]---"; do
	echo "<4>$l" >/dev/kmsg
done
echo 512 >/proc/sys/kernel/tainted
