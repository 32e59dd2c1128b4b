#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# NVMe <-> a DAX file mapping on iopmem, peer to peer: the NVMe controller
# DMAs into and out of the BAR.  The host put a pattern into the NVMe image
# (fsdax.pre.sh) and finds it in the BAR's backing file at the buffer file's
# place (fsdax.host.sh); the reverse direction leaves fio's buffer pattern
# in the NVMe image; crc32c verify passes; and iopmem's bio counters stay at
# 0 throughout: no CPU copy through the driver.
# vm: ivshmem 512M addr=04.0
# vm: nvme 64M
# vm: timeout 300
# results: 15
. /tests/lib.sh
. /tests/iopmem.sh

check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
nvme_wait || die "no /dev/nvme0n1"
iopmem_mount_xfs "$dev" /mnt || die "mkfs.xfs and mount -o dax"
# Written blocks, so that faults on the mapping change no metadata.
for f in in out verify; do
	xfs_io -f -c 'pwrite -q -S 0 0 2m' -c fsync "/mnt/$f.buf" ||
		die "cannot make /mnt/$f.buf"
done
sync
off=$(file_phys /mnt/in.buf)
info "hostcheck p2p $off"

# job NAME BUF : run tests/fio/NAME.fio with BUF; bio counters must stay 0.
job() {
	stats_reset "$dev"
	check "fio $1 with buffers in $2" env NVME=/dev/nvme0n1 BUF="$2" \
		fio --output=/tmp/fio.out "/tests/fio/$1.fio"
	check_eq "$1: no read bio through iopmem" 0 "$(iopmem_stat "$dev" bio_reads)"
	check_eq "$1: no write bio through iopmem" 0 "$(iopmem_stat "$dev" bio_writes)"
}

job nvme-to-dax /mnt/in.buf
check_eq "the guest reads the NVMe pattern in the DAX file" \
	"$(pattern p2p | sha256sum)" "$(head -c 4096 /mnt/in.buf | sha256sum)"
job dax-nvme-verify /mnt/verify.buf
job dax-to-nvme /mnt/out.buf
check "umount" umount /mnt
