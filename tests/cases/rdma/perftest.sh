#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# perftest's ib_write_bw runs with its buffers in device memory: server and
# client both mmap /dev/daxN.M (--mmap; the client at another offset) and
# RDMA WRITE over soft-RoCE; both complete and report a bandwidth.
# perftest maps 2 x the message size: -s 1M makes that the 2 MiB multiple a
# device-dax mapping needs (the default 64 KiB fails with EINVAL).
# vm: ivshmem 512M addr=04.0
# vm: timeout 360
# results: 8
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/rdma/rxe.inc

M=1048576
check "modprobe iopmem mode=devdax" iopmem_load mode=devdax
iopmem_bind $IOPMEM_PCI >/dev/null || die "bind $IOPMEM_PCI to iopmem"
a=$(daxctl create-device -r 0 -s 64M | jq -r '.[0].chardev')
check "create a 64 MiB device-dax instance" test -c "/dev/$a"
on_exit "daxctl disable-device $a >/dev/null; daxctl destroy-device $a >/dev/null"
check "soft-RoCE $RXE_DEV on a veth pair" rxe_setup || die "no soft-RoCE device"
gid=$(rxe_gid_index)

# bw_of LOG : the average MB/s of ib_write_bw's result line
# ("#bytes #iterations peak average msgrate"), empty if there is none.
bw_of() {
	awk '/#bytes/ { getline; print $4; exit }' "$1"
}

# 50 writes of 1 MiB: with the rig's memory checks soft-RoCE moved 3 MB/s
# on 6.12 under load, and 200 (66 s) outran the 60 s limit.
args="-d $RXE_DEV -x $gid -s $M -n 50"
# run_pair : one server and one client; sets server and client statuses.
run_pair() {
	# shellcheck disable=SC2086 # args is a word list
	timeout 120 ib_write_bw $args --mmap=/dev/$a >/tmp/server.log 2>&1 &
	_pid=$!
	sleep 1
	# shellcheck disable=SC2086
	timeout 120 ib_write_bw $args --mmap=/dev/$a --mmap-offset=$((32 * M)) $RXE_IP >/tmp/client.log 2>&1
	client=$?
	wait $_pid
	server=$?
}
# perftest times its cycle counter against the clock and gives up on the
# report when the two disagree (r^2 < 0.9), which an emulated CPU on a busy
# host sometimes does: run again then, up to 3 times in all.  Any other
# failure counts at once.
for try in 1 2 3; do
	run_pair
	grep -q 'Correlation coefficient' /tmp/server.log /tmp/client.log || break
	info "try $try: perftest could not calibrate its clock under emulation; again"
done
check_eq "ib_write_bw server (buffer at 0 of /dev/$a) exits 0" 0 $server
check_eq "ib_write_bw client (buffer at 32 MiB of /dev/$a) exits 0" 0 $client
sed 's/^/#   /' /tmp/client.log
for side in server client; do
	check "$side mapped its buffer from /dev/$a" grep -q 'allocated mmap buffer' /tmp/$side.log
done
bw=$(bw_of /tmp/client.log)
info "ib_write_bw average bandwidth: ${bw:-none} MB/s"
check "a non-zero bandwidth is reported" awk -v b="${bw:-0}" 'BEGIN { exit !(b > 0) }'
