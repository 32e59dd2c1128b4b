#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iopmemctl list on the real driver: nothing before a bind, then a device
# whose JSON fields match sysfs, the table, -v with the counters, a named
# device, a missing one; an unprivileged user can list but not change;
# libkmod logs nothing of its own once iopmemctl has its context.
# vm: ivshmem 512M addr=04.0
# results: 49
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/tools/schema.inc

check "modprobe iopmem" iopmem_load
check_eq "list --json before a bind: empty array" 0 "$(iopmemctl list --json | jq length)"
check_eq "list before a bind: no output" "" "$(iopmemctl list)"

dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
j=$(iopmemctl list --json) || die "list --json"
info "$j"
check_eq "one device" 1 "$(echo "$j" | jq length)"
check_eq "dev" "$dev" "$(echo "$j" | jq -r '.[0].dev')"
check_eq "pci" $IOPMEM_PCI "$(echo "$j" | jq -r '.[0].pci')"
check_eq "bar (a number)" "$(iopmem_attr "$dev" bar)" "$(echo "$j" | jq '.[0].bar')"
check_eq "start (a number): range's first address" "$(printf %d "$(iopmem_attr "$dev" range | cut -d- -f1)")" "$(echo "$j" | jq '.[0].start')"
check_eq "size (a number)" 536870912 "$(echo "$j" | jq '.[0].size')"
check_eq "cache" wc "$(echo "$j" | jq -r '.[0].cache')"
check_eq "mode" fsdax "$(echo "$j" | jq -r '.[0].mode')"
check_eq "map: mem for memmap ram, as ndctl names it" "$(iopmem_attr "$dev" memmap | sed s/ram/mem/)" "$(echo "$j" | jq -r '.[0].map')"
check_eq "memmap_reserved (a number)" 0 "$(echo "$j" | jq '.[0].memmap_reserved')"
check_eq "numa_node" "$(iopmem_attr "$dev" numa_node)" "$(echo "$j" | jq '.[0].numa_node')"
check_eq "blockdev: the name, as ndctl has it" "$dev" "$(echo "$j" | jq -r '.[0].blockdev')"
check "/dev/<blockdev> is a block device" test -b "/dev/$(echo "$j" | jq -r '.[0].blockdev')"
check_eq "no daxregion in fsdax mode" null "$(echo "$j" | jq -r '.[0].daxregion')"
check_eq "the JSON matches /tests/tools/list.schema.json" "" "$(schema_violations "$j")"
check_eq "control: the checker finds a string size and a /dev blockdev" \
	'[0].size: string "1", wanted integer [0].blockdev: "/dev/x" does not match ^iopmem[0-9]+$' \
	"$(schema_violations "$(echo "$j" | jq -c '.[0].size = "1" | .[0].blockdev = "/dev/x"')" | tr '\n' ' ' | sed 's/ $//')"
check_eq "no stats without -v" null "$(echo "$j" | jq -r '.[0].stats')"

jv=$(iopmemctl list -v --json)
check_eq "-v: every counter of stats/" "$(ls /sys/class/iopmem/"$dev"/stats | sort | tr '\n' ' ')" \
	"$(echo "$jv" | jq -r '.[0].stats | keys | join(" ")') "
check_eq "-v: flushes matches sysfs" "$(iopmem_stat "$dev" flushes)" "$(echo "$jv" | jq '.[0].stats.flushes')"

iopmemctl list >/tmp/table
info "$(cat /tmp/table)"
check "table header" grep -Eq '^DEV +PCI +BAR +RANGE +SIZE +CACHE +MODE +MAP +NODE +DEVICE' /tmp/table
check "table row, the size in bytes" grep -Eq "^$dev +$IOPMEM_PCI +2 +0x[0-9a-f]+-0x[0-9a-f]+ +536870912 +wc +fsdax +mem +-?[0-9]+ +/dev/$dev\$" /tmp/table
check "list -u: the size human-readable" sh -c "iopmemctl list -u | grep -Eq '^$dev .* 512\.00 MiB \(536\.87 MB\) +wc '"
check_eq "list -u --json: size and start as strings" '"512.00 MiB (536.87 MB)" "0x' \
	"$(iopmemctl list -u --json | jq -r '"\(.[0].size | tojson) \(.[0].start | tojson)"' | cut -c1-28)"
check_eq "list -o DEV,MODE,DEVICE: those columns" "DEV MODE DEVICE|$dev fsdax /dev/$dev|" \
	"$(iopmemctl list -o DEV,MODE,DEVICE | tr -s ' ' | tr '\n' '|')"
out=$(iopmemctl list -o DEV,NOPE 2>&1)
check_eq "list -o with an unknown column: exit 2, naming the columns" \
	"2 iopmemctl: list: -o: unknown column 'NOPE'; the columns are: DEV, PCI," "$? $(echo "$out" | cut -c1-70)"
