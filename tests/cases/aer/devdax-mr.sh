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
# vm: solo
# results: 19
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/aer/common.inc
. /tests/rdma/rxe.inc

devdax_mr_held "$AER_PCI"
dev=$DEV a=${DAX#/dev/}

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
# Its instance's iomem region is released, not lost under the window
# claim (the kernel's release looks only below non-busy resources).
check_fail "... and its instance's iomem region with it" \
	dmesg_has "Trying to free nonexistent resource"
check "/dev/$a is gone with it" test ! -e "/dev/$a"
check "bring it back: echo devdax > mode" sh -c "echo devdax >/sys/class/iopmem/$dev/mode"
check_eq "the device is online" online "$(iopmem_attr "$dev" state)"
