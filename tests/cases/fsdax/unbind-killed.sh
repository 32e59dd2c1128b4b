#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fsdax/unbind-pinned, but the unbinding task is killed while it waits for
# the pipe's page.  The unbind ends at once; the struct pages must not be
# freed under the page, nor kept until reboot: the range stays mapped,
# its window claimed and iopmem held, until the pipe lets go, and then
# it is unmapped and says so.  A driver that kept it until reboot fails
# "unmapped once the pipe lets go" and the rebind; one that unmapped at
# once fails the claim check, and the pipe's release then touches a
# freed struct page.
#
# As in fsdax/unbind-pinned, the kernel warns at the umount before 6.15,
# and since 6.15 umount itself would wait: not on the 7.2 kernel.
# vm: kernel-warns dax_disassociate_entry
# vm: ivshmem 512M addr=04.0
# vm: timeout 300
# results: 16
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/unplug/common.inc

xfs_file_pinned killed
dev=$DEV
window=$(bar_range $IOPMEM_PCI 2)

unbind_held "$dev" "O_DIRECT in flight, a pipe"
check "kill -9 the unbinding task" kill -9 "$UNBIND_PID"
wait "$UNBIND_PID"
check_eq "... which then ends" 137 $?
check "dmesg: the memory stays mapped until the page is released, it says" \
	dmesg_has "iopmem $dev: stopped waiting for held pages: .* keeps its struct pages until they are released"
check_eq "the device is unbound" "" "$(pci_driver $IOPMEM_PCI)"
check "/proc/iomem: the BAR's window stays claimed" iomem_claimed "$window"
check_fail "rmmod iopmem is refused meanwhile" rmmod iopmem

map_release
check "once the pipe lets go, the memory is unmapped, and it says so" \
	dmesg_wait "iopmem $dev: held pages released, memory unmapped"
check_fail "/proc/iomem: the claim is gone" iomem_claimed "$window"
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind again"
mount -o dax "/dev/$dev" /mnt || die "mount again"
check_eq "bound and mounted again: the file is intact" "$(pattern killed | sha256sum)" \
	"$(head -c 4096 /mnt/f | sha256sum)"
check "umount" umount /mnt
check "rmmod iopmem" iopmem_unload
