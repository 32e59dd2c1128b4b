#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# memmap=dev records its layout in an info block at the start of the
# range, and a setting that disagrees with the device is refused instead
# of destroying data: memmap=dev over an XFS that memmap=ram left (bind
# and sysfs switch) is refused and the file system stays intact; after
# wipefs the switch writes a new layout; memmap=ram over that layout is
# refused, memmap=dev finds it again with its data; a damaged info block
# refuses memmap=dev, and memmap=ram then a switch start over.  The
# controls: each refused setting binds once the device agrees with it.
# vm: ivshmem 512M addr=04.0
# vm: timeout 300
# results: 32
. /tests/lib.sh
. /tests/iopmem.sh

RES=/sys/bus/pci/devices/$IOPMEM_PCI/resource2
LAYOUT_NEW='iopmem[0-9]+: new memmap=dev layout [0-9a-f-]{36}: struct pages in the first 10 MiB, data after them'

# bind_memmap MEMMAP : bind the BAR with module parameter memmap=MEMMAP;
# prints the device name.
bind_memmap() {
	echo "$1" >/sys/module/iopmem/parameters/memmap && iopmem_bind $IOPMEM_PCI
}

# kept TAG : the file /mnt/kept holds pattern TAG.
kept() {
	[ "$(pattern "$1" | sha256sum)" = "$(sha256sum </mnt/kept)" ]
}

check "modprobe iopmem" iopmem_load
modprobe xfs

# An XFS made under memmap=ram starts at byte 0 of the range.
dev=$(bind_memmap ram) || die "bind with memmap=ram"
iopmem_mount_xfs "$dev" /mnt || die "mkfs.xfs and mount -o dax"
on_exit "unmount_if_mounted /mnt"
pattern ram >/mnt/kept
xfs_io -c fsync /mnt/kept
check "umount" umount /mnt
check "unbind" pci_unbind $IOPMEM_PCI

dmesg_mark
check_fail "memmap=dev over that XFS is refused" bind_memmap dev
check "... the log names the file system and the fix" dmesg_has \
	"iopmem[0-9]+: holds an xfs file system and no memmap=dev layout; memmap=dev would overwrite it: keep memmap=ram or wipefs -a"
check "... no iopmem device is left" test -z "$(iopmem_of $IOPMEM_PCI)"
dev=$(bind_memmap ram) || die "bind with memmap=ram again"
mount -o dax "/dev/$dev" /mnt || die "mount the XFS again"
check "control: memmap=ram binds, the XFS mounts, its file is intact" kept ram
check "umount" umount /mnt

a=/sys/class/iopmem/$dev
dmesg_mark
check_fail "switching to memmap dev is refused the same way" sh -c "echo dev >$a/memmap"
check "... for the same reason" dmesg_has "iopmem[0-9]+: holds an xfs file system and no memmap=dev layout"
check_eq "... memmap is still ram" ram "$(cat $a/memmap)"

check "wipefs -a /dev/$dev" wipefs -q -a "/dev/$dev"
dmesg_mark
check "then memmap dev is accepted" sh -c "echo dev >$a/memmap"
check "... and writes a new layout" dmesg_has "$LAYOUT_NEW"
iopmem_mount_xfs "$dev" /mnt || die "mkfs.xfs and mount on the memmap=dev layout"
pattern dev >/mnt/kept
xfs_io -c fsync /mnt/kept
check "umount" umount /mnt
check "unbind" pci_unbind $IOPMEM_PCI
check_eq "the info block's magic starts the BAR" IOPMEM_MEMMAP \
	"$(mmap-io read "$RES" 0 13)"

dmesg_mark
check_fail "memmap=ram over the memmap=dev layout is refused" bind_memmap ram
check "... the log says where the data is and the fix" dmesg_has \
	"iopmem[0-9]+: holds a memmap=dev layout \(data from MiB 10 on\); bind with memmap=dev, then switch to memmap ram to discard it"
check "... no iopmem device is left" test -z "$(iopmem_of $IOPMEM_PCI)"
dmesg_mark
dev=$(bind_memmap dev) || die "bind with memmap=dev"
check_fail "control: memmap=dev binds on its layout and writes no new one" \
	dmesg_has "$LAYOUT_NEW"
mount -o dax "/dev/$dev" /mnt || die "mount the XFS on the memmap=dev layout"
check "... the XFS mounts, its file is intact" kept dev
check "umount" umount /mnt
check "unbind" pci_unbind $IOPMEM_PCI

# One byte of the info block's range size changed: its checksum fails.
printf X | mmap-io write "$RES" 24 1 || die "cannot change the info block"
dmesg_mark
check_fail "memmap=dev on a damaged info block is refused" bind_memmap dev
check "... the log says so, with the way out" dmesg_has \
	"iopmem[0-9]+: has a memmap=dev info block that is damaged, data start unknown; bind with memmap=ram, then switch to memmap dev to start over"
dmesg_mark
dev=$(bind_memmap ram) || die "bind with memmap=ram on a damaged info block"
check "memmap=ram binds, warning about it" dmesg_has \
	"iopmem[0-9]+: ignoring a memmap=dev info block that is damaged"
dmesg_mark
check "switching to memmap dev starts over" sh -c "echo dev >/sys/class/iopmem/$dev/memmap"
check "... with a new layout" dmesg_has "$LAYOUT_NEW"
check "switching back to memmap ram" sh -c "echo ram >/sys/class/iopmem/$dev/memmap"
check "unbind" pci_unbind $IOPMEM_PCI
check_eq "... erased the info block" "" "$(mmap-io read "$RES" 0 13 | tr -d '\0')"
