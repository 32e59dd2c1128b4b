#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iopfs's POSIX behaviour and its errors: ENAMETOOLONG, EEXIST,
# ENOTEMPTY, EXDEV, ENOSPC (fallocate, and the space comes back),
# read-only mounts (EROFS), MAP_PRIVATE refused; attributes (mode, owner,
# times), hard links, truncate down then up reading zeros, all persisting
# across a remount.  The metadata log: compacted at mount once more than
# half full; when full, ENOSPC until a remount compacts it (fsck clean).
# Then the device goes away under the mount (unbind):
# a live mapping gets SIGBUS, read() and new mappings EIO, umount works
# and the unbind completes.
# kernels: 6.1
# vm: ivshmem 128M addr=04.0
# results: 42
. /tests/lib.sh
. /tests/iopmem.sh

M=1048576
check "modprobe iopmem mode=iopfs" iopmem_load mode=iopfs
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
mkfs.iopfs -q "/dev/$dev" || die "mkfs.iopfs"
modprobe iopfs || die "modprobe iopfs"
on_exit "! grep -q '^iopfs ' /proc/modules || rmmod iopfs"
mkdir -p /mnt /tmp/other
mount -t iopfs "/dev/$dev" /mnt || die "mount"
on_exit "unmount_if_mounted /mnt"

j=$(iopmemctl list --json)
check_eq "iopmemctl list: mode iopfs, mounted on /mnt, the free extents" \
	"iopfs /mnt $(cat /sys/fs/iopfs/$dev/free_extents)" \
	"$(echo "$j" | jq -r '.[0] | "\(.mode) \(.iopfs.mountpoint) \(.iopfs.free_extents)"')"

# errno NAME CMD... : CMD fails, and says NAME's message
errno_is() {
	_msg=$1
	shift
	! "$@" 2>/tmp/err && grep -q "$_msg" /tmp/err
}

long=$(printf '%0256d' 0)
check "a 256-byte name: ENAMETOOLONG" errno_is "too long" touch "/mnt/$long"
check "a 255-byte name works" touch "/mnt/${long%0}"
mkdir /mnt/d
check "mkdir of an existing name: EEXIST" errno_is "exists" mkdir /mnt/d
touch /mnt/d/x
mkdir /mnt/e && touch /mnt/e/y
check "rmdir of a non-empty directory: ENOTEMPTY" errno_is "not empty" rmdir /mnt/d
# rename.ul FROM TO FILE is rename(2) of FILE with FROM replaced by TO.
check "rename over a non-empty directory: ENOTEMPTY" \
	errno_is "not empty" rename.ul /mnt/d /mnt/e /mnt/d
check "rename to another file system: EXDEV" \
	errno_is "cross-device" rename.ul /mnt/d/x /tmp/other/x /mnt/d/x
free=$(cat /sys/fs/iopfs/$dev/free_extents)
check "fallocate beyond the free space: ENOSPC" \
	errno_is "No space" fallocate -l $(((free + 1) * 2 * M)) /mnt/big
rm -f /mnt/big
check_eq "after unlinking it, every extent is free again" "$free" \
	"$(cat /sys/fs/iopfs/$dev/free_extents)"
check "MAP_PRIVATE is refused" errno_is "Invalid argument" \
	mmap-io read-private /mnt/d/x 0 4096

# Attributes, links, truncate.
printf 'data' >/mnt/d/f
chmod 0604 /mnt/d/f
chown 12:34 /mnt/d/f
touch -d '2001-02-03 04:05:06' /mnt/d/f
ln /mnt/d/f /mnt/e/g
check_eq "attributes as set" "604 12 34 981173106 2" \
	"$(stat -c '%a %u %g %Y %h' /mnt/d/f)"
head -c $((3 * M)) /dev/urandom >/tmp/t
cp /tmp/t /mnt/t
truncate -s $((M + 5)) /mnt/t
truncate -s $((4 * M)) /mnt/t
check_eq "truncate down then up: the kept part" \
	"$(head -c $((M + 5)) /tmp/t | sha256sum)" "$(head -c $((M + 5)) /mnt/t | sha256sum)"
