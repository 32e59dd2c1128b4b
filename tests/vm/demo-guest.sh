#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest part of `make demo` (tests/vm/demo.sh boots it as T=/rig/demo.sh).
# Everything this script prints is shown to the user.
# vm: ivshmem 512M addr=04.0
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh

DEV=0000:00:04.0
SYS=/sys/bus/pci/devices/$DEV

echo "kernel: $(uname -r)"
if [ ! -d "$SYS" ]; then
	die "no PCI device at $DEV: the emulated BAR is missing"
fi
echo "device: $DEV $(cat "$SYS/vendor"):$(cat "$SYS/device") class $(cat "$SYS/class")"
lspci -s "${DEV#0000:}" -v 2>/dev/null | sed -e '/^$/d' -e 's/^/  /'

# TODO(iopmem): the demo steps go here, e.g.
#   modprobe iopmem
#   pci_bind_iopmem "$DEV"
#   mkfs.xfs -m reflink=0 /dev/iopmem0 && mount -o dax /dev/iopmem0 /mnt
#   ... show a DAX mapping, an NVMe O_DIRECT read landing in the BAR ...
# /lib/modules/$(uname -r)/extra/ holds iopmem.ko and iopmem_test_provider.ko.
exit 0
