#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The DKMS-built module (load.pre.sh) loads in the guest and works: bind,
# mkfs.xfs, mount -o dax, a file round trip.  Then both DKMS-built modules
# where DKMS installs them: modprobe iopfs finds the DKMS iopfs.ko and
# loads the DKMS iopmem.ko first.  load.pre.sh also shows dkms skipping
# kernels dkms.conf excludes.
# vm: ivshmem 512M addr=04.0
# vm: nvme 64M
# results: 20
. /tests/lib.sh
. /tests/iopmem.sh

nvme_wait || die "no /dev/nvme0n1"
mkdir -p /dkms
modprobe ext4
mount -t ext4 -o ro /dev/nvme0n1 /dkms || die "cannot mount the image with the DKMS module"
on_exit "umount /dkms"
ko=$(ls /dkms/iopmem.ko* 2>/dev/null | head -n 1)
check "the DKMS-built module is there" test -n "$ko"
# insmod takes a file and resolves nothing: load what it depends on first.
for m in $(modinfo -F depends "$ko" | tr ',' ' '); do modprobe "$m"; done
# shellcheck disable=SC2046 # param=value words
check "insmod the DKMS-built iopmem.ko" insmod "$ko" $(iopmem_cmdline_opts)
on_exit "iopmem_unload"
check_eq "the loaded module is the DKMS build" "$(modinfo -F srcversion "$ko")" \
	"$(cat /sys/module/iopmem/srcversion)"
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind with the DKMS-built module"
iopmem_mount_xfs "$dev" /mnt || die "mkfs.xfs and mount -o dax"
pattern dkms >/mnt/f
check_eq "file round trip on XFS -o dax" "$(pattern dkms | sha256sum)" "$(sha256sum </mnt/f)"
check "umount" umount /mnt

# busybox sh runs its own applets before PATH: its depmod writes no
# modules.dep.bin and its modinfo knows no -n.  The real ones by path.
depmod() { /usr/sbin/depmod "$@"; }
modinfo() { /usr/sbin/modinfo "$@"; }
KVER=$(uname -r)
dest=/lib/modules/$KVER/updates/dkms
check "unbind and unload the insmod'ed iopmem" iopmem_unload
# The rig's own builds go, so that only DKMS's can be found.
rm -f "/lib/modules/$KVER/extra/iopmem.ko" "/lib/modules/$KVER/extra/iopfs.ko"
mkdir -p "$dest"
cp /dkms/iopmem.ko* /dkms/iopfs.ko* "$dest/" 2>/dev/null
depmod "$KVER"
fsko=$(ls "$dest"/iopfs.ko* 2>/dev/null | head -n 1)
# Fails when DKMS did not install iopfs.ko (dkms.conf without it).
check_eq "modinfo -n iopfs is the DKMS module" "${fsko:-$dest/iopfs.ko}" "$(modinfo -n iopfs 2>&1)"
# modprobe passes iopmem its iopmem.* options from the kernel command line.
check "modprobe iopfs" modprobe iopfs
on_exit "[ ! -e /sys/module/iopfs ] || rmmod iopfs"
# Fails when modprobe loaded no iopmem, or one iopfs does not use.
check_eq "/proc/modules: iopmem, loaded by dependency, is used by iopfs" "iopfs," \
	"$(awk '$1 == "iopmem" { print $4 }' /proc/modules)"
check_eq "the loaded iopmem and iopfs are the DKMS builds" \
	"$(modinfo -F srcversion "$ko") $(modinfo -F srcversion "$fsko")" \
	"$(cat /sys/module/iopmem/srcversion /sys/module/iopfs/srcversion 2>&1 | tr '\n' ' ' | sed 's/ $//')"
check "rmmod iopfs iopmem" rmmod iopfs iopmem
