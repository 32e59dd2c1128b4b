#!/bin/sh
# expect: FAIL all 2 results are SKIP
# results: 2
# host-only
# A scenario whose every check skipped tested nothing.
# shellcheck source=tests/cases/lib.sh
. tests/cases/lib.sh
skip "a check" "a missing feature"
skip "another check" "a missing feature"
