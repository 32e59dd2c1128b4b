#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The first memory type reservation of a range wins: a process that maps
# the BAR through sysfs resource2 holds it uncached-minus, through
# resource2_wc write-combining, and a later reservation of another type
# silently takes that one.  iopmem reads the type back and refuses to bind
# (the cause and the fix in the log, no reservation or device left), then
# binds as asked once the process has gone.  The controls: the holder's
# type is in pat_memtype_list while it maps the BAR.
# vm: ivshmem 512M addr=04.0
# results: 17
. /tests/lib.sh
. /tests/iopmem.sh

RES=/sys/bus/pci/devices/$IOPMEM_PCI/resource2
start=$(bar_start $IOPMEM_PCI 2)
end=$((start + 512 * 1048576))

# refused_while CACHE FILE HELD WANTED : while a process maps the first
# 2 MiB of FILE (memory type HELD), binding with cache CACHE (memory type
# WANTED) fails and leaves nothing behind; once it is gone, binding works.
refused_while() {
	map_hold "$2" 0 2M || die "cannot map $2"
	check_eq "control: ${2##*/} maps the BAR's first 2 MiB $3" "$3" \
		"$(pat_types "$start" $((start + 2 * 1048576)))"
	echo "$1" >/sys/module/iopmem/parameters/cache
	dmesg_mark
	check_fail "bind with cache $1 is refused" pci_bind_iopmem $IOPMEM_PCI
	check "... the log gives the type, the cause and the fix" dmesg_has \
		"iopmem[0-9]+: \[mem $start-0x[0-9a-f]+\] would be $3, not $4: another mapping of it has that type; end it"
	check_eq "... no reservation of the BAR is left" "" \
		"$(pat_types "$start" "$end")"
	check "... no iopmem device is left" test -z "$(iopmem_of $IOPMEM_PCI)"
	check "the process ends its mapping" map_release
	dev=$(iopmem_bind $IOPMEM_PCI) || die "cannot bind $IOPMEM_PCI after the mapping ended"
	check_eq "then it binds: the BAR is $4" "$4" \
		"$(pat_types "$start" "$end" | sort -u)"
	check "unbind" pci_unbind $IOPMEM_PCI
}

check "modprobe iopmem" iopmem_load
refused_while wc "$RES" uncached-minus write-combining
refused_while uc "${RES}_wc" write-combining uncached
