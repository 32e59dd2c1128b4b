#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# memmap=dev on a range that is not made of whole 128 MiB memory sections:
# the test provider publishes 192 MiB at 64 MiB into a 512 MiB BAR (whose
# start is section-aligned), i.e. half of one section and all of the next.
# The kernel takes device memory for the vmemmap of whole sections only:
# the full section's 2 MiB of struct pages come from the reservation at
# the start of the range (after the 2 MiB of the info block), the partial
# section's 1 MiB from RAM.  iopmem reserves for the whole range (2 MiB
# for the info block, then 3 MiB rounded up to 2 MiB), so the data part
# starts 6 MiB in and ends with the range; ext4 -o dax filled
# through DAX mappings (whose faults touch struct pages of both kinds)
# verifies, and the host finds the struct pages, the unused half of the
# reservation and the data where they belong (memmap-partial.host.sh).
# vm: ivshmem 512M addr=04.0
# vm: timeout 400
# results: 26
. /tests/lib.sh
. /tests/iopmem.sh

M=1048576
SYS=/sys/bus/pci/devices/$IOPMEM_PCI
SIZE=$((192 * M))
RESERVED=$((6 * M))

# publish : (re)bind the BAR to the test provider, which publishes SIZE
# bytes at 64 MiB with the memmap of iopmem's module parameter.
publish() {
	pci_unbind "$IOPMEM_PCI"
	echo iopmem_test_provider >"$SYS/driver_override"
	echo "$IOPMEM_PCI" >/sys/bus/pci/drivers_probe 2>/dev/null
	[ "$(pci_driver "$IOPMEM_PCI")" = iopmem_test_provider ]
}

# publish_drop_kib MEMMAP : publish with memmap=MEMMAP (unpublished
# before), print how much free RAM that took, in KiB.
publish_drop_kib() {
	echo "$1" >/sys/module/iopmem/parameters/memmap || return 1
	_before=$(mem_free_kib)
	publish || return 1
	echo $((_before - $(mem_free_kib)))
}

check "modprobe iopmem memmap=dev" iopmem_load memmap=dev
check "modprobe iopmem_test_provider offset=64M size=192M" \
	modprobe iopmem_test_provider offset=$((64 * M)) size=$SIZE
on_exit "rmmod iopmem_test_provider"
start=$(bar_start "$IOPMEM_PCI" 2)
check_eq "the BAR starts on a 128 MiB memory section" 0 $((start % (128 * M)))
check "publish the range" publish
dev=$(iopmem_of "$IOPMEM_PCI")
check_eq "memmap attribute" dev "$(iopmem_attr "$dev" memmap)"
check_eq "memmap_reserved: info block + 64 bytes per page of 192 MiB" \
	$RESERVED "$(iopmem_attr "$dev" memmap_reserved)"
check_eq "data_size" $((SIZE - RESERVED)) "$(iopmem_attr "$dev" data_size)"
check_eq "block device = data_size" $((SIZE - RESERVED)) \
	"$(blockdev --getsize64 "/dev/$dev")"

# Data through DAX mappings over the whole file system.
modprobe ext4
check "mkfs.ext4 -b 4096 -m 0" mkfs.ext4 -q -F -b 4096 -m 0 "/dev/$dev"
mkdir -p /mnt
mount -o dax "/dev/$dev" /mnt || die "mount -t ext4 -o dax"
on_exit "unmount_if_mounted /mnt"
avail_mib=$(($(df -k /mnt | awk 'NR == 2 { print $4 }') / 1024))
: >/mnt/fill
check "statx reports DAX on a file" dax_enabled /mnt/fill
check "fio mmap write + crc32c verify of $avail_mib MiB (all of it)" \
	fio --name=fill --filename=/mnt/fill --size="${avail_mib}M" --bs=1M \
	--rw=write --ioengine=mmap --verify=crc32c --do_verify=1 --verify_fatal=1
check "umount" umount /mnt
check "e2fsck -fn finds the file system clean" e2fsck -fn "/dev/$dev"

# The ends of the data part, for the host.
pattern partial-first >/tmp/first
pattern partial-last | head -c 512 >/tmp/last
check "write a block at the start of /dev/$dev" \
	dd if=/tmp/first of="/dev/$dev" bs=4096 oflag=direct conv=notrunc status=none
check "write its last sector" \
	dd if=/tmp/last of="/dev/$dev" bs=512 seek=$(((SIZE - RESERVED) / 512 - 1)) \
	oflag=direct conv=notrunc status=none
info "hostcheck partial-first $((64 * M + RESERVED))"

# RAM taken at publication: 3 MiB of struct pages with memmap=ram; with
# memmap=dev only the partial section's 1 MiB (and page tables).  The
# switch to ram erases the memmap=dev layout, which would refuse ram.
echo ram >"/sys/class/iopmem/$dev/memmap"
pci_unbind "$IOPMEM_PCI"
publish_drop_kib ram >/dev/null && pci_unbind "$IOPMEM_PCI"	# warm up slabs
ram_kib=$(publish_drop_kib ram)
pci_unbind "$IOPMEM_PCI"
dev_kib=$(publish_drop_kib dev)
info "free RAM taken by publishing 192 MiB: memmap=ram $ram_kib KiB, memmap=dev $dev_kib KiB"
check "memmap=ram takes at least the 3 MiB of struct pages" test "${ram_kib:-0}" -ge 3072
check "memmap=dev still takes the partial section's 1 MiB from RAM" \
	test "${dev_kib:-0}" -ge 1024
check "... but not the full section's 2 MiB" test "${dev_kib:-99999}" -lt $((ram_kib - 1536))
check_eq "the device is back with memmap dev" dev "$(iopmem_attr "$(iopmem_of "$IOPMEM_PCI")" memmap)"
