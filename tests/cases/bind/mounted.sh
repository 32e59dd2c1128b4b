#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unbind under a mounted XFS -o dax: unbind returns, the file system gets
# errors instead of touching freed memory, a rebind is refused while the old
# file system still holds the pages, and umount, rmmod, modprobe, bind and
# mount then work with the data fsynced before the removal intact.
# vm: ivshmem 512M addr=04.0
# results: 16
. /tests/lib.sh
. /tests/iopmem.sh

check "modprobe iopmem" iopmem_load
# The I/O errors below are the point; XFS's default error level would dump
# a stack for each, which the rig rightly counts as a kernel failure.
modprobe xfs
echo 0 >/proc/sys/fs/xfs/error_level
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
iopmem_mount_xfs "$dev" /mnt || die "mkfs.xfs and mount -o dax"
pattern mounted >/mnt/kept
check "fsync the file" xfs_io -c fsync /mnt/kept
exec 3</mnt/kept

check_fail "rmmod while mounted is refused" rmmod iopmem

dmesg_mark
check "unbind while mounted returns" pci_unbind $IOPMEM_PCI
check "the device says it is removed" dmesg_has "iopmem0: removed"
check "no block device node after unbind" test ! -e /dev/iopmem0
check_fail "writing through the orphaned mount fails" \
	dd if=/dev/zero of=/mnt/after bs=1M count=4 conv=fsync status=none

dmesg_mark
check_fail "rebind while the old file system holds the pages is refused" \
	pci_bind_iopmem $IOPMEM_PCI
check "... naming the holder and the fix" \
	dmesg_has "is still mapped by iopmem0, which was removed while in use; unmount or close /dev/iopmem0"
check_fail "rmmod while the orphaned mount exists is refused" rmmod iopmem

exec 3<&-
check "umount the orphaned file system" umount /mnt
check "rmmod after umount" rmmod iopmem
check "modprobe again" modprobe iopmem
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind after umount"
ok "bind after umount"
mount -o dax "/dev/$dev" /mnt || die "mount again"
check_eq "data fsynced before the removal is intact" \
	"$(pattern mounted | sha256sum)" "$(sha256sum </mnt/kept)"
check "umount" umount /mnt
