#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A 2 MiB-aligned file on a 2 MiB-aligned XFS -o dax faults with 2 MiB PMD
# mappings of the BAR, as the fs_dax:dax_pmd_fault_done tracepoint shows
# (result NOPAGE), the way ndctl's dax.sh proves it.
# vm: ivshmem 512M addr=04.0
# results: 7
. /tests/lib.sh
. /tests/iopmem.sh

TRACE=/sys/kernel/tracing
EVENT=$TRACE/events/fs_dax/dax_pmd_fault_done

check "modprobe iopmem" iopmem_load
iopmem_bind $IOPMEM_PCI >/dev/null || die "cannot bind $IOPMEM_PCI to iopmem"
iopmem_mount_xfs iopmem0 /mnt -d su=2m,sw=1,agcount=2 -l su=32k ||
	die "mkfs.xfs with 2 MiB stripe unit, mount -o dax"
ok "mkfs.xfs with 2 MiB stripe unit, mount -o dax"
check "2 MiB extent size hint on the directory" xfs_io -c 'extsize 2m' /mnt
check "8 MiB file" xfs_io -f -c 'falloc 0 8m' /mnt/pmd

echo >$TRACE/trace
echo 1 >$EVENT/enable
on_exit "echo 0 >$EVENT/enable"
check "mmap the file, write and read all of it" \
	xfs_io -c 'mmap -rw 0 8m' -c 'mwrite -S 0x7e 0 8m' -c 'mread 0 8m' /mnt/pmd
echo 0 >$EVENT/enable

nopage=$(grep -c 'dax_pmd_fault_done.*NOPAGE' $TRACE/trace)
fallback=$(grep -c 'dax_pmd_fault_done.*FALLBACK' $TRACE/trace)
info "PMD faults: $nopage NOPAGE, $fallback FALLBACK"
check "the 8 MiB took PMD faults (NOPAGE)" test "$nopage" -ge 4
check_eq "no PMD fault fell back to 4 KiB pages" 0 "$fallback"
