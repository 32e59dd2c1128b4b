#!/bin/sh
# expect: FAIL the kernel log has 2 error line
# vm: kernel-warns selftest_expected
# results: 1
# The expected report, then one in another function: only the first is
# excused.
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
ok "the kernel warns where expected, and elsewhere"
for f in selftest_expected selftest_other; do
	for l in "------------[ cut here ]------------" \
		"WARNING: CPU: 0 PID: 1 at selftest/x.c:1 $f+0x10/0x20" \
		"Call Trace:" "---[ end trace 0000000000000000 ]---"; do
		echo "<4>$l" >/dev/kmsg
	done
done
