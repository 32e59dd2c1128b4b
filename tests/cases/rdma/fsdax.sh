#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# RDMA cannot register fsdax memory: ibv_reg_mr of a mapping of a file on
# an XFS -o dax mount of /dev/iopmemN fails with EOPNOTSUPP, because the
# kernel refuses long-term pins (FOLL_LONGTERM) of fsdax pages. An
# anonymous buffer registers on the same device (the control), and the
# file is checked to be DAX, so the refusal is about fsdax.
# vm: ivshmem 512M addr=04.0
# results: 6
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/rdma/rxe.inc

M=1048576
check "modprobe iopmem (fsdax)" iopmem_load mode=fsdax
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind $IOPMEM_PCI to iopmem"
iopmem_mount_xfs "$dev" /mnt || die "mkfs.xfs and mount -o dax of /dev/$dev"
xfs_io -f -c "falloc 0 $((4 * M))" /mnt/f || die "falloc /mnt/f"
check "/mnt/f is DAX" dax_enabled /mnt/f
check "soft-RoCE $RXE_DEV on a veth pair" rxe_setup || die "no soft-RoCE device"

dmesg_mark
dax-rdma -d $RXE_DEV --expect-fail-reg /mnt/f $((4 * M)) >/tmp/out 2>&1
rc=$?
sed 's/^# /#   /' /tmp/out
check_eq "ibv_reg_mr of an fsdax mapping fails with EOPNOTSUPP" 0 $rc
# 6.1: "rxe_mr_init_user: Unable to pin memory region err = -95";
# 6.12: "rxe_reg_user_mr: returned err = -95".
check "... and rxe logs the refused pin (-95)" dmesg_has 'err = -95'

# The assertion can fail: a tmpfs file (not DAX) registers fine.
head -c $((4 * M)) /dev/zero >/tmp/f
check_fail "control: --expect-fail-reg of a tmpfs file fails (it registers)" \
	dax-rdma -d $RXE_DEV --expect-fail-reg /tmp/f $((4 * M))
