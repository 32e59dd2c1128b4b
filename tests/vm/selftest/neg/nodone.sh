#!/bin/sh
# vm: solo
# expect: FAIL the guest's report is incomplete (no DONE marker)
# results: 1
# The guest dies while /init reports, after END. /init asks kmemleak for
# a scan when /sys/kernel/debug/kmemleak exists: here that is a FIFO whose
# reader powers the machine off as soon as /init writes to it.
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
mount -t tmpfs selftest /sys/kernel/debug
mkfifo /sys/kernel/debug/kmemleak
(read -r _ </sys/kernel/debug/kmemleak; poweroff -f) &
ok "the report will stop after END"
