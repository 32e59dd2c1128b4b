#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# daxctl reconfigure-device --mode=system-ram is refused on iopmem memory:
# device memory disappears with its device and is not write-back memory, so
# it must never be online as System RAM.  iopmem's memory notifier vetoes
# the onlining, nothing of it goes online, and the instance goes back to
# devdax.  Hot-added memory is not onlined by the kernel on its own here
# (6.12 would, and daxctl then refuses before iopmem is asked), so that
# daxctl onlines the blocks itself and meets the veto on every kernel.
# vm: ivshmem 512M addr=04.0
# vm: cmdline memhp_default_state=offline
# results: 10
. /tests/lib.sh
. /tests/iopmem.sh

check_eq "the kernel leaves hot-added memory offline" offline \
	"$(cat /sys/devices/system/memory/auto_online_blocks)"
check "modprobe iopmem mode=devdax" iopmem_load mode=devdax
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
modprobe kmem
a=$(daxctl create-device -r 0 -s 256M | jq -r '.[0].chardev')
check "create a 256 MiB device" test -c "/dev/$a"

# online_blocks : memory blocks that are online inside the BAR.
online_blocks() {
	_bs=$((0x$(cat /sys/devices/system/memory/block_size_bytes)))
	_lo=$(($(bar_start $IOPMEM_PCI 2) / _bs))
	_hi=$(((0x$(printf '%x' $(($(bar_start $IOPMEM_PCI 2)))) + 512 * 1048576) / _bs))
	_n=0
	for _b in /sys/devices/system/memory/memory*; do
		_i=${_b##*memory}
		[ "$_i" -ge "$_lo" ] && [ "$_i" -lt "$_hi" ] &&
			[ "$(cat "$_b/state")" = online ] && _n=$((_n + 1))
	done
	echo $_n
}

dmesg_mark
check_fail "reconfigure-device --mode=system-ram is refused" \
	daxctl reconfigure-device --mode=system-ram "$a"
check_eq "no memory block of the BAR is online" 0 "$(online_blocks)"
check "iopmem vetoed the onlining, naming the cause and the fix" \
	dmesg_has "refusing to online .* as System RAM \(device memory\); keep it devdax: daxctl reconfigure-device --mode=devdax"
check "reconfigure-device --mode=devdax restores the instance" \
	daxctl reconfigure-device --mode=devdax -f "$a"
check_eq "it is a devdax device again" devdax "$(daxctl list -d "$a" | jq -r '.[0].mode')"
check "and maps" sh -c "mmap-io read /dev/$a 0 2M >/dev/null"
check "the device can leave devdax mode afterwards" sh -c \
	"daxctl disable-device $a && echo fsdax >/sys/class/iopmem/$dev/mode"
