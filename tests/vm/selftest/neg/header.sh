#!/bin/sh
# vm: bogus 1
# expect: FAIL unknown keyword 'bogus'
. /tests/lib.sh
ok "never runs"
