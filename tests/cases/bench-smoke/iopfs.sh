#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench's iopfs part, tiny: one round of every iopfs workload and of
# its peer on the same device (mmap streaming on iopfs and /dev/daxN.M;
# 4K pwrite, create+fsync and unlink on iopfs and XFS -o dax), and the
# mount part with 1,000 files; every one must report a positive number,
# and the device ends in mode fsdax.
# vm: ivshmem 512M addr=04.0
# vm: timeout 240
# kernels: 6.1
# results: 16
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/bench-smoke/bench.inc

# shellcheck disable=SC2034 # read by bench.inc
BENCH_RUNTIME=1 BENCH_SIZE=16M BENCH_PASSES=1 BENCH_FILES=200 BENCH_MANY=1000 BENCH_IOPFS_LOG=4M
check "iopmem bound" bench_iopmem || die "iopmem"
check "iopfs round" bench_iopfs_round 1
for w in mmap-read:iopfs mmap-read:devdax mmap-write:iopfs mmap-write:devdax \
	pwrite-4k:iopfs pwrite-4k:xfs-dax create-fsync:iopfs create-fsync:xfs-dax \
	unlink:iopfs unlink:xfs-dax; do
	check "${w%:*} on ${w#*:}: $(bench_value "${w%:*}" "${w#*:}") > 0" bench_positive "${w%:*}" "${w#*:}"
done
check "iopfs mount round" bench_iopfs_scale 1
check "mount of 1000 files: $(bench_value mount-ms iopfs-1000) ms > 0" bench_positive mount-ms iopfs-1000
check "log of 1000 creates: $(bench_value log-mib iopfs-1000) MiB > 0" bench_positive log-mib iopfs-1000
check_eq "the device is back in mode fsdax" fsdax "$(iopmem_attr "$BENCH_IOPMEM" mode)"
