#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# P2PDMA memory and an NVMe drive on the root bus of QEMU's q35 host
# bridge, which is not on the kernel's list of host bridges that route
# peer-to-peer traffic: O_DIRECT from the NVMe drive into a mapping of
# p2pmem/allocate fails (EINVAL), the kernel log names both devices and
# the reason, and nothing falls back silently. The same job into RAM works.
# nvmet refuses to enable a namespace with iopmem as its p2pmem, for the
# same reason (the control of p2p/nvmet).
# vm: machine q35
# vm: ivshmem 512M addr=04.0
# vm: nvme 96M addr=05.0
# vm: timeout 300
# kernels: 7.2
# results: 7
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/p2p/p2p.inc

P2PMEM=/sys/bus/pci/devices/$IOPMEM_PCI/p2pmem
check "modprobe iopmem mode=p2pdma" iopmem_load mode=p2pdma
iopmem_bind $IOPMEM_PCI >/dev/null || die "bind"
nvme_wait || die "no /dev/nvme0n1"
dmesg_mark
check_fail "fio from NVMe into p2pmem/allocate fails" \
	env NVME=/dev/nvme0n1 BUF=$P2PMEM/allocate \
	fio --offset=$P2P_IN --output=/tmp/fio.out /tests/fio/nvme-to-dax.fio
check "the kernel log says why, naming both devices" \
	dmesg_has "0000:00:05.0: cannot be used for peer-to-peer DMA as the client and provider \($IOPMEM_PCI\) do not share an upstream bridge or whitelisted host bridge"
# nvmet asks the same question when a namespace's p2pmem is set: the
# control of p2p/nvmet, where it enables.
NS=/sys/kernel/config/nvmet/subsystems/iopmem-nvmet/namespaces/1
modprobe nvmet || die "modprobe nvmet"
grep -q ' /sys/kernel/config ' /proc/mounts ||
	mount -t configfs configfs /sys/kernel/config || die "mount configfs"
mkdir -p "$NS" || die "nvmet namespace"
on_exit "rmdir $NS ${NS%/namespaces/*}; rmmod nvmet"
echo /dev/nvme0n1 >"$NS/device_path"
echo $IOPMEM_PCI >"$NS/p2pmem" || die "p2pmem = $IOPMEM_PCI"
dmesg_mark
check_fail "nvmet: a namespace with iopmem as p2pmem does not enable" \
	sh -c "echo 1 >$NS/enable"
check "... and the kernel log says why" \
	dmesg_has "0000:00:05.0: cannot be used for peer-to-peer DMA as the client and provider \($IOPMEM_PCI\) do not share"
head -c 2097152 /dev/zero >/tmp/ram.buf
check "the same job into RAM works" \
	env NVME=/dev/nvme0n1 BUF=/tmp/ram.buf \
	fio --offset=$P2P_IN --output=/tmp/fio.out /tests/fio/nvme-to-dax.fio
rm -f /tmp/ram.buf
check "rmmod" iopmem_unload
