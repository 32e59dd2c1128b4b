#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Hot-unplug (QMP device_del) while a process maps a /dev/daxN.M: no oops or
# hang, the mapping is torn down and the process gets SIGBUS on its next
# access; plugged back, the region comes back and msync'ed data is intact.
# vm: machine q35
# vm: device pcie-root-port id=rp0 chassis=1 slot=1 bus=pcie.0 addr=04.0
# vm: ivshmem 512M bus=rp0 id=iv0
# vm: timeout 300
# vm: smp 2
# vm: solo
# results: 10
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/unplug/common.inc

M=1048576
check "modprobe iopmem mode=devdax" iopmem_load mode=devdax
dev=$(iopmem_bind $UNPLUG_PCI) || die "bind $UNPLUG_PCI"
devdax_under_load unplug
a=$DAX_DEV

check "device_del: the guest removes the device" unplug_device
echo touch >&9
map_release
check_eq "the mapping's user got SIGBUS on its next access" 135 $?
check "/dev/$a is gone" test ! -e "/dev/$a"
check "rmmod" rmmod iopmem

check "device_add on the same backing file: the guest sees it again" replug_device
check "modprobe iopmem mode=devdax again" modprobe iopmem mode=devdax
dev=$(iopmem_bind $UNPLUG_PCI) || die "bind after the replug"
a=$(daxctl create-device -r 0 -s 64M | jq -r '.[0].chardev')
check_eq "msync'ed data is intact" "$(sha256sum </tmp/block)" \
	"$(mmap-io read "/dev/$a" 0 $((2 * M)) | sha256sum)"
