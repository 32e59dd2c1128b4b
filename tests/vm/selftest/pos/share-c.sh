#!/bin/sh
# expect: PASS
# results: 1
# vm: ivshmem 32M addr=04.0
# A scenario that changes what the rig cannot put back (a file under
# /usr): the rig must not run pos/share-d in this guest.
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
: >/.share-c
check "a file written under /usr" sh -c ': >/usr/share-c'
