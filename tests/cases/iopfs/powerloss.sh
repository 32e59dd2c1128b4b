#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iopfs survives power cuts: each boot mounts (replaying the log), checks
# that every file made durable before the last cut is intact and that no
# published file is half-made, then starts a metadata-heavy workload
# (creates, writes, fsync, renames across directories, links, unlinks,
# fallocate, mkdir/rmdir) and has the host SIGKILL QEMU at a random
# moment of it.  The last boot also checks that the log replays the same
# after a clean unmount.
#
# The workload publishes a file by writing NAME.tmp, fsync, mv to NAME
# (then it is listed in /mnt/manifest, appended and fsynced).  So a file
# without .tmp must be whole whether or not the manifest lists it, and a
# manifest entry must exist.  Content and size follow from the name.
#
# What this cannot show: under TCG a guest store reaches the BAR's host
# file at once (no write-combining buffers), so a missing fence goes
# unseen; a cut that tears a log record mid-copy is possible but not
# forced (see Documentation/iopfs.rst).
# kernels: 6.1
# vm: ivshmem 512M addr=04.0
# vm: boots 21
# vm: timeout 300
# results: 107
. /tests/lib.sh
. /tests/iopmem.sh

BOOTS=21
W=/mnt/w

# expected N : the content of published file N
expected() {
	_size=$((($1 % 5) * 300 * 1024 + 4096 + $1))
	head -c $_size /dev/zero | tr '\0' "$(printf '\\%03o' $((65 + $1 % 26)))"
}

# published_ok FROM : every file NAME (not .tmp) below $W numbered FROM or
# more is whole; prints bad ones.  A boot checks the files of the workload
# the last cut interrupted (numbered from (PHASE - 1) * 1000: each boot's
# workload numbers its own); the last boot checks every file.  Checking
# all of them on every boot made 21 boots take 375 s of TCG time, most of
# it making the expected bytes.
published_ok() {
	_bad=0
	for _f in $(find $W -type f ! -name '*.tmp' ! -name 's*'); do
		_n=${_f##*/}
		_n=${_n#f}
		[ "$_n" -ge "$1" ] || continue
		if [ "$(expected "$_n" | sha256sum)" != "$(sha256sum <"$_f")" ]; then
			echo "# half-made: $_f"
			_bad=1
		fi
	done
	return $_bad
}

# manifest_ok : every file the manifest lists exists under some directory
manifest_ok() {
	find $W -type f -name 'f*' ! -name '*.tmp' | sed 's|.*/f||' | sort >/tmp/present
	sort /mnt/manifest | uniq >/tmp/listed
	_missing=$(awk 'NR == FNR { have[$0] = 1; next } !have[$0]' /tmp/present /tmp/listed)
	for _n in $_missing; do
		echo "# missing: f$_n"
	done
	[ -z "$_missing" ]
}

workload() {
	_i=0
	_base=$(($1 * 1000))
	while [ $_i -lt 20 ]; do
		_n=$((_base + _i))
		_d=$W/d$((_n % 4))
		mkdir -p "$_d"
		expected $_n >"$_d/f$_n.tmp"
		xfs_io -c fsync "$_d/f$_n.tmp"
		mv "$_d/f$_n.tmp" "$_d/f$_n"
		echo $_n >>/mnt/manifest
		xfs_io -c fsync /mnt/manifest
		# Scratch files: fallocate, link, rename across dirs, unlink.
		fallocate -l $(((_n % 3 + 1) * 1048576)) "$_d/s$_n"
		ln "$_d/s$_n" "$W/s$_n.link"
		mv "$_d/s$_n" "$W/d$(((_n + 1) % 4))/s$_n"
		rm -f "$W/s$_n.link" "$W/d$(((_n + 1) % 4))/s$_n"
		mkdir "$W/e$_n" && rmdir "$W/e$_n"
		_i=$((_i + 1))
	done
}

check "boot $PHASE: modprobe iopmem mode=iopfs" iopmem_load mode=iopfs
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
modprobe iopfs || die "modprobe iopfs"
mkdir -p /mnt
if [ "$PHASE" = 1 ]; then
	mkfs.iopfs -q "/dev/$dev" || die "mkfs.iopfs"
	mount -t iopfs "/dev/$dev" /mnt || die "mount"
	mkdir $W && : >/mnt/manifest && xfs_io -c fsync /mnt/manifest
	check "boot 1: mkfs.iopfs, mount, manifest" test -f /mnt/manifest
else
	check "boot $PHASE: fsck.iopfs -n finds the log clean after the power cut" \
		fsck.iopfs -n "/dev/$dev"
	check "boot $PHASE: mount after the power cut (log replay)" \
		mount -t iopfs "/dev/$dev" /mnt || die "no mount after a power cut"
	dmesg | grep 'iopfs.*mounted' | sed 's/^/# /'
	check "boot $PHASE: every file listed as durable is there ($(wc -l </mnt/manifest))" manifest_ok
	if [ "$PHASE" = $BOOTS ]; then
		check "boot $PHASE: no published file is half-made (all of them)" published_ok 0
	else
		check "boot $PHASE: no published file of the interrupted workload is half-made" \
			published_ok $(((PHASE - 1) * 1000))
	fi
fi

if [ "$PHASE" -lt $BOOTS ]; then
	workload "$PHASE" &
	# A random moment 0.2-2.9 s into the workload.
	sleep "$((RANDOM % 3)).$((RANDOM % 9 + 1))"
	info "boot $PHASE: asking the host for a power cut during the workload"
	echo "IOPMEM-RIG: KILL"
	sleep 600
fi

records=$(dmesg | sed -n 's/.*iopfs .*mounted: \([0-9]*\) log records.*/\1/p' | tail -n 1)
check "boot $PHASE: umount" umount /mnt
check "boot $PHASE: mount again after a clean umount" mount -t iopfs "/dev/$dev" /mnt
check_eq "boot $PHASE: the same log records replay" "$records" \
	"$(dmesg | sed -n 's/.*iopfs .*mounted: \([0-9]*\) log records.*/\1/p' | tail -n 1)"
check "boot $PHASE: every file listed as durable is still there" manifest_ok
umount /mnt
check "boot $PHASE: fsck.iopfs -n finds it clean" fsck.iopfs -n "/dev/$dev"
rmmod iopfs
