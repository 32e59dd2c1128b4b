#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unbinding a device in mode p2pdma while a kernel user holds its P2PDMA
# memory, as the NVMe-oF target does during an I/O (nvmet cannot on the
# rig: soft-RoCE has no PCI device, see p2p/nvmet): iopmem_test_p2palloc
# takes 2 MiB with pci_alloc_p2pmem().  The unbind waits until the memory
# is freed (the kernel's P2PDMA core waits for its pages), and meanwhile
# the BAR keeps its memory type and the PCI device keeps decoding it, so
# the kernel user's stores still reach the BAR.  Once it frees, the unbind
# finishes and leaves nothing behind; KASAN, lockdep and kmemleak watch
# the whole teardown.
# vm: ivshmem 512M addr=04.0
# kernels: 7.2
# results: 14
. /tests/lib.sh
. /tests/iopmem.sh

M=1048576
P2PMEM=/sys/bus/pci/devices/$IOPMEM_PCI/p2pmem
HOLD=/sys/kernel/debug/iopmem_test_p2palloc
check "modprobe iopmem mode=p2pdma" iopmem_load mode=p2pdma
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
start=$(($(bar_start $IOPMEM_PCI 2)))
end=$((start + 512 * M))
type=$(pat_types "$start" "$end")
info "memory type of the BAR: $type"
check "modprobe iopmem_test_p2palloc" modprobe iopmem_test_p2palloc
on_exit "echo free >$HOLD; rmmod iopmem_test_p2palloc"
check "a kernel user takes 2 MiB of the pool" sh -c "echo '$IOPMEM_PCI $((2 * M))' >$HOLD"
check_eq "... which p2pmem/available shows" $((510 * M)) "$(cat $P2PMEM/available)"

(pci_unbind $IOPMEM_PCI && touch /tmp/unbound) &
UNBIND_PID=$!
sleep 5
check "after 5 s the unbind still waits for the held memory" \
	sh -c "kill -0 $UNBIND_PID && test ! -e /tmp/unbound"
check_eq "$dev is gone meanwhile" "" "$(ls /sys/class/iopmem)"
check_eq "the BAR keeps its memory type" "$type" "$(pat_types "$start" "$end")"
check_eq "... and the device stays enabled, decoding it" 1 \
	"$(cat /sys/bus/pci/devices/$IOPMEM_PCI/enable)"

echo free >$HOLD
for _i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	[ -e /tmp/unbound ] && break
	sleep 0.5
done
check "freed, the unbind finishes" test -e /tmp/unbound
wait $UNBIND_PID
check_eq "unbound from iopmem" "" "$(pci_driver $IOPMEM_PCI)"
check_fail "p2pmem/ is gone" test -e $P2PMEM
check_eq "no memory type reservation left" "" "$(pat_types "$start" "$end")"
check_eq "the device is disabled at last" 0 \
	"$(cat /sys/bus/pci/devices/$IOPMEM_PCI/enable)"
check "rmmod" rmmod iopmem
