#!/bin/sh
# expect: FAIL the kernel log has 2 error line
# vm: lockdep-known selftest_lock_a &selftest->lock_b
# results: 1
# A circular dependency between one lock of the known pair and another
# lock: not the known report, so it fails the scenario.
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
ok "lockdep reports another inversion"
for l in "WARNING: possible circular locking dependency detected" \
	"-> #1 (selftest_lock_c){+.+.}-{4:4}:" \
	"-> #0 (selftest_lock_a){++++}-{4:4}:" \
	"Call Trace:" "</TASK>"; do
	echo "<4>$l" >/dev/kmsg
done
