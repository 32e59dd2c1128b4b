#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# RDMA into device memory: a device-dax instance of the BAR, mapped and
# registered with ibv_reg_mr (FOLL_LONGTERM pins of its ZONE_DEVICE pages),
# receives an RDMA WRITE over soft-RoCE and serves an RDMA READ of the same
# bytes (tests/rdma/dax-rdma.c); the data is in a new mapping of the
# instance and, per verbs.host.sh, in the BAR's host backing file.
# vm: ivshmem 512M addr=04.0
# results: 6
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/rdma/rxe.inc

M=1048576
check "modprobe iopmem mode=devdax" iopmem_load mode=devdax
iopmem_bind $IOPMEM_PCI >/dev/null || die "bind $IOPMEM_PCI to iopmem"
bar=$(bar_start $IOPMEM_PCI 2)
a=$(daxctl create-device -r 0 -s 64M | jq -r '.[0].chardev')
check "create a 64 MiB device-dax instance" test -c "/dev/$a"
on_exit "daxctl disable-device $a >/dev/null; daxctl destroy-device $a >/dev/null"
check "soft-RoCE $RXE_DEV on a veth pair" rxe_setup || die "no soft-RoCE device"

# 256 KiB (256 packets at MTU 1024), starting 4 KiB into the second 2 MiB
# page of a 4 MiB mapping: the transfer crosses base pages and does not
# start on a huge page boundary.
off=$((2 * M + 4096))
{ pattern rdma; head -c $((252 * 1024)) /dev/urandom; } >/tmp/data
dax-rdma -d $RXE_DEV -g "$(rxe_gid_index)" "/dev/$a" $((4 * M)) $off </tmp/data >/tmp/out 2>&1
rc=$?
sed 's/^# /#   /' /tmp/out
check_eq "dax-rdma: RDMA WRITE into and READ from /dev/$a" 0 $rc
check_eq "a new mapping of /dev/$a holds the written data" "$(sha256sum </tmp/data)" \
	"$(mmap-io read "/dev/$a" $((2 * M)) $((2 * M)) |
		tail -c +4097 | head -c $((256 * 1024)) | sha256sum)"
info "hostcheck rdma $(($(dax_start "$a") - bar + off))"
