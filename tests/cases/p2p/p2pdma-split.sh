#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One BAR, a DAX file system and a P2PDMA pool side by side: iopmemctl
# bind --p2pdma 128M makes the last 128 MiB of the 512 MiB BAR a second
# iopmem device in mode p2pdma (published under p2pmem/) and the first
# 384 MiB /dev/iopmemN in fsdax mode. A file is written on XFS -o dax,
# then fio reads NVMe blocks with O_DIRECT into p2pmem/allocate: the host
# (p2pdma-split.host.sh) finds the file's pattern where FIEMAP says, in the
# fsdax part, and the NVMe pattern at the P2PDMA part's start, and QEMU's
# trace puts all of the job's DMA in that buffer (and the control job's
# outside the BAR). The file reads back after the job and xfs_repair finds
# the file system clean; the fsdax part then switches to devdax while the
# pool stays, and a fatal PCIe error (AER, at the root port) takes both
# parts offline, the pool with its p2pmem/. Refused with the cause and the fix: a size that is not whole
# 2 MiB units, one that leaves nothing of the BAR, and mode p2pdma with a
# split. Unbinding removes both parts and their memory type reservations.
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
# results: 35
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/p2p/p2p.inc
. /tests/aer/common.inc

M=1048576
IOPMEM_PCI=0000:03:00.0
P2PMEM=/sys/bus/pci/devices/$IOPMEM_PCI/p2pmem
SETTINGS=/sys/bus/pci/drivers/iopmem/bind_settings
check "modprobe iopmem" iopmem_load
bar=$(($(bar_start $IOPMEM_PCI 2)))

dmesg_mark
check_fail "bind_settings refuses p2pdma=3M" \
	sh -c "echo '$IOPMEM_PCI p2pdma=3M' >$SETTINGS"
check "... saying why and what to write" dmesg_has \
	"bind_settings $IOPMEM_PCI: p2pdma=3M is not a size in whole 2 MiB units; use e.g. p2pdma=128M"
echo "$IOPMEM_PCI p2pdma=512M" >$SETTINGS
check_fail "a split that leaves nothing of the BAR is refused" \
	pci_bind_iopmem $IOPMEM_PCI
check "... saying why and what to do" dmesg_has \
	"p2pdma=512M leaves nothing of BAR2 \(512 MiB\) for mode fsdax; give P2PDMA less"
echo "$IOPMEM_PCI mode=p2pdma p2pdma=128M" >$SETTINGS
check_fail "mode p2pdma with a split is refused" pci_bind_iopmem $IOPMEM_PCI
check "... saying why and what to do" dmesg_has \
	"p2pdma=128M splits BAR2 between a DAX mode and P2PDMA, but mode is p2pdma; bind with mode fsdax or devdax"
check_eq "the refusals left no iopmem device" "" "$(iopmem_of $IOPMEM_PCI)"
pci_unbind $IOPMEM_PCI
echo >/sys/bus/pci/devices/$IOPMEM_PCI/driver_override

check "iopmemctl bind --p2pdma 128M" iopmemctl bind $IOPMEM_PCI --p2pdma 128M
dax='' p2p=''
for d in $(ls /sys/bus/pci/devices/$IOPMEM_PCI/iopmem); do
	case $(iopmem_attr "$d" mode) in
	fsdax) dax=$d ;;
	p2pdma) p2p=$d ;;
	esac
done
[ -n "$dax" ] && [ -n "$p2p" ] || die "want an fsdax and a p2pdma device, got: $(ls /sys/bus/pci/devices/$IOPMEM_PCI/iopmem)"
check_eq "$dax (fsdax): the BAR's first 384 MiB" "$bar $((384 * M))" \
	"$(($(iopmem_attr "$dax" start))) $(iopmem_attr "$dax" size)"
check_eq "$p2p (p2pdma): its last 128 MiB" "$((bar + 384 * M)) $((128 * M))" \
	"$(($(iopmem_attr "$p2p" start))) $(iopmem_attr "$p2p" size)"
check_eq "p2pmem/size is the P2PDMA part's, and published" "$((128 * M)) 1" \
	"$(cat $P2PMEM/size) $(cat $P2PMEM/published)"
check_eq "/dev/$dax is the fsdax part" $((384 * M)) "$(blockdev --getsize64 "/dev/$dax")"
check "iopmemctl list shows both" sh -c \
	"iopmemctl list | grep -Eq '^$dax +$IOPMEM_PCI .* fsdax ' && iopmemctl list | grep -Eq '^$p2p +$IOPMEM_PCI .* p2pdma .*p2pmem 128 MiB'"

iopmem_mount_xfs "$dax" /mnt || die "mkfs.xfs and mount -o dax on /dev/$dax"
pattern split >/mnt/f
check "fsync a file on XFS -o dax" xfs_io -c fsync /mnt/f
off=$(phys_of /mnt/f 0)
check "the file lies in the fsdax part" test "$off" -lt $((384 * M))
info "hostcheck split $off"

nvme_wait || die "no /dev/nvme0n1"
p2p_buf bar "$bar" 0 $((512 * M)) 0
p2p_buf in $((bar + 384 * M)) $((384 * M)) $((2 * M)) $P2P_IN
info "hostcheck p2p $((384 * M))"
p2p_job nvme-to-dax $P2PMEM/allocate $P2P_IN
p2p_control
check_eq "the file reads back after the P2P job" \
	"$(pattern split | sha256sum)" "$(sha256sum </mnt/f)"
check "umount" umount /mnt
check "xfs_repair -n finds the file system clean" xfs_repair -n "/dev/$dax"

check "the fsdax part switches to devdax" \
	sh -c "echo devdax >/sys/class/iopmem/$dax/mode"
check_eq "... while the pool stays published, whole" "1 $((128 * M))" \
	"$(cat $P2PMEM/published) $(cat $P2PMEM/available)"

aer_inject SDN || die "the AER core reported no recovery within 30 s"
check_eq "a fatal PCIe error takes both parts offline" "offline offline" \
	"$(iopmem_attr "$dax" state) $(iopmem_attr "$p2p" state)"
check_fail "... and the pool with its p2pmem/" test -e $P2PMEM
check "the log says how the P2PDMA part comes back: its mode" dmesg_has \
	"$p2p: fatal PCIe error, the link is being reset: I/O stopped, the device is offline; .* echo p2pdma > /sys/class/iopmem/$p2p/mode"

check "unbind" pci_unbind $IOPMEM_PCI
check_eq "both parts are gone" "" "$(ls /sys/class/iopmem)"
check_fail "p2pmem/ is gone" test -e $P2PMEM
check_eq "no memory type reservation left in the BAR" "" \
	"$(pat_types "$bar" $((bar + 384 * M)); pat_types $((bar + 384 * M)) $((bar + 512 * M)))"
check "rmmod" rmmod iopmem
