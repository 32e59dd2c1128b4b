#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iopfs mount on 1,000 damaged and hostile images (iopfs-fuzz,
# tests/vm/tools/iopfs-fuzz.c): bit flips, and records and superblock
# fields changed with their checksums right, so that replay's semantic
# checks see them.  Mount must refuse them with a message or mount them,
# never crash: the rig fails this scenario on any KASAN, UBSAN, lockdep,
# WARN or BUG report and on a kmemleak leak.  The base image has every
# record type (a tree with hard links, renames over names, unlinks,
# rmdir, chmod, chown, times, truncate both ways, fallocate, files of
# 0 bytes to more than 2 MiB).  Checks: every iteration ran; some images
# mounted and some were refused, by the superblock checks and by replay;
# the kernel said why; control: the original image is back, fsck.iopfs
# finds it clean and it mounts with every file as it was.  Last, as a
# crash there ends the guest: chains of up to 2,048 nested directories
# (-m deep; replay and compaction walk the tree without recursion since
# the first run overflowed the kernel stack), left out of the 1,000.
#
# A crash: the console log names the last iteration before it
# ("iopfs-fuzz: seed S iteration I: MUTATION"); `iopfs-fuzz -n -i I
# DEVICE DIR S 1000` leaves that image on the device for a mount by hand.
# Every KASAN report, not only the first: one run shows every bad access.
# vm: cmdline kasan_multi_shot
# kernels: 7.2
# results: 24
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/iopfs/iopfs.inc

M=1048576
SEED=1
COUNT=1000
iopfs_fresh

# Every record type, and names and extents that come and go.
build_tree() (
	set -e
	mkdir -p /mnt/a/b/c /mnt/d /mnt/gone-dir
	echo hello >/mnt/a/small
	: >/mnt/empty
	head -c 5000 /dev/urandom >/mnt/a/b/f5k
	head -c $((2 * M)) /dev/urandom >/mnt/two
	head -c $((3 * M)) /dev/urandom >/mnt/a/b/c/three
	head -c $((5 * M + 123)) /dev/urandom >/mnt/d/five
	ln /mnt/a/small /mnt/d/small-link
	ln /mnt/two /mnt/a/two-link
	mv /mnt/a/b/f5k /mnt/d/f5k
	mv /mnt/d/small-link /mnt/a/renamed-link
	mv /mnt/a/b/c /mnt/d/c
	echo old >/mnt/over
	echo new >/mnt/d/replacing
	mv /mnt/d/replacing /mnt/over
	rm /mnt/two
	head -c $((3 * M)) /dev/urandom >/mnt/gone
	rm /mnt/gone
	rmdir /mnt/gone-dir
	chmod 600 /mnt/a/small
	chmod 700 /mnt/d
	chown 1:2 /mnt/d/five
	# No sync first: the size write() left is not logged yet, and the
	# truncate's record must free the extents past its size anyway (the
	# first run found replay did not, and refused this very image).
	truncate -s $((2 * M + 1)) /mnt/d/five
	truncate -s $((7 * M)) /mnt/empty
	fallocate -l $((4 * M)) /mnt/falloc
	xfs_io -c "fpunch $((2 * M)) $((2 * M))" /mnt/falloc
	touch -d '2001-02-03 04:05:06' /mnt/d/f5k
	sync
)
check "a tree of every record type on /mnt" build_tree
# Names, sizes, modes, links, owners, mtimes and contents, to compare.
snapshot() {
	(cd /mnt && find . | sort | while read -r f; do
		stat -c '%n %F %a %h %s %u %g %Y' "$f"
		if [ -f "$f" ]; then sha256sum <"$f"; fi
	done)
}
check "umount" umount /mnt
# What replay makes of it (replay does not restore everything the live
# file system had, directory times after a rename for one).
check "the base image mounts again" mount -t iopfs "/dev/$dev" /mnt
snapshot >/tmp/before
check "umount" umount /mnt
check "fsck.iopfs: the base image is clean" fsck.iopfs "/dev/$dev"

start=$(date +%s)
iopfs-fuzz -v -x deep "/dev/$dev" /mnt $SEED $COUNT >/tmp/fuzz.log 2>/tmp/fuzz.err
rc=$?
took=$(($(date +%s) - start))
sed -n '1s/^# /# base image: /p' /tmp/fuzz.log
grep -v '^#' /tmp/fuzz.log | sed 's/^/# /'
# Errors while using a mounted image (not failures, worth a look).
grep '^# iteration [0-9]*: ' /tmp/fuzz.log | head -20
sed 's/^/# stderr: /' /tmp/fuzz.err
info "iopfs-fuzz seed $SEED: $COUNT iterations in $took s"
check_eq "iopfs-fuzz ran to the end" 0 $rc
# "... (N bytes: create 4 link 2 unlink 3 rename 4 setattr 9 extent 11 punch 1), ..."
types=$(sed -n '1s/.*bytes: \(create.*punch [0-9]*\)).*/\1/p' /tmp/fuzz.log)
every_type() {
	echo "$1" | grep -Eq '^create [1-9][0-9]* link [1-9][0-9]* unlink [1-9][0-9]* rename [1-9][0-9]* setattr [1-9][0-9]* extent [1-9][0-9]* punch [1-9][0-9]*$'
}
check "the base log has records of every type ($types)" every_type "$types"
set -- $(sed -n 's/^iterations \([0-9]*\) mounted \([0-9]*\) refused \([0-9]*\)$/\1 \2 \3/p' /tmp/fuzz.log)
check_eq "all $COUNT iterations ran" $COUNT "${1:-none}"
check "some images mounted (${2:-none})" test "${2:-0}" -gt 0
check "some images were refused (${3:-none})" test "${3:-0}" -gt 0
check_eq "mounted + refused = iterations" "${1:-none}" "$((${2:-0} + ${3:-0}))"
check "replay refused some (EUCLEAN)" grep -q '^refused EUCLEAN' /tmp/fuzz.log
check "the superblock checks refused some (EINVAL)" grep -q '^refused EINVAL' /tmp/fuzz.log
# The kernel log may have wrapped: 1,000 mounts say a lot.
dmesg >/tmp/dmesg
check "the kernel named refused log records" \
	grep -Eq 'iopfs iopmem[0-9]+: log record [0-9]+ \(slot [01], byte [0-9]+\) .*; run fsck.iopfs' /tmp/dmesg
check "the kernel named refused superblocks" \
	grep -Eq 'iopfs: iopmem[0-9]+(: superblock| has no iopfs superblock| is [0-9]+ bytes|: format version)' /tmp/dmesg
info "in the kernel log: $(grep -c 'run fsck.iopfs' /tmp/dmesg) refusals naming fsck.iopfs, $(grep -c 'iopfs-fuzz: seed' /tmp/dmesg) iterations"

# Control: the original image is back.
check "fsck.iopfs: the restored image is clean" fsck.iopfs "/dev/$dev"
check "the restored image mounts" mount -t iopfs "/dev/$dev" /mnt
snapshot >/tmp/after
check "every name, attribute and content is as before" cmp /tmp/before /tmp/after
check "umount" umount /mnt

iopfs-fuzz -m deep "/dev/$dev" /mnt $SEED 10 >/tmp/deep.log 2>&1
rc=$?
sed 's/^/# deep: /' /tmp/deep.log
check_eq "chains of nested directories: refused or mounted, no crash" 0 $rc
check "rmmod iopfs" rmmod iopfs
