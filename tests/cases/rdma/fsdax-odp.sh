#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# RDMA on an XFS -o dax file with on-demand paging (7.2): ibv_reg_mr of a
# mapping of the file with IBV_ACCESS_ON_DEMAND registers over soft-RoCE,
# where the same registration without it fails with EOPNOTSUPP
# (rdma/fsdax.sh, the control here).  An ODP MR pins nothing, so the
# kernel's refusal of long-term pins of fsdax pages does not apply: rxe
# finds the pages with hmm_range_fault() when a request reaches them,
# faulting them in through the file's mapping, and copies through the
# kernel's mapping of the page (rxe_odp.c).  Shown: RDMA READ of an
# untouched mapping returns what write() stored; RDMA WRITE into the
# mapping after its page table entries were dropped lands in the file
# (read()) and in the BAR's host file at the file's block, which FIEMAP
# gives (host hook, with the write() data as the control of the offset).
# rxe has ODP since 6.15: 7.2 only.  Documentation/iopfs.rst discusses it.
#
# 7.2.13's rxe copies an ODP MR's bytes to or from the start of the page
# whatever the offset in the page (__rxe_odp_mr_copy() never adds it):
# at the veth's MTU of 1500 (RDMA MTU 1024) the second packet of a page
# lands on the first.  Not about fsdax: a tmpfs file does the same
# (shown below as information).  So the transfers here run at RDMA MTU
# 4096 from page-aligned offsets: every packet is one whole page.
# vm: ivshmem 512M addr=04.0
# kernels: 7.2
# results: 14
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/rdma/rxe.inc

M=1048576
K=1024
check "modprobe iopmem (fsdax)" iopmem_load mode=fsdax
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind $IOPMEM_PCI to iopmem"
iopmem_mount_xfs "$dev" /mnt || die "mkfs.xfs and mount -o dax of /dev/$dev"

# 4 MiB written with write(): random bytes, pattern "wfile" at roff.
roff=$((M + 8 * K))
woff=$((2 * M + 12 * K))
{
	head -c "$roff" /dev/urandom
	pattern wfile
	head -c $((4 * M - roff - 4 * K)) /dev/urandom
} >/tmp/file
dd if=/tmp/file of=/mnt/f bs=1M status=none || die "write /mnt/f"
check "/mnt/f is DAX" dax_enabled /mnt/f
rphys=$(phys_of /mnt/f "$roff") || die "FIEMAP of /mnt/f at $roff"
info "hostcheck wfile $rphys"
check "soft-RoCE $RXE_DEV on a veth pair" rxe_setup || die "no soft-RoCE device"
gid=$(rxe_gid_index)

# The rxe bug, at MTU 1024, on a file in the guest's tmpfs root:
# information only.
head -c $((4 * M)) /dev/urandom >/tmp/t
tail -c +$((M + 1)) /tmp/t | head -c $((8 * K)) >/tmp/tdata
dax-rdma -d "$RXE_DEV" -g "$gid" --odp --read /tmp/t $((4 * M)) $M \
	</tmp/tdata >/tmp/out 2>&1
rc=$?
info "rxe ODP at MTU 1024, RDMA READ of 8 KiB of a tmpfs file (exit $rc):" \
	"$(grep -v '^# odp caps' /tmp/out | tail -n 1)"
rm -f /tmp/t /tmp/tdata

$RXE_IPCMD link set "${RXE_NETDEV}p" mtu 9000 &&
	$RXE_IPCMD link set "$RXE_NETDEV" mtu 9000 || die "veth mtu 9000"

# READ first: the mapping is new and never touched by the process.
tail -c +$((roff + 1)) /tmp/file | head -c $((256 * K)) >/tmp/rdata
dmesg_mark
dax-rdma -d "$RXE_DEV" -g "$gid" --odp --read /mnt/f $((4 * M)) "$roff" \
	</tmp/rdata >/tmp/out 2>&1
rc=$?
sed 's/^# /#   /' /tmp/out
check "$RXE_DEV runs at RDMA MTU 4096 on a veth MTU of 9000" \
	grep -q 'active mtu 4096$' /tmp/out
check "rxe reports ODP for RC SEND, WRITE and READ" \
	grep -Eq '^# odp caps: general 0x[0-9a-f]+ odp.*, rc 0x[0-9a-f]+ \(send recv write read' /tmp/out
check_eq "ODP ibv_reg_mr of /mnt/f; RDMA READ returns what write() stored" 0 $rc

{ pattern rdma; head -c $((252 * K)) /dev/urandom; } >/tmp/wdata
dax-rdma -d "$RXE_DEV" -g "$gid" --odp /mnt/f $((4 * M)) "$woff" \
	</tmp/wdata >/tmp/out 2>&1
rc=$?
sed 's/^# /#   /' /tmp/out
check_eq "ODP: RDMA WRITE into /mnt/f (entries dropped first); dax-rdma checks the data in the mapping" 0 $rc
check_eq "read() of /mnt/f returns the RDMA-written data" \
	"$(sha256sum </tmp/wdata)" \
	"$(tail -c +$((woff + 1)) /mnt/f | head -c $((256 * K)) | sha256sum)"
check_eq "read() of the rest of /mnt/f is what write() stored" \
	"$(head -c "$woff" /tmp/file | sha256sum)" \
	"$(head -c "$woff" /mnt/f | sha256sum)"
wphys=$(phys_of /mnt/f "$woff") || die "FIEMAP of /mnt/f at $woff"
info "hostcheck rdma $wphys"
check_fail "rxe logged no MR error for the ODP registrations" dmesg_has 'err = -'

# Control: without ODP the same kind of mapping is refused (a long-term
# pin).  Another file: --expect-fail-reg zeroes what it maps.
xfs_io -f -c "falloc 0 $((4 * M))" /mnt/g || die "falloc /mnt/g"
dmesg_mark
dax-rdma -d "$RXE_DEV" --expect-fail-reg /mnt/g $((4 * M)) >/tmp/out 2>&1
rc=$?
sed 's/^# /#   /' /tmp/out
check_eq "control: ibv_reg_mr of a file there without ODP fails with EOPNOTSUPP" 0 $rc
check "... and rxe logs the refused pin (-95)" dmesg_has 'err = -95'
