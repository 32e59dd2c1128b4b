#!/bin/sh
# expect: FAIL the kernel warning the scenario expects (in selftest_expected, '# vm: kernel-warns') did not appear
# vm: kernel-warns selftest_expected
# results: 1
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
ok "the header expects a warning that never comes"
