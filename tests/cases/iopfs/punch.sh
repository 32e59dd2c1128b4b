#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Holes punched in an iopfs file (fallocate FALLOC_FL_PUNCH_HOLE): the
# whole 2 MiB extents in the range leave the file and are free again, the
# bytes of extents it covers in part read zeroes, the size stays, the
# mtime changes, writing into the hole allocates again, and all of it
# replays the same after a remount (fsck clean).  While a page of a punched extent is referenced
# (vmsplice'd into a pipe), the extent is deferred, not free, a file made
# meanwhile gets another one, and it is free once the reference goes.
# kernels: 6.1 7.2
# results: 22
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/iopfs/iopfs.inc

M=1048576
iopfs_fresh
SYS=/sys/fs/iopfs/$dev
free0=$(cat $SYS/free_extents)
layout $((8 * M)):P >/tmp/p8
check "an 8 MiB file written" sh -c "cat /tmp/p8 >/mnt/p && xfs_io -c fsync /mnt/p"
check_eq "... takes 4 extents" $((free0 - 4)) "$(cat $SYS/free_extents)"

touch -d '2001-02-03 04:05:06' /mnt/p
# xfs_io fpunch: fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE).
check "fallocate --punch-hole over 1 MiB to 6 MiB" xfs_io -c "fpunch $M $((5 * M))" /mnt/p
check "... sets the file's mtime (was 2001)" test "$(stat -c %Y /mnt/p)" -gt 981173106
check_eq "the size stays 8 MiB" $((8 * M)) "$(stat -c %s /mnt/p)"
layout $M:P $((5 * M)):0 $((2 * M)):P >/tmp/want
check "1-6 MiB read zeroes, the rest is the file's" cmp /tmp/want /mnt/p
check_eq "its 2 whole extents (2-6 MiB) are free again" $((free0 - 2)) "$(cat $SYS/free_extents)"
check_eq "FIEMAP: a hole between the two extents left" "hole" \
	"$(xfs_io -c fiemap /mnt/p | sed -n '3s/.*: //p')"

check "a hole inside one extent (6.5 MiB, 1000 bytes)" \
	xfs_io -c "fpunch $((13 * M / 2)) 1000" /mnt/p
layout $M:P $((5 * M)):0 $((M / 2)):P 1000:0 $((3 * M / 2 - 1000)):P >/tmp/want
check "... reads zeroes there" cmp /tmp/want /mnt/p
check_eq "... and frees nothing" $((free0 - 2)) "$(cat $SYS/free_extents)"

layout 4096:Q | dd of=/mnt/p bs=4096 seek=768 conv=notrunc 2>/dev/null
check_eq "a write into the hole (3 MiB) allocates an extent again" \
	$((free0 - 3)) "$(cat $SYS/free_extents)"
layout $M:P $((2 * M)):0 4096:Q $((3 * M - 4096)):0 $((M / 2)):P 1000:0 \
	$((3 * M / 2 - 1000)):P >/tmp/want
check "... and reads back, zeroes around it" cmp /tmp/want /mnt/p

umount /mnt
check "fsck.iopfs -n: the log with its holes is clean" fsck.iopfs -n "/dev/$dev"
mount -t iopfs "/dev/$dev" /mnt || die "remount"
check "after a remount (replay): the same bytes" cmp /tmp/want /mnt/p
check_eq "... and the same free extents" $((free0 - 3)) "$(cat $SYS/free_extents)"

# A reference on a page of the first extent: vmsplice into a pipe.
phys=$(phys_of /mnt/p 0)
mkfifo /tmp/pin.in
mmap-io pin /mnt/p 0 4096 </tmp/pin.in >/tmp/pin.out 2>&1 &
pin=$!
exec 3>/tmp/pin.in
on_exit "exec 3>&-; kill $pin 2>/dev/null || :"
i=0
while ! grep -q pinned /tmp/pin.out && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
xfs_io -c "fpunch 0 $((2 * M))" /mnt/p
check_eq "punching the referenced extent: deferred, not free" \
	"1 $((free0 - 3))" "$(cat $SYS/deferred_extents) $(cat $SYS/free_extents)"
layout $((2 * M)):R >/mnt/new
new=$(phys_of /mnt/new 0)
check "a file made meanwhile does not get it ($new, not $phys)" \
	test -n "$new" -a -n "$phys" -a "$new" != "$phys"
exec 3>&-
wait $pin
i=0
while [ "$(cat $SYS/deferred_extents)" != 0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check_eq "the reference gone: it is free" "0 $((free0 - 3))" \
	"$(cat $SYS/deferred_extents) $(cat $SYS/free_extents)"
