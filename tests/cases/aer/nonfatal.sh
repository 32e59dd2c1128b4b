#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A non-fatal uncorrectable error (poisoned TLP) while a fio verify job
# writes to /dev/iopmemN: iopmem logs it, the link stays up, and I/O goes
# on without an error: fio was still running when the AER core had
# recovered, iopmem served write bios after that, and fio ends with status
# 0.  The control: after a fatal error (surprise link down) under the same
# job, each of those three checks would fail.  Whether fio still runs is
# asked 2 s after the recovery, not at once: a fio that has just had its
# EIO needs a moment to exit under TCG, and a check at the instant of the
# verdict raced with that (seen once on 6.12).
# vm: machine q35
# vm: device pcie-root-port id=rp0 chassis=1 slot=1 bus=pcie.0 addr=04.0
# vm: ivshmem 512M bus=rp0 id=iv0
# vm: timeout 240
# vm: smp 2
# vm: solo
# results: 13
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/aer/common.inc

check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $AER_PCI) || die "bind $AER_PCI"

# inject_under_io ERROR : a 20 s fio verify job on /dev/$dev, ERROR
# injected 2 s in.  Sets WRITES (write bios iopmem served in the 2 s after
# the AER core had recovered), RUNNING (yes if fio still ran at the end of
# those 2 s) and FIO_RC (fio's status).
inject_under_io() {
	# allow_file_create=0: once the device is gone, a fio that reopens
	# /dev/$dev must fail, not lay out a regular file there and carry on
	# (seen on 7.2, where the controls then could not fail).
	fio --name=aer --filename=/dev/$dev --size=64M --bs=64k --rw=write \
		--ioengine=psync --direct=1 --verify=crc32c --do_verify=1 \
		--allow_file_create=0 --time_based --runtime=20 \
		>/tmp/fio.log 2>&1 &
	_pid=$!
	sleep 2
	[ -b "/dev/$dev" ] || die "/dev/$dev is not a block device"
	aer_inject "$1" || die "the AER core reported no recovery within 30 s"
	_w=$(disk_stat "$dev" write_ios)
	sleep 2
	WRITES=$(($(disk_stat "$dev" write_ios) - _w))
	RUNNING=no
	kill -0 $_pid 2>/dev/null && RUNNING=yes
	wait $_pid
	FIO_RC=$?
}

inject_under_io POISON_TLP
check "the AER core recovered" sh -c "echo '$AER_VERDICT' | grep -q successful"
check "iopmem logged the error and kept I/O going" \
	dmesg_has "iopmem $AER_PCI: non-fatal PCIe error: the link is up, I/O goes on"
check_fail "... and did not call the device offline once the link recovered" \
	dmesg_has "$dev stays offline"
check_eq "the fio job was still running 2 s after the recovery" yes "$RUNNING"
check "iopmem served write bios after the recovery ($WRITES in 2 s)" test "$WRITES" -gt 0
check_eq "the fio verify job ran through it" 0 "$FIO_RC"
check_eq "the device is online" online "$(iopmem_attr "$dev" state)"
check "the block device still works" \
	sh -c "test -b /dev/$dev && dd if=/dev/$dev of=/dev/null bs=4096 count=16 iflag=direct"

inject_under_io SDN
check "control: a fatal error, the link is reset" \
	dmesg_has "$dev: fatal PCIe error, the link is being reset"
check_eq "control: ... the fio job had stopped 2 s after the recovery" no "$RUNNING"
check_eq "control: ... iopmem served no write bio after it" 0 "$WRITES"
check_fail "control: ... and the fio job failed" test "$FIO_RC" -eq 0
