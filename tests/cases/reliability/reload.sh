#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 100 modprobe/bind/unbind/rmmod cycles and 100 bind/unbind cycles,
# alternating modes and cache settings: nothing leaks (memory type
# reservations, /proc/iomem, slab and vmalloc use back to the baseline
# within a stated tolerance) and the kernel never warns.
# vm: ivshmem 512M addr=04.0
# vm: timeout 900
# results: 5
. /tests/lib.sh
. /tests/iopmem.sh

SYSFS_MODE=/sys/module/iopmem/parameters

# snapshot FILE : what must come back to its baseline.
snapshot() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	{
		echo "pat $(wc -l </sys/kernel/debug/x86/pat_memtype_list)"
		echo "iomem $(sha256sum </proc/iomem)"
		echo "classes $(ls /sys/class/iopmem 2>/dev/null | wc -l)"
	} >"$1"
	awk '$1 == "Slab:" || $1 == "VmallocUsed:" { print $1, $2 }' /proc/meminfo >"$1.mem"
}

# within NAME KB_TOLERANCE : meminfo field NAME grew by at most KB_TOLERANCE.
within() {
	_b=$(awk -v n="$1:" '$1 == n { print $2 }' /tmp/base.mem)
	_a=$(awk -v n="$1:" '$1 == n { print $2 }' /tmp/after.mem)
	info "$1: $_b kB before, $_a kB after"
	check "$1 back to baseline (+$2 kB at most)" test $((_a - _b)) -le "$2"
}

modes="fsdax devdax"
caches="wc uc"
# Warm up once so that one-time allocations (the module's text, sysfs
# nodes of the dax bus) are in the baseline.
modprobe iopmem && pci_bind_iopmem $IOPMEM_PCI && pci_unbind $IOPMEM_PCI && rmmod iopmem
snapshot /tmp/base

bad=0 i=0
while [ $i -lt 100 ]; do
	m=$(echo $modes | cut -d' ' -f$((i % 2 + 1)))
	c=$(echo $caches | cut -d' ' -f$((i / 2 % 2 + 1)))
	if ! modprobe iopmem mode=$m cache=$c; then
		bad=$((bad + 1)); info "cycle $i: modprobe failed"
	elif ! pci_bind_iopmem $IOPMEM_PCI; then
		bad=$((bad + 1)); info "cycle $i: bind failed ($m, $c)"
	elif [ "$(iopmem_attr iopmem0 mode) $(iopmem_attr iopmem0 cache)" != "$m $c" ]; then
		bad=$((bad + 1)); info "cycle $i: wrong mode/cache"
	fi
	pci_unbind $IOPMEM_PCI
	rmmod iopmem || { bad=$((bad + 1)); info "cycle $i: rmmod failed"; }
	i=$((i + 1))
done
check_eq "100 modprobe/bind/unbind/rmmod cycles" 0 "$bad"

modprobe iopmem
bad=0 i=0
while [ $i -lt 100 ]; do
	echo "$(echo $modes | cut -d' ' -f$((i / 2 % 2 + 1)))" >$SYSFS_MODE/mode
	echo "$(echo $caches | cut -d' ' -f$((i % 2 + 1)))" >$SYSFS_MODE/cache
	pci_bind_iopmem $IOPMEM_PCI || { bad=$((bad + 1)); info "cycle $i: bind failed"; }
	pci_unbind $IOPMEM_PCI
	i=$((i + 1))
done
check_eq "100 bind/unbind cycles" 0 "$bad"
rmmod iopmem

snapshot /tmp/after
check_eq "pat_memtype_list, /proc/iomem and class devices back to baseline" \
	"$(cat /tmp/base)" "$(cat /tmp/after)"
within Slab 2048
within VmallocUsed 1024
