#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fio's mmap engine with crc32c verify, memmap=ram: ext4 -o dax filled up
# through a DAX mapping, and the first and last sectors of /dev/iopmem0
# through a mapping of the block device, found by the host at the ends of
# the BAR file (fio-mmap.inc).
# vm: ivshmem 128M addr=04.0
# vm: timeout 300
# results: 21
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/fsdax/fio-mmap.inc

fio_mmap ram
