#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A udev-style writer flips cache between uc and wc on every iopmem device
# as fast as it can while the device is bound and unbound 100 times (25 on
# the debug kernel: rig_rounds).  The
# attributes appear before the probe has started the device: a write in
# that window must wait for the probe, not start the device itself (the
# probe's own start then failed on the busy range and the writer's block
# device leaked, still claiming the range).  Every probe succeeds, every
# device comes up online, and after the last unbind no iopmem block
# device is left and the module unloads.  The writer's changes must show
# in the log, or it raced with nothing.
# vm: ivshmem 64M addr=04.0
# vm: smp 2
# vm: timeout 400
# results: 7
. /tests/lib.sh
. /tests/iopmem.sh

check "modprobe iopmem" iopmem_load

writer() {
	while :; do
		for _f in /sys/class/iopmem/iopmem*/cache; do
			echo uc >"$_f"
			echo wc >"$_f"
		done 2>/dev/null
	done
}
dmesg_mark
writer &
writer_pid=$!
on_exit "kill $writer_pid 2>/dev/null || :"

rounds=$(rig_rounds 100)
failed=0
offline=0
i=0
while [ $i -lt "$rounds" ]; do
	if dev=$(iopmem_bind $IOPMEM_PCI) && [ -n "$dev" ]; then
		[ "$(iopmem_attr "$dev" state)" = online ] || offline=$((offline + 1))
	else
		failed=$((failed + 1))
	fi
	pci_unbind $IOPMEM_PCI
	i=$((i + 1))
	[ $((i % 25)) -eq 0 ] && info "$i of $rounds binds, $failed failed"
done
kill $writer_pid
wait $writer_pid 2>/dev/null

check_eq "$rounds binds under the writer: no probe failed" 0 "$failed"
check_eq "... every device came up online" 0 "$offline"
check "the writer changed the cache of bound devices" dmesg_has "now cache uc"
check_eq "no iopmem block device is left" "" "$(ls /sys/block | grep iopmem)"
check "rmmod iopmem: nothing holds the module" rmmod iopmem
check "modprobe iopmem again" modprobe iopmem
