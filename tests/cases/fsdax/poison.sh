#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Memory failures in the BAR reach the file system, as they do for pmem.
# hwpoison_inject stands in for a machine check: memory_failure() on a
# pfn of /dev/iopmemN under XFS -o dax with rmapbt=1 (which XFS needs to
# find the owner of a block).  Poison in a page of a file that a process
# maps: that process gets SIGBUS (vm.memory_failure_early_kill=1: at once;
# by default only the mapping is zapped, and as iopmem keeps no list of
# bad pages, a later access maps the page again).  Poison in the superblock: XFS is told
# through iopmem's memory_failure op and shuts down on the corrupt
# metadata.  Without the op the kernel only looks for processes mapping
# the page: none maps the superblock, so XFS would go on writing over bad
# metadata; the shutdown checks fail then.  Nothing here is a real
# machine check: TCG only marks the page.
# vm: ivshmem 512M addr=04.0
# results: 9
. /tests/lib.sh
. /tests/iopmem.sh

check "modprobe iopmem" iopmem_load
check "modprobe hwpoison_inject" modprobe hwpoison_inject
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
iopmem_mount_xfs "$dev" /mnt -m rmapbt=1 || die "mkfs.xfs -m rmapbt=1, mount -o dax"
pattern poison >/mnt/f
xfs_io -c fsync /mnt/f
check "the file is DAX" dax_enabled /mnt/f
data=$(($(bar_start $IOPMEM_PCI 2) + $(iopmem_attr "$dev" memmap_reserved)))

# poison OFFSET : memory_failure() on the page at byte OFFSET of /dev/$dev.
poison() {
	info "poison pfn $(printf '%#x' $(((data + $1) / 4096)))"
	echo $(((data + $1) / 4096)) >/sys/kernel/debug/hwpoison/corrupt-pfn
}

echo 1 >/proc/sys/vm/memory_failure_early_kill
on_exit "echo 0 >/proc/sys/vm/memory_failure_early_kill"
map_hold /mnt/f 0 4096 || die "cannot map /mnt/f"
off=$(phys_of /mnt/f 0) || die "no block under /mnt/f"
dmesg_mark
check "poison the page of the mapped file" poison "$off"
map_release
check_eq "the process that maps it was killed with SIGBUS" 135 $?
check "the kernel recovered the page" \
	dmesg_has "Memory failure: 0x[0-9a-f]+: recovery action for dax page: Recovered"

dmesg_mark
poison 0 || info "the write to corrupt-pfn failed"
check "XFS was told: metadata hit, it shuts down" \
	dmesg_has "XFS \($dev\): Corruption of on-disk metadata( \(0x[0-9a-f]+\))? detected"
check_fail "... and refuses writes" touch /mnt/g
check "umount" umount /mnt
