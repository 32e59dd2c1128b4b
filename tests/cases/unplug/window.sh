#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Hot-unplug under a mounted XFS -o dax: the struct pages live on until the
# umount, and so must the claim on the address window. Without it the PCI
# core gives the window to the next device plugged into the slot, whose
# BAR the old mappings would then reach. /proc/iomem lists the claim until
# the umount, a device hot-plugged meanwhile gets a BAR outside the
# window, and once the claim is gone the next one gets the window again
# (which shows that the allocator would have handed it out).
# vm: machine q35
# vm: device pcie-root-port id=rp0 chassis=1 slot=1 bus=pcie.0 addr=04.0
# vm: ivshmem 512M bus=rp0 id=iv0
# vm: timeout 300
# vm: smp 2
# vm: solo
# results: 11
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/unplug/common.inc

xfs_mapped_window
window=$WINDOW

check_fail "no claim of a removed device while it is bound" iomem_claimed "$window"
check "device_del: the guest removes the device" unplug_device
check "/proc/iomem: the window stays claimed while XFS is mounted" \
	iomem_claimed "$window"

check "device_add meanwhile: the guest sees a new device" replug_device
check_fail "the new device's BAR is not in the claimed window" \
	ranges_overlap "$(bar_range $UNPLUG_PCI 2)" "$window"

check "device_del the new device" unplug_device
check "umount" umount /mnt
check_fail "/proc/iomem: the claim is gone with the last user" \
	iomem_claimed "$window"
replug_gets_window() {
	replug_device && ranges_overlap "$(bar_range $UNPLUG_PCI 2)" "$window"
}
check "device_add again: the window is free, and the new device gets it" \
	replug_gets_window
check "rmmod" rmmod iopmem
