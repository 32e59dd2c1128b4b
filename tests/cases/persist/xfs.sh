#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Data made durable survives (a) a clean power-off and (b) QEMU killed with
# SIGKILL right after fsync returned, on XFS -o dax: three boots on the same
# backing file, fio verify with a fixed seed, 0 mismatches.
# vm: ivshmem 512M addr=04.0
# vm: boots 3
# vm: timeout 300
# results: 18
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/persist/fs.inc

persist_fs xfs
