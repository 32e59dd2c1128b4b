#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Hot-unplug (QMP device_del) while an RDMA MR (ibv_reg_mr over soft-RoCE,
# a long-term pin with no mapping left) holds pages of a device-dax
# instance and another process maps the same pages read-only.  Removing
# the region frees its struct pages whatever holds them, so iopmem revokes
# the mapping at once (the reader gets SIGBUS while the MR still holds
# the pages).  The hot-plug thread must not wait for a user: it holds the
# PCI core's rescan lock, on which every other hot-plug of the system
# waits.  So the removal completes at once and the region lingers,
# detached, with its window claimed, the held page named in the log, and
# iopmem held; once the MR is deregistered the region goes, and with it
# the claim.  A driver that frees the region at once fails the lingering
# checks (and on the KASAN kernel the deregistration then unpins freed
# struct pages); one that waits in the thread fails "device_del completes
# at once"; one that does not revoke fails the SIGBUS check.
# vm: machine q35
# vm: device pcie-root-port id=rp0 chassis=1 slot=1 bus=pcie.0 addr=04.0
# vm: ivshmem 512M bus=rp0 id=iv0
# vm: timeout 300
# vm: smp 2
# vm: solo
# results: 18
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/unplug/common.inc
. /tests/rdma/rxe.inc

devdax_mr_held "$UNPLUG_PCI"
dev=$DEV a=${DAX#/dev/}

window=$(bar_range "$UNPLUG_PCI" 2)
dmesg_mark
unplug_request
check "device_del completes at once, though the MR holds pages" unplug_wait_gone
check "... the log names the held page and what may hold it" \
	removal_waits_logged "$dev" "an RDMA registration, O_DIRECT in flight, a pipe"
echo touch >&9
map_release
check_eq "the read-only mapping was revoked: its process got SIGBUS on a read" 135 $?
check "the MR still holds the pages: its process is alive" kill -0 "$MR_PID"
check "the region lingers, detached from the removed device" \
	test -e /sys/bus/platform/devices/iopmem_dax.${dev#iopmem}
check "/proc/iomem: its window stays claimed" iomem_claimed "$window"
# The instance's own region stays in the tree, though its BAR is gone.
check "... with /dev/$a's region still in it" grep -q " : $a\$" /proc/iomem
check_fail "rmmod iopmem is refused meanwhile" rmmod iopmem
check "ibv_dereg_mr" mr_release
check "then the region goes, and says so" devdax_region_gone "$dev"
# Its instance's iomem region is released, not lost with the BAR.
check_fail "... and its instance's iomem region with it" \
	dmesg_has "Trying to free nonexistent resource"
check_fail "/proc/iomem: the claim is gone with it" iomem_claimed "$window"
check "/dev/$a is gone" test ! -e "/dev/$a"
check "rmmod iopmem" rmmod iopmem
