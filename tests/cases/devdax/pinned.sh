#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Pages of a device-dax instance held by something other than a mapping (a
# pipe here; an RDMA registration or O_DIRECT in flight alike) make a mode
# or cache change fail with EBUSY and a message, instead of a removal that
# would wait for them forever; once released, the change goes through.
# vm: ivshmem 512M addr=04.0
# vm: timeout 480
# results: 9
. /tests/lib.sh
. /tests/iopmem.sh

check "modprobe iopmem mode=devdax" iopmem_load mode=devdax
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
a=$(daxctl create-device -r 0 -s 64M | jq -r '.[0].chardev')
check "create a 64 MiB instance" test -c "/dev/$a"

MAP_MODE=pin map_hold "/dev/$a" 0 2097152 || die "cannot pin a page of /dev/$a"
check_eq "a page is in a pipe, nothing maps it" pinned "$MAP_ADDR"
dmesg_mark
check_fail "mode change while a page is pinned is refused" sh -c "echo fsdax >/sys/class/iopmem/$dev/mode"
check "... saying which page and what may hold it" \
	dmesg_has "cannot change mode: the page at 0x[0-9a-f]* is pinned \(an RDMA registration, O_DIRECT in flight, a pipe\); release it"
check_fail "cache change too" sh -c "echo uc >/sys/class/iopmem/$dev/cache"
check_eq "still devdax" devdax "$(iopmem_attr "$dev" mode)"
map_release
check "once released, the mode change goes through" sh -c "echo fsdax >/sys/class/iopmem/$dev/mode"
check "block device back" test -b "/dev/$dev"
