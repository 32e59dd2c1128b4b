#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages, from build to removal.  deb.pre.sh (host) builds
# iopmem-dkms and iopmemctl from a clean copy of the tree, installs them
# with the host's dpkg in a throwaway overlay where the postinst's DKMS
# builds the modules (iopmem, iopfs) for this guest's kernel, removes them
# (the modules go), and hands the .debs and those modules to the guest on
# an ext4 image.
# The guest has dpkg but no compiler and no package database of its own:
# iopmemctl is installed with dpkg -i --force-depends (its libraries are
# in the initramfs, unknown to dpkg), iopmem-dkms only unpacked (its
# postinst needs dkms and a compiler), and the modules DKMS built on the
# host are put in updates/dkms as `dkms install` would.  Two boots:
#   1  control: iopmemctl without its udev rule binds nothing at a udev
#      coldplug; the real package's rule binds what /etc/iopmem.conf
#      lists (by address), with the DKMS module; mkfs.xfs with a UUID
#   2  the same installation again (the initramfs forgets /etc and /usr),
#      /etc/iopmem.conf by vendor:device: bound at the coldplug, fstab
#      mounts by UUID, the boot-1 file is there, iostat counts the I/O on
#      iopmemN; modprobe iopfs loads the DKMS iopfs and, by dependency,
#      iopmem; dpkg -r removes both packages' files
# vm: ivshmem 512M addr=04.0
# vm: nvme 128M
# vm: boots 2
# vm: timeout 300
# kernels: 6.12
# results: 63
. /tests/lib.sh
. /tests/iopmem.sh

UUID=6b1f3a0e-2c4d-4e8f-9a7b-5d2c1e0f3a64
KVER=$(uname -r)

nvme_wait || die "no /dev/nvme0n1"
modprobe ext4
mkdir -p /pkg
mount -t ext4 -o ro /dev/nvme0n1 /pkg || die "cannot mount the image with the packages"
on_exit "umount /pkg"
ctl_deb=$(ls /pkg/iopmemctl_*_amd64.deb)
dkms_deb=$(ls /pkg/iopmem-dkms_*_all.deb)
VERSION=${dkms_deb##*/iopmem-dkms_}
VERSION=${VERSION%_all.deb}
grep -q '^disk:' /etc/group || echo 'disk:x:6:' >>/etc/group
modprobe xfs
mkdir -p /mnt
on_exit "[ ! -e /sys/module/iopmem ] || iopmem_unload"

# busybox sh runs its own applets before PATH: its dpkg is a small
# look-alike, and its depmod writes no modules.dep.bin, which libkmod
# (iopmemctl) reads.  The real ones by path.
dpkg() { /usr/bin/dpkg "$@"; }
depmod() { /usr/sbin/depmod "$@"; }
modinfo() { /usr/sbin/modinfo "$@"; }
# any_exists FILE... : one of them is there.
any_exists() {
	for _f; do [ -e "$_f" ] && return 0; done
	return 1
}
dpkg_knows() {
	for _p; do dpkg -s "$_p" >/dev/null 2>&1 && return 0; done
	return 1
}

# A dpkg database, empty.  dpkg wants ldconfig in PATH, which the
# initramfs lacks; there is no ld.so.cache to refresh, so true stands in.
mkdir -p /var/lib/dpkg/info /var/lib/dpkg/updates /usr/local/sbin
: >/var/lib/dpkg/status
ln -sf /bin/true /usr/local/sbin/ldconfig
export PATH="$PATH:/usr/local/sbin"
# What the rig put in the initramfs goes, so that what is found is the
# packages': its iopmemctl, its udev rule, its iopmem.ko.
rm -f /usr/bin/iopmemctl /etc/udev/rules.d/60-iopmem.rules \
	"/lib/modules/$KVER/extra/iopmem.ko" "/lib/modules/$KVER/extra/iopfs.ko"
depmod -a

provision() {
	printf '# written by the scenario (boot %s)\n%s\n' "$PHASE" "$1" >/etc/iopmem.conf
	printf 'UUID=%s /mnt xfs dax 0 0\n' "$UUID" >/etc/fstab
}

# install : both packages, and the modules where DKMS installs them.
install_packages() {
	check "dpkg -i --force-depends iopmemctl_$VERSION" \
		dpkg -i --force-depends "$ctl_deb"
	check "dpkg --unpack --force-depends iopmem-dkms_$VERSION" \
		dpkg --unpack --force-depends "$dkms_deb"
	check "iopmem-dkms put its sources in /usr/src/iopmem-$VERSION" \
		test -f "/usr/src/iopmem-$VERSION/dkms.conf"
	mkdir -p "/lib/modules/$KVER/updates/dkms"
	cp /pkg/iopmem.ko* /pkg/iopfs.ko* "/lib/modules/$KVER/updates/dkms/"
	depmod -a
	check_eq "modprobe finds the DKMS module" "/lib/modules/$KVER/updates/dkms" \
		"$(dirname "$(modinfo -n iopmem)")"
	# Fails when the host's DKMS installed no iopfs.ko (dkms.conf).
	check_eq "... and the DKMS iopfs" "/lib/modules/$KVER/updates/dkms" \
		"$(dirname "$(modinfo -n iopfs 2>&1)")"
}

# What a boot does for devices: udevd, coldplug, wait (as udev/boot).
udev_boot() {
	mkdir -p /run/udev
	ln -sf /usr/bin/udevadm /tmp/systemd-udevd
	/tmp/systemd-udevd --daemon || return 1
	on_exit "udevadm control --exit; rm -rf /dev/disk /dev/iopmem /run/udev"
	coldplug
}
coldplug() {
	udevadm trigger --action=add && udevadm settle --timeout=120
}
# udev_rescan : a running udevd reads the rules again, then a coldplug.
udev_rescan() {
	udevadm control --reload && coldplug
}

bound_by_udev() {
	check_eq "udev bound it to iopmem" iopmem "$(pci_driver "$IOPMEM_PCI")"
	check "/usr/bin/iopmemctl is the package's" dpkg -S /usr/bin/iopmemctl
	check_eq "the loaded module is the DKMS one, version $VERSION" \
		"$(modinfo -F srcversion iopmem) $VERSION" \
		"$(cat /sys/module/iopmem/srcversion) $(cat /sys/module/iopmem/version)"
}

case $PHASE in
1)
	provision "$IOPMEM_PCI bar=2 mode=fsdax"
	check "control: dpkg -i iopmemctl without its udev rule" \
		dpkg -i --force-depends /pkg/iopmemctl-norule.deb
	check "udevd, trigger --action=add, settle" udev_boot
	check_eq "control: no rule, nothing bound" "" "$(pci_driver "$IOPMEM_PCI")"
	check "control: dpkg --purge iopmemctl" dpkg --purge iopmemctl
	install_packages
	check "the package's udev rule is there" dpkg -S /lib/udev/rules.d/60-iopmem.rules
	check "udevadm control --reload, trigger, settle" udev_rescan
	bound_by_udev
	dev=$(iopmem_of "$IOPMEM_PCI")
	[ -n "$dev" ] || die "no iopmem device on $IOPMEM_PCI"
	check "mkfs.xfs with UUID $UUID" mkfs.xfs -q -f -m reflink=0,uuid=$UUID "/dev/$dev"
	check "mount -o dax" mount -o dax "/dev/$dev" /mnt
	pattern packaged >/mnt/kept
	check "a file written and synced" sync
	check "umount before a clean power-off" umount /mnt
	;;
