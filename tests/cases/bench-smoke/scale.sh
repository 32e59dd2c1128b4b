#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench's scale part, tiny: one 256 MiB BAR bound with memmap=ram and
# memmap=dev, three rounds; probe times are positive, and the medians show
# memmap=ram costing the 4 MiB of its struct pages and memmap=dev not.
# Medians, because a debug kernel frees and allocates megabytes of its own
# at any moment (KASAN quarantine, kmemleak), and on it memmap=dev still
# costs up to 1 MiB of page tables and shadow.
# vm: ivshmem 256M addr=05.0
# vm: timeout 180
# results: 10
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/bench-smoke/bench.inc

BAR=0000:00:05.0
check "modprobe iopmem" iopmem_load
check "warm-up bind" bench_scale "$BAR" 256 dev 0
for r in 1 2 3; do
	check "scale round $r" bench_scale_round "$r" "$BAR:256"
done
for m in ram dev; do
	check "scale-probe 256M-$m: $(bench_value scale-probe "256M-$m") ms > 0" \
		bench_positive scale-probe "256M-$m"
done
ram=$(bench_median scale-ram 256M-ram)
dev=$(bench_median scale-ram 256M-dev)
info "scale-ram 256M-ram: $(awk '$2 == "scale-ram" && $3 == "256M-ram" && $4 > 0 { printf "%s ", $5 }' "$BENCH_OUT")MiB"
info "scale-ram 256M-dev: $(awk '$2 == "scale-ram" && $3 == "256M-dev" && $4 > 0 { printf "%s ", $5 }' "$BENCH_OUT")MiB"
check "scale-ram 256M-ram median: ${ram:-none} MiB >= 3.5 (4 MiB of struct pages)" \
	awk -v v="$ram" 'BEGIN { exit !(v != "" && v >= 3.5) }'
check "scale-ram median ram - dev: ${ram:-none} - ${dev:-none} MiB >= 3 (memmap=dev keeps the struct pages out of RAM)" \
	awk -v r="$ram" -v d="$dev" 'BEGIN { exit !(r != "" && d != "" && r - d >= 3) }'
check "the BAR is unbound again" test -z "$(pci_driver $BAR)"
