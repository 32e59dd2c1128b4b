#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# NVMe <-> /dev/daxN.M instances on iopmem, peer to peer, as fsdax.sh does
# with DAX files: the host's pattern from the NVMe image lands in the BAR at
# the in instance's place, the out instance held what reached the NVMe
# image, and QEMU's trace shows every DMA of each job at its instance's BAR
# addresses, and a control job into RAM outside them (devdax.host.sh,
# host_check_p2p); crc32c verify works.  iopmem's counters cannot tell
# here: device-dax faults and DMA never pass through it.
# vm: ivshmem 512M addr=04.0
# vm: nvme 96M
# vm: timeout 300
# vm: qemu -trace pci_nvme_io_cmd -trace pci_nvme_admin_cmd -trace pci_nvme_read -trace pci_nvme_write -trace pci_nvme_map_addr
# results: 18
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/p2p/p2p.inc

M=1048576
check "modprobe iopmem mode=devdax" iopmem_load mode=devdax
iopmem_bind $IOPMEM_PCI >/dev/null || die "bind"
nvme_wait || die "no /dev/nvme0n1"
bar=$(($(bar_start $IOPMEM_PCI 2)))
p2p_buf bar "$bar" 0 $((512 * M)) 0
for f in in:$P2P_IN verify:$P2P_VERIFY out:$P2P_OUT; do
	name=${f%%:*}
	d=$(daxctl create-device -r 0 -s 16M | jq -r '.[0].chardev')
	[ -c "/dev/$d" ] || die "cannot create a device-dax instance for $name"
	eval "$name=/dev/$d"
	start=$(($(dax_start "$d")))
	check "/dev/$d ($name) is in the BAR" \
		test "$start" -ge "$bar" -a $((start + 16 * M)) -le $((bar + 512 * M))
	# fio's buffer is the first 2 MiB of the instance.
	p2p_buf "$name" "$start" $((start - bar)) $((2 * M)) "${f#*:}"
done
# shellcheck disable=SC2154
info "hostcheck p2p $(($(dax_start "${in#/dev/}") - bar))"

p2p_job nvme-to-dax "$in" $P2P_IN
check_eq "the guest reads the NVMe pattern through a mapping" \
	"$(pattern p2p | sha256sum)" "$(mmap-io read "$in" 0 2M | head -c 4096 | sha256sum)"
# shellcheck disable=SC2154
p2p_job dax-nvme-verify "$verify" $P2P_VERIFY
# shellcheck disable=SC2154
p2p_job dax-to-nvme "$out" $P2P_OUT
p2p_control
