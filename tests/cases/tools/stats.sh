#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iopmemctl stats on the real driver: counters after block I/O (a flush;
# the bios themselves are in /sys/block/iopmemN/stat) match sysfs, in the
# table and in JSON, --reset zeroes them, list -v agrees.
# vm: ivshmem 512M addr=04.0
# results: 17
. /tests/lib.sh
. /tests/iopmem.sh

check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"

check "stats --reset" iopmemctl stats --reset "$dev"
check_eq "all counters zero" 0 "$(iopmemctl stats --json "$dev" | jq '[.[0].stats[]] | add')"
check "write 4 MiB to /dev/$dev, fsync" dd if=/dev/zero of="/dev/$dev" bs=1M count=4 oflag=direct conv=fsync status=none
check "read 2 MiB from /dev/$dev" dd if="/dev/$dev" of=/dev/null bs=1M count=2 iflag=direct status=none

j=$(iopmemctl stats --json "$dev")
info "$j"
check_eq "flushes: the fsync" 1 "$(echo "$j" | jq '.[0].stats.flushes')"
check_eq "dax_calls: none for block I/O" 0 "$(echo "$j" | jq '.[0].stats.dax_calls')"
for f in /sys/class/iopmem/"$dev"/stats/*; do
	c=${f##*/}
	check_eq "$c matches sysfs" "$(iopmem_stat "$dev" "$c")" "$(echo "$j" | jq ".[0].stats.$c")"
done
check "table line" sh -c "iopmemctl stats $dev | grep -Eq '^  flushes +1\$'"
check_eq "stats without a device: every device" "$dev" "$(iopmemctl stats --json | jq -r '[.[].dev] | join(" ")')"
check_eq "list -v agrees" "$(echo "$j" | jq -c '.[0].stats')" "$(iopmemctl list -v --json | jq -c '.[0].stats')"

check "stats --reset prints zeros" sh -c "iopmemctl stats --reset $dev | grep -Eq '^  flushes +0\$'"
check_eq "sysfs counters zero" 0 "$(cat /sys/class/iopmem/"$dev"/stats/* | awk '{ s += $1 } END { print s }')"
out=$(iopmemctl stats iopmem3 2>&1)
check_eq "stats of a missing device" \
	"1 iopmemctl: stats iopmem3: no such iopmem device; 'iopmemctl list' shows them" "$? $out"
