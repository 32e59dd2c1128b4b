#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The bio path of /dev/iopmemN without a file system: fio verify over the
# whole device with flushes and FUA writes, which iopmem drains and counts
# in stats/flushes (an empty PREFLUSH bio per fsync, and a FUA write plus a
# PREFLUSH per O_DSYNC write; plain writes none), reads and writes at the
# last sector, I/O past the end refused, and a pattern at a known offset
# found in the host backing file (raw.host.sh).
# vm: ivshmem 512M addr=04.0
# vm: timeout 300
# results: 17
. /tests/lib.sh
. /tests/iopmem.sh

check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $IOPMEM_PCI) || die "cannot bind $IOPMEM_PCI to iopmem"

# flushes_after DESC EXPECTED CMD... : stats/flushes counts EXPECTED after
# CMD on a reset counter; WRITES is how many writes the block layer
# counted meanwhile.
flushes_after() {
	_desc=$1 _want=$2
	shift 2
	stats_reset "$dev"
	_w=$(disk_stat "$dev" write_ios)
	"$@" || not_ok "$_desc: $* failed"
	check_eq "$_desc: stats/flushes" "$_want" "$(iopmem_stat "$dev" flushes)"
	WRITES=$(($(disk_stat "$dev" write_ios) - _w))
}
flushes_after "8 O_DIRECT writes, no flush (control)" 0 \
	xfs_io -d -c "pwrite -q -b 4k 0 32k" "/dev/$dev"
check_eq "... 8 writes in /sys/block/$dev/stat" 8 "$WRITES"
flushes_after "fsync: one empty PREFLUSH" 1 xfs_io -d -c fsync "/dev/$dev"
check_eq "... and no write" 0 "$WRITES"
flushes_after "8 RWF_DSYNC writes: 8 FUA writes + 8 PREFLUSHes" 16 \
	xfs_io -d -c "pwrite -q -D -V 1 -b 4k 0 32k" "/dev/$dev"

stats_reset "$dev"
check "fio randwrite + crc32c verify over the whole device, fsync every 64 writes" \
	fio --name=raw --filename="/dev/$dev" --size=512M --bs=64k \
	--rw=randwrite --ioengine=psync --direct=1 --fsync=64 \
	--verify=crc32c --do_verify=1 --verify_fatal=1
# fio syncs after every 64th write but the last: 127 times.
n=$(iopmem_stat "$dev" flushes)
check "... 8192 writes, fsync every 64: 127 flushes at least ($n)" test "$n" -ge 127
stats_reset "$dev"
check "fio 512-byte writes with O_SYNC (FUA) + verify" \
	fio --name=fua --filename="/dev/$dev" --offset=100M --size=4M \
	--bs=512 --rw=write --ioengine=psync --direct=1 --sync=1 \
	--verify=crc32c --do_verify=1 --verify_fatal=1
n=$(iopmem_stat "$dev" flushes)
check "... 8192 O_SYNC writes: a FUA and a PREFLUSH each, 16384 flushes at least ($n)" \
	test "$n" -ge 16384

# A known 4 KiB block at 300 MiB + 4 KiB, for the host to find.
off=$((300 * 1024 * 1024 + 4096))
pattern raw >/tmp/pattern
check "write a pattern with O_DIRECT" \
	dd if=/tmp/pattern of=/dev/$dev bs=4096 seek=$((off / 4096)) oflag=direct conv=fsync status=none
info "hostcheck raw $off"
check_eq "read it back through the page cache" "$(sha256sum </tmp/pattern)" \
	"$(dd if=/dev/$dev bs=4096 skip=$((off / 4096)) count=1 status=none | sha256sum)"

last=$((512 * 1024 * 1024 / 512 - 1))
check "write the last sector" \
	dd if=/tmp/pattern of=/dev/$dev bs=512 count=1 seek=$last oflag=direct status=none
check_eq "read the last sector back" "$(head -c 512 /tmp/pattern | sha256sum)" \
	"$(dd if=/dev/$dev bs=512 count=1 skip=$last iflag=direct status=none | sha256sum)"
check_fail "write past the end is refused" \
	dd if=/tmp/pattern of=/dev/$dev bs=512 count=1 seek=$((last + 1)) oflag=direct status=none
check_eq "read past the end returns nothing" 0 \
	"$(dd if=/dev/$dev bs=512 count=1 skip=$((last + 1)) iflag=direct status=none | wc -c)"
