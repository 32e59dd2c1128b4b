#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench, tiny: DAX mmap streaming (dax-bw) on XFS -o dax on iopmem
# (wc, uc) and pmem, guest memcpy, and NVMe -> DAX mapping / RAM with
# O_DIRECT; every one must report a positive number.
# vm: ivshmem 512M addr=04.0
# vm: nvme 64M
# vm: mem 4G
# vm: cmdline memmap=512M!2G
# vm: timeout 240
# With 1 vCPU, a 6.1 guest's NVMe stops completing these 2040k reads on
# some hosts (QEMU 7.2 under TCG on an AMD EPYC: "I/O N QID 1 timeout,
# aborting", then controller resets), with iopmem not loaded and RAM as
# the target too; with 2 vCPUs, and on 6.12, it does not.  Not iopmem's
# bug, and not understood: this scenario measures, so it runs with 2.
# vm: smp 2
# results: 15
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/bench-smoke/bench.inc

# shellcheck disable=SC2034 # read by bench.inc
BENCH_RUNTIME=1 BENCH_SIZE=16M BENCH_PASSES=1
check "/dev/pmem0 from memmap=" bench_pmem || die "no /dev/pmem0"
check "iopmem bound" bench_iopmem || die "iopmem"
nvme_wait || die "no /dev/nvme0n1"
check "dax round" bench_dax_round 1
for d in iopmem-wc iopmem-uc pmem memcpy; do
	for w in dax-stream-read dax-stream-write; do
		check "$w on $d: $(bench_value "$w" "$d") MB/s > 0" bench_positive "$w" "$d"
	done
done
for d in iopmem-wc iopmem-uc ram; do
	check "nvme-read-p2p into $d: $(bench_value nvme-read-p2p "$d") MB/s > 0" \
		bench_positive nvme-read-p2p "$d"
done
check "nothing left mounted" sh -c '! grep -q " /mnt " /proc/mounts'
