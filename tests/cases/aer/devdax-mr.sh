#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A fatal PCIe error while an RDMA MR (ibv_reg_mr over soft-RoCE, a
# long-term pin with no mapping left) holds pages of a device-dax instance
# and another process maps the same pages read-only.  iopmem takes the
# device offline as on removal (README: revoke every mapping, then wait
# for held pages, because removing the region frees its struct pages): the
# reader gets SIGBUS at once, and the error handler waits, naming the held
# page, until the MR is deregistered.  The AER core's recovery of the link
# waits with it: it reports its verdict only then.  The device stays
# offline after the reset and comes back with its mode written.  A driver
# that does not wait fails "the error handler waits" (and on the KASAN
# kernel the deregistration then unpins freed struct pages); one that
# does not revoke fails the SIGBUS check.
# Nothing reads iopmem's sysfs while the handler waits: it holds the
# device's lock.
# vm: machine q35
# vm: device pcie-root-port id=rp0 chassis=1 slot=1 bus=pcie.0 addr=04.0
# vm: ivshmem 512M bus=rp0 id=iv0
# vm: timeout 300
# vm: smp 2
# results: 15
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/aer/common.inc
. /tests/rdma/rxe.inc

M=1048576
check "modprobe iopmem mode=devdax" iopmem_load mode=devdax
dev=$(iopmem_bind "$AER_PCI") || die "bind $AER_PCI"
a=$(daxctl create-device -r "$(iopmem_region "$dev")" -s 64M | jq -r '.[0].chardev')
check "create a 64 MiB instance" test -c "/dev/$a"
check "soft-RoCE $RXE_DEV on a veth pair" rxe_setup || die "no soft-RoCE device"

# The reader maps the first 2 MiB (fd 9), the MR pins the first 4 MiB.
MAP_MODE=hold-ro map_hold "/dev/$a" 0 $((2 * M)) || die "cannot map /dev/$a read-only"
mr_hold "/dev/$a" $((4 * M)) || die "ibv_reg_mr of 4 MiB of /dev/$a"
ok "ibv_reg_mr of 4 MiB of /dev/$a, then unmapped"

aer_request SDN
check "the error handler waits while the MR holds pages, naming the page" \
	removal_waits_logged "$dev" "an RDMA registration, O_DIRECT in flight, a pipe"
sleep 3
check_eq "... and so does the AER core's recovery: no verdict 3 s later" "" \
	"$(dmesg_since_mark | grep -E 'AER: device recovery (successful|failed)')"
echo touch >&9
map_release
check_eq "the read-only mapping was revoked: its process got SIGBUS on a read" 135 $?
check "the MR still holds the pages: its process is alive" kill -0 "$MR_PID"
check "ibv_dereg_mr" mr_release
aer_wait_verdict || die "the AER core reported no recovery within 30 s of the deregistration"
check "then the AER core reset the link and recovered" \
	sh -c "echo '$AER_VERDICT' | grep -q successful"
check "iopmem logged the stop and the way back" \
	dmesg_has "$dev: fatal PCIe error, the link is being reset: I/O stopped, .* echo devdax > /sys/class/iopmem/$dev/mode"
check "/dev/$a is gone" test ! -e "/dev/$a"
check_eq "the device is offline" offline "$(iopmem_attr "$dev" state)"
check "bring it back: echo devdax > mode" sh -c "echo devdax >/sys/class/iopmem/$dev/mode"
check_eq "the device is online" online "$(iopmem_attr "$dev" state)"
