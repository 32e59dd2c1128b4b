#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Hot-unplug (QMP device_del) under a mounted XFS -o dax with a fio verify
# job running and a process holding a DAX mapping: no oops or hang, fio
# ends with an I/O error, the mapping's user gets SIGBUS and new mappings
# cannot fault, umount and rmmod work; plugged back on the same backing file, the
# data fsynced before the removal is intact.
# vm: machine q35
# vm: device pcie-root-port id=rp0 chassis=1 slot=1 bus=pcie.0 addr=04.0
# vm: ivshmem 512M bus=rp0 id=iv0
# vm: timeout 300
# vm: smp 2
# vm: solo
# results: 13
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/unplug/common.inc

check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $UNPLUG_PCI) || die "bind $UNPLUG_PCI"
xfs_under_load "$dev" unplug

check "device_del: the guest removes the device" unplug_device
wait $FIO_PID
check_fail "the fio job ends with an error" test $? -eq 0
check "... an I/O error" grep -qiE 'error|Input/output' /tmp/fio.log
check_fail "a new mapping of a file on the removed device cannot fault pages in" \
	sh -c "set -o pipefail; mmap-io read /mnt/mapped 0 4096 | sha256sum"
echo touch >&9
map_release
check_eq "the process that mapped a file before gets SIGBUS on its next access" 135 $?
check "umount" umount /mnt
check "rmmod" rmmod iopmem

check "device_add on the same backing file: the guest sees it again" replug_device
check "modprobe iopmem again" modprobe iopmem
dev=$(iopmem_bind $UNPLUG_PCI) || die "bind after the replug"
mount -o dax "/dev/$dev" /mnt || die "mount after the replug"
check_eq "data fsynced before the removal is intact" \
	"$(pattern unplug | sha256sum)" "$(sha256sum </mnt/kept)"
check "umount" umount /mnt