2)
	provision "1af4:1110 bar=2 mode=fsdax"
	install_packages
	check_eq "no driver before udev runs" "" "$(pci_driver "$IOPMEM_PCI")"
	check "udevd, trigger --action=add, settle" udev_boot
	bound_by_udev
	dev=$(iopmem_of "$IOPMEM_PCI")
	[ -n "$dev" ] || die "no iopmem device on $IOPMEM_PCI"
	check_eq "/dev/disk/by-uuid/$UUID -> /dev/$dev" "/dev/$dev" \
		"$(readlink -f "/dev/disk/by-uuid/$UUID")"
	check "mount -a (fstab: UUID=$UUID)" mount -a
	on_exit "unmount_if_mounted /mnt"
	check_eq "/mnt is /dev/$dev" "/dev/$dev xfs" \
		"$(awk '$2 == "/mnt" { print $1, $3 }' /proc/mounts)"
	check_eq "the file of boot 1 is there" "$(pattern packaged | sha256sum)" \
		"$(sha256sum </mnt/kept)"

	# iostat -d -k: kB_read and kB_wrtn are its 6th and 7th columns.
	before=$(iostat -d -k "$dev" | awk -v d="$dev" '$1 == d { print $6, $7 }')
	info "iostat before: $before"
	dd if="/dev/$dev" of=/dev/null bs=1M count=4 iflag=direct status=none
	for i in 1 2 3 4 5 6 7 8; do pattern "f$i" >"/mnt/f$i"; done
	sync
	after=$(iostat -d -k "$dev" | awk -v d="$dev" '$1 == d { print $6, $7 }')
	info "iostat after: $after"
	# shellcheck disable=SC2086 # two numbers each
	set -- $before $after
	check "iostat lists $dev" test $# -eq 4
	check "iostat: the 4 MiB O_DIRECT read of /dev/$dev is counted" \
		test "$(($3 - $1))" -ge 4096
	check "iostat: XFS's writes (log, metadata) are counted" test "$4" -gt "$2"
	check "umount" umount /mnt

	check "unbind and unload iopmem" iopmem_unload
	check "modprobe iopfs" modprobe iopfs
	on_exit "[ ! -e /sys/module/iopfs ] || rmmod iopfs"
	# Fails when modprobe loaded no iopmem, or one iopfs does not use.
	check_eq "/proc/modules: iopmem, loaded by dependency, is used by iopfs" \
		"iopfs," "$(awk '$1 == "iopmem" { print $4 }' /proc/modules)"
	# Fails when what loads is not the packaged build (the rig's own).
	check_eq "the loaded iopfs is the DKMS one, version $VERSION" \
		"$(modinfo -F srcversion iopfs) $VERSION" \
		"$(cat /sys/module/iopfs/srcversion) $(cat /sys/module/iopfs/version)"
	check "rmmod iopfs iopmem" rmmod iopfs iopmem
	check "dpkg -r iopmemctl iopmem-dkms" dpkg -r iopmemctl iopmem-dkms
	check_fail "dpkg knows neither any more" \
		dpkg_knows iopmemctl iopmem-dkms
	check_fail "iopmemctl, its man page and the udev rule are gone" \
		any_exists /usr/bin/iopmemctl /usr/share/man/man1/iopmemctl.1.gz \
		/lib/udev/rules.d/60-iopmem.rules
	check_fail "/usr/src/iopmem-$VERSION is gone" test -e "/usr/src/iopmem-$VERSION"
	;;
*) die "PHASE '$PHASE' unknown: this scenario needs '# vm: boots 2'" ;;
esac
