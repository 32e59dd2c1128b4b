#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# An 8 GiB BAR (a sparse backing file): XFS -o dax on all of it, a file
# whose data sits above 4 GiB on the device written through a DAX mapping
# and with write(), read back both ways and after a remount, and found by
# the host at that offset of the BAR file (bar8g.host.sh).
# vm: ivshmem 8G addr=04.0
# vm: timeout 300
# results: 18
. /tests/lib.sh
. /tests/iopmem.sh

G=1073741824

check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind "$IOPMEM_PCI") || die "cannot bind $IOPMEM_PCI to iopmem"
check_eq "/dev/$dev is 8 GiB" $((8 * G)) "$(blockdev --getsize64 "/dev/$dev")"
iopmem_mount_xfs "$dev" /mnt || die "mkfs.xfs and mount -o dax"
ok "mkfs.xfs and mount -o dax"

# 5 GiB of unwritten extents cannot all fit below 4 GiB: write where
# FIEMAP puts one above it (a MiB past the boundary, or further).
check "fallocate 5 GiB" xfs_io -f -c 'falloc 0 5g' /mnt/big
check "statx reports DAX on the file" dax_enabled /mnt/big
off=$(xfs_io -c fiemap /mnt/big | awk -F '[^0-9a-z]+' -v min=$((4 * G + 1048576)) '
	$5 ~ /^[0-9]+$/ && $5 * 512 >= min { printf "%.0f\n", $3 * 512; exit }')
check "FIEMAP shows a part of the file above 4 GiB + 1 MiB" test -n "$off"
off=${off:-0}
pattern big-mmap >/tmp/mmap
pattern big-write >/tmp/write
check "write a pattern there through a DAX mapping" \
	sh -c "mmap-io write /mnt/big $off 4096 </tmp/mmap"
check "write another right after it with write()" \
	dd if=/tmp/write of=/mnt/big bs=4096 seek=$((off / 4096 + 1)) conv=notrunc status=none
p1=$(phys_of /mnt/big "$off")
p2=$(phys_of /mnt/big $((off + 4096)))
info "file offset $off, device offsets $p1 and $p2"
check "both are above 4 GiB on the device" test "${p1:-0}" -gt $((4 * G)) -a "${p2:-0}" -gt $((4 * G))
info "hostcheck big-mmap $p1"
info "hostcheck big-write $p2"

# check_both WHEN : both blocks read back through read() and a mapping.
check_both() {
	check_eq "$1: read() gives both" "$(cat /tmp/mmap /tmp/write | sha256sum)" \
		"$(dd if=/mnt/big bs=4096 skip=$((off / 4096)) count=2 status=none | sha256sum)"
	check_eq "$1: a DAX mapping gives both" "$(cat /tmp/mmap /tmp/write | sha256sum)" \
		"$(mmap-io read /mnt/big "$off" 8192 | sha256sum)"
}
check_both "now"
check "umount, mount" sh -c "umount /mnt && mount -o dax /dev/$dev /mnt"
check_both "after the remount"
check "umount" umount /mnt
check "xfs_repair -n finds the file system clean" xfs_repair -n "/dev/$dev"
