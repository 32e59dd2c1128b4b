#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Data written through a /dev/daxN.M mapping survives a clean power-off and
# a SIGKILL of QEMU: three boots on the same backing file; the instance is
# created again at the same place each boot (device-dax keeps no layout
# across boots) and read back through a mapping.  mmap-io's msync fails
# with EINVAL here (device-dax has no fsync) and reaches nobody; and as
# persist/fs.inc says, the rig could not see a missing fence anyway.
# vm: ivshmem 512M addr=04.0
# vm: boots 3
# vm: timeout 300
# results: 14
. /tests/lib.sh
. /tests/iopmem.sh

M=1048576
check "modprobe iopmem mode=devdax" iopmem_load mode=devdax
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
a=$(daxctl create-device -r 0 -s 64M | jq -r '.[0].chardev')
check "create a 64 MiB instance" test -c "/dev/$a"
check_eq "at the start of the region, as in every boot" \
	"$(bar_start $IOPMEM_PCI 2)" "$(printf '0x%x' $(($(dax_start "$a"))))"

# block TAG : 2 MiB of `pattern TAG` repeated.
block() {
	_i=0
	while [ $_i -lt 512 ]; do pattern "$1"; _i=$((_i + 1)); done
}
written() {
	check_eq "$2" "$(block "$1" | sha256sum)" \
		"$(mmap-io read "/dev/$a" $(($3 * 2 * M)) $((2 * M)) | sha256sum)"
}

case $PHASE in
1)
	block clean >/tmp/b
	check "boot 1: write 2 MiB through a mapping" mmap-io write "/dev/$a" 0 $((2 * M)) </tmp/b
	;;
2)
	written clean "boot 2: data intact after a clean power-off" 0
	block cut >/tmp/b
	check "boot 2: write 2 MiB more through a mapping" mmap-io write "/dev/$a" $((2 * M)) $((2 * M)) </tmp/b
	echo "IOPMEM-RIG: KILL"
	sleep 600
	;;
3)
	written clean "boot 3: boot 1's data intact" 0
	written cut "boot 3: data written before the power cut intact" 1
	;;
*) die "PHASE '$PHASE' unknown: this scenario needs '# vm: boots 3'" ;;
esac
