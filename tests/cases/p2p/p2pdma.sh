#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mode=p2pdma: the BAR becomes the PCI device's P2PDMA memory. The kernel
# publishes it under p2pmem/ and user space maps p2pmem/allocate; fio then
# runs the NVMe jobs of p2p/devdax with that mapping as the buffer
# (O_DIRECT into P2PDMA memory, 6.2+). The P2PDMA pool hands out its lowest
# free address first, so the first job's 2 MiB buffer is the first 2 MiB of
# the BAR, and, with those held, the later jobs' the next 2 MiB: the host
# finds the NVMe pattern and fio's where they belong, and QEMU's trace puts
# every DMA of the jobs in their buffers (p2pdma.host.sh, host_check_p2p),
# and a control job's into RAM outside the BAR. Cache and mode cannot
# change while p2pmem/allocate is mapped (p2p/p2pdma-switch changes them
# when idle), and unbinding revokes such a mapping.
# iopmemctl list shows the mode and the pool as p2pmem/ has it, and
# iopmemctl set relays the kernel's refusal.
# The kernel allows peer-to-peer DMA between two devices behind one PCIe
# switch (p2p/p2pdma-hostbridge shows its refusal through a host bridge it
# does not know), so both sit behind one here.
# vm: machine q35
# vm: device pcie-root-port id=rp0 chassis=1 slot=1 bus=pcie.0 addr=04.0
# vm: device x3130-upstream id=up0 bus=rp0
# vm: device xio3130-downstream id=dp0 bus=up0 chassis=2 slot=0
# vm: device xio3130-downstream id=dp1 bus=up0 chassis=3 slot=1
# vm: ivshmem 512M bus=dp0
# vm: nvme 96M bus=dp1
# vm: timeout 420
# vm: qemu -trace pci_nvme_io_cmd -trace pci_nvme_admin_cmd -trace pci_nvme_read -trace pci_nvme_write -trace pci_nvme_map_addr
# kernels: 7.2
# results: 28
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/p2p/p2p.inc

M=1048576
IOPMEM_PCI=0000:03:00.0
P2PMEM=/sys/bus/pci/devices/$IOPMEM_PCI/p2pmem
dmesg_mark
check "modprobe iopmem mode=p2pdma" iopmem_load mode=p2pdma
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
check_eq "p2pmem/size is the BAR's" $((512 * M)) "$(cat $P2PMEM/size)"
check_eq "p2pmem is published" 1 "$(cat $P2PMEM/published)"
check "the kernel added the BAR as P2PDMA memory" \
	dmesg_has "$IOPMEM_PCI: added peer-to-peer DMA memory"

map_hold $P2PMEM/allocate 0 2M || die "cannot map p2pmem/allocate"
check_eq "a mapping of p2pmem/allocate takes 2 MiB of the pool" \
	$((510 * M)) "$(cat $P2PMEM/available)"
# With 2 MiB taken, available differs from size: neither passes for the other.
check_eq "iopmemctl list --json: mode and pool numbers as p2pmem/ has them" \
	"p2pdma $(cat $P2PMEM/size) $(cat $P2PMEM/available) 1 number" \
	"$(iopmemctl list --json "$dev" | jq -r '.[0] | "\(.mode) \(.p2pmem.size) \(.p2pmem.available) \(.p2pmem.published) \(.p2pmem.available | type)"')"
check "iopmemctl list: the pool in the table row" \
	sh -c "iopmemctl list $dev | grep -Eq '^$dev +$IOPMEM_PCI .* p2pdma .* p2pmem 512 MiB, 510 MiB available\$'"
out=$(iopmemctl set "$dev" --cache uc 2>&1)
check_eq "iopmemctl set --cache while mapped: the kernel's refusal, one line" \
	"1 iopmemctl: set $dev: cache change refused: P2PDMA memory of $IOPMEM_PCI is in use (p2pmem/available is less than p2pmem/size); unmap p2pmem/allocate and stop its kernel users (such as an nvmet namespace with p2pmem set) first" \
	"$? $out"
check_fail "nor can the mode change while mapped" \
	sh -c "echo devdax >/sys/class/iopmem/$dev/mode"
check "... and the kernel log says so" \
	dmesg_has "$dev: cannot change mode: P2PDMA memory of $IOPMEM_PCI is in use"
map_release
check_eq "unmapped, the pool is whole again" \
	$((512 * M)) "$(cat $P2PMEM/available)"

nvme_wait || die "no /dev/nvme0n1"
bar=$(($(bar_start $IOPMEM_PCI 2)))
p2p_buf bar "$bar" 0 $((512 * M)) 0
p2p_buf in "$bar" 0 $((2 * M)) $P2P_IN
info "hostcheck p2p 0"
p2p_job nvme-to-dax $P2PMEM/allocate $P2P_IN
# Keep what reached the first 2 MiB: the next jobs get the next 2 MiB.
MAP_MODE=hold-ro map_hold $P2PMEM/allocate 0 2M ||
	die "cannot map p2pmem/allocate again"
p2p_buf verify $((bar + 2 * M)) $((2 * M)) $((2 * M)) $P2P_VERIFY
p2p_buf out $((bar + 2 * M)) $((2 * M)) $((2 * M)) $P2P_OUT
p2p_job dax-nvme-verify $P2PMEM/allocate $P2P_VERIFY
p2p_job dax-to-nvme $P2PMEM/allocate $P2P_OUT
map_release
p2p_control

map_hold $P2PMEM/allocate 0 2M || die "cannot map p2pmem/allocate"
check "unbind while p2pmem/allocate is mapped" pci_unbind $IOPMEM_PCI
check_fail "p2pmem/ is gone" test -e $P2PMEM
echo touch >&9
map_release
check_eq "the mapping's user got SIGBUS on its next access" 135 $?
check "rmmod" rmmod iopmem
