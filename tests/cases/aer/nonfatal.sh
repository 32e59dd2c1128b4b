#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A non-fatal uncorrectable error (poisoned TLP) while a fio verify job
# writes to /dev/iopmemN: iopmem logs it, the link stays up, and I/O goes
# on without an error.
# vm: machine q35
# vm: device pcie-root-port id=rp0 chassis=1 slot=1 bus=pcie.0 addr=04.0
# vm: ivshmem 512M bus=rp0 id=iv0
# vm: timeout 180
# vm: smp 2
# results: 7
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/aer/common.inc

check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $AER_PCI) || die "bind $AER_PCI"
fio --name=aer --filename=/dev/$dev --size=64M --bs=64k --rw=write \
	--ioengine=psync --direct=1 --verify=crc32c --do_verify=1 \
	--time_based --runtime=8 >/tmp/fio.log 2>&1 &
fio_pid=$!
sleep 2

aer_inject POISON_TLP || die "the AER core reported no recovery within 30 s"
check "the AER core recovered" sh -c "echo '$AER_VERDICT' | grep -q successful"
check "iopmem logged the error and kept I/O going" \
	dmesg_has "iopmem $AER_PCI: non-fatal PCIe error: the link is up, I/O goes on"
wait $fio_pid
check_eq "the fio verify job ran through it" 0 $?
check_eq "no I/O error was counted" 0 "$(iopmem_stat "$dev" errors)"
check_eq "the device is online" online "$(iopmem_attr "$dev" state)"
check "the block device still works" \
	dd if=/dev/$dev of=/dev/null bs=4096 count=16 iflag=direct
