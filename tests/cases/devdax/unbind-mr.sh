#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unbind while an RDMA MR (ibv_reg_mr over soft-RoCE, a long-term pin with
# no mapping left) holds pages of a device-dax instance and another
# process maps the same pages read-only: the reader gets SIGBUS at once
# while the MR still holds the pages, the unbind waits, naming the held
# page, and finishes once the MR is deregistered.  devdax/unbind-pinned
# does the same with a pipe.  A driver that does not wait fails "unbind
# waits" (and on the KASAN kernel the deregistration then unpins freed
# struct pages); one that does not revoke fails the SIGBUS check.
# vm: ivshmem 512M addr=04.0
# vm: timeout 300
# results: 14
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/rdma/rxe.inc

M=1048576
check "modprobe iopmem mode=devdax" iopmem_load mode=devdax
dev=$(iopmem_bind "$IOPMEM_PCI") || die "bind"
a=$(daxctl create-device -r "$(iopmem_region "$dev")" -s 64M | jq -r '.[0].chardev')
check "create a 64 MiB instance" test -c "/dev/$a"
check "soft-RoCE $RXE_DEV on a veth pair" rxe_setup || die "no soft-RoCE device"

# The reader maps the first 2 MiB (fd 9), the MR pins the first 4 MiB.
MAP_MODE=hold-ro map_hold "/dev/$a" 0 $((2 * M)) || die "cannot map /dev/$a read-only"
mr_hold "/dev/$a" $((4 * M)) || die "ibv_reg_mr of 4 MiB of /dev/$a"
ok "ibv_reg_mr of 4 MiB of /dev/$a, then unmapped"

unbind_held "$dev" "an RDMA registration, O_DIRECT in flight, a pipe" "the MR"
echo touch >&9
map_release
check_eq "the read-only mapping was revoked: its process got SIGBUS on a read" 135 $?
check "the MR still holds the pages: its process is alive" kill -0 "$MR_PID"
sleep 2
check "the unbind still waits" kill -0 "$UNBIND_PID"
check "ibv_dereg_mr" mr_release
wait "$UNBIND_PID"
check_eq "then the unbind finishes" 0 $?
check_eq "the device is unbound" "" "$(pci_driver "$IOPMEM_PCI")"
check "/dev/$a is gone" test ! -e "/dev/$a"
dev=$(iopmem_bind "$IOPMEM_PCI") || die "bind again"
check_eq "bound again: back in devdax mode" devdax "$(iopmem_attr "$dev" mode)"
