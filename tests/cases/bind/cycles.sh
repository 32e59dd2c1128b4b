#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 20 unbind/rebind cycles: the same name each time, data written in one
# cycle read back in the next, and no reservation or device accumulating.
# vm: ivshmem 512M addr=04.0
# results: 4
. /tests/lib.sh
. /tests/iopmem.sh

check "modprobe iopmem" iopmem_load
start=$(bar_start $IOPMEM_PCI 2)
end=$((start + 512 * 1024 * 1024))
dev=$(iopmem_bind $IOPMEM_PCI) || die "first bind"
pat0=$(pat_types "$start" "$end" | wc -l)

bad=0 i=0
prev=
while [ $i -lt 20 ]; do
	i=$((i + 1))
	pci_unbind $IOPMEM_PCI || { bad=$((bad + 1)); info "cycle $i: unbind failed"; }
	dev=$(iopmem_bind $IOPMEM_PCI) || { bad=$((bad + 1)); info "cycle $i: bind failed"; continue; }
	[ "$dev" = iopmem0 ] || { bad=$((bad + 1)); info "cycle $i: got $dev"; }
	if [ -n "$prev" ] && [ "$(dd if=/dev/iopmem0 bs=4096 count=1 skip=$i iflag=direct status=none | sha256sum)" != "$prev" ]; then
		bad=$((bad + 1))
		info "cycle $i: data of the previous cycle lost"
	fi
	pattern "cycle$i" >/tmp/p
	dd if=/tmp/p of=/dev/iopmem0 bs=4096 seek=$((i + 1)) oflag=direct status=none
	prev=$(sha256sum </tmp/p)
done
check_eq "20 cycles without a failure" 0 "$bad"
check_eq "one iopmem device" iopmem0 "$(ls /sys/class/iopmem)"
check_eq "reservations did not pile up" "$pat0" "$(pat_types "$start" "$end" | wc -l)"
