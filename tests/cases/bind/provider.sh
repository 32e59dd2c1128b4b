#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The provider API: a test driver that keeps its PCI device publishes a
# 128 MiB sub-range of BAR2 at 64 MiB; bytes written to the block device
# land there in the host backing file (provider.host.sh).  Ranges the core
# must refuse: misaligned size or start, System RAM, a range published
# twice.
# vm: ivshmem 512M addr=04.0
# results: 30
. /tests/lib.sh
. /tests/iopmem.sh

SYS=/sys/bus/pci/devices/$IOPMEM_PCI
check "modprobe iopmem" iopmem_load

# publish PARAMS... : (re)load the provider with PARAMS and bind the device.
publish() {
	pci_unbind $IOPMEM_PCI
	rmmod iopmem_test_provider 2>/dev/null
	modprobe iopmem_test_provider "$@" || return 1
	echo iopmem_test_provider >"$SYS/driver_override"
	echo $IOPMEM_PCI >/sys/bus/pci/drivers_probe 2>/dev/null
	[ "$(pci_driver $IOPMEM_PCI)" = iopmem_test_provider ]
}
on_exit "rmmod iopmem_test_provider"

start=$(($(bar_start $IOPMEM_PCI 2) + 64 * 1024 * 1024))
dmesg_mark
check "provider publishes 128 MiB at BAR2 + 64 MiB" publish
dev=$(iopmem_of $IOPMEM_PCI)
check_eq "iopmem device under the provider's device" iopmem0 "$dev"
check_eq "range" "$(printf '0x%x-0x%x' $start $((start + 128 * 1024 * 1024 - 1)))" \
	"$(iopmem_attr "$dev" range)"
check_eq "start is the sub-range's, not the BAR's" "$(printf '0x%x' $start)" \
	"$(iopmem_attr "$dev" start)"
check_eq "size" 134217728 "$(iopmem_attr "$dev" size)"
check_eq "bar" 2 "$(iopmem_attr "$dev" bar)"
check_eq "block device size" 134217728 "$(blockdev --getsize64 /dev/iopmem0)"
modprobe ext4
mkdir -p /mnt
check "ext4 -o dax on the sub-range" sh -c \
	'mkfs.ext4 -q -F -b 4096 /dev/iopmem0 && mount -o dax /dev/iopmem0 /mnt'
check "statx reports DAX on a file there" sh -c \
	'echo x >/mnt/x && . /tests/iopmem.sh && dax_enabled /mnt/x'
check "umount" umount /mnt
# After mkfs: the pattern must survive until the VM ends.
pattern provider >/tmp/p
check "write a pattern at 4 KiB" \
	dd if=/tmp/p of=/dev/iopmem0 bs=4096 seek=1 oflag=direct conv=fsync status=none
info "hostcheck provider $((64 * 1024 * 1024 + 4096))"

# refused DESC MESSAGE PARAMS... : the provider's probe fails with MESSAGE
# and no iopmem device is left.
refused() {
	_desc=$1 _msg=$2
	shift 2
	dmesg_mark
	check_fail "$_desc: refused" publish "$@"
	check "$_desc: message" dmesg_has "$_msg"
	check_eq "$_desc: no iopmem device left" "" "$(ls /sys/class/iopmem)"
}
refused "size 3 MiB" "not 2 MiB aligned in start and size.*publish the aligned part" size=$((3 * 1024 * 1024))
refused "start at +1 MiB" "not 2 MiB aligned in start and size" offset=$((1024 * 1024))
refused "System RAM" "overlaps System RAM; publish device memory only" phys=0x10000000
refused "size 1 MiB" "smaller than 2 MiB" size=$((1024 * 1024))

dmesg_mark
check "publishing the same range twice: the first stays" publish twice=1
check "the second is refused, naming the first" \
	dmesg_has "overlaps iopmem0, which is already published; unbind its owner first"
check_eq "only one iopmem device" iopmem0 "$(ls /sys/class/iopmem)"
check "unbind the provider" pci_unbind $IOPMEM_PCI
check_eq "no iopmem device after unbind" "" "$(ls /sys/class/iopmem)"
