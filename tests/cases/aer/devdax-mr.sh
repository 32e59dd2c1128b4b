#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A fatal PCIe error while an RDMA MR (ibv_reg_mr over soft-RoCE, a
# long-term pin with no mapping left) holds pages of a device-dax instance
# and another process maps the same pages read-only.  iopmem takes the
# device offline as on removal: every mapping is revoked (the reader gets
# SIGBUS at once).  The error handler must not wait for the MR: it runs in
# the AER core's thread, with the PCI device's lock and the PCI bus lock
# held.  So the AER core recovers the link at once, and the old region
# lingers, its held page named in the log, until the MR is deregistered;
# meanwhile the device cannot come back (the old struct pages still
# exist), afterwards it can.  A driver that waits in the handler fails
# "the AER core recovers at once"; one that frees the region at once
# fails "the device cannot come back meanwhile" (and on the KASAN kernel
# the deregistration unpins freed struct pages); one that does not revoke
# fails the SIGBUS check.
# vm: machine q35
# vm: device pcie-root-port id=rp0 chassis=1 slot=1 bus=pcie.0 addr=04.0
# vm: ivshmem 512M bus=rp0 id=iv0
# vm: timeout 300
# vm: smp 2
# results: 18
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
aer_wait_verdict || die "the AER core reported no recovery within 30 s"
check "the AER core recovers at once, though the MR holds pages" \
	sh -c "echo '$AER_VERDICT' | grep -q successful"
check "... the log names the held page and what may hold it" \
	removal_waits_logged "$dev" "an RDMA registration, O_DIRECT in flight, a pipe"
echo touch >&9
map_release
check_eq "the read-only mapping was revoked: its process got SIGBUS on a read" 135 $?
check "the MR still holds the pages: its process is alive" kill -0 "$MR_PID"
check "iopmem logged the stop and the way back" \
	dmesg_has "$dev: fatal PCIe error, the link is being reset: I/O stopped, .* echo devdax > /sys/class/iopmem/$dev/mode"
check_fail "/dev/$a is dead: a new mapping fails" mmap-io read "/dev/$a" 0 4096
check_eq "the device is offline" offline "$(iopmem_attr "$dev" state)"
check_fail "the device cannot come back meanwhile: echo devdax > mode" \
	sh -c "echo devdax >/sys/class/iopmem/$dev/mode"
check "... the log says the old region still holds the range" \
	dmesg_has "is still mapped by $dev, which was removed while in use"
check "ibv_dereg_mr" mr_release
region_gone() {
	for _i in $(seq 40); do
		dmesg_has "$dev: held pages released, region [0-9]+ removed" &&
			return 0
		sleep 0.5
	done
	return 1
}
check "then the old region goes, and says so" region_gone
check "/dev/$a is gone with it" test ! -e "/dev/$a"
check "bring it back: echo devdax > mode" sh -c "echo devdax >/sys/class/iopmem/$dev/mode"
check_eq "the device is online" online "$(iopmem_attr "$dev" state)"
