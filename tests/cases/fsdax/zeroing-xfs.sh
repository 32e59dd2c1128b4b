#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# XFS -o dax on a BAR filled with a pattern before the boot: fallocated
# extents, sub-page writes into fresh blocks, hole punch, zero range and a
# partial-block truncate read as zero through read() and a DAX mapping, and
# the zeros are on the device and in the BAR file (zeroing.inc).
# vm: ivshmem 512M addr=04.0
# vm: timeout 300
# results: 50
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/fsdax/zeroing.inc

zeroing_fs xfs
