#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# udev/60-iopmem.rules, as udevadm test applies it to /dev/iopmemN: group
# disk, mode 0660, and /dev/iopmem/by-path/pci-<address>-bar<N>.
# vm: ivshmem 512M addr=04.0
# results: 6
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
on_exit "rm -rf /dev/iopmem /run/udev"

check "unbind" pci_unbind $IOPMEM_PCI
