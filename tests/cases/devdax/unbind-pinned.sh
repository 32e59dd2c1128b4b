#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unbind while a pipe holds a page of a device-dax instance (vmsplice; an
# RDMA registration or O_DIRECT in flight hold pages alike) and two other
# processes map the instance, one read-write, one read-only. Removing the
# region frees its struct pages whatever holds them, so iopmem revokes the
# mappings at once (both mapping processes get SIGBUS while the unbind
# still waits), then waits for the page, saying which one, and
# finishes the unbind once the pipe lets go. A driver that does not wait
# fails the "unbind waits" check here, and on the KASAN kernel the pipe's
# release then touches a freed struct page.
# vm: ivshmem 512M addr=04.0
# vm: timeout 300
# results: 10
. /tests/lib.sh
. /tests/iopmem.sh

M=1048576
check "modprobe iopmem mode=devdax" iopmem_load mode=devdax
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
a=$(daxctl create-device -r "$(iopmem_region "$dev")" -s 64M | jq -r '.[0].chardev')
check "create a 64 MiB instance" test -c "/dev/$a"

MAP_MODE=pin map_hold "/dev/$a" 0 $((2 * M)) || die "cannot pin a page of /dev/$a"
# A second holder, mapping the next 2 MiB: fd 8 and its own FIFO.
mkfifo /tmp/hold
# Neither it nor the unbind below may keep the pin's FIFO (fd 9) open: the
# pin ends when its reader sees EOF.
mmap-io hold "/dev/$a" $((2 * M)) $((2 * M)) </tmp/hold >/tmp/hold.addr 9>&- &
hold_pid=$!
exec 8>/tmp/hold
# A third, read-only: fd 6.
mkfifo /tmp/ro
mmap-io hold-ro "/dev/$a" $((4 * M)) $((2 * M)) </tmp/ro >/tmp/ro.out 9>&- 8>&- &
ro_pid=$!
exec 6>/tmp/ro
for _i in 1 2 3 4 5 6 7 8 9 10; do
	[ -s /tmp/hold.addr ] && [ -s /tmp/ro.out ] && break
	sleep 0.5
done
[ -s /tmp/hold.addr ] || die "cannot map /dev/$a"
[ -s /tmp/ro.out ] || die "cannot map /dev/$a read-only"

# A file of the instance stays open across the removal and is closed
# after it: device_dax's open left the node's inode pointing into the dax
# inode, which the last close frees. Whether the dax inode is gone before
# the node is evicted is a race (aer/devdax hit it once on 7.2, KASAN);
# without iopmem's fix this step passed in a control run, so it exercises
# the path but does not prove the fix.
exec 7<"/dev/$a"
unbind_held "$dev" "an RDMA registration, O_DIRECT in flight, a pipe"
echo touch >&8
exec 8>&-
wait $hold_pid
check_eq "the mapping was revoked: its process got SIGBUS" 135 $?
echo touch >&6
exec 6>&-
wait $ro_pid
check_eq "the read-only mapping too: its process got SIGBUS on a read" 135 $?
rm -f /tmp/hold /tmp/hold.addr /tmp/ro /tmp/ro.out

map_release
wait $UNBIND_PID
check_eq "unbind finished once the pipe let go" 0 $?
check_eq "the device is unbound" "" "$(pci_driver $IOPMEM_PCI)"
check "/dev/$a is gone" test ! -e "/dev/$a"
sleep 1
exec 7<&-
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind again"
check_eq "bound again: back in devdax mode" devdax "$(iopmem_attr "$dev" mode)"
