#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench's scale part, tiny: one 256 MiB BAR bound with memmap=ram and
# memmap=dev; probe times are positive, memmap=ram costs the 4 MiB of its
# struct pages and memmap=dev under 1 MiB of RAM.
# vm: ivshmem 256M addr=05.0
# vm: timeout 120
# results: 8
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/bench-smoke/bench.inc

BAR=0000:00:05.0
check "modprobe iopmem" iopmem_load
check "warm-up bind" bench_scale "$BAR" 256 dev 0
check "scale round" bench_scale_round 1 "$BAR:256"
for m in ram dev; do
	check "scale-probe 256M-$m: $(bench_value scale-probe "256M-$m") ms > 0" \
		bench_positive scale-probe "256M-$m"
done
ram=$(bench_value scale-ram 256M-ram)
dev=$(bench_value scale-ram 256M-dev)
check "scale-ram 256M-ram: $ram MiB >= 3.5 (4 MiB of struct pages)" \
	awk -v v="$ram" 'BEGIN { exit !(v >= 3.5) }'
check "scale-ram 256M-dev: $dev MiB < 1" awk -v v="$dev" 'BEGIN { exit !(v < 1) }'
check "the BAR is unbound again" test -z "$(pci_driver $BAR)"
