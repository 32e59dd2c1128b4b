#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# udev/60-iopmem.rules, as udevadm test applies it to /dev/iopmemN, next to
# the host's default 50-udev-default.rules and 60-persistent-storage.rules
# (in the guest under /usr/lib/udev/rules.d): group disk and mode 0660 (from
# the defaults), /dev/iopmem/by-path/pci-<address>-bar<N>, and, once it
# holds an XFS, /dev/disk/by-uuid/<uuid> and /dev/disk/by-label/<label>
# (60-persistent-storage.rules skips iopmem*: with the rules before these
# links were added, those two checks fail).
# vm: ivshmem 512M addr=04.0
# results: 9
. /tests/lib.sh
. /tests/iopmem.sh

check "the rules are installed" test -f /etc/udev/rules.d/60-iopmem.rules
# The guest's /etc/group is minimal; a real system has the disk group.
grep -q '^disk:' /etc/group || echo 'disk:x:6:' >>/etc/group
check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
mkdir -p /run/udev
udevadm test --action=add "/sys/class/block/$dev" >/tmp/udev.log 2>&1
info "udevadm test: $(grep -c . /tmp/udev.log) lines"
check "udevadm test applies 60-iopmem.rules" grep -q '60-iopmem.rules' /tmp/udev.log
check "/dev/$dev gets group disk and mode 0660" \
	grep -q "Setting permissions /dev/$dev, uid=0, gid=6, mode=0660" /tmp/udev.log
check "stable by-path link to /dev/$dev" \
	grep -q "symlink '/dev/iopmem/by-path/pci-$IOPMEM_PCI-bar2' to '/dev/$dev'" /tmp/udev.log
on_exit "rm -rf /dev/iopmem /dev/disk /run/udev"

uuid=5e1f2a3b-6c7d-4e8f-9a0b-1c2d3e4f5a6b
label=iopmemtest
modprobe xfs
check "mkfs.xfs with UUID $uuid and label $label" \
	mkfs.xfs -q -f -m reflink=0,uuid=$uuid -L $label "/dev/$dev"
udevadm test --action=add "/sys/class/block/$dev" >/tmp/udev-fs.log 2>&1
info "udevadm test with XFS: $(grep -c . /tmp/udev-fs.log) lines"
check "by-uuid link to /dev/$dev" \
	grep -q "symlink '/dev/disk/by-uuid/$uuid' to '/dev/$dev'" /tmp/udev-fs.log
check "by-label link to /dev/$dev" \
	grep -q "symlink '/dev/disk/by-label/$label' to '/dev/$dev'" /tmp/udev-fs.log

check "unbind" pci_unbind $IOPMEM_PCI
