#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Mode p2pdma written while bound, like fsdax and devdax: refused while the
# device is in use (mounted; or, leaving p2pdma, while any of the pool is
# allocated, by a process mapping p2pmem/allocate or by a kernel user:
# iopmem_test_p2palloc takes memory as nvmet would), each refusal in the
# kernel log and in iopmemctl, with nothing changed; otherwise p2pmem/
# comes and goes with the mode and the BAR keeps its one memory type.  A
# function reset takes a p2pdma device offline and writing the mode brings
# it back.  Then the unbind of a device that became p2pdma after its bind:
# the P2PDMA setup made then lies behind iopmem's own removal in the PCI
# device's devres list, and iopmem's PCI remove() must withdraw it first
# (without, KASAN reports a use-after-free; p2pdma.c).  Last, a split BAR
# has one P2PDMA part: its DAX part cannot become a second.
# vm: machine q35
# vm: device pcie-root-port id=rp0 chassis=1 slot=1 bus=pcie.0 addr=04.0
# vm: ivshmem 512M bus=rp0 id=iv0
# vm: timeout 300
# kernels: 7.2
# results: 39
. /tests/lib.sh
. /tests/iopmem.sh

M=1048576
pci=0000:01:00.0
P2PMEM=/sys/bus/pci/devices/$pci/p2pmem
HOLD=/sys/kernel/debug/iopmem_test_p2palloc
check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $pci) || die "bind $pci"
MODE=/sys/class/iopmem/$dev/mode
start=$(($(bar_start $pci 2)))
end=$((start + 512 * M))
# Entries differ by mode (the claim, the struct pages' own); their types not.
types() { pat_types "$start" "$end" | sort -u | tr '\n' ' '; }
type=$(types)
info "memory type of the BAR in fsdax mode: $type"

iopmem_mount_xfs "$dev" /mnt || die "mkfs.xfs and mount -o dax"
dmesg_mark
check_fail "mode p2pdma while /dev/$dev is mounted is refused" \
	sh -c "echo p2pdma >$MODE"
check "... the kernel log names the holder" \
	dmesg_has "$dev: cannot change mode: /dev/$dev is in use"
check "umount" umount /mnt

check "echo p2pdma > mode once unmounted" sh -c "echo p2pdma >$MODE"
check_eq "the mode reads p2pdma, online" "p2pdma online" \
	"$(iopmem_attr "$dev" mode) $(iopmem_attr "$dev" state)"
check_eq "p2pmem/ appears, published, the whole BAR free" "1 $((512 * M)) $((512 * M))" \
	"$(cat $P2PMEM/published $P2PMEM/size $P2PMEM/available | tr '\n' ' ' | sed 's/ $//')"
check_fail "/dev/$dev is gone" test -e /dev/"$dev"
check_eq "the BAR keeps its one memory type" "$type" "$(types)"

map_hold $P2PMEM/allocate 0 2M || die "cannot map p2pmem/allocate"
dmesg_mark
check_fail "mode fsdax while p2pmem/allocate is mapped is refused" \
	sh -c "echo fsdax >$MODE"
check "... the kernel log says the pool is in use and what to do" \
	dmesg_has "$dev: cannot change mode: P2PDMA memory of $pci is in use \(p2pmem/available is less than p2pmem/size\); unmap p2pmem/allocate"
check_eq "... nothing changed: mode, pool published, the mapping's 2 MiB taken" \
	"p2pdma 1 $((510 * M))" \
	"$(iopmem_attr "$dev" mode) $(cat $P2PMEM/published) $(cat $P2PMEM/available)"
echo touch >&9
map_release
check_eq "... and the mapping kept working" 0 $?

check "modprobe iopmem_test_p2palloc" modprobe iopmem_test_p2palloc
on_exit "echo free >$HOLD 2>/dev/null; rmmod iopmem_test_p2palloc"
check "a kernel user takes 2 MiB of the pool" sh -c "echo '$pci $((2 * M))' >$HOLD"
out=$(iopmemctl set "$dev" --mode devdax 2>&1)
check_eq "iopmemctl set --mode devdax meanwhile: the kernel's refusal, one line" \
	"1 iopmemctl: set $dev: mode change refused: P2PDMA memory of $pci is in use (p2pmem/available is less than p2pmem/size); unmap p2pmem/allocate and stop its kernel users (such as an nvmet namespace with p2pmem set) first" \
	"$? $out"
check_eq "... still p2pdma with 2 MiB taken" "p2pdma $((510 * M))" \
	"$(iopmem_attr "$dev" mode) $(cat $P2PMEM/available)"
echo free >$HOLD
check "freed, iopmemctl set --mode devdax works" \
	sh -c "iopmemctl set $dev --mode devdax | grep -Eq '^$dev .* devdax '"
check_fail "p2pmem/ is gone" test -e $P2PMEM
check "the device-dax region is there" test -n "$(iopmem_region "$dev")"
check_eq "the BAR still has its one memory type" "$type" "$(types)"
check "devdax -> p2pdma" sh -c "echo p2pdma >$MODE"
check_eq "p2pmem/ again, the whole BAR free" $((512 * M)) "$(cat $P2PMEM/available)"

methods=$(cat /sys/bus/pci/devices/$pci/reset_method 2>/dev/null)
[ -n "$methods" ] || die "$pci has no reset method"
dmesg_mark
check "reset the function in mode p2pdma ($methods)" \
	sh -c "echo 1 >/sys/bus/pci/devices/$pci/reset"
check "the P2PDMA memory is withdrawn; the log gives the way back" \
	dmesg_has "$dev: function reset \(FLR or bus reset\), data may be lost: I/O stopped, the device is offline; .* echo p2pdma > /sys/class/iopmem/$dev/mode"
check_eq "offline, p2pmem/ gone" "offline no" \
	"$(iopmem_attr "$dev" state) $(test -e $P2PMEM && echo yes || echo no)"
check "echo p2pdma > mode brings it back" sh -c "echo p2pdma >$MODE"
check_eq "online, p2pmem/ published" "online 1" \
	"$(iopmem_attr "$dev" state) $(cat $P2PMEM/published)"

# The P2PDMA setup of now is the one made after the bind.
map_hold $P2PMEM/allocate 0 2M || die "cannot map p2pmem/allocate"
check "unbind while p2pmem/allocate is mapped" pci_unbind $pci
check_fail "p2pmem/ is gone" test -e $P2PMEM
echo touch >&9
map_release
check_eq "the mapping's user got SIGBUS on its next access" 135 $?
check_eq "no memory type reservation left" "" "$(pat_types "$start" "$end")"
check_eq "the device is disabled" 0 "$(cat /sys/bus/pci/devices/$pci/enable)"

echo "$pci p2pdma=128M" >/sys/bus/pci/drivers/iopmem/bind_settings
check "bind with the BAR's last 128 MiB as P2PDMA" pci_bind_iopmem $pci
for d in /sys/class/iopmem/*; do
	[ "$(cat "$d/mode")" = fsdax ] && dax=${d##*/}
done
dmesg_mark
check_fail "its DAX part cannot become a second P2PDMA part" \
	sh -c "echo p2pdma >/sys/class/iopmem/$dax/mode"
check "... the kernel log says why" \
	dmesg_has "$dax: $pci already has P2PDMA memory \(its p2pmem/\), and a PCI device has one P2PDMA part"
check_eq "... it is fsdax again, the pool untouched" "fsdax online $((128 * M))" \
	"$(iopmem_attr "$dax" mode) $(iopmem_attr "$dax" state) $(cat $P2PMEM/available)"
check "unbind" pci_unbind $pci
check "rmmod" rmmod iopmem
