#!/bin/sh
# expect: PASS
# results: 1
# vm: ivshmem 32M addr=04.0
# After pos/share-c the rig gives this scenario a guest of its own.
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
check "a fresh guest: no /.share-c, no /usr/share-c" \
	sh -c '! test -e /.share-c && ! test -e /usr/share-c'
