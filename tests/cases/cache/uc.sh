#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Module parameter cache=uc: the BAR is uncached in pat_memtype_list (a held
# ioremap_uc() and the ZONE_DEVICE map that adopts it) and in a user's DAX
# mapping of a file (on 7.x, where DAX faults ignore the PAT, write-back
# as iopmem warns at bind); unbinding leaves no reservation behind.
# vm: ivshmem 512M addr=04.0
# results: 8
. /tests/lib.sh
. /tests/iopmem.sh

check "modprobe iopmem cache=uc" iopmem_load cache=uc
dev=$(iopmem_bind $IOPMEM_PCI) || die "cannot bind $IOPMEM_PCI to iopmem"
cache_prove "$dev" uc uncached
