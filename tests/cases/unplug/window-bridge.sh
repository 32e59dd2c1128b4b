#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The claim on a removed device's window (see unplug/window) sits in the
# window of the bridge above the device. Removing that bridge too (sysfs
# remove of the root port, under a mounted XFS -o dax) releases the
# bridge's windows and frees its struct pci_dev: a claim left inside would
# point into freed memory, and the umount's release of it is then a
# use-after-free (KASAN on the debug kernel). The claim must move up out
# of the departing window, still cover the BAR's range afterwards, and go
# away cleanly at the umount.
# vm: machine q35
# vm: device pcie-root-port id=rp0 chassis=1 slot=1 bus=pcie.0 addr=04.0
# vm: ivshmem 512M bus=rp0 id=iv0
# vm: timeout 300
# vm: smp 2
# vm: solo
# results: 8
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/unplug/common.inc

PORT=0000:00:04.0

xfs_mapped_window
window=$WINDOW

check "remove the root port above the device (sysfs)" \
	sh -c "echo 1 >/sys/bus/pci/devices/$PORT/remove"
check_fail "... and the device with it" test -e /sys/bus/pci/devices/$UNPLUG_PCI

check "/proc/iomem: the window is still claimed, with the BAR's range" \
	iomem_claimed_soon "$window"

# Whether a rescanned device would be given the window cannot be shown
# here: the rescan moves the port's prefetchable window above 4 GiB with
# or without the claim (unplug/window shows it for a hot-plugged device).
check "rescan: the port and the device are back" \
	sh -c "echo 1 >/sys/bus/pci/rescan && test -e /sys/bus/pci/devices/$UNPLUG_PCI"

check "umount" umount /mnt
check_fail "/proc/iomem: the claim is gone with the last user" \
	iomem_claimed "$window"
check "rmmod" rmmod iopmem
