#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iopmemctl set on the real driver: cache and mode changes while idle, and
# the refusals while /dev/iopmem0 is mounted or open or a /dev/daxN.M is
# mapped, each one line naming the device, the holder (from iopmem's kernel
# log line) and the fix, with nothing changed.
# vm: ivshmem 512M addr=04.0
# results: 25
. /tests/lib.sh
. /tests/iopmem.sh

check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"

check "set --cache uc" sh -c "iopmemctl set $dev --cache uc | grep -Eq '^$dev .* uc +fsdax '"
check_eq "cache is uc" uc "$(iopmem_attr "$dev" cache)"
check "set --cache uc again is a no-op" iopmemctl set "$dev" --cache uc

iopmem_mount_xfs "$dev" /mnt || die "mkfs.xfs and mount -o dax"
out=$(iopmemctl set "$dev" --cache wc 2>&1)
check_eq "set --cache while mounted: exit 1" 1 "$?"
check_eq "... one line naming the holder and the fix" \
	"iopmemctl: set $dev: cache change refused: /dev/$dev is in use (1 opener, a mount counts as one); unmount or close it" "$out"
check_eq "... cache unchanged" uc "$(iopmem_attr "$dev" cache)"
out=$(iopmemctl set "$dev" --mode devdax 2>&1)
check_eq "set --mode devdax while mounted refused" \
	"1 iopmemctl: set $dev: mode change refused: /dev/$dev is in use (1 opener, a mount counts as one); unmount or close it" "$? $out"
check_eq "... mode unchanged" fsdax "$(iopmem_attr "$dev" mode)"
check "umount" umount /mnt

exec 3<"/dev/$dev"
out=$(iopmemctl set "$dev" --cache wc 2>&1)
check_eq "set --cache while open refused" \
	"1 iopmemctl: set $dev: cache change refused: /dev/$dev is in use (1 opener, a mount counts as one); unmount or close it" "$? $out"
exec 3<&-
check "set --cache wc after close" iopmemctl set "$dev" --cache wc
check_eq "cache is wc" wc "$(iopmem_attr "$dev" cache)"

check "set --mode devdax --json" sh -c "iopmemctl set $dev --mode devdax --json | jq -e '.[0].mode == \"devdax\" and .[0].daxregion.id == 0'"
a=$(daxctl create-device -r 0 -s 64M | jq -r '.[0].chardev')
check "daxctl create-device" test -c "/dev/$a"
map_hold "/dev/$a" 0 2097152 || die "cannot map /dev/$a"
out=$(iopmemctl set "$dev" --mode fsdax 2>&1)
check_eq "set --mode fsdax while $a is mapped refused" \
	"1 iopmemctl: set $dev: mode change refused: /dev/$a is mapped by a process; unmap it or end the process" "$? $out"
out=$(iopmemctl set "$dev" --cache uc 2>&1)
check_eq "set --cache uc while $a is mapped refused" \
	"1 iopmemctl: set $dev: cache change refused: /dev/$a is mapped by a process; unmap it or end the process" "$? $out"
check_eq "... devdax and wc kept" "devdax wc" "$(iopmem_attr "$dev" mode) $(iopmem_attr "$dev" cache)"
map_release
check "set --mode fsdax --cache uc after unmapping" iopmemctl set "$dev" --mode fsdax --cache uc
check_eq "fsdax uc with a block device" "fsdax uc $dev" \
	"$(iopmemctl list --json | jq -r '.[0] | "\(.mode) \(.cache) \(.blockdev)"')"

check "set --memmap dev: the struct pages move into the BAR" \
	sh -c "iopmemctl set $dev --memmap dev --json | jq -e '.[0].map == \"dev\" and .[0].memmap_reserved > 0'"
check "set --memmap ram: and back" \
	sh -c "iopmemctl set $dev --memmap ram --json | jq -e '.[0].map == \"mem\" and .[0].memmap_reserved == 0'"

out=$(iopmemctl set "$dev" --cache none 2>&1)
check_eq "bad cache value" \
	"1 iopmemctl: set $dev: 'none' is not a cache mode; use --cache wc (write-combining) or --cache uc (uncached)" "$? $out"
out=$(iopmemctl set iopmem5 --mode devdax 2>&1)
check_eq "missing device" \
	"1 iopmemctl: set iopmem5: no such iopmem device; 'iopmemctl list' shows them" "$? $out"
out=$(iopmemctl set "$dev" 2>&1)
check_eq "nothing to change" \
	"1 iopmemctl: set $dev: nothing to change; give --cache wc|uc, --mode fsdax|devdax|p2pdma|iopfs or --memmap ram|dev" "$? $out"