check_eq "... and zeros after it" \
	"$(head -c $((3 * M - 5)) /dev/zero | sha256sum)" \
	"$(tail -c +$((M + 6)) /mnt/t | sha256sum)"
check "fsync and fdatasync" xfs_io -c fsync -c fdatasync /mnt/t
rm /mnt/d/f
check_eq "unlinking one link keeps the other, with the data" data "$(cat /mnt/e/g)"

check "umount" umount /mnt
check "mount -o ro" mount -t iopfs -o ro "/dev/$dev" /mnt
check_eq "after remount: attributes" "604 12 34 981173106 1" \
	"$(stat -c '%a %u %g %Y %h' /mnt/e/g)"
check_eq "after remount: truncated file" \
	"$(head -c $((M + 5)) /tmp/t | sha256sum)" "$(head -c $((M + 5)) /mnt/t | sha256sum)"
check "read-only: create fails with EROFS" errno_is "Read-only" touch /mnt/new
check "read-only: a writable shared mapping fails" \
	errno_is "Read-only" mmap-io write /mnt/t 0 4096 </dev/zero
check "umount" umount /mnt

# The log: compacted at mount once more than half of its slot is used;
# when full, changes fail with ENOSPC until a remount compacts it.  Each
# 'true >' an empty file logs one record (its times), without a fork.
mount -t iopfs "/dev/$dev" /mnt || die "mount"
SYS=/sys/fs/iopfs/$dev
slot=$(cat $SYS/log_bytes)
while [ "$(cat $SYS/log_used_bytes)" -le $((slot / 2)) ]; do
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		true >/mnt/touched
	done
done
umount /mnt
dmesg_mark
check "mount with more than half of the log used" mount -t iopfs "/dev/$dev" /mnt
check "... compacts it" dmesg_has 'log compacted into slot'
check "... to less than a tenth" test "$(cat $SYS/log_used_bytes)" -lt $((slot / 10))
check_eq "the files are as before" "604 12 34 981173106 1" \
	"$(stat -c '%a %u %g %Y %h' /mnt/e/g)"
dmesg_mark
n=0
# true, not ':': a failed redirection of a special builtin ends the shell.
while true 2>/tmp/err >/mnt/touched; do n=$((n + 1)); done
check "a full log fails changes with ENOSPC" grep -q "No space" /tmp/err
check "... and says how to compact it" dmesg_has 'metadata log full.*mount again to compact'
info "$n changes until the log was full"
check "reading still works" cat /mnt/e/g
umount /mnt
check "fsck.iopfs -n finds the full log clean" fsck.iopfs -n "/dev/$dev"
check "a remount compacts it again" mount -t iopfs "/dev/$dev" /mnt
check "changes work again" touch /mnt/after-compaction
check_eq "and the files are as before" \
	"$(head -c $((M + 5)) /tmp/t | sha256sum)" "$(head -c $((M + 5)) /mnt/t | sha256sum)"
umount /mnt

# The device goes away under a mount with a live mapping.
mount -t iopfs "/dev/$dev" /mnt || die "mount"
map_hold /mnt/t 0 $((2 * M)) || die "map /mnt/t"
dmesg_mark
check "unbind iopmem while mounted and mapped" \
	sh -c "echo $IOPMEM_PCI >/sys/bus/pci/drivers/iopmem/unbind"
check "iopfs says the device went away" dmesg_has 'the device went away'
echo touch >&9
map_release
check_eq "the live mapping gets SIGBUS" 135 $?
check "read() fails with EIO" errno_is "Input/output error" cat /mnt/t
check "a new mapping fails with EIO" errno_is "Input/output error" mmap-io read /mnt/t 0 4096
check "umount works" umount /mnt
check_fail "the device is gone" test -e "/dev/$dev"
check "rmmod iopfs" rmmod iopfs
