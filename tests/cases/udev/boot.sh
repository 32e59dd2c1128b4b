#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A binding that survives a reboot, and fstab by UUID: /etc/iopmem.conf is
# applied at boot by udev/60-iopmem.rules (iopmemctl apply-config on the PCI
# device's add event), then `mount -a` mounts the XFS on it from an fstab
# line UUID=...  Three boots on the same BAR backing file:
#   1  /etc/iopmem.conf names the device by address; iopmemctl apply-config
#      binds it; mkfs.xfs with a known UUID, a file written, clean power-off
#   2  control: an empty /etc/iopmem.conf; udevd, trigger, settle as a boot
#      does: nothing is bound, no by-uuid link, mount -a fails
#   3  /etc/iopmem.conf names it by vendor:device; udevd, trigger, settle:
#      bound with the line's options, /dev/disk/by-uuid link, mount -a
#      mounts it, the file is there
# The guest starts from the same initramfs every boot, so /etc does not
# survive: boots 2 and 3 write /etc/iopmem.conf and /etc/fstab first, as
# the installed system's own files would be.
# vm: ivshmem 512M addr=04.0
# vm: boots 3
# vm: timeout 300
# results: 24
. /tests/lib.sh
. /tests/iopmem.sh

UUID=3f0c6a52-8d1e-4b7a-9e25-6c4d1f0a7b39
LABEL=iopmemboot
P=/sys/module/iopmem/parameters

grep -q '^disk:' /etc/group || echo 'disk:x:6:' >>/etc/group
mkdir -p /mnt
modprobe xfs
on_exit "[ ! -e /sys/module/iopmem ] || iopmem_unload"

# The boot's provisioning: the files an installed system would have.
provision() {
	printf '# written by the scenario (boot %s)\n%s\n' "$PHASE" "$1" >/etc/iopmem.conf
	printf 'UUID=%s /mnt xfs dax 0 0\n' "$UUID" >/etc/fstab
}

# What a boot does for devices: udevd, coldplug, wait.  udevadm is also
# udevd when called by that name.
udev_boot() {
	mkdir -p /run/udev
	ln -sf /usr/bin/udevadm /tmp/systemd-udevd
	/tmp/systemd-udevd --daemon || return 1
	on_exit "udevadm control --exit; rm -rf /dev/disk /dev/iopmem /run/udev"
	udevadm trigger --action=add &&
		udevadm settle --timeout=120
}

case $PHASE in
1)
	printf '%s bar=2 cache=uc mode=fsdax\n' "$IOPMEM_PCI" >/etc/iopmem.conf
	check "apply-config binds what /etc/iopmem.conf lists" iopmemctl apply-config
	check_eq "bound to iopmem" iopmem "$(pci_driver $IOPMEM_PCI)"
	dev=$(iopmem_of $IOPMEM_PCI)
	check_eq "the line's cache=uc, the module's default left as it was" \
		"uc wc" "$(iopmem_attr "$dev" cache) $(cat $P/cache)"
	check "apply-config again: already bound, nothing to do" iopmemctl apply-config
	check "mkfs.xfs with UUID $UUID" \
		mkfs.xfs -q -f -m reflink=0,uuid=$UUID -L $LABEL "/dev/$dev"
	check "mount -o dax" mount -o dax "/dev/$dev" /mnt
	pattern boot1 >/mnt/kept
	check "a file written and synced" sync
	check "umount before a clean power-off" umount /mnt
	;;
2)
	provision ""
	check_eq "no driver before udev runs" "" "$(pci_driver $IOPMEM_PCI)"
	check "udevd, trigger --action=add, settle" udev_boot
	check_eq "control: an empty config binds nothing" "" "$(pci_driver $IOPMEM_PCI)"
	check "control: no /dev/disk/by-uuid/$UUID" test ! -e "/dev/disk/by-uuid/$UUID"
	check_fail "control: mount -a fails (UUID=$UUID)" mount -a
	check_fail "control: nothing on /mnt" grep -q " /mnt " /proc/mounts
	;;
3)
	provision "1af4:1110 bar=2 cache=uc mode=fsdax"
	check_eq "no driver before udev runs" "" "$(pci_driver $IOPMEM_PCI)"
	check "udevd, trigger --action=add, settle" udev_boot
	check_eq "udev bound it to iopmem" iopmem "$(pci_driver $IOPMEM_PCI)"
	dev=$(iopmem_of $IOPMEM_PCI)
	check_eq "with the line's options" "uc fsdax 2" \
		"$(iopmem_attr "$dev" cache) $(iopmem_attr "$dev" mode) $(iopmem_attr "$dev" bar)"
	check_eq "/dev/disk/by-uuid/$UUID -> /dev/$dev" "/dev/$dev" \
		"$(readlink -f "/dev/disk/by-uuid/$UUID")"
	check_eq "/dev/disk/by-label/$LABEL -> /dev/$dev" "/dev/$dev" \
		"$(readlink -f "/dev/disk/by-label/$LABEL")"
	check "mount -a (UUID=$UUID)" mount -a
	on_exit "unmount_if_mounted /mnt"
	check_eq "/mnt is /dev/$dev, with dax" "/dev/$dev xfs dax" \
		"$(awk '$2 == "/mnt" { print $1, $3, ($4 ~ /(^|,)dax(=always)?(,|$)/ ? "dax" : $4) }' /proc/mounts)"
	check_eq "the file of boot 1 is there" "$(pattern boot1 | sha256sum)" \
		"$(sha256sum </mnt/kept)"
	check "umount" umount /mnt
	;;
*) die "PHASE '$PHASE' unknown: this scenario needs '# vm: boots 3'" ;;
esac
