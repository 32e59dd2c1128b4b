#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Data through a device-dax mapping lands in the BAR (data.host.sh checks the
# host file at the instance's offset); switching fsdax -> devdax -> fsdax
# keeps each mode working on the same memory, and is refused while mounted
# and while a device-dax instance is mapped.
# vm: ivshmem 512M addr=04.0
# results: 19
. /tests/lib.sh
. /tests/iopmem.sh

M=1048576
check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
mode=/sys/class/iopmem/$dev/mode
bar=$(bar_start $IOPMEM_PCI 2)

# fsdax: a file system with data; the switch is refused while mounted.
iopmem_mount_xfs "$dev" /mnt || die "mkfs.xfs and mount -o dax"
pattern fsdax >/mnt/data
dmesg_mark
check_fail "switch to devdax while mounted is refused" sh -c "echo devdax >$mode"
check "... naming the holder" dmesg_has "cannot change mode: /dev/$dev is in use"
check_eq "... and the file is still there" "$(pattern fsdax | sha256sum)" "$(sha256sum </mnt/data)"
check "umount" umount /mnt

check "switch to devdax" sh -c "echo devdax >$mode"
a=$(daxctl create-device -r 0 -s 64M | jq -r '.[0].chardev')
check "create a 64 MiB device" test -c "/dev/$a"
start=$(dax_start "$a")
off=$((start - bar + 2 * M))
info "hostcheck devdax $off"
# The instance maps in 2 MiB units: write a 2 MiB block at 2 MiB.
{ pattern devdax; head -c $((2 * M - 4096)) /dev/zero; } >/tmp/block
check "write a pattern through an mmap of /dev/$a" mmap-io write "/dev/$a" $((2 * M)) $((2 * M)) </tmp/block
check_eq "read it back through an mmap" "$(sha256sum </tmp/block)" \
	"$(mmap-io read "/dev/$a" $((2 * M)) $((2 * M)) | sha256sum)"

map_hold "/dev/$a" 0 $((2 * M)) || die "cannot keep /dev/$a mapped"
dmesg_mark
check_fail "switch to fsdax while /dev/$a is mapped is refused" sh -c "echo fsdax >$mode"
check "... naming the mapped device" dmesg_has "cannot change mode: /dev/$a is mapped by a process; unmap it"
check_fail "cache change while mapped is refused too" sh -c "echo uc >/sys/class/iopmem/$dev/cache"
check "the mapping still works" kill -0 "$MAP_PID"
map_release
check "... and the device is still there" test -c "/dev/$a"

check "switch back to fsdax once unmapped" sh -c "echo fsdax >$mode"
check "block device is back" test -b "/dev/$dev"
check_eq "the block device sees what devdax wrote" "$(pattern devdax | sha256sum)" \
	"$(dd if=/dev/$dev bs=4096 skip=$((off / 4096)) count=1 status=none | sha256sum)"
check_eq "no device-dax region left" "" "$(daxctl list -R)"
