#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Binding by driver_override and by new_id: the probe message, the sysfs
# attributes, and unbind / rmmod leaving no device, node or reservation.
# vm: ivshmem 512M addr=04.0
# results: 24
. /tests/lib.sh
. /tests/iopmem.sh

SYS=/sys/bus/pci/devices/$IOPMEM_PCI
check "modprobe iopmem" iopmem_load
check_eq "iopmem claims no device by itself" "" "$(pci_driver $IOPMEM_PCI)"

dmesg_mark
dev=$(iopmem_bind $IOPMEM_PCI) || die "driver_override bind of $IOPMEM_PCI"
ok "driver_override bind"
start=$(bar_start $IOPMEM_PCI 2)
end=$((start + 512 * 1024 * 1024))
check "probe message names device, BAR, range, size, cache and mode" \
	dmesg_has "iopmem0: $IOPMEM_PCI BAR2 \[mem $start-$(printf '0x%x' $((end - 1)))\] 512 MiB, cache wc, mode fsdax"
check_eq "range" "$start-$(printf '0x%x' $((end - 1)))" "$(iopmem_attr "$dev" range)"
check_eq "start" "$start" "$(iopmem_attr "$dev" start)"
check_eq "bar" 2 "$(iopmem_attr "$dev" bar)"
check_eq "size" 536870912 "$(iopmem_attr "$dev" size)"
check_eq "cache" wc "$(iopmem_attr "$dev" cache)"
check_eq "mode" fsdax "$(iopmem_attr "$dev" mode)"
check_eq "numa_node" "$(cat "$SYS/numa_node")" "$(iopmem_attr "$dev" numa_node)"
check "iopmem0 is a child of the PCI device" test -d "$SYS/iopmem/iopmem0"
check "the block device is a child of iopmem0" test -d "/sys/class/iopmem/iopmem0/iopmem0/queue"

check "unbind" pci_unbind $IOPMEM_PCI
check_eq "no iopmem device after unbind" "" "$(ls /sys/class/iopmem)"
check "no block device node after unbind" test ! -e /dev/iopmem0
check_eq "no reservation after unbind" "" "$(pat_types "$start" "$end")"

# new_id binds every device with the IDs, once driver_override is cleared.
echo >"$SYS/driver_override"
check "new_id 1af4 1110 binds the device" sh -c "echo '1af4 1110' >/sys/bus/pci/drivers/iopmem/new_id"
check_eq "bound through new_id" iopmem "$(pci_driver $IOPMEM_PCI)"
check "block device after new_id" test -b /dev/iopmem0
echo '1af4 1110' >/sys/bus/pci/drivers/iopmem/remove_id

check "rmmod while bound and idle" rmmod iopmem
check "no iopmem class after rmmod" test ! -e /sys/class/iopmem
check_eq "no reservation after rmmod" "" "$(pat_types "$start" "$end")"
check "modprobe again" modprobe iopmem
