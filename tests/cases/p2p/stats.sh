#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The counters that tell which path ran: the CPU-copy bio path and the DAX
# path move them, writing 0 resets them, anything else is refused.
# vm: ivshmem 512M addr=04.0
# results: 22
. /tests/lib.sh
. /tests/iopmem.sh

check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
for c in bio_reads bio_writes bio_read_bytes bio_write_bytes flushes dax_calls dax_pages errors; do
	check "stats/$c exists" test -r "/sys/class/iopmem/$dev/stats/$c"
done
stats_reset "$dev"
check_eq "reset reads 0" 0 "$(iopmem_stat "$dev" bio_writes)"

dd if=/dev/zero of="/dev/$dev" bs=1M count=4 oflag=direct conv=fsync status=none
w=$(iopmem_stat "$dev" bio_writes)
check "O_DIRECT writes counted as write bios ($w)" test "$w" -ge 4
check_eq "their bytes" 4194304 "$(iopmem_stat "$dev" bio_write_bytes)"
check "fsync counted as a flush" test "$(iopmem_stat "$dev" flushes)" -ge 1
dd if="/dev/$dev" of=/dev/null bs=1M count=2 iflag=direct status=none
check_eq "O_DIRECT reads counted in bytes" 2097152 "$(iopmem_stat "$dev" bio_read_bytes)"

dmesg_mark
check_fail "writing 5 to a counter is refused" sh -c "echo 5 >/sys/class/iopmem/$dev/stats/bio_reads"
check "... with a message" dmesg_has "stats/bio_reads: only 0 can be written, to reset the counter"
check_eq "... and the counter is unchanged" 2 "$(iopmem_stat "$dev" bio_reads)"

iopmem_mount_xfs "$dev" /mnt || die "mkfs.xfs and mount -o dax"
xfs_io -f -c 'pwrite -q 0 4m' -c fsync /mnt/f
stats_reset "$dev"
check "read 4 MiB of a DAX file through a mapping" sh -c "mmap-io read /mnt/f 0 4M | sha256sum"
check "DAX faults counted as direct_access calls" test "$(iopmem_stat "$dev" dax_calls)" -ge 1
check "... handing out pages" test "$(iopmem_stat "$dev" dax_pages)" -ge 1
check_eq "... and no bio" 0 "$(iopmem_stat "$dev" bio_reads)"
check "stats readable by anyone" sh -c "ls -l /sys/class/iopmem/$dev/stats/dax_calls | grep -q '^-rw-r--r--'"
