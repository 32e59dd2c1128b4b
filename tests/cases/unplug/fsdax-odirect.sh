#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Hot-unplug (QMP device_del) while O_DIRECT reads from the NVMe peer land
# in a DAX file mapping on iopmem (XFS -o dax): fio loops over the
# namespace with its buffers in a MAP_SHARED mapping of the file, four
# reads in flight, so the NVMe controller DMAs into the BAR and each read
# pins pages of the file while it runs.  The removal must not oops or
# hang under them (the kernel log is checked, KASAN on 7.2), the loop
# must end with an error or SIGBUS rather than run on over a device that
# is gone (a driver that leaves the DAX device alive at removal fails
# here: the loop ran on, and umount and rmmod failed, in a control run
# without kill_dax), and umount and rmmod must work afterwards.  The
# reads are over before umount (fio's exit drains them), so the wait for
# held pages at the disk's release is not what this exercises:
# fsdax/unbind-pinned does.
# vm: machine q35
# vm: device pcie-root-port id=rp0 chassis=1 slot=1 bus=pcie.0 addr=04.0
# vm: ivshmem 512M bus=rp0 id=iv0
# vm: nvme 64M
# vm: timeout 300
# vm: smp 2
# vm: solo
# results: 8
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/unplug/common.inc

# nvme_reads : reads completed by /dev/nvme0n1 (the first field of its stat).
nvme_reads() {
	awk '{ print $1 }' /sys/block/nvme0n1/stat
}

check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind "$UNPLUG_PCI") || die "bind $UNPLUG_PCI"
nvme_wait || die "no /dev/nvme0n1"
iopmem_mount_xfs "$dev" /mnt || die "mkfs.xfs and mount -o dax"
# Written blocks: faults on the mapping change no metadata.
xfs_io -f -c 'pwrite -q 0 8m' -c fsync /mnt/buf || die "cannot make /mnt/buf"
check "the buffer file is DAX (statx)" dax_enabled /mnt/buf

fio --name=odirect --filename=/dev/nvme0n1 --iomem=mmapshared:/mnt/buf \
	--direct=1 --rw=randread --bs=1m --ioengine=libaio --iodepth=4 \
	--time_based --runtime=600 >/tmp/fio.log 2>&1 &
FIO_PID=$!
sleep 3
before=$(nvme_reads)
sleep 2
check "the O_DIRECT loop runs: nvme0n1 completes reads" \
	test "$(nvme_reads)" -gt "$before"

check "device_del: the guest removes the device" unplug_device
ended=no
for _i in $(seq 60); do
	kill -0 "$FIO_PID" 2>/dev/null || { ended=yes; break; }
	sleep 0.5
done
check_eq "the loop ended by itself within 30 s of the removal" yes $ended
[ $ended = yes ] || kill -9 "$FIO_PID"
wait "$FIO_PID"
rc=$?
info "fio exit status $rc: $(grep -iE 'error|err=|bus' /tmp/fio.log | head -n 3 | tr '\n' ' ')"
check "... with an error or SIGBUS" test $rc -ne 0
check "umount" umount /mnt
check "rmmod iopmem" rmmod iopmem
