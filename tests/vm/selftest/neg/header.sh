#!/bin/sh
# vm: bogus 1
# expect: FAIL unknown keyword 'bogus'
# results: 1
. /tests/lib.sh
ok "never runs"
