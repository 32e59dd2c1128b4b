#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A mode change waits, like an unbind, for a page of a DAX file that a
# pipe holds after the umount (fsdax/unbind-pinned), and the waiting task
# is killed.  It must end (not hang in an uninterruptible wait for the
# range), leave the device offline with the memory still mapped and
# claimed, and the range must be unmapped once the pipe lets go; then the
# mode can be set and the file system is intact.  Before 6.15 the kernel
# warns at the umount; since 6.15 umount itself would wait: not on 7.2.
# vm: kernel-warns dax_disassociate_entry
# vm: ivshmem 512M addr=04.0
# vm: timeout 300
# results: 13
. /tests/lib.sh
. /tests/iopmem.sh

xfs_file_pinned mode-killed
dev=$DEV

dmesg_mark
(exec 9>&-; echo devdax >/sys/class/iopmem/$dev/mode) &
pid=$!
check "the mode change waits for the page" \
	removal_waits_logged "$dev" "O_DIRECT in flight, a pipe"
check "kill -9 the waiting task" kill -9 $pid
for _i in 1 2 3 4 5 6 7 8 9 10; do
	kill -0 $pid 2>/dev/null || break
	sleep 0.5
done
check_fail "... which then ends within 5 s" kill -0 $pid
wait $pid
check "dmesg: the device is offline until the page is released, it says" \
	dmesg_has "$dev: cannot change mode: stopped waiting for held pages; offline"
check_fail "/dev/$dev is gone meanwhile" test -b "/dev/$dev"

map_release
check "once the pipe lets go, the memory is unmapped, and it says so" \
	dmesg_wait "iopmem $dev: held pages released, memory unmapped"
check "fsdax mode can be set again" sh -c "echo fsdax >/sys/class/iopmem/$dev/mode"
mount -o dax "/dev/$dev" /mnt || die "mount again"
check_eq "mounted again: the file is intact" "$(pattern mode-killed | sha256sum)" \
	"$(head -c 4096 /mnt/f | sha256sum)"
check "umount" umount /mnt
check "rmmod iopmem" iopmem_unload
