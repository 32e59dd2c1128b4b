#!/usr/bin/env bash
# expect: PASS
# results: 1
# results[6.1]: 2
# host-only
# A count declared for one kernel wins there; others take the plain one.
# shellcheck source=tests/cases/lib.sh
. tests/cases/lib.sh
ok "one result on every kernel"
if [[ $KERNEL == 6.1 ]]; then ok "and one more on 6.1"; fi
