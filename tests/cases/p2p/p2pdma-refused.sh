#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mode=p2pdma on a kernel built without CONFIG_PCI_P2PDMA (Debian's): the
# bind fails, the kernel log says why and what to use instead, and the
# device binds in another mode right after (nothing left behind), where
# writing mode p2pdma is refused the same way and changes nothing.  A split
# BAR (p2pdma=SIZE) is refused the same way, after its fsdax part was
# published: that part goes again, with its memory type reservation.
# vm: ivshmem 512M addr=04.0
# vm: timeout 180
# kernels: 6.1 6.12
# results: 11
. /tests/lib.sh
. /tests/iopmem.sh

dmesg_mark
check "modprobe iopmem mode=p2pdma" iopmem_load mode=p2pdma
check_fail "bind is refused" pci_bind_iopmem $IOPMEM_PCI
check "the kernel log says why" \
	dmesg_has "mode p2pdma needs a kernel built with CONFIG_PCI_P2PDMA; use fsdax or devdax"
echo fsdax >/sys/module/iopmem/parameters/mode
pci_unbind $IOPMEM_PCI
check "bind in fsdax mode then works" pci_bind_iopmem $IOPMEM_PCI
dev=$(iopmem_of $IOPMEM_PCI)
out=$(iopmemctl set "$dev" --mode p2pdma 2>&1)
check_eq "iopmemctl set --mode p2pdma: the kernel's refusal, one line" \
	"1 iopmemctl: set $dev: mode change to p2pdma failed: mode p2pdma needs a kernel built with CONFIG_PCI_P2PDMA; use fsdax or devdax" \
	"$? $out"
check_eq "... and $dev stays fsdax, online, its block device back" \
	"fsdax online yes" \
	"$(iopmem_attr "$dev" mode) $(iopmem_attr "$dev" state) $(test -b /dev/"$dev" && echo yes)"
pci_unbind $IOPMEM_PCI

start=$(($(bar_start $IOPMEM_PCI 2)))
dmesg_mark
echo "$IOPMEM_PCI p2pdma=128M" >/sys/bus/pci/drivers/iopmem/bind_settings
check_fail "a split BAR is refused" pci_bind_iopmem $IOPMEM_PCI
check "... for the same reason" \
	dmesg_has "mode p2pdma needs a kernel built with CONFIG_PCI_P2PDMA; use fsdax or devdax"
check "its fsdax part was published, then removed" \
	sh -c "dmesg | grep -q 'iopmem[0-9]*: .* 384 MiB, cache wc, mode fsdax' && dmesg | grep -q 'iopmem[0-9]*: removed'"
check_eq "no memory type reservation left" "" \
	"$(pat_types "$start" $((start + 384 * 1048576)))"
pci_unbind $IOPMEM_PCI
check "rmmod" rmmod iopmem
