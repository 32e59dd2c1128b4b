#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# NVMe <-> /dev/daxN.M instances on iopmem, peer to peer, as fsdax.sh does
# with DAX files: the host's pattern from the NVMe image lands in the BAR at
# the instance's place (devdax.host.sh), the reverse direction and crc32c
# verify work, and iopmem's counters do not move: device-dax faults and DMA
# never pass through it.
# vm: ivshmem 512M addr=04.0
# vm: nvme 64M
# vm: timeout 300
# results: 17
. /tests/lib.sh
. /tests/iopmem.sh

check "modprobe iopmem mode=devdax" iopmem_load mode=devdax
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
nvme_wait || die "no /dev/nvme0n1"
for f in in out verify; do
	d=$(daxctl create-device -r 0 -s 16M | jq -r '.[0].chardev')
	[ -c "/dev/$d" ] || die "cannot create a device-dax instance for $f"
	eval "$f=/dev/$d"
done
# shellcheck disable=SC2154 # set by the eval above
off=$(($(dax_start "${in#/dev/}") - $(bar_start $IOPMEM_PCI 2)))
info "hostcheck p2p $off"

job() {
	stats_reset "$dev"
	check "fio $1 with buffers in $2" env NVME=/dev/nvme0n1 BUF="$2" \
		fio --output=/tmp/fio.out "/tests/fio/$1.fio"
	for c in bio_reads bio_writes dax_calls; do
		check_eq "$1: $c did not move" 0 "$(iopmem_stat "$dev" $c)"
	done
}

# shellcheck disable=SC2154
job nvme-to-dax "$in"
check_eq "the guest reads the NVMe pattern through a mapping" \
	"$(pattern p2p | sha256sum)" "$(mmap-io read "$in" 0 2M | head -c 4096 | sha256sum)"
# shellcheck disable=SC2154
job dax-nvme-verify "$verify"
# shellcheck disable=SC2154
job dax-to-nvme "$out"
