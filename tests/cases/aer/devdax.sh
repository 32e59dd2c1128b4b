#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A fatal error while a process maps a /dev/daxN.M: the region and its
# instances go (the process gets SIGBUS), the device stays offline after
# the link reset, and writing the mode brings the region back with the
# msync'ed data intact.
# vm: machine q35
# vm: device pcie-root-port id=rp0 chassis=1 slot=1 bus=pcie.0 addr=04.0
# vm: ivshmem 512M bus=rp0 id=iv0
# vm: timeout 300
# vm: smp 2
# vm: solo
# results: 13
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/aer/common.inc

M=1048576
check "modprobe iopmem mode=devdax" iopmem_load mode=devdax
dev=$(iopmem_bind $AER_PCI) || die "bind $AER_PCI"
devdax_under_load aer-devdax
a=$DAX_DEV

aer_inject SDN || die "the AER core reported no recovery within 30 s"
check "the AER core reset the link and recovered" \
	sh -c "echo '$AER_VERDICT' | grep -q successful"
check "iopmem logged the stop and the way back" \
	dmesg_has "$dev: fatal PCIe error, the link is being reset: I/O stopped, .* echo devdax > /sys/class/iopmem/$dev/mode"
echo touch >&9
map_release
check_eq "the mapping's user got SIGBUS on its next access" 135 $?
check "/dev/$a is gone" test ! -e "/dev/$a"
check_eq "the device is offline" offline "$(iopmem_attr "$dev" state)"
check_eq "daxctl lists no region" 0 "$(daxctl list -R | jq -s 'add | length')"

check "bring it back: echo devdax > mode" sh -c "echo devdax >/sys/class/iopmem/$dev/mode"
check_eq "the device is online" online "$(iopmem_attr "$dev" state)"
a=$(daxctl create-device -r 0 -s 64M | jq -r '.[0].chardev')
check "create the instance again" test -c "/dev/$a"
check_eq "msync'ed data is intact" "$(sha256sum </tmp/block)" \
	"$(mmap-io read "/dev/$a" 0 $((2 * M)) | sha256sum)"
