#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Two claims under one departing bridge.  iv0 and iv1 sit on the two
# downstream ports of a PCIe switch below one root port.  iv0 is hot-
# unplugged (QMP device_del) while an RDMA MR holds pages of a device-dax
# instance, so its window stays claimed with the instance's region inside
# (unplug/devdax-mr); iv1 carries a mounted XFS -o dax.  Then the root
# port goes (sysfs remove): iv1 is removed in use, and four bridge windows
# (two downstream ports, the upstream port, the root port) are released
# around the two claims, bottom up.  Each claim must move out of every
# departing window in turn, keep its own BAR's range, and go with its own
# last user: the MR for iv0, the umount for iv1, in that order.  A claim
# left in a freed window is a use-after-free at its release (KASAN on the
# debug kernel); one moved without the instance's region below it loses
# that region ("Trying to free nonexistent resource", and kmemleak); one
# released by the other device's last user shows in /proc/iomem.
# vm: machine q35
# vm: device pcie-root-port id=rp0 chassis=1 slot=1 bus=pcie.0 addr=04.0
# vm: device x3130-upstream id=up0 bus=rp0
# vm: device xio3130-downstream id=dp0 bus=up0 chassis=2 slot=0 addr=00.0
# vm: device xio3130-downstream id=dp1 bus=up0 chassis=3 slot=0 addr=01.0
# vm: ivshmem 256M bus=dp0 id=iv0
# vm: ivshmem 512M bus=dp1 id=iv1
# vm: timeout 300
# vm: smp 2
# vm: solo
# results: 23
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/unplug/common.inc
. /tests/rdma/rxe.inc

PORT=0000:00:04.0
UNPLUG_PCI=0000:03:00.0
IV1=0000:04:00.0

check "iv0 and iv1 below the switch below $PORT" \
	test -e "/sys/bus/pci/devices/$PORT/0000:01:00.0/0000:02:00.0/$UNPLUG_PCI" -a \
	-e "/sys/bus/pci/devices/$PORT/0000:01:00.0/0000:02:01.0/$IV1" ||
	die "unexpected topology: $(lspci 2>&1 | tr '\n' ';')"

devdax_mr_held "$UNPLUG_PCI"
dev0=$DEV a=${DAX#/dev/}
window0=$(bar_range "$UNPLUG_PCI" 2)
dev1=$(iopmem_bind "$IV1") || die "bind $IV1"
check "$dev1 to fsdax" sh -c "echo fsdax >/sys/class/iopmem/$dev1/mode"
iopmem_mount_xfs "$dev1" /mnt || die "mkfs.xfs and mount -o dax on $dev1"
pattern two-claims >/mnt/file
window1=$(bar_range "$IV1" 2)
info "iv0 $window0, iv1 $window1"

dmesg_mark
unplug_request
check "device_del of iv0 completes at once, though the MR holds pages" \
	unplug_wait_gone
check "/proc/iomem: iv0's window claimed" iomem_claimed_soon "$window0"
check "remove the root port above both (sysfs)" \
	sh -c "echo 1 >/sys/bus/pci/devices/$PORT/remove"
check_fail "... and iv1 with it" test -e "/sys/bus/pci/devices/$IV1"

check "/proc/iomem: iv0's window still claimed, out of the bridges' windows" \
	iomem_claimed_soon "$window0"
check "/proc/iomem: iv1's window claimed too" iomem_claimed_soon "$window1"
check "... with /dev/$a's region in iv0's claim" grep -q " : $a\$" /proc/iomem

echo touch >&9
map_release
check_eq "the read-only mapping was revoked: its process got SIGBUS on a read" 135 $?
check "ibv_dereg_mr" mr_release
check "then iv0's region goes, and says so" devdax_region_gone "$dev0"
check_fail "... its instance's iomem region released, not lost" \
	dmesg_has "Trying to free nonexistent resource"
check_fail "/proc/iomem: iv0's claim is gone" iomem_claimed "$window0"
check "/proc/iomem: iv1's claim stays while its XFS is mounted" \
	iomem_claimed "$window1"
check "umount /mnt (iv1)" umount /mnt
check_fail "/proc/iomem: iv1's claim is gone" iomem_claimed "$window1"
check_fail "... and no iopmem resource is left" grep -q iopmem /proc/iomem
check "rmmod iopmem" rmmod iopmem
