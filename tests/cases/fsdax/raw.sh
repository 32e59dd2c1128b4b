#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The bio path of /dev/iopmem0 without a file system: fio verify over the
# whole device with flushes and FUA writes, reads and writes at the last
# sector, I/O past the end refused, and a pattern at a known offset found in
# the host backing file (raw.host.sh).
# vm: ivshmem 512M addr=04.0
# vm: timeout 300
# results: 10
. /tests/lib.sh
. /tests/iopmem.sh

check "modprobe iopmem" iopmem_load
iopmem_bind $IOPMEM_PCI >/dev/null || die "cannot bind $IOPMEM_PCI to iopmem"

check "fio randwrite + crc32c verify over the whole device, fsync every 64 writes" \
	fio --name=raw --filename=/dev/iopmem0 --size=512M --bs=64k \
	--rw=randwrite --ioengine=psync --direct=1 --fsync=64 \
	--verify=crc32c --do_verify=1 --verify_fatal=1
check "fio 512-byte writes with O_SYNC (FUA) + verify" \
	fio --name=fua --filename=/dev/iopmem0 --offset=100M --size=4M \
	--bs=512 --rw=write --ioengine=psync --direct=1 --sync=1 \
	--verify=crc32c --do_verify=1 --verify_fatal=1

# A known 4 KiB block at 300 MiB + 4 KiB, for the host to find.
off=$((300 * 1024 * 1024 + 4096))
pattern raw >/tmp/pattern
check "write a pattern with O_DIRECT" \
	dd if=/tmp/pattern of=/dev/iopmem0 bs=4096 seek=$((off / 4096)) oflag=direct conv=fsync status=none
info "hostcheck raw $off"
check_eq "read it back through the page cache" "$(sha256sum </tmp/pattern)" \
	"$(dd if=/dev/iopmem0 bs=4096 skip=$((off / 4096)) count=1 status=none | sha256sum)"

last=$((512 * 1024 * 1024 / 512 - 1))
check "write the last sector" \
	dd if=/tmp/pattern of=/dev/iopmem0 bs=512 count=1 seek=$last oflag=direct status=none
check_eq "read the last sector back" "$(head -c 512 /tmp/pattern | sha256sum)" \
	"$(dd if=/dev/iopmem0 bs=512 count=1 skip=$last iflag=direct status=none | sha256sum)"
check_fail "write past the end is refused" \
	dd if=/tmp/pattern of=/dev/iopmem0 bs=512 count=1 seek=$((last + 1)) oflag=direct status=none
check_eq "read past the end returns nothing" 0 \
	"$(dd if=/dev/iopmem0 bs=512 count=1 skip=$((last + 1)) iflag=direct status=none | wc -c)"
