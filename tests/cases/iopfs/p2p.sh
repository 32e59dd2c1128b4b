#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# NVMe <-> a mapping of an iopfs file, peer to peer, as p2p/fsdax does it
# for XFS -o dax: the NVMe controller DMAs into and out of the BAR at the
# files' extents (FIEMAP, which iopfs answers).  The host put a pattern
# into the NVMe image (p2p.pre.sh) and finds it in the BAR at the in
# buffer's extent; the out buffer's data reached the NVMe image; QEMU's
# trace shows every DMA of each job at its buffer's BAR addresses and a
# control job into RAM outside them (p2p.host.sh, host_check_p2p); crc32c
# verify passes.  iopfs has no bio path: no CPU copies these bytes, and
# the block layer counts no bio on /dev/iopmemN during a job (it does
# count a read through the device, the control).
# kernels: 6.1
# vm: ivshmem 512M addr=04.0
# vm: nvme 96M
# vm: timeout 300
# vm: qemu -trace pci_nvme_io_cmd -trace pci_nvme_admin_cmd -trace pci_nvme_read -trace pci_nvme_write -trace pci_nvme_map_addr
# results: 29
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/p2p/p2p.inc
. /tests/iopfs/iopfs.inc

M=1048576
iopfs_fresh
nvme_wait || die "no /dev/nvme0n1"
bar=$(bar_start $IOPMEM_PCI 2)
p2p_buf bar "$bar" 0 $((512 * M)) 0
for f in in verify out; do
	fallocate -l $((2 * M)) "/mnt/$f.buf" || die "fallocate /mnt/$f.buf"
	# FIEMAP: a header line, then one line per extent.
	check_eq "$f.buf is one extent (FIEMAP)" 2 "$(xfs_io -c fiemap "/mnt/$f.buf" | wc -l)"
done
off_in=$(file_phys /mnt/in.buf)
off_verify=$(file_phys /mnt/verify.buf)
off_out=$(file_phys /mnt/out.buf)
check "the extents are three different 2 MiB-aligned places" test \
	$((off_in % (2 * M) + off_verify % (2 * M) + off_out % (2 * M))) -eq 0 -a \
	"$off_in" != "$off_verify" -a "$off_in" != "$off_out" -a "$off_verify" != "$off_out"
info "hostcheck p2p $off_in"
p2p_buf in $((bar + off_in)) "$off_in" $((2 * M)) $P2P_IN
p2p_buf verify $((bar + off_verify)) "$off_verify" $((2 * M)) $P2P_VERIFY
p2p_buf out $((bar + off_out)) "$off_out" $((2 * M)) $P2P_OUT

# job NAME BUF AT : p2p_job; the block layer counts no bio meanwhile (a
# CPU copy through iopmem's block path would be one).
job() {
	_r=$(disk_stat "$dev" read_ios) _w=$(disk_stat "$dev" write_ios)
	p2p_job "$@"
	check_eq "$1: no read bio through iopmem" "$_r" "$(disk_stat "$dev" read_ios)"
	check_eq "$1: no write bio through iopmem" "$_w" "$(disk_stat "$dev" write_ios)"
}
r0=$(disk_stat "$dev" read_ios)
dd if="/dev/$dev" of=/dev/null bs=4096 count=1 iflag=direct 2>/dev/null
check "control: a read through /dev/$dev is counted" \
	test "$(disk_stat "$dev" read_ios)" -gt "$r0"

job nvme-to-dax /mnt/in.buf $P2P_IN
check_eq "read() of the file returns the NVMe pattern" \
	"$(pattern p2p | sha256sum)" "$(head -c 4096 /mnt/in.buf | sha256sum)"
job dax-nvme-verify /mnt/verify.buf $P2P_VERIFY
job dax-to-nvme /mnt/out.buf $P2P_OUT
p2p_control
check "umount" umount /mnt
