#!/bin/sh
# expect: FAIL the guest never started the scenario
# results: 1
# The kernel panics before /init on every boot (no init to run): the rig
# boots it a second time, and a crash that repeats still fails.
# vm: cmdline rdinit=/nonexistent root=/dev/nonexistent
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
ok "never reached"
