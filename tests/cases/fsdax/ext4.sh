#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ext4 -o dax on /dev/iopmem0: DAX in use, fio write + crc32c verify, and
# the bytes in the BAR's host backing file (ext4.host.sh).
# vm: ivshmem 512M addr=04.0
# vm: timeout 300
# results: 10
. /tests/lib.sh
. /tests/iopmem.sh

check "modprobe iopmem" iopmem_load
iopmem_bind $IOPMEM_PCI >/dev/null || die "cannot bind $IOPMEM_PCI to iopmem"
modprobe ext4
# DAX needs the block size to be the page size.
check "mkfs.ext4 -b 4096" mkfs.ext4 -q -F -b 4096 /dev/iopmem0
mkdir -p /mnt
mount -t ext4 -o dax /dev/iopmem0 /mnt || die "mount -t ext4 -o dax"
on_exit "unmount_if_mounted /mnt"
ok "mount -t ext4 -o dax"
fs_dax_checks ext4 /mnt

check "umount" umount /mnt
check "e2fsck -fn finds the file system clean" e2fsck -fn /dev/iopmem0
