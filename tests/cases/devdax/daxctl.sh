#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# daxctl on an iopmem device in devdax mode: the region's JSON, create-device
# with and without a size and with -a 2M, disable/enable/destroy (with a
# process holding a mapping: revoked, SIGBUS on its next access, and the
# memory's next device out of its reach), bad input refused with no change
# of state, and a region id that survives a rebind.
# vm: ivshmem 512M addr=04.0
# vm: timeout 480
# results: 45
. /tests/lib.sh
. /tests/iopmem.sh

M=1048576
check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
mode=/sys/class/iopmem/$dev/mode

dmesg_mark
check_fail "unknown mode string refused" sh -c "echo bogus >$mode"
check "... with a message naming the modes" dmesg_has "mode: 'bogus' is not a mode; write fsdax .*, devdax .*, p2pdma .* or iopfs"
check_eq "... and the mode is unchanged" fsdax "$(cat $mode)"

check "switch to devdax while idle" sh -c "echo devdax >$mode"
check_eq "mode reads devdax" devdax "$(cat $mode)"
check "no block device in devdax mode" test ! -e "/dev/$dev"
check_eq "region id is the iopmem device number" 0 "$(daxctl list -R | jq -r '.[0].id')"
check_eq "region size" $((512 * M)) "$(region_field 0 size)"
check_eq "region available_size" $((512 * M)) "$(region_field 0 available_size)"
check_eq "region align" 2097152 "$(region_field 0 align)"
check_eq "no sized device yet" "" "$(region_devices 0)"

a=$(daxctl create-device -r 0 -s 64M | jq -r '.[0].chardev')
check "create-device -s 64M gives a device" test -c "/dev/$a"
check_eq "its size" $((64 * M)) "$(daxctl list -d "$a" | jq -r '.[0].size')"
check_eq "its mode" devdax "$(daxctl list -d "$a" | jq -r '.[0].mode')"
check_eq "available_size shrank" $((448 * M)) "$(region_field 0 available_size)"

devs=$(region_devices 0)
check_fail "create-device larger than available is refused" daxctl create-device -r 0 -s 1G
check_fail "create-device with a size not a multiple of 2 MiB is refused" daxctl create-device -r 0 -s 3M
check_eq "... and the devices are unchanged" "$devs" "$(region_devices 0)"
check_eq "... and so is available_size" $((448 * M)) "$(region_field 0 available_size)"

b=$(daxctl create-device -r 0 -a 2M | jq -r '.[0].chardev')
check "create-device -a 2M without a size takes the rest" test -c "/dev/$b"
check_eq "its size" $((448 * M)) "$(daxctl list -d "$b" | jq -r '.[0].size')"
check_eq "its align" 2097152 "$(daxctl list -d "$b" | jq -r '.[0].align')"
check_eq "region full" 0 "$(region_field 0 available_size)"

check "disable-device $a" daxctl disable-device "$a"
check_eq "$a disabled" disabled "$(daxctl list -d "$a" -i | jq -r '.[0].state')"
check "enable-device $a" daxctl enable-device "$a"
check_eq "$a enabled" null "$(daxctl list -d "$a" | jq -r '.[0].state')"
check_fail "destroy-device of an enabled device is refused" daxctl destroy-device "$a"
check_eq "... and it keeps its size" $((64 * M)) "$(daxctl list -d "$a" | jq -r '.[0].size')"

# Destroying a device that a process maps: disabling cannot be refused
# (it is a driver unbind); it revokes the mapping, the device is destroyed
# under it, and its memory goes to a new device that the old mapping must
# not reach: the holder's next access gets SIGBUS.
start=$(dax_start "$a")
map_hold "/dev/$a" 0 $((2 * M)) || die "cannot map /dev/$a"
check "disable-device $a while a process maps it" daxctl disable-device "$a"
check "destroy-device $a with the mapping still held" daxctl destroy-device "$a"
check "... the mapping's process is still there" kill -0 "$MAP_PID"
check_eq "only $b is left" "$b" "$(region_devices 0)"
check_eq "its 64 MiB are available again" $((64 * M)) "$(region_field 0 available_size)"
c=$(daxctl create-device -r 0 -s 64M | jq -r '.[0].chardev')
check_eq "a new device $c takes the same memory" "$start" "$(dax_start "$c")"
{ pattern new; head -c $((2 * M - 4096)) /dev/zero; } >/tmp/block
check "write a pattern to $c" mmap-io write "/dev/$c" 0 $((2 * M)) </tmp/block
echo touch >&9
map_release
check_eq "the old mapping gets SIGBUS on its next access" 135 $?
check_eq "$c's data is intact" "$(sha256sum </tmp/block)" \
	"$(mmap-io read "/dev/$c" 0 $((2 * M)) | sha256sum)"
map_hold "/dev/$c" 0 $((2 * M)) || die "cannot map /dev/$c"
echo touch >&9
map_release
check_eq "control: the same access through a live mapping succeeds" 0 $?
check "disable then destroy-device $c" sh -c "daxctl disable-device $c && daxctl destroy-device $c"

check "unbind" pci_unbind $IOPMEM_PCI
check_eq "region gone with the device" "" "$(daxctl list -R)"
echo devdax >/sys/module/iopmem/parameters/mode
dev=$(iopmem_bind $IOPMEM_PCI) || die "rebind"
check_eq "module parameter mode=devdax applies to the rebind" devdax "$(iopmem_attr "$dev" mode)"
check_eq "region id is the same after the rebind" 0 "$(daxctl list -R | jq -r '.[0].id')"
echo fsdax >/sys/module/iopmem/parameters/mode
