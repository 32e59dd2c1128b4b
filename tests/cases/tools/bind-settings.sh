#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Per-device settings at bind: two `iopmemctl bind` at once give two
# devices different bar/cache/mode/memmap through the driver's
# bind_settings, without touching the module parameters. The binds run with
# /sys/module/iopmem/parameters hidden under an empty read-only tmpfs: a
# bind that still wrote (or read) the module parameters fails there (the
# control shows the mask refuses a write). bind_settings itself: each entry
# is taken by its device's probe, an address alone forgets it, bad input is
# refused with EINVAL and one kernel line naming cause and fix, an entry of
# a device that never probes is freed at rmmod (kmemleak on 7.2).
# vm: ivshmem 512M addr=04.0
# vm: ivshmem 512M addr=05.0
# results: 27
. /tests/lib.sh
. /tests/iopmem.sh

A=$IOPMEM_PCI
B=0000:00:05.0
P=/sys/module/iopmem/parameters
S=/sys/bus/pci/drivers/iopmem/bind_settings

params() {
	echo "bar=$(cat $P/bar) cache=$(cat $P/cache) mode=$(cat $P/mode) memmap=$(cat $P/memmap)"
}

# settings LINE : write LINE to bind_settings; prints the shell's error.
settings() {
	sh -c "echo '$1' >$S" 2>&1
}

check "modprobe iopmem" iopmem_load
before=$(params)
info "module parameters: $before"

mount -t tmpfs -o ro,mode=0555 none $P || die "cannot hide $P"
check_fail "control: under the mask a module parameter cannot be written" \
	sh -c "echo uc >$P/cache"
iopmemctl bind --cache uc --mode devdax $A --json >/tmp/a 2>&1 &
pa=$!
iopmemctl bind --bar 2 --memmap dev $B --json >/tmp/b 2>&1 &
pb=$!
wait $pa
ra=$?
wait $pb
rb=$?
umount $P
info "$(cat /tmp/a /tmp/b)"
check_eq "two binds at once, parameters hidden: both exit 0" "0 0" "$ra $rb"
da=$(iopmem_of $A) db=$(iopmem_of $B)
check_eq "$A: cache uc, mode devdax (its settings)" "uc devdax" \
	"$(iopmem_attr "$da" cache) $(iopmem_attr "$da" mode)"
check_eq "$B: bar 2, memmap dev, cache wc and mode fsdax (the defaults)" \
	"2 dev wc fsdax" \
	"$(iopmem_attr "$db" bar) $(iopmem_attr "$db" memmap) $(iopmem_attr "$db" cache) $(iopmem_attr "$db" mode)"
check "$B keeps its struct pages on the device" test "$(iopmem_attr "$db" memmap_reserved)" -gt 0
check_eq "module parameters unchanged" "$before" "$(params)"
check_eq "the probes took their settings: none left" "" "$(cat $S)"

# The attribute by hand.
check "an entry for $A" sh -c "echo '$A mode=devdax cache=uc' >$S"
check_eq "... reads back" "$A cache=uc mode=devdax" "$(cat $S)"
check "a second write replaces it" sh -c "echo '$A  bar=-1 memmap=dev' >$S"
check_eq "... reads back" "$A bar=-1 memmap=dev" "$(cat $S)"
check "mode=iopfs is a setting" sh -c "echo '$A mode=iopfs' >$S"
check_eq "... reads back" "$A mode=iopfs" "$(cat $S)"
check "the address alone forgets it" sh -c "echo $A >$S"
check_eq "... nothing left" "" "$(cat $S)"

dmesg_mark
out=$(settings "$A cache=wb")
check "cache=wb: EINVAL" sh -c "echo '$out' | grep -q 'Invalid argument'"
check_eq "... one kernel line with cause and fix" \
	"iopmem: bind_settings $A: cache=wb is not a memory type; use cache=wc (write-combining) or cache=uc (uncached)" \
	"$(dmesg_since_mark | sed 's/^\[[ 0-9.]*\] //')"
dmesg_mark
out=$(settings "$A bar=6")
check "bar=6: EINVAL" sh -c "echo '$out' | grep -q 'Invalid argument'"
check_eq "... one kernel line with cause and fix" \
	"iopmem: bind_settings $A: bar=6 is not a BAR number; use 0 to 5, or -1 for the largest 64-bit memory BAR" \
	"$(dmesg_since_mark | sed 's/^\[[ 0-9.]*\] //')"
dmesg_mark
out=$(settings "$A size=1G")
check "an unknown key: EINVAL" sh -c "echo '$out' | grep -q 'Invalid argument'"
check_eq "... one kernel line naming the keys" \
	"iopmem: bind_settings $A: 'size' is not a setting; use bar=N, cache=wc|uc, mode=fsdax|devdax|p2pdma|iopfs, memmap=ram|dev or p2pdma=SIZE" \
	"$(dmesg_since_mark | sed 's/^\[[ 0-9.]*\] //')"
dmesg_mark
out=$(settings "00:04.0 mode=fsdax")
check "an address without domain: EINVAL" sh -c "echo '$out' | grep -q 'Invalid argument'"
check_eq "... one kernel line with the form wanted" \
	"iopmem: bind_settings: '00:04.0' is not a PCI address; write DDDD:BB:SS.F as 'lspci -D' shows it, then the settings" \
	"$(dmesg_since_mark | sed 's/^\[[ 0-9.]*\] //')"
out=$(settings "0000:00:1f.7 mode=fsdax")
check "a missing device: ENODEV" sh -c "echo '$out' | grep -q 'No such device'"
check_eq "refused writes left nothing" "" "$(cat $S)"

# Freed by rmmod (the on_exit unload): kmemleak on 7.2 sees a leak.
check "an entry for a device that never probes again" sh -c "echo '$A cache=uc' >$S"
