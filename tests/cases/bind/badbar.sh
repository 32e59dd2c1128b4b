#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# BARs iopmem cannot use are refused with a message naming the device, the
# cause and the fix, and leave no device behind: a BAR under 2 MiB, an I/O
# BAR, an unimplemented BAR, a device without a 64-bit memory BAR; and the
# bar parameter refuses garbage.
# vm: ivshmem 512M addr=04.0
# vm: ivshmem 1M addr=05.0
# vm: device pci-testdev addr=06.0
# results: 26
. /tests/lib.sh
. /tests/iopmem.sh

SMALL=0000:00:05.0
TESTDEV=0000:00:06.0

check "modprobe iopmem" iopmem_load

# refused ADDR BAR MESSAGE-REGEX : binding ADDR with bar=BAR fails, says
# MESSAGE, and leaves nothing.
refused() {
	echo "$2" >/sys/module/iopmem/parameters/bar
	dmesg_mark
	check_fail "$1 bar=$2: bind refused" pci_bind_iopmem "$1"
	check "$1 bar=$2: message names device, cause and fix" dmesg_has "iopmem $1: $3"
	check_eq "$1 bar=$2: no iopmem device left" "" "$(ls /sys/class/iopmem)"
	echo >"/sys/bus/pci/devices/$1/driver_override"
}

refused $SMALL -1 'BAR2 .* is smaller than 2 MiB \(the smallest ZONE_DEVICE unit\); choose a larger BAR with bar=N'
refused $IOPMEM_PCI 0 'BAR0 .* is smaller than 2 MiB'
refused $IOPMEM_PCI 5 'BAR5 is not implemented; choose a memory BAR with bar=N'
refused $TESTDEV -1 'no 64-bit memory BAR; choose a memory BAR with bar=N'
refused $TESTDEV 1 'BAR1 is an I/O port BAR; choose a memory BAR with bar=N'

echo -1 >/sys/module/iopmem/parameters/bar
for bad in 6 -2 x 99999999999; do
	dmesg_mark
	check_fail "bar=$bad refused" sh -c "echo $bad >/sys/module/iopmem/parameters/bar"
	check "bar=$bad: message gives the valid values" dmesg_has "bar=$bad is not a BAR number; use 0 to 5, or -1"
done
check_eq "bar unchanged by garbage" -1 "$(cat /sys/module/iopmem/parameters/bar)"
check "a good device still binds afterwards" pci_bind_iopmem $IOPMEM_PCI
