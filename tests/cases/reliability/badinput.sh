#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Garbage in every writable iopmem sysfs attribute and module parameter:
# refused with EINVAL (or EBUSY for a value valid only in another state),
# which the shell reports, the kernel log line for that attribute and
# that input (its value quoted, the valid values named; the holder for
# EBUSY), and the state unchanged.
# vm: ivshmem 512M addr=04.0
# results: 209
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

# write VALUE FILE : echo VALUE >FILE; the shell's message in /tmp/err.
write() {
	sh -c 'echo "$1" >"$2"' sh "$1" "$2" 2>/tmp/err
}

# logged TEXT : the kernel logged TEXT (a fixed string) since dmesg_mark.
logged() {
	dmesg_since_mark | grep -qF -- "$1"
}

# refused FILE VALUE MESSAGE : writing VALUE to FILE fails with EINVAL,
# the kernel logs MESSAGE and nothing changes.
refused() {
	_before=$(state)
	dmesg_mark
	_name="$(basename "$1") <- '$(echo "$2" | cut -c1-24)'"
	check_fail "$_name refused" write "$2" "$1"
	check "$_name: the shell says Invalid argument" grep -q "write error: Invalid argument" /tmp/err
	check "$_name: the kernel log says why" logged "$3"
	check_eq "$_name changed nothing" "$_before" "$(state)"
}

for v in "" bogus -1 18446744073709551616 "wc wc" "$(printf 'x%.0s' $(seq 300))"; do
	refused $a/cache "$v" "$dev: cache: '$v' is not a memory type; write wc (write-combining) or uc (uncached)"
	refused $a/mode "$v" "$dev: mode: '$v' is not a mode; write fsdax (block device), devdax (device-dax region), p2pdma (PCI P2PDMA memory) or iopfs (block device for mount -t iopfs)"
	refused $a/memmap "$v" "$dev: memmap: '$v' is not a place for struct pages; write ram (system RAM) or dev (device memory)"
	refused $p/cache "$v" "iopmem: cache=$v is not a memory type; use cache=wc (write-combining) or cache=uc (uncached)"
	refused $p/mode "$v" "iopmem: mode=$v is not a mode; use mode=fsdax (block device), mode=devdax (device-dax region), mode=p2pdma (PCI P2PDMA memory) or mode=iopfs (block device for mount -t iopfs)"
	refused $p/memmap "$v" "iopmem: memmap=$v is not a place for struct pages; use memmap=ram (system RAM) or memmap=dev (device memory)"
done
for v in "" x 6 -2 2147483648 -9999999999 1.5; do
	refused $p/bar "$v" "iopmem: bar=$v is not a BAR number; use 0 to 5, or -1 for the largest 64-bit memory BAR"
done
for v in 1 -1 x ""; do
	refused $a/stats/flushes "$v" "$dev: stats/flushes: only 0 can be written, to reset the counter"
done
# The control: a message names its input; another input's does not match.
dmesg_mark
write bogus $a/cache
check_fail "control: cache <- 'bogus' logs no message about 'bogux'" \
	logged "$dev: cache: 'bogux' is not a memory type"

# Valid values, wrong state: the block device is open.
exec 3<"/dev/$dev"
for f in cache:uc mode:devdax memmap:dev; do
	_before=$(state)
	dmesg_mark
	check_fail "${f%%:*} <- ${f#*:} while open refused" write "${f#*:}" "$a/${f%%:*}"
	check "... the shell says busy" grep -q "write error: Device or resource busy" /tmp/err
	check "... the kernel log names the holder" logged \
		"$dev: cannot change ${f%%:*}: /dev/$dev is in use (1 opener, a mount counts as one); unmount or close it"
	check_eq "... changed nothing" "$_before" "$(state)"
done
exec 3<&-

for f in size memmap_reserved data_size; do
	check_fail "read-only $f cannot be written" write 0 "$a/$f"
	check "... the shell says Permission denied" grep -q "Permission denied" /tmp/err
done
check_eq "the device still works" 4096 "$(dd if=/dev/$dev bs=4096 count=1 iflag=direct status=none | wc -c)"
