#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest part of `make demo` (tests/vm/demo.sh boots it as T=/rig/demo.sh):
# bind the emulated BAR to iopmem, put XFS -o dax on it, run a short fio
# job through a DAX mapping, and say what happened.  Everything it prints
# is shown to the user.
# vm: ivshmem 512M addr=04.0
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
# shellcheck source=tests/cases/iopmem.sh
. /tests/iopmem.sh

DEV=$IOPMEM_PCI
SYS=/sys/bus/pci/devices/$DEV

[ -d "$SYS" ] || die "no PCI device at $DEV: the emulated BAR is missing"
echo "kernel:  $(uname -r)"
modprobe iopmem || die "modprobe iopmem"
dev=$(iopmem_bind "$DEV") || die "cannot bind $DEV to iopmem (see dmesg)"
a=/sys/class/iopmem/$dev
start=$(bar_start "$DEV" 2)
end=$((start + $(cat "$a/size")))
echo "device:  /dev/$dev on $DEV BAR$(cat "$a/bar") [mem $(cat "$a/range")], $(($(cat "$a/size") >> 20)) MiB"
echo "cache:   $(cat "$a/cache") (PAT: $(pat_types "$start" "$end" | sort -u | xargs))"
echo "mode:    $(cat "$a/mode")"

iopmem_mount_xfs "$dev" /mnt || die "mkfs.xfs -m reflink=0 and mount -o dax failed"
: >/mnt/probe
if dax_enabled /mnt/probe; then dax=on; else dax=OFF; fi
echo "mount:   $(grep " /mnt " /proc/mounts | cut -d' ' -f1-4)"
echo "DAX:     $dax (statx STATX_ATTR_DAX on /mnt/probe)"

fio /tests/fio/dax-mmap.fio --directory=/mnt --output-format=json >/tmp/fio.json ||
	die "fio failed"
jq -r '.jobs[] | "fio:     \(.jobname) 128 MiB through mmap of a DAX file: \((.read.bw_bytes + .write.bw_bytes) / 1048576 | floor) MiB/s"' /tmp/fio.json
echo "note:    TCG emulation; only ratios within one run mean anything (make bench)"
umount /mnt
pci_unbind "$DEV"
exit 0
