#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Changing the cache mode: refused with -EBUSY and a message naming the
# holder while mounted or open, done while idle (the block device comes back
# in the new mode, data intact), garbage refused with -EINVAL; the module
# parameter sets the default of later binds and rejects garbage.
# vm: ivshmem 512M addr=04.0
# results: 34
. /tests/lib.sh
. /tests/iopmem.sh

dmesg_mark
check_fail "modprobe iopmem cache=bogus is refused" modprobe iopmem cache=bogus
check "... with a message naming the valid values" dmesg_has 'cache=bogus is not a memory type; use cache=wc .* or cache=uc'

check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $IOPMEM_PCI) || die "cannot bind $IOPMEM_PCI to iopmem"
attr=/sys/class/iopmem/$dev/cache
start=$(bar_start $IOPMEM_PCI 2)
end=$((start + 512 * 1024 * 1024))

iopmem_mount_xfs "$dev" /mnt || die "mkfs.xfs and mount -o dax"
pattern switch >/mnt/data
dmesg_mark
check_fail "cache change while mounted is refused" sh -c "echo uc >$attr"
check "... with a message naming the holder and the fix" \
	dmesg_has "cannot change cache: /dev/$dev is in use \(1 opener, a mount counts as one\); unmount or close it"
check_eq "... and the mode is unchanged" wc "$(cat "$attr")"
check_eq "... and so is the reservation" write-combining "$(pat_types "$start" "$end" | sort -u)"
check "umount" umount /mnt

exec 3</dev/"$dev"
check_fail "cache change while the block device is open is refused" sh -c "echo uc >$attr"
exec 3<&-

check "cache change to uc while idle" sh -c "echo uc >$attr"
check_eq "cache attribute reads uc" uc "$(cat "$attr")"
check_eq "BAR is uncached in pat_memtype_list" uncached "$(pat_types "$start" "$end" | sort -u)"
check "block device is back" test -b "/dev/$dev"
mount -o dax "/dev/$dev" /mnt || die "mount -o dax after the change"
check_eq "data written before the change is intact" "$(pattern switch | sha256sum)" "$(sha256sum </mnt/data)"
check "umount" umount /mnt

check "cache change back to wc" sh -c "echo wc >$attr"
check_eq "BAR is write-combining again" write-combining "$(pat_types "$start" "$end" | sort -u)"
check "writing the current mode is a no-op" sh -c "echo wc >$attr"

for bad in bogus "" WC "wc uc" 1; do
	dmesg_mark
	check_fail "cache '$bad' is refused" sh -c "printf '%s\n' '$bad' >$attr"
	check "... with a message naming the valid values" dmesg_has "is not a memory type; write wc .* or uc"
done
check_eq "mode unchanged after bad input" wc "$(cat "$attr")"

check "unbind" pci_unbind $IOPMEM_PCI
check "module parameter cache=uc for later binds" sh -c "echo uc >/sys/module/iopmem/parameters/cache"
check_fail "module parameter rejects garbage" sh -c "echo xx >/sys/module/iopmem/parameters/cache"
check_eq "module parameter unchanged by garbage" uc "$(cat /sys/module/iopmem/parameters/cache)"
dev=$(iopmem_bind $IOPMEM_PCI) || die "cannot rebind $IOPMEM_PCI"
check_eq "a new bind takes the module default" uc "$(iopmem_attr "$dev" cache)"
