#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest part of `make demo` (tests/vm/demo.sh boots it as T=/rig/demo.sh):
# bind the emulated BAR to iopmem, put XFS -o dax on it, run a short fio
# job through a DAX mapping; then show that RDMA (soft-RoCE) refuses to
# register a mapping of that DAX file, and registers, writes and reads a
# mapping of an iopfs file on the same memory.  Everything it prints is
# shown to the user.
# vm: ivshmem 512M addr=04.0
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
# shellcheck source=tests/cases/iopmem.sh
. /tests/iopmem.sh
# shellcheck source=tests/cases/rdma/rxe.inc
. /tests/rdma/rxe.inc

DEV=$IOPMEM_PCI
SYS=/sys/bus/pci/devices/$DEV

[ -d "$SYS" ] || die "no PCI device at $DEV: the emulated BAR is missing"
echo "kernel:  $(uname -r)"
modprobe iopmem || die "modprobe iopmem"
dev=$(iopmem_bind "$DEV") || die "cannot bind $DEV to iopmem (see dmesg)"
a=/sys/class/iopmem/$dev
start=$(bar_start "$DEV" 2)
end=$((start + $(cat "$a/size")))
echo "device:  /dev/$dev on $DEV BAR$(cat "$a/bar") [mem $(cat "$a/range")], $(($(cat "$a/size") >> 20)) MiB"
echo "cache:   $(cat "$a/cache") (PAT: $(pat_types "$start" "$end" | sort -u | xargs))"
echo "mode:    $(cat "$a/mode")"

iopmem_mount_xfs "$dev" /mnt || die "mkfs.xfs -m reflink=0 and mount -o dax failed"
: >/mnt/probe
if dax_enabled /mnt/probe; then dax=on; else dax=OFF; fi
echo "mount:   $(grep " /mnt " /proc/mounts | cut -d' ' -f1-4)"
echo "DAX:     $dax (statx STATX_ATTR_DAX on /mnt/probe)"

fio /tests/fio/dax-mmap.fio --directory=/mnt --output-format=json >/tmp/fio.json ||
	die "fio failed"
jq -r '.jobs[] | "fio:     \(.jobname) 128 MiB through mmap of a DAX file: \((.read.bw_bytes + .write.bw_bytes) / 1048576 | floor) MiB/s"' /tmp/fio.json
echo "note:    TCG emulation; only ratios within one run mean anything (make bench)"

# RDMA: fsdax pages cannot be pinned long-term, iopfs pages can.
M=1048576
rxe_setup || die "cannot set up soft-RoCE (rxe) on a veth pair"
xfs_io -f -c "falloc 0 $((4 * M))" /mnt/rdma >/dev/null || die "falloc /mnt/rdma"
if dax-rdma -d "$RXE_DEV" --expect-fail-reg /mnt/rdma $((4 * M)) >/dev/null 2>&1; then
	echo "RDMA:    XFS -o dax: ibv_reg_mr of a mapping of /mnt/rdma refused (EOPNOTSUPP: fsdax pages are never pinned long-term)"
else
	echo "RDMA:    XFS -o dax: ibv_reg_mr was not refused?"
fi
umount /mnt
echo iopfs >"$a/mode" || die "echo iopfs > $a/mode"
# -f: the XFS above is on the device; mkfs.iopfs refuses to overwrite it unasked.
mkfs.iopfs -q -f "/dev/$dev" || die "mkfs.iopfs /dev/$dev"
modprobe iopfs || die "modprobe iopfs"
mount -t iopfs "/dev/$dev" /mnt || die "mount -t iopfs /dev/$dev /mnt"
echo "mode:    $(cat "$a/mode"); mount: $(grep " /mnt " /proc/mounts | cut -d' ' -f1-3)"
fallocate -l $((4 * M)) /mnt/buf || die "fallocate /mnt/buf"
head -c $((256 * 1024)) /dev/urandom >/tmp/data
if dax-rdma -d "$RXE_DEV" -g "$(rxe_gid_index)" /mnt/buf $((4 * M)) $((2 * M)) \
	</tmp/data >/tmp/rdma.out 2>&1 &&
	[ "$(tail -c +$((2 * M + 1)) /mnt/buf | head -c $((256 * 1024)) | sha256sum)" = \
		"$(sha256sum </tmp/data)" ]; then
	echo "RDMA:    iopfs: ibv_reg_mr of a 4 MiB mapping of /mnt/buf, RDMA WRITE of 256 KiB and READ back: ok; read() of the file returns the bytes"
else
	sed 's/^/         /' /tmp/rdma.out
	die "RDMA on the iopfs file failed"
fi
umount /mnt
rmmod iopfs
pci_unbind "$DEV"
exit 0
