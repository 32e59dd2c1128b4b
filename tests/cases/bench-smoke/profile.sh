#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The profile harness of `bench/run.sh -P`, once, tiny: perf samples a
# write job on /dev/iopmemN and resolves the symbols of iopmem's copy.
# vm: ivshmem 512M addr=04.0
# results: 3
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/bench-smoke/bench.inc
. /tests/bench-smoke/profile.inc

# Every symbol with a sample: the check is that iopmem's copy is resolved
# by name, and a loaded host can leave a 1 s job with a few dozen writes,
# too few for the copy to reach 2% of the samples.
BENCH_RUNTIME=2
BENCH_PROFILE_LIMIT=0
check "bind iopmem" bench_iopmem
bench_profile_setup
bench_profile iopmem-wc "/dev/$BENCH_IOPMEM" randwrite 4k >/tmp/profile.txt
cat /tmp/profile.txt
check "perf profiled the job" grep -q '^PROFILE iopmem-wc randwrite 4k [0-9]* iops' /tmp/profile.txt
check "the write copy shows up by name" \
	grep -qE '^PROFILE iopmem-wc randwrite 4k [0-9.]+% (__memcpy_flushcache|iopmem_submit_bio)' /tmp/profile.txt