check "list -v: a STATS column with the counters" sh -c "iopmemctl list -v | grep -Eq '^$dev .* flushes=[0-9]+'"
echo dev >"/sys/class/iopmem/$dev/memmap"
check_eq "memmap dev: map, memmap_reserved" "dev 10485760" \
	"$(iopmemctl list --json | jq -r '.[0] | "\(.map) \(.memmap_reserved)"')"
echo ram >"/sys/class/iopmem/$dev/memmap"
check_eq "list $dev --json names it" "$dev" "$(iopmemctl list --json "$dev" | jq -r '.[0].dev')"

out=$(iopmemctl list iopmem7 2>&1)
check_eq "list of a missing device: exit 1" 1 "$?"
check_eq "... one line naming it and the fix" "iopmemctl: list iopmem7: no such iopmem device; 'iopmemctl list' shows them" "$out"
out=$(iopmemctl list 2>&1 >/dev/full)
check_eq "list > /dev/full: exit 1, saying the output was lost" "1 iopmemctl: cannot write the output: No space left on device" "$? $out"

# An unprivileged user (busybox has no adduser here: write the files).
grep -q '^tester:' /etc/passwd || {
	echo 'tester:x:1000:1000:tester:/tmp:/bin/sh' >>/etc/passwd
	echo 'tester:x:1000:' >>/etc/group
}
check_eq "su runs as the unprivileged user" 1000 "$(su tester -c 'id -u')"
uj=$(su tester -c 'iopmemctl list -v --json')
check_eq "unprivileged list --json works" "$dev fsdax" "$(echo "$uj" | jq -r '.[0] | "\(.dev) \(.mode)"')"
check_eq "... with the counters" "$(echo "$jv" | jq '.[0].stats | length')" "$(echo "$uj" | jq '.[0].stats | length')"
check "unprivileged stats works" su tester -c "iopmemctl stats $dev"
out=$(su tester -c "iopmemctl set $dev --cache uc" 2>&1)
check_eq "unprivileged set: exit 1" 1 "$?"
check_eq "... one line: the file the kernel refused, and the fix" "iopmemctl: set $dev: cannot write /sys/class/iopmem/$dev/cache: Permission denied; run it as root (sudo)" "$out"
check_eq "... and the cache is unchanged" wc "$(iopmem_attr "$dev" cache)"
out=$(su tester -c "iopmemctl unbind $dev" 2>&1)
check_eq "unprivileged unbind: the kernel's refusal and the fix" "1 iopmemctl: unbind $dev: cannot write /sys/bus/pci/drivers/iopmem/unbind: Permission denied; run it as root (sudo)" "$? $out"
check_eq "... and it is still bound" iopmem "$(pci_driver $IOPMEM_PCI)"
# A device no driver has (the host bridge, on QEMU's pc machine).
free=$(for d in /sys/bus/pci/devices/*; do [ -e "$d/driver" ] || { echo "${d##*/}"; break; }; done)
out=$(su tester -c "iopmemctl bind $free" 2>&1)
check_eq "unprivileged bind: the kernel's refusal and the fix" "1 iopmemctl: bind $free: cannot write /sys/bus/pci/drivers/iopmem/bind_settings: Permission denied; run it as root (sudo)" "$? $out"
# reset writes the counters in name order; the first one refuses.
set -- /sys/class/iopmem/"$dev"/stats/*
first=${1##*/}
out=$(su tester -c "iopmemctl stats --reset $dev" 2>&1)
check_eq "unprivileged stats --reset: the kernel's refusal of the first counter file" "1 iopmemctl: stats --reset $dev: cannot write /sys/class/iopmem/$dev/stats/$first: Permission denied; run it as root (sudo)" "$? $out"
check_eq "the device is still bound" iopmem "$(pci_driver $IOPMEM_PCI)"

# libkmod's own log: KMOD_LOG=info makes it talk on stderr. kmod_new()
# logs before iopmemctl can set its log function (the control that the
# variable reaches libkmod); nothing after that may appear (kmod_unref's
# "context released" would).
iopmem_unload
out=$(KMOD_LOG=info iopmemctl bind "$IOPMEM_PCI" 2>&1 >/dev/null)
check_eq "bind loading the module under KMOD_LOG=info: exit 0" 0 "$?"
info "$out"
check_eq "control: libkmod logged kmod_new() before iopmemctl could stop it" yes \
	"$(echo "$out" | grep -q kmod_new && echo yes)"
check_eq "... and nothing after: libkmod's log is iopmemctl's to silence" "" "$(echo "$out" | grep -v kmod_new)"
