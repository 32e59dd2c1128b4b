#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The DKMS-built module (load.pre.sh) loads in the guest and works: bind,
# mkfs.xfs, mount -o dax, a file round trip.  load.pre.sh also shows dkms
# skipping kernels dkms.conf excludes.
# vm: ivshmem 512M addr=04.0
# vm: nvme 64M
# results: 13
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
