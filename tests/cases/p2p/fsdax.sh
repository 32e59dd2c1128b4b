#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# NVMe <-> a DAX file mapping on iopmem, peer to peer: the NVMe controller
# DMAs into and out of the BAR.  The buffer files are DAX (statx) and one
# extent each, so their place in the BAR is known.  The host put a pattern
# into the NVMe image (fsdax.pre.sh) and finds it in the BAR at the in
# buffer's place; the out buffer held what reached the NVMe image; QEMU's
# trace shows every DMA of each job at its buffer's BAR addresses, and a
# control job into RAM outside them (fsdax.host.sh, host_check_p2p);
# crc32c verify passes; and the block layer counts no bio on /dev/iopmemN
# throughout: no CPU copy through the driver.
# vm: ivshmem 512M addr=04.0
# vm: nvme 96M
# vm: timeout 300
# vm: qemu -trace pci_nvme_io_cmd -trace pci_nvme_admin_cmd -trace pci_nvme_read -trace pci_nvme_write -trace pci_nvme_map_addr
# results: 30
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/p2p/p2p.inc

M=1048576
check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
nvme_wait || die "no /dev/nvme0n1"
iopmem_mount_xfs "$dev" /mnt || die "mkfs.xfs and mount -o dax"
bar=$(bar_start $IOPMEM_PCI 2)
p2p_buf bar "$bar" 0 $((512 * M)) 0
# Written blocks, so that faults on the mapping change no metadata; in
# 2 MiB extents, so that each file is one range of the BAR.
xfs_io -c 'extsize 2m' /mnt
w0=$(disk_stat "$dev" write_ios)
for f in in verify out; do
	xfs_io -f -c 'pwrite -q -S 0 0 2m' -c fsync "/mnt/$f.buf" ||
		die "cannot make /mnt/$f.buf"
done
sync
# So that the jobs' "no bio" below can fail: metadata goes to the log
# through the bio path, and the block layer counts it.
check "control: the XFS log writes of the fsyncs are counted" \
	test "$(disk_stat "$dev" write_ios)" -gt "$w0"
for f in in verify out; do
	check "$f.buf is DAX (statx)" dax_enabled "/mnt/$f.buf"
	# fiemap: a header line, then one line per extent.
	check_eq "$f.buf is one extent" 2 "$(xfs_io -c fiemap "/mnt/$f.buf" | wc -l)"
done
: >/tmp/ram.file
check_fail "control: a file in RAM is not DAX (statx)" dax_enabled /tmp/ram.file
off_in=$(file_phys /mnt/in.buf)
info "hostcheck p2p $off_in"
p2p_buf in $((bar + off_in)) "$off_in" $((2 * M)) $P2P_IN
off=$(file_phys /mnt/verify.buf)
p2p_buf verify $((bar + off)) "$off" $((2 * M)) $P2P_VERIFY
off=$(file_phys /mnt/out.buf)
p2p_buf out $((bar + off)) "$off" $((2 * M)) $P2P_OUT

# XFS's log worker covers an idle log every xfssyncd_centisecs (30 s): two
# small log writes, metadata through the block device, which slow guests
# see in the middle of a job.  Cover the log now (freeze and thaw) and
# stretch the interval, so that the counters see the jobs alone.
syncd=/proc/sys/fs/xfs/xfssyncd_centisecs
on_exit "echo $(cat $syncd) >$syncd"
echo 720000 >$syncd
xfs_io -x -c freeze -c thaw /mnt || die "cannot freeze and thaw /mnt"

# job NAME BUF AT : p2p_job; the block layer counts no bio meanwhile.
job() {
	_r=$(disk_stat "$dev" read_ios) _w=$(disk_stat "$dev" write_ios)
	p2p_job "$@"
	check_eq "$1: no read bio through iopmem" "$_r" "$(disk_stat "$dev" read_ios)"
	check_eq "$1: no write bio through iopmem" "$_w" "$(disk_stat "$dev" write_ios)"
}

job nvme-to-dax /mnt/in.buf $P2P_IN
check_eq "the guest reads the NVMe pattern in the DAX file" \
	"$(pattern p2p | sha256sum)" "$(head -c 4096 /mnt/in.buf | sha256sum)"
job dax-nvme-verify /mnt/verify.buf $P2P_VERIFY
job dax-to-nvme /mnt/out.buf $P2P_OUT
p2p_control
check "umount" umount /mnt
