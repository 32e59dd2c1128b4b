#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# P2P into a DAX file with an IOMMU translating (QEMU's intel-iommu, guest
# intel_iommu=on, strict), then with the NVMe's group in passthrough:
#   - iopmem warns at bind that peers reach the BAR only through the root
#     complex; after its own group is set to identity and it binds again,
#     it does not (the control);
#   - iopmemctl check reports the IOMMU per peer: "translated" with the
#     note, then "passthrough" without it;
#   - translated: the NVMe's O_DIRECT read into the DAX file still lands
#     in the BAR (host: the pattern at the file's offset in BAR0), and
#     QEMU's trace shows that the device DMA'd to I/O virtual addresses,
#     none in the BAR; passthrough: the same job's DMA is all at the
#     buffer's BAR addresses (iommu.host.sh).  On hardware the translated
#     case works only where the root complex routes peer traffic.
# What fails on a broken iopmem: the warning and its control (a driver
# that never warns, or always does), the data in the BAR (a DAX mapping
# not at the file's place in the BAR), and iopmemctl check's mode and
# note (its IOMMU logic).  The group types and the two trace checks
# record the platform: they fail when the IOMMU is not doing what the
# guest set up (each is the other's control), whatever iopmem does.
# vm: machine q35
# vm: device intel-iommu
# vm: ivshmem 512M addr=04.0
# vm: nvme 96M
# vm: cmdline intel_iommu=on iommu.strict=1
# vm: timeout 300
# vm: qemu -trace pci_nvme_io_cmd -trace pci_nvme_admin_cmd -trace pci_nvme_read -trace pci_nvme_write -trace pci_nvme_map_addr
# kernels: 6.1 6.12
# results: 20
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/p2p/p2p.inc

M=1048576
WARN="the IOMMU translates DMA: peers reach this BAR only through the root complex"
nvme_wait || die "no /dev/nvme0n1"
nvme=$(basename "$(readlink -f /sys/block/nvme0n1/device/device)")
group_type() { cat "/sys/bus/pci/devices/$1/iommu_group/type"; }
check_eq "the NVMe's IOMMU group translates (strict)" DMA "$(group_type "$nvme")"
check_eq "iopmem's group translates" DMA "$(group_type $IOPMEM_PCI)"

dmesg_mark
check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
check "bind warns that peers go through the root complex" dmesg_has "$WARN"
peer_field() {
	iopmemctl check "$dev" --peer "$nvme" --json | jq -r ".[0].peers[0].$1"
}
check_eq "iopmemctl check: the peer's DMA is translated" translated "$(peer_field iommu)"
note=$(peer_field note)
check "iopmemctl check: a note says it goes through the root complex" \
	test "$note" != "${note#*the root complex}"

iopmem_mount_xfs "$dev" /mnt || die "mkfs.xfs and mount -o dax"
bar=$(bar_start $IOPMEM_PCI 2)
p2p_buf bar "$bar" 0 $((512 * M)) 0
xfs_io -c 'extsize 2m' /mnt
for f in in pt; do
	xfs_io -f -c 'pwrite -q -S 0 0 2m' -c fsync "/mnt/$f.buf" ||
		die "cannot make /mnt/$f.buf"
done
off=$(file_phys /mnt/in.buf)
info "hostcheck p2p $off"
p2p_buf in $((bar + off)) "$off" $((2 * M)) $P2P_IN
off=$(file_phys /mnt/pt.buf)
p2p_buf pt $((bar + off)) "$off" $((2 * M)) $P2P_VERIFY

p2p_job nvme-to-dax /mnt/in.buf $P2P_IN
check_eq "translated: the guest reads the NVMe pattern in the DAX file" \
	"$(pattern p2p | sha256sum)" "$(head -c 4096 /mnt/in.buf | sha256sum)"

# The group's type changes only while none of its devices has a driver.
rebind_as() {
	echo "$1" >"/sys/bus/pci/devices/$1/driver/unbind" &&
		echo "$2" >"/sys/bus/pci/devices/$1/iommu_group/type" &&
		echo "$1" >"/sys/bus/pci/drivers/$3/bind"
}
check "NVMe group to passthrough (identity)" rebind_as "$nvme" identity nvme
nvme_wait || die "no /dev/nvme0n1 after the rebind"
check_eq "the NVMe's group is identity" identity "$(group_type "$nvme")"
check_eq "iopmemctl check: the peer's DMA is passthrough" passthrough "$(peer_field iommu)"
check_eq "iopmemctl check: no note then" null "$(peer_field note)"
p2p_job nvme-to-dax /mnt/pt.buf $P2P_VERIFY

check "umount" umount /mnt
dmesg_mark
check "iopmem group to passthrough" rebind_as $IOPMEM_PCI identity iopmem
check_eq "iopmem's group is identity" identity "$(group_type $IOPMEM_PCI)"
no_warning() { ! dmesg_since_mark | grep -qF "$WARN"; }
check "control: no warning when the IOMMU passes DMA through" no_warning
