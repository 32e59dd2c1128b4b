#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The rig's NVMe peer device: the guest reads what the host put into the
# image (nvme.pre.sh) and writes a block the host checks (nvme.host.sh),
# both with O_DIRECT so the bytes really travel through the device's DMA.
# vm: nvme 64M
# results: 10
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh

check "modprobe nvme" modprobe nvme
# No udev: devtmpfs creates the node once the controller has probed.
i=0
while [ ! -b /dev/nvme0n1 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
check "/dev/nvme0n1 appears" test -b /dev/nvme0n1
[ -b /dev/nvme0n1 ] || die "no NVMe namespace; nothing else to test"
check_eq "namespace is 64 MiB" $((64 * 1024 * 1024 / 512)) "$(cat /sys/block/nvme0n1/size)"

pattern nvme-host >/tmp/host-pattern
check "read the host's pattern at 1 MiB (O_DIRECT)" \
	sh -c "dd if=/dev/nvme0n1 bs=4096 skip=256 count=1 iflag=direct 2>/dev/null | cmp - /tmp/host-pattern"

pattern nvme-guest >/tmp/guest-pattern
check "write the guest's pattern at 2 MiB (O_DIRECT)" \
	dd if=/tmp/guest-pattern of=/dev/nvme0n1 bs=4096 seek=512 count=1 oflag=direct conv=notrunc
check "flush the device" sync
