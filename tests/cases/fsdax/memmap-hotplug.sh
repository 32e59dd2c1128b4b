#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# memmap=dev in a hot-plug slot (q35, the BAR behind a hot-plug capable
# PCIe root port): refused at bind and as a later change, naming the slot
# and memmap ram, because after a surprise removal the kernel would read
# the struct pages kept in the gone BAR while it unmaps the range.  (QEMU
# reads a removed BAR as zeros, not all-ones, so the oops itself cannot be
# shown here.)  memmap ram binds; nothing is left of the refusals.
# fsdax/memmap shows memmap=dev working where there is no hot-plug slot.
# vm: machine q35
# vm: device pcie-root-port id=rp0 chassis=1 slot=1 bus=pcie.0 addr=04.0
# vm: ivshmem 512M bus=rp0 id=iv0
# results: 11
. /tests/lib.sh
. /tests/iopmem.sh

PCI=0000:01:00.0
check "the root port above the BAR is hot-plug capable (SltCap HotPlug+)" \
	sh -c "lspci -vv -s 00:04.0 | grep -q 'SltCap:.*HotPlug+'"
check "modprobe iopmem memmap=dev" iopmem_load memmap=dev
start=$(($(bar_start $PCI 2)))
end=$((start + 512 * 1048576))

dmesg_mark
check_fail "bind with memmap=dev is refused" pci_bind_iopmem $PCI
check "... naming the slot and the fix" dmesg_has \
	"memmap dev refused: $PCI is in a hot-plug slot, and after a surprise removal the kernel would read struct pages from the gone BAR; use memmap ram"
check_eq "no iopmem device left" "" "$(iopmem_of $PCI)"
check_eq "no memory type reservation left" "" "$(pat_types "$start" "$end")"

echo ram >/sys/module/iopmem/parameters/memmap
pci_unbind $PCI
dev=$(iopmem_bind $PCI) || die "bind $PCI with memmap=ram"
dmesg_mark
check_fail "a switch to memmap dev is refused" \
	sh -c "echo dev >/sys/class/iopmem/$dev/memmap"
check "... for the same reason" dmesg_has "$dev: memmap dev refused: $PCI is in a hot-plug slot"
check_eq "the device stays on memmap ram, online, with all of the range" \
	"ram online 0 $((512 * 1048576))" \
	"$(iopmem_attr "$dev" memmap) $(iopmem_attr "$dev" state) $(iopmem_attr "$dev" memmap_reserved) $(blockdev --getsize64 /dev/"$dev")"
check "unbind" pci_unbind $PCI
check "rmmod" rmmod iopmem
