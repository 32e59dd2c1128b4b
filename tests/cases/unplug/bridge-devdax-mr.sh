#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# unplug/devdax-mr, then the root port above the removed device goes too
# (sysfs remove) while the MR still holds the instance's pages.  The
# instance's iomem region hangs below the claim on the BAR's window once
# the BAR is gone; when the bridge goes, the claim moves up out of the
# bridge's window (unplug/window-bridge) and must take the instance's
# region with it.  A region lost with the BAR or the bridge makes its
# release log "Trying to free nonexistent resource" (and on the KASAN
# kernel kmemleak finds the leaked struct resource); a claim left in the
# freed bridge window is a use-after-free at the deregistration.
# vm: machine q35
# vm: device pcie-root-port id=rp0 chassis=1 slot=1 bus=pcie.0 addr=04.0
# vm: ivshmem 512M bus=rp0 id=iv0
# vm: timeout 300
# vm: smp 2
# vm: solo
# results: 16
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/unplug/common.inc
. /tests/rdma/rxe.inc

PORT=0000:00:04.0

devdax_mr_held "$UNPLUG_PCI"
dev=$DEV a=${DAX#/dev/}
window=$(bar_range "$UNPLUG_PCI" 2)
dmesg_mark
unplug_request
check "device_del completes at once, though the MR holds pages" unplug_wait_gone
check "/proc/iomem: /dev/$a's region is still there" grep -q " : $a\$" /proc/iomem
check "remove the root port above it (sysfs)" \
	sh -c "echo 1 >/sys/bus/pci/devices/$PORT/remove"
check "/proc/iomem: the window stays claimed, moved out of the bridge's" \
	iomem_claimed_soon "$window"
check "... with /dev/$a's region still in it" grep -q " : $a\$" /proc/iomem
echo touch >&9
map_release
check_eq "the read-only mapping was revoked: its process got SIGBUS on a read" 135 $?
check "ibv_dereg_mr" mr_release
check "then the region goes, and says so" devdax_region_gone "$dev"
check_fail "... its instance's iomem region released, not lost" \
	dmesg_has "Trying to free nonexistent resource"
check_fail "/proc/iomem: the claim is gone" iomem_claimed "$window"
check_fail "/proc/iomem: /dev/$a's region is gone" grep -q " : $a\$" /proc/iomem
check "rmmod iopmem" rmmod iopmem
