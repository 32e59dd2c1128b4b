#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The DAX host's zero_page_range zeroes exactly the pages asked for, on the
# device.  No file system reaches it over data (see
# tests/daxzero/iopmem_test_daxzero.c), so iopmem_test_daxzero calls it the
# way fs/dax.c does, one page a call: five pages of Z written through
# /dev/iopmem0, the middle three zeroed; the first and last stay Z, read
# back with O_DIRECT here and from the BAR file by zero-page-range.host.sh.
# Control: the same read before the zeroing finds all five pages Z.
# vm: ivshmem 256M addr=04.0
# results: 7
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
# shellcheck source=tests/cases/iopmem.sh
. /tests/iopmem.sh

check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind "$IOPMEM_PCI") || die "cannot bind $IOPMEM_PCI to iopmem"
check "modprobe iopmem_test_daxzero" modprobe iopmem_test_daxzero
on_exit "rmmod iopmem_test_daxzero"

# Pages 9..13 of the device (memmap=ram: page N of the device is page N of
# the BAR).
five_pages() {
	dd if="/dev/$dev" bs=4096 skip=9 count=5 iflag=direct status=none
}
layout 20480:Z >/tmp/z
check "write Z to pages 9-13 with O_DIRECT" \
	dd if=/tmp/z of="/dev/$dev" bs=4096 seek=9 count=5 oflag=direct status=none
five_pages >/tmp/got
check "control: pages 9-13 read back as Z" cmp /tmp/z /tmp/got

check "zero_page_range on pages 10, 11 and 12" \
	sh -c "echo '/dev/$dev 10 3' >/sys/kernel/debug/iopmem_test_daxzero"
layout 4096:Z 12288:0 4096:Z >/tmp/want
five_pages >/tmp/got
check "pages 10-12 read as zero, 9 and 13 as Z" cmp /tmp/want /tmp/got
info "hostlayout zpr $((9 * 4096))"
