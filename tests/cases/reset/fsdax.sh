#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A function reset through sysfs (the PCI core picks FLR or, here behind
# a root port, a secondary bus reset) under a mounted XFS -o dax with a
# fio verify job running and a process holding a DAX mapping.  The reset
# turns memory decoding off and on real hardware may lose the BAR's
# contents, so iopmem goes offline as after a fatal AER error: fio gets an
# I/O error, the mapping's user SIGBUS, and no read returns the all-ones
# of a BAR that does not decode.  A driver without reset handlers fails
# the "offline" checks: its block device and fio go on through the reset.
# The QEMU BAR keeps its contents across the reset (a host file), so the
# data loss itself cannot be shown here; the data fsynced before is
# checked intact after bringing the device back.
# vm: machine q35
# vm: device pcie-root-port id=rp0 chassis=1 slot=1 bus=pcie.0 addr=04.0
# vm: ivshmem 512M bus=rp0 id=iv0
# vm: timeout 300
# vm: smp 2
# results: 15
. /tests/lib.sh
. /tests/iopmem.sh

pci=0000:01:00.0
check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $pci) || die "bind $pci"
methods=$(cat /sys/bus/pci/devices/$pci/reset_method 2>/dev/null)
[ -n "$methods" ] || die "$pci has no reset method"
xfs_under_load "$dev" reset

dmesg_mark
check "reset the function while mounted ($methods)" \
	sh -c "echo 1 >/sys/bus/pci/devices/$pci/reset"
check "iopmem logged the reset, the stop and the way back" \
	dmesg_has "$dev: function reset \(FLR or bus reset\), data may be lost: I/O stopped, the device is offline; .* echo fsdax > /sys/class/iopmem/$dev/mode"
check "after the reset iopmem says the device stays offline" \
	dmesg_has "iopmem $pci: reset done; $dev stays offline"
# No block device: no read can return the all-ones of a reset BAR.
xfs_went_offline "$dev"

check "umount" umount /mnt
xfs_back_online "$dev" reset
