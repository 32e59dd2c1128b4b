#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: one QEMU guest (tests/cases/bench-smoke/full.inc) holding
# /dev/pmem0 (memmap=), /dev/ram0 (brd) and /dev/iopmem0 (512 MiB ivshmem
# BAR, cache wc and uc); every workload BENCH_RUNS times, devices
# interleaved.  Then a second guest (bench-smoke/scale.inc) binds BARs of
# 256 MiB, 1 GiB and 4 GiB with memmap=ram and =dev, BENCH_RUNS times,
# for probe time and RAM cost.  A third guest (bench-smoke/iopfs.inc)
# holds one 512 MiB BAR and switches it between modes: iopfs against
# /dev/daxN.M and XFS -o dax on the same memory, BENCH_RUNS times, then
# mount time and kernel memory of an iopfs of 100k files (once;
# BENCH_IOPFS_SCALE_RUNS=N for more).  Prints the tables (median, min-max)
# and writes bench/results/bench-<kernel>.json, .png and .txt (the raw
# BENCH lines).
#
#   bench/run.sh [-k 6.1|6.12] [-r RUNS] [-t SECONDS_PER_FIO_JOB] [-S | -I]
#   bench/run.sh -p RESULTS.txt     only summarise saved BENCH lines
#   -S                              the scale guest only (no bench-<kernel>.*
#                                   written; results in out/bench/KVER/scale)
#   -I                              the iopfs guest only; writes
#                                   bench/results/iopfs-<kernel>.json and
#                                   .txt (raw BENCH lines)
#   -P                              a perf profile of the write and read
#                                   workloads on pmem, iopmem wc and uc
#                                   (bench-smoke/profile-full.inc) instead;
#                                   writes bench/results/profile-<kernel>.txt
#
# Under TCG only ratios within one run mean anything.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/kernel.sh
. "$BENCH_DIR/../tests/vm/kernel.sh"
# shellcheck source=tests/vm/vm.sh
. "$RIG_DIR/vm.sh"

kernel=${KERNEL:-6.1} runs=${BENCH_RUNS:-5} runtime=${BENCH_RUNTIME:-3} parse='' scale_only=0 profile=0 iopfs_only=0
while getopts k:r:t:p:SPI opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	r) runs=$OPTARG ;;
	t) runtime=$OPTARG ;;
	p) parse=$OPTARG ;;
	S) scale_only=1 ;;
	P) profile=1 ;;
	I) iopfs_only=1 ;;
	*) die "usage: bench/run.sh [-k KERNEL] [-r RUNS] [-t SECONDS] [-S | -P | -I] | -p RESULTS.txt" ;;
	esac
done
[[ -n $kernel ]] || kernel=6.1
results=$BENCH_DIR/results
mkdir -p "$results"
# No slub_debug/init_on_free/KFENCE (tests/vm/vm.sh): the tables compare
# with reference runs made without them.
export IOPMEM_MEMCHECK=0

# The throughput guest's BAR file lives on tmpfs, allocated up front.  A
# sparse file on the host's disk costs a host page fault at the first
# store to each page and, once writeback has write-protected it again, at
# every re-dirtying store: that made guest writes to the BAR 3-6x slower
# than to guest RAM, a cost of the rig and not of the driver
# (bench/results/README.md).
bar_tmp=''
trap '[[ -z $bar_tmp ]] || rm -rf "$bar_tmp"' EXIT

# bench_guest NAME INC OKTAG [tmpfs] : boot INC (a bench-smoke *.inc) in
# $OUT_DIR/bench/$KVER/NAME; append its BENCH lines to $dir/results.txt.
# The guest must print "ok ... OKTAG".  With "tmpfs", its BAR files are
# preallocated on /dev/shm.
bench_guest() {
	local name=$1 inc=$2 tag=$3 gdir=$dir/$1 rc=0
	if [[ ${4:-} == tmpfs ]]; then
		bar_tmp=$(mktemp -d /dev/shm/iopmem-bench.XXXXXX) ||
			die "bench: cannot create a directory on /dev/shm for the BAR files (is /dev/shm a tmpfs?)"
		export IOPMEM_BAR_DIR=$bar_tmp IOPMEM_BAR_PREALLOC=1
	fi
	vm_prepare "$CASES_DIR/bench-smoke/$inc" "$gdir"
	VM_CMDLINE+=" BENCH_RUNS=$runs BENCH_RUNTIME=$runtime"
	[[ -z ${BENCH_IOPFS_SCALE_RUNS:-} ]] || VM_CMDLINE+=" BENCH_IOPFS_SCALE_RUNS=$BENCH_IOPFS_SCALE_RUNS"
	log "bench: booting $KVER for $name, $runs rounds (logs: $gdir)"
	vm_boot "$gdir" "$KIMAGE" "$initrd" "/tests/bench-smoke/$inc" || rc=$?
	grep -E '^(# |not ok|ok )' "$gdir/guest.log" >&2 || true
	grep -E '^(BENCH|PROFILE) ' "$gdir/guest.log" >>"$dir/results.txt" || true
	# The sparse BAR files of the scale guest would take 5 GiB if copied.
	rm -f "$gdir"/bar*.img
	if [[ -n $bar_tmp ]]; then
		rm -rf "$bar_tmp"
		bar_tmp=''
		unset IOPMEM_BAR_DIR IOPMEM_BAR_PREALLOC
	fi
	if ((rc != 0)) || ! grep -q "^ok .*$tag" "$gdir/guest.log"; then
		die "bench: the $name guest failed (status $rc; see $gdir/guest.log, $gdir/console.log)"
	fi
}

