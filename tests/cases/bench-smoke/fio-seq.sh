#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench, tiny: the 1M sequential fio workloads once each on pmem, brd and
# iopmem (wc, uc); every one must report a positive number.
# vm: ivshmem 512M addr=04.0
# vm: mem 4G
# vm: cmdline memmap=512M!2G
# vm: timeout 240
# results: 12
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/bench-smoke/bench.inc

# shellcheck disable=SC2034 # read by bench.inc
BENCH_RUNTIME=1
check "/dev/pmem0 from memmap=" bench_pmem || die "no /dev/pmem0"
check "brd: /dev/ram0" bench_brd
check "iopmem bound" bench_iopmem || die "iopmem"
# shellcheck disable=SC2034 # read by bench.inc
BENCH_FIO_WORKLOADS="read-1m write-1m"
check "fio round" bench_fio_round 1
for w in $BENCH_FIO_WORKLOADS; do
	for d in pmem brd iopmem-wc iopmem-uc; do
		check "$w on $d: $(bench_value "$w" "$d") MB/s > 0" bench_positive "$w" "$d"
	done
done
