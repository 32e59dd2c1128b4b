#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A pipe holds a page of a file on XFS -o dax (vmsplice from its mapping;
# O_DIRECT in flight holds pages alike), the file system is unmounted and
# the device unbound.  The pipe holds no file, so umount goes through, and
# the struct pages would be freed at the disk's release whatever holds
# them: iopmem waits for the page there, saying which one, and the unbind
# finishes once the pipe lets go.  A driver that does not wait fails the
# "unbind waits" check, and the pipe's release then touches a freed struct
# page.
#
# Before 6.15 the kernel warns at that umount: evicting the inode finds
# its DAX page still referenced (dax_disassociate_entry), and goes on.
# That warning is the kernel's, expected below, and this scenario is the
# case it warns about.  Since 6.15 the eviction waits for the page instead
# (dax_break_layout_final), so umount would block here: kernels.conf
# leaves this scenario off the 7.2 kernel.
# vm: kernel-warns dax_disassociate_entry
# vm: ivshmem 512M addr=04.0
# vm: timeout 300
# results: 8
. /tests/lib.sh
. /tests/iopmem.sh

xfs_file_pinned pinned
dev=$DEV

unbind_held "$dev" "O_DIRECT in flight, a pipe"

map_release
wait $UNBIND_PID
check_eq "unbind finished once the pipe let go" 0 $?
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind again"
mount -o dax "/dev/$dev" /mnt || die "mount again"
check_eq "bound and mounted again: the file is intact" "$(pattern pinned | sha256sum)" \
	"$(head -c 4096 /mnt/f | sha256sum)"
check "umount" umount /mnt
