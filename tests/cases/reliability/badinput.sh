#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Garbage in every writable iopmem sysfs attribute and module parameter:
# refused with EINVAL (or EBUSY for a value valid only in another state),
# a message in the kernel log, and the state unchanged.
# vm: ivshmem 512M addr=04.0
# results: 155
. /tests/lib.sh
. /tests/iopmem.sh

check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
a=/sys/class/iopmem/$dev
p=/sys/module/iopmem/parameters

# state : everything a bad write must leave alone.
state() {
	cat $a/cache $a/mode $a/memmap $a/memmap_reserved $a/data_size \
		$a/range $a/size $p/bar $p/cache $p/mode $p/memmap
	ls /sys/class/iopmem /dev | tr '\n' ' '
}

# refused FILE VALUE : writing VALUE to FILE fails, logs, changes nothing.
refused() {
	_before=$(state)
	dmesg_mark
	check_fail "$(basename "$1") <- '$2' refused" sh -c "printf '%s\n' '$2' >$1"
	check "$(basename "$1") <- '$2' logged" dmesg_has iopmem
	check_eq "$(basename "$1") <- '$2' changed nothing" "$_before" "$(state)"
}

for v in "" bogus -1 18446744073709551616 "wc wc" "$(printf 'x%.0s' $(seq 300))"; do
	refused $a/cache "$v"
	refused $a/mode "$v"
	refused $a/memmap "$v"
	refused $p/cache "$v"
	refused $p/mode "$v"
	refused $p/memmap "$v"
done
for v in "" x 6 -2 2147483648 -9999999999 1.5; do
	refused $p/bar "$v"
done
for v in 1 -1 x ""; do
	refused $a/stats/bio_reads "$v"
done

# Valid values, wrong state: the block device is open.
exec 3<"/dev/$dev"
for f in cache:uc mode:devdax memmap:dev; do
	_before=$(state)
	dmesg_mark
	check_fail "${f%%:*} <- ${f#*:} while open refused" sh -c "echo ${f#*:} >$a/${f%%:*}"
	check "... logged as busy" dmesg_has "is in use"
	check_eq "... changed nothing" "$_before" "$(state)"
done
exec 3<&-

for f in size memmap_reserved data_size; do
	check_fail "read-only $f cannot be written" sh -c "echo 0 >$a/$f"
done
check_eq "the device still works" 4096 "$(dd if=/dev/$dev bs=4096 count=1 iflag=direct status=none | wc -c)"
