#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# memmap=dev: the struct pages live in the first part of the BAR, the block
# device is the rest (XFS -o dax and a fio crc32c verify work on it, the
# host hook finds struct pages and data where they belong), the guest loses
# far less RAM at bind than with memmap=ram; memmap changes are refused
# while mounted, rebuild the device while idle, garbage is refused, and in
# devdax mode the setting is kept for fsdax only.
# vm: ivshmem 512M addr=04.0
# vm: timeout 400
# results: 61
. /tests/lib.sh
. /tests/iopmem.sh

BAR=536870912
# 2 MiB for the info block, then 64 bytes per 4 KiB page, rounded up to
# 2 MiB.
RESERVED=$((2 * 1048576 + BAR / 4096 * 64))

# bind_drop_kib MEMMAP : bind the BAR with module parameter memmap=MEMMAP
# (unbound before), print how much MemFree dropped, in KiB.
bind_drop_kib() {
	echo "$1" >/sys/module/iopmem/parameters/memmap || return 1
	_before=$(mem_free_kib)
	iopmem_bind $IOPMEM_PCI >/dev/null || return 1
	echo $((_before - $(mem_free_kib)))
}

dmesg_mark
check_fail "modprobe iopmem memmap=bogus is refused" modprobe iopmem memmap=bogus
check "... with a message naming the valid values" \
	dmesg_has 'memmap=bogus is not a place for struct pages; use memmap=ram .* or memmap=dev'

check "modprobe iopmem memmap=dev" iopmem_load memmap=dev
dmesg_mark
dev=$(iopmem_bind $IOPMEM_PCI) || die "cannot bind $IOPMEM_PCI to iopmem"
a=/sys/class/iopmem/$dev
check "probe message names memmap dev" dmesg_has "$dev: $IOPMEM_PCI BAR2 .* 512 MiB, cache wc, mode fsdax, memmap dev"
check_eq "memmap attribute" dev "$(cat $a/memmap)"
check_eq "memmap_reserved: 2 MiB info block + 64 bytes per page" "$RESERVED" \
	"$(cat $a/memmap_reserved)"
check_eq "size is still the BAR's" "$BAR" "$(cat $a/size)"
check_eq "data_size = size - memmap_reserved" $((BAR - RESERVED)) "$(cat $a/data_size)"
check_eq "block device = BAR - reserved" $((BAR - RESERVED)) "$(blockdev --getsize64 "/dev/$dev")"

iopmem_mount_xfs "$dev" /mnt || die "mkfs.xfs -m reflink=0 and mount -o dax"
ok "mkfs.xfs -m reflink=0 and mount -o dax"
fs_dax_checks xfs /mnt
# Where the host hook looks: the file's place on the block device plus
# the reserved part in front of it.
pattern memmap >/mnt/memmap.pat
sync
off=$(file_phys /mnt/memmap.pat)
check "FIEMAP gives the pattern's place" test -n "$off"
[ -n "$off" ] && info "hostcheck memmap $((off + RESERVED))"

dmesg_mark
check_fail "memmap change while mounted is refused" sh -c "echo ram >$a/memmap"
check "... with a message naming the holder and the fix" \
	dmesg_has "cannot change memmap: /dev/$dev is in use \(1 opener, a mount counts as one\); unmount or close it"
check_eq "... memmap unchanged" dev "$(cat $a/memmap)"
check_eq "... block device size unchanged" $((BAR - RESERVED)) "$(blockdev --getsize64 "/dev/$dev")"
check "umount" umount /mnt

for bad in bogus "" DEV "ram dev" 1; do
	dmesg_mark
	check_fail "memmap '$bad' is refused" sh -c "printf '%s\n' '$bad' >$a/memmap"
	check "... with a message naming the valid values" dmesg_has "memmap: .* is not a place for struct pages; write ram .* or dev"
done
check_eq "memmap unchanged after bad input" "dev $RESERVED" "$(cat $a/memmap $a/memmap_reserved | tr '\n' ' ' | sed 's/ $//')"

# Idle changes: dev -> ram -> dev -> ram.
dmesg_mark
check "memmap ram while idle" sh -c "echo ram >$a/memmap"
check "... warns that the block device moved" dmesg_has "/dev/$dev now starts at byte 0 of the range \(memmap ram\)"
check_eq "... memmap_reserved 0" 0 "$(cat $a/memmap_reserved)"
check_eq "... block device is the whole BAR" "$BAR" "$(blockdev --getsize64 "/dev/$dev")"
check "memmap dev while idle" sh -c "echo dev >$a/memmap"
check_eq "... memmap_reserved again" "$RESERVED" "$(cat $a/memmap_reserved)"
check_eq "... block device = BAR - reserved" $((BAR - RESERVED)) "$(blockdev --getsize64 "/dev/$dev")"
check "... and it reads" dd if="/dev/$dev" of=/dev/null bs=1M count=4 iflag=direct
check "writing the current value is a no-op" sh -c "echo dev >$a/memmap"
check "memmap ram while idle" sh -c "echo ram >$a/memmap"
check_eq "... block device is the whole BAR" "$BAR" "$(blockdev --getsize64 "/dev/$dev")"
check_eq "... data_size = size" "$BAR" "$(cat $a/data_size)"

# devdax: device-dax maps its own pages in RAM; memmap waits for fsdax.
echo dev >$a/memmap
dmesg_mark
check "mode devdax with memmap dev" sh -c "echo devdax >$a/mode"
check "... logs that memmap dev applies to fsdax only" dmesg_has "memmap dev applies to fsdax mode only"
check_eq "... memmap reads dev" dev "$(cat $a/memmap)"
check_eq "... memmap_reserved 0" 0 "$(cat $a/memmap_reserved)"
check_eq "... the region spans the whole BAR" "$BAR" "$(region_field "${dev#iopmem}" size)"
dmesg_mark
check "memmap ram in devdax mode is stored" sh -c "echo ram >$a/memmap"
check_eq "... without rebuilding the region" "" "$(dmesg_since_mark | grep 'now cache')"
check "... and says so" dmesg_has "memmap ram is kept for fsdax mode"
echo dev >$a/memmap
check "mode fsdax" sh -c "echo fsdax >$a/mode"
check_eq "... takes memmap dev" $((BAR - RESERVED)) "$(blockdev --getsize64 "/dev/$dev")"

# RAM the memmap costs: 8 MiB of struct pages for 512 MiB with ram.  The
# switch to ram erases the memmap=dev layout, which would refuse ram.
echo ram >$a/memmap
pci_unbind $IOPMEM_PCI
bind_drop_kib ram >/dev/null && pci_unbind $IOPMEM_PCI	# warm up slabs
ram_kib=$(bind_drop_kib ram)
pci_unbind $IOPMEM_PCI
dev_kib=$(bind_drop_kib dev)
info "MemFree drop at bind of 512 MiB: memmap=ram $ram_kib KiB, memmap=dev $dev_kib KiB"
check "memmap=ram costs at least 6 MiB of RAM" test "${ram_kib:-0}" -ge 6144
check "memmap=dev costs under a quarter of that" \
	test $((${dev_kib:-999999} * 4)) -lt "${ram_kib:-0}"
check_eq "rebound device has memmap dev" dev "$(iopmem_attr "$(iopmem_of $IOPMEM_PCI)" memmap)"
