#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# XFS -o dax on /dev/iopmem0: DAX is in use, a file filling most of the file
# system survives a fio write + crc32c verify, and bytes written in the guest
# sit in the BAR's host backing file where FIEMAP says (xfs.host.sh).
# vm: ivshmem 512M addr=04.0
# vm: timeout 300
# results: 15
. /tests/lib.sh
. /tests/iopmem.sh

check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $IOPMEM_PCI) || die "cannot bind $IOPMEM_PCI to iopmem"
check_eq "device name" iopmem0 "$dev"
check "block device node exists" test -b /dev/iopmem0
check_eq "exact size" 536870912 "$(blockdev --getsize64 /dev/iopmem0)"
check_eq "logical block size" 512 "$(cat /sys/block/iopmem0/queue/logical_block_size)"
check_eq "physical block size" 4096 "$(cat /sys/block/iopmem0/queue/physical_block_size)"
check_eq "queue advertises DAX" 1 "$(cat /sys/block/iopmem0/queue/dax)"

iopmem_mount_xfs iopmem0 /mnt || die "mkfs.xfs -m reflink=0 and mount -o dax"
ok "mkfs.xfs -m reflink=0 and mount -o dax"
fs_dax_checks xfs /mnt

check "umount" umount /mnt
check "xfs_repair -n finds the file system clean" xfs_repair -n /dev/iopmem0
