#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# devdax/unbind-pinned, but the unbinding task is killed while it waits
# for the pipe's page.  The unbind ends at once; the region must not be
# freed under the page, nor kept until reboot: it lingers, detached from
# the gone iopmemN, with the BAR's window claimed and iopmem held, and
# goes once the pipe lets go, as after a hot-unplug (unplug/devdax-mr).
# A driver that kept the region until reboot fails "the region goes";
# one that left it below iopmemN fails "no longer below"; one that freed
# it fails the claim check (and on the KASAN kernel the pipe's release
# then touches a freed struct page).
# vm: ivshmem 512M addr=04.0
# vm: timeout 300
# results: 15
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/unplug/common.inc

check "modprobe iopmem mode=devdax" iopmem_load mode=devdax
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
a=$(daxctl create-device -r "$(iopmem_region "$dev")" -s 64M | jq -r '.[0].chardev')
check "create a 64 MiB instance" test -c "/dev/$a"
window=$(bar_range $IOPMEM_PCI 2)
region=/sys/bus/platform/devices/iopmem_dax.${dev#iopmem}

MAP_MODE=pin map_hold "/dev/$a" 0 2097152 || die "cannot pin a page of /dev/$a"
unbind_held "$dev" "an RDMA registration, O_DIRECT in flight, a pipe"
check "kill -9 the unbinding task" kill -9 "$UNBIND_PID"
wait "$UNBIND_PID"
check_eq "... which then ends" 137 $?
check "dmesg: the region stays until the page is released, it says" \
	dmesg_has "$dev: stopped waiting for held pages: region [0-9]+ keeps .* until they are released"
check_eq "the device is unbound" "" "$(pci_driver $IOPMEM_PCI)"
check "/proc/iomem: the BAR's window stays claimed" iomem_claimed "$window"
info "region: $(readlink -f "$region")"
check "the region lingers, no longer below $dev" \
	sh -c "test -e $region && ! readlink -f $region | grep -q /$dev/"
check_fail "rmmod iopmem is refused meanwhile" rmmod iopmem

map_release
check "once the pipe lets go, the region goes, and says so" \
	devdax_region_gone "$dev"
check_fail "/proc/iomem: the claim is gone" iomem_claimed "$window"
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind again"
check_eq "bound again: devdax" devdax "$(iopmem_attr "$dev" mode)"
check "rmmod iopmem" iopmem_unload