if [[ -z $parse ]]; then
	kernel_select "$kernel"
	"$RIG_DIR/setup.sh" "$kernel"
	"$RIG_DIR/build.sh" "$kernel" >/dev/null
	initrd=$("$RIG_DIR/initramfs.sh" "$kernel")
	dir=$OUT_DIR/bench/$KVER
	mkdir -p "$dir"
	: >"$dir/results.txt"
	start=$(date +%s)
	if ((profile)); then
		bench_guest profile profile-full.inc 'bench: profile' tmpfs
		{
			echo "# perf in the guest (cpu-clock, idle left out, symbols over 2%),"
			echo "# kernel $KVER under TCG, fio psync direct=1, ${runtime} s per job"
			grep '^PROFILE ' "$dir/results.txt" | cut -d' ' -f2-
		} | tee "$results/profile-$kernel.txt"
		log "bench: wrote $results/profile-$kernel.txt"
		exit 0
	fi
	if ((scale_only)); then
		bench_guest scale scale.inc 'bench: scale'
		python3 "$BENCH_DIR/report.py" "$dir/results.txt" "$dir/scale.json" \
			"$KVER" "$(($(date +%s) - start))" "$runs" "$runtime"
		exit 0
	fi
	if ((iopfs_only)); then
		bench_guest iopfs iopfs.inc 'bench: iopfs' tmpfs
		cp "$dir/results.txt" "$results/iopfs-$kernel.txt"
		python3 "$BENCH_DIR/report.py" "$dir/results.txt" "$results/iopfs-$kernel.json" \
			"$KVER" "$(($(date +%s) - start))" "$runs" "$runtime"
		log "bench: wrote $results/iopfs-$kernel.json and .txt"
		exit 0
	fi
	bench_guest fio full.inc 'bench:' tmpfs
	bench_guest scale scale.inc 'bench: scale'
	bench_guest iopfs iopfs.inc 'bench: iopfs' tmpfs
	elapsed=$(($(date +%s) - start))
	parse=$dir/results.txt
	meta_kernel=$KVER
else
	# Summarising a saved run: BENCH_KVER / BENCH_ELAPSED describe it.
	elapsed=${BENCH_ELAPSED:-0}
	meta_kernel=${BENCH_KVER:-unknown}
fi

json=$results/bench-$kernel.json
[[ $parse == "$results/bench-$kernel.txt" ]] || cp "$parse" "$results/bench-$kernel.txt"
python3 "$BENCH_DIR/report.py" "$parse" "$json" "$meta_kernel" "$elapsed" "$runs" "$runtime"

if command -v gnuplot >/dev/null 2>&1; then
	dat=$(mktemp)
	python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["rows"]:
    print("\"%s\" %s %s" % (r["label"], r["ratio"] if r["ratio"] is not None else "NaN", r["target"] if r["target"] is not None else "NaN"))' "$json" >"$dat"
	gnuplot <<GP
set terminal pngcairo size 1100,600 noenhanced
set output "$results/bench-$kernel.png"
set title "iopmem (wc) / peer, median of $runs runs, TCG guest $meta_kernel"
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.8
set xtics rotate by -40 scale 0 font ",9"
set ylabel "ratio (1.0 = peer)"
set yrange [0:*]
set grid ytics
set rmargin 12
set bmargin 9
plot "$dat" using 2:xtic(1) title "iopmem-wc / peer" lc rgb "#3070b0", \
     "" using 0:3 with points pt 7 ps 1.2 lc rgb "#c03030" title "target"
GP
	rm -f "$dat"
	log "bench: wrote $json and $results/bench-$kernel.png"
else
	log "bench: wrote $json (no gnuplot: apt-get install gnuplot-nox for the plot)"
fi
