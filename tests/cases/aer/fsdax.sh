#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A fatal error (surprise link down: the link is reset) under a mounted
# XFS -o dax with a fio verify job running and a process holding a DAX
# mapping: iopmem stops all I/O and stays offline after the reset, since
# writes in flight may be lost.  fio gets an I/O error, the mapping's user
# SIGBUS; bringing the device back is refused while the file system is
# still mounted, and works after umount, with the data fsynced before the
# error intact.
# vm: machine q35
# vm: device pcie-root-port id=rp0 chassis=1 slot=1 bus=pcie.0 addr=04.0
# vm: ivshmem 512M bus=rp0 id=iv0
# vm: timeout 300
# vm: smp 2
# vm: solo
# results: 20
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/aer/common.inc

check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $AER_PCI) || die "bind $AER_PCI"
xfs_under_load "$dev" aer

aer_inject SDN || die "the AER core reported no recovery within 30 s"
check "the AER core reset the link and recovered" \
	sh -c "echo '$AER_VERDICT' | grep -q successful"
check "iopmem logged the fatal error, the stop and the way back" \
	dmesg_has "$dev: fatal PCIe error, the link is being reset: I/O stopped, the device is offline; .* echo fsdax > /sys/class/iopmem/$dev/mode"
check "after the reset iopmem says the device stays offline" \
	dmesg_has "iopmem $AER_PCI: link recovered; $dev stays offline"
xfs_went_offline "$dev"
check "fio reported an I/O error" grep -qiE 'error|Input/output' /tmp/fio.log

dmesg_mark
check_fail "bringing it back is refused while the file system is mounted" \
	sh -c "echo fsdax >/sys/class/iopmem/$dev/mode"
check "... and the kernel log says to unmount it" \
	dmesg_has "still mapped by $dev, which was removed while in use; unmount"
check_eq "... the device stays offline" offline "$(iopmem_attr "$dev" state)"
check "umount" umount /mnt
check "iopmemctl list shows it offline, with the way back" \
	sh -c "iopmemctl list | grep -Eq '^$dev .* offline: iopmemctl set $dev --mode fsdax\$'"
xfs_back_online "$dev" aer
