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

devdax_mr_held "$IOPMEM_PCI"
dev=$DEV a=${DAX#/dev/}

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
