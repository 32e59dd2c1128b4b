#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Booted with nopat, the page attribute table is off: write-combining
# comes out uncached and the ZONE_DEVICE map write-back, whatever cache
# says.  iopmem refuses to bind, with the cause and the fix, in either
# cache mode.  The control: the kernel itself says PAT is off.
# vm: ivshmem 512M addr=04.0
# vm: cmdline nopat
# results: 8
. /tests/lib.sh
. /tests/iopmem.sh

check "control: the kernel says PAT is off" \
	sh -c "dmesg | grep -q 'x86/PAT: PAT support disabled via boot option'"
check "modprobe iopmem" iopmem_load
for cache in wc uc; do
	echo $cache >/sys/module/iopmem/parameters/cache
	dmesg_mark
	check_fail "bind with cache $cache is refused" pci_bind_iopmem $IOPMEM_PCI
	check "... the log gives the cause and the fix" dmesg_has \
		"iopmem[0-9]+: PAT is off \(nopat\?\), cannot set the memory type; boot without nopat"
	check "... no iopmem device is left" test -z "$(iopmem_of $IOPMEM_PCI)"
done
