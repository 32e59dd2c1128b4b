#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The counters that tell which path ran.  Bios the CPU copies are the block
# layer's: /sys/block/iopmemN/stat, /proc/diskstats and iostat count the
# exact sectors of O_DIRECT reads and writes, and nothing while
# queue/iostats is 0 (control).  iopmem's own stats/ keep what the block
# layer does not count: flush drains and the DAX path; writing 0 resets
# them, anything else is refused.
# vm: ivshmem 512M addr=04.0
# results: 25
. /tests/lib.sh
. /tests/iopmem.sh

check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
for c in flushes dax_calls dax_pages errors; do
	check "stats/$c exists" test -r "/sys/class/iopmem/$dev/stats/$c"
done
check_eq "no per-bio counter left in stats/" "dax_calls dax_pages errors flushes" \
	"$(cd /sys/class/iopmem/"$dev"/stats && echo *)"
check_eq "queue/iostats is on" 1 "$(cat /sys/block/"$dev"/queue/iostats)"
# udev's blkid probe of the new disk reads it: let it finish first.
udevadm settle 2>/dev/null

# Sector counts that no block size divides evenly, at odd offsets.
wr=777 rd=333
w0=$(disk_stat "$dev" write_sectors) r0=$(disk_stat "$dev" read_sectors)
wi0=$(disk_stat "$dev" write_ios)
dd if=/dev/urandom of=/tmp/w bs=512 count=$wr status=none
check "O_DIRECT write of $wr sectors" \
	dd if=/tmp/w of="/dev/$dev" bs=$((wr * 512)) count=1 seek=3 oflag=direct status=none
check_eq "sectors written grew by $wr" $((w0 + wr)) "$(disk_stat "$dev" write_sectors)"
check "... in at least one write ($(($(disk_stat "$dev" write_ios) - wi0)))" \
	test "$(disk_stat "$dev" write_ios)" -gt "$wi0"
check "O_DIRECT read of $rd sectors" \
	dd if="/dev/$dev" of=/dev/null bs=$((rd * 512)) count=1 skip=5 iflag=direct status=none
check_eq "sectors read grew by $rd" $((r0 + rd)) "$(disk_stat "$dev" read_sectors)"
check_eq "/proc/diskstats agrees with /sys/block/$dev/stat" \
	"$(awk '{ $1 = $1; print }' /sys/block/"$dev"/stat)" \
	"$(awk -v d="$dev" '$3 == d { s = $4; for (i = 5; i <= NF; i++) s = s " " $i; print s }' /proc/diskstats)"
# iostat -k: kB_read and kB_wrtn since boot are its 6th and 7th columns.
io=$(iostat -d -k "$dev")
info "$io"
check_eq "iostat reports $dev: kB read and written" \
	"$(($(disk_stat "$dev" read_sectors) / 2)) $(($(disk_stat "$dev" write_sectors) / 2))" \
	"$(echo "$io" | awk -v d="$dev" '$1 == d { print $6, $7 }')"

echo 0 >/sys/block/"$dev"/queue/iostats
w1=$(disk_stat "$dev" write_sectors)
dd if=/tmp/w of="/dev/$dev" bs=$((wr * 512)) count=1 seek=3 oflag=direct status=none
check_eq "queue/iostats 0: the same write is not counted (control)" \
	"$w1" "$(disk_stat "$dev" write_sectors)"
echo 1 >/sys/block/"$dev"/queue/iostats

stats_reset "$dev"
dd if=/dev/zero of="/dev/$dev" bs=1M count=4 oflag=direct conv=fsync status=none
check_eq "fsync: one flush in stats/flushes" 1 "$(iopmem_stat "$dev" flushes)"
check_eq "block I/O makes no direct_access call" 0 "$(iopmem_stat "$dev" dax_calls)"

dmesg_mark
check_fail "writing 5 to a counter is refused" sh -c "echo 5 >/sys/class/iopmem/$dev/stats/flushes"
check "... with a message" dmesg_has "stats/flushes: only 0 can be written, to reset the counter"
check_eq "... and the counter is unchanged" 1 "$(iopmem_stat "$dev" flushes)"

iopmem_mount_xfs "$dev" /mnt || die "mkfs.xfs and mount -o dax"
xfs_io -f -c 'pwrite -q 0 4m' -c fsync /mnt/f
stats_reset "$dev"
r0=$(disk_stat "$dev" read_ios)
check "read 4 MiB of a DAX file through a mapping" sh -c "mmap-io read /mnt/f 0 4M | sha256sum"
check "DAX faults counted as direct_access calls" test "$(iopmem_stat "$dev" dax_calls)" -ge 1
check "... handing out pages" test "$(iopmem_stat "$dev" dax_pages)" -ge 1
check_eq "... and no read bio" "$r0" "$(disk_stat "$dev" read_ios)"
check "stats readable by anyone" sh -c "ls -l /sys/class/iopmem/$dev/stats/dax_calls | grep -q '^-rw-r--r--'"
