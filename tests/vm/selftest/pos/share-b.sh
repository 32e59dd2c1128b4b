#!/bin/sh
# expect: PASS
# results: 6
# vm: ivshmem 16M addr=04.0
# The second of two scenarios that share a guest: what pos/share-a left
# is gone (the rig's reset between them), as in a guest of its own.
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
check "pos/share-a ran before, in this guest" test -e /.share-a
bar=$(grep -l 0x1110 /sys/bus/pci/devices/*/device | head -n 1)
bar=${bar%/device}/resource2
check_eq "the BAR reads zeroes where share-a wrote" "" \
	"$(mmap-io read "$bar" 4096 16 | tr -d '\000')"
check "no brd module" sh -c '! grep -q "^brd " /proc/modules'
check "nothing mounted under /mnt" sh -c '! grep -q " /mnt/" /proc/mounts'
check "no /etc/share-a" test ! -e /etc/share-a
check "no sleep 1000 left running" sh -c '! ps | grep -q "[s]leep 1000"'
