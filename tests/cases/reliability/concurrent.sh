#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Cache and mode changed from two processes at once: every change is
# applied under the device lock, so neither undoes the other, the final
# state is the last value each one wrote, and the device works.
# vm: ivshmem 512M addr=04.0
# vm: smp 2
# results: 7
. /tests/lib.sh
. /tests/iopmem.sh

check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
a=/sys/class/iopmem/$dev

(
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		echo uc >$a/cache || exit 1
		echo wc >$a/cache || exit 1
	done
	echo uc >$a/cache
) &
cache_pid=$!
bad=0
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	echo devdax >$a/mode || bad=$((bad + 1))
	echo fsdax >$a/mode || bad=$((bad + 1))
done
wait $cache_pid
check_eq "cache changes all succeeded" 0 $?
check_eq "mode changes all succeeded" 0 "$bad"
check_eq "final cache is the last one written" uc "$(cat $a/cache)"
check_eq "final mode is the last one written" fsdax "$(cat $a/mode)"
start=$(bar_start $IOPMEM_PCI 2)
check_eq "and the BAR is uncached in pat_memtype_list" uncached \
	"$(pat_types "$start" $((start + 512 * 1048576)) | sort -u)"
check "the block device works" dd if=/dev/$dev of=/dev/null bs=4096 count=1 iflag=direct
