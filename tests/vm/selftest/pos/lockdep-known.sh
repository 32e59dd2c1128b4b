#!/bin/sh
# expect: PASS
# vm: lockdep-known selftest_lock_a &selftest->lock_b
# results: 1
# A lockdep report of a circular dependency between the two lock classes
# the header names, as the kernel prints one: the scenario passes.
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
ok "lockdep reports the known inversion"
for l in "WARNING: possible circular locking dependency detected" \
	"-> #1 (&selftest->lock_b){+.+.}-{4:4}:" \
	"-> #0 (selftest_lock_a){++++}-{4:4}:" \
	"Call Trace:" "</TASK>"; do
	echo "<4>$l" >/dev/kmsg
done
