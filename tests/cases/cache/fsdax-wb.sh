#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Where DAX faults map files write-back whatever the range's memory type
# (6.15 and later: the rig's 7.2 kernel), mode fsdax is refused unless
# fsdax_wb_mmap is on: a bind fails with the cause and both fixes in the
# log and leaves nothing behind, devdax binds, a switch from devdax to
# fsdax is refused and the device stays in devdax.  With the parameter on,
# fsdax works and a file's user mapping is write-back, as iopmem then
# warns.  Older kernels ignore the parameter: fsdax binds with it off.
# The rig's 7.2 command line turns it on for the other scenarios
# (kernels.conf); this one turns it off.
# vm: ivshmem 512M addr=04.0
# results: 14
# results[6.1]: 4
# results[6.12]: 4
. /tests/lib.sh
. /tests/iopmem.sh

param=/sys/module/iopmem/parameters/fsdax_wb_mmap
check "modprobe iopmem" iopmem_load
check "parameter fsdax_wb_mmap is there and writable" test -w $param
echo N >$param
start=$(bar_start $IOPMEM_PCI 2)
end=$((start + 512 * 1024 * 1024))

# shellcheck disable=SC2046 # major minor ...
set -- $(uname -r | tr '.-' '  ')
if [ "$1" -lt 6 ] || { [ "$1" -eq 6 ] && [ "$2" -lt 15 ]; }; then
	info "$(uname -r): DAX faults take the PAT memory type; the parameter is ignored"
	check "fsdax binds with fsdax_wb_mmap off" pci_bind_iopmem $IOPMEM_PCI
	check_eq "in fsdax mode" fsdax "$(iopmem_attr "$(iopmem_of $IOPMEM_PCI)" mode)"
	exit 0
fi

dmesg_mark
check_fail "bind in mode fsdax is refused" pci_bind_iopmem $IOPMEM_PCI
check "the log gives the cause and both fixes" dmesg_wait \
	"iopmem[0-9]+: mode fsdax refused: this kernel maps files on -o dax mounts write-back, not wc; use mode devdax, or set iopmem.fsdax_wb_mmap=1 to accept"
check_eq "no iopmem device left" "" "$(iopmem_of $IOPMEM_PCI)"
check_eq "no memory type reservation left" "" "$(pat_types "$start" "$end")"
check_fail "no iopmem claim left in /proc/iomem" grep -q iopmem /proc/iomem

echo devdax >/sys/module/iopmem/parameters/mode
dev=$(iopmem_bind $IOPMEM_PCI) || die "cannot bind $IOPMEM_PCI in devdax mode"
dmesg_mark
check_fail "a switch from devdax to fsdax is refused" \
	sh -c "echo fsdax >/sys/class/iopmem/$dev/mode"
check_eq "the device stays in devdax mode, online" "devdax online" \
	"$(iopmem_attr "$dev" mode) $(iopmem_attr "$dev" state)"

echo Y >$param
check "with fsdax_wb_mmap on, the switch to fsdax works" \
	sh -c "echo fsdax >/sys/class/iopmem/$dev/mode"
check "iopmem warns that file mappings are write-back" dmesg_wait \
	"iopmem $dev: user mappings of files on /dev/$dev \(mount -o dax\) are write-back on this kernel, not wc"
iopmem_mount_xfs "$dev" /mnt -d su=2m,sw=1,agcount=2 || die "mkfs.xfs and mount -o dax"
xfs_io -c 'extsize 2m' /mnt
xfs_io -f -c 'falloc 0 4m' /mnt/f
entry=$(user_memtype /mnt/f 0 4M)
info "user page table entry: $entry"
check_eq "a file's user mapping is write-back" write-back "${entry#* }"
check "umount" umount /mnt
check "unbind" pci_unbind $IOPMEM_PCI
