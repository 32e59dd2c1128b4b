#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A non-prefetchable memory BAR (QEMU's qxl: BAR0, 64 MiB, 32-bit): its
# reads may have side effects, so write-combining, which may merge and
# repeat them, is unsafe there.  With the default cache=wc iopmem binds it
# uncached and says why, refuses wc on it (sysfs and iopmemctl, with the
# cause), and the BAR is uncached in pat_memtype_list.  The control: the
# prefetchable ivshmem BAR next to it still gets wc.
# vm: ivshmem 512M addr=04.0
# vm: device qxl addr=06.0
# results: 14
. /tests/lib.sh
. /tests/iopmem.sh

QXL=0000:00:06.0
check "modprobe iopmem (default cache wc)" iopmem_load
check_eq "the default is wc" wc "$(cat /sys/module/iopmem/parameters/cache)"
echo 0 >/sys/module/iopmem/parameters/bar
dmesg_mark
dev=$(iopmem_bind $QXL) || die "cannot bind $QXL (qxl BAR0) to iopmem"
echo -1 >/sys/module/iopmem/parameters/bar
check "iopmem says why it is uncached" \
	dmesg_has "iopmem $QXL: cache uc, not the default wc: non-prefetchable BAR"
check_eq "cache attribute: uc" uc "$(iopmem_attr "$dev" cache)"
start=$(bar_start $QXL 0)
check_eq "the BAR is uncached in pat_memtype_list" uncached \
	"$(pat_types "$start" $((start + 64 * 1048576)) | sort -u)"

dmesg_mark
check_fail "echo wc > cache is refused" sh -c "echo wc >/sys/class/iopmem/$dev/cache"
check "... the kernel log says why" \
	dmesg_has "$dev: cannot use cache wc on a non-prefetchable BAR; use uc"
check_fail "iopmemctl set --cache wc is refused" sh -c "iopmemctl set $dev --cache wc >/tmp/set.out 2>&1"
check "... and prints why" grep -q "non-prefetchable BAR" /tmp/set.out
check_eq "cache is still uc" uc "$(iopmem_attr "$dev" cache)"
pattern nonprefetch >/tmp/p
check "the device works: a block written and read back" sh -c \
	"dd if=/tmp/p of=/dev/$dev bs=4096 oflag=direct 2>/dev/null && cmp -n 4096 /tmp/p /dev/$dev"

ivs=$(iopmem_bind $IOPMEM_PCI) || die "cannot bind $IOPMEM_PCI"
check_eq "control: the prefetchable ivshmem BAR gets wc" wc "$(iopmem_attr "$ivs" cache)"
check "unbind qxl" pci_unbind $QXL
check "unbind ivshmem" pci_unbind $IOPMEM_PCI
