#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iopmemctl list of a devdax device: the region (libdaxctl) and the devices
# daxctl created in it, in JSON and the table, disabled ones marked, for an
# unprivileged user too; back in fsdax the region is gone.
# vm: ivshmem 512M addr=04.0
# results: 14
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/tools/schema.inc

M=1048576
on_exit "iopmem_unload"
j=$(iopmemctl bind --mode devdax $IOPMEM_PCI --json) || die "iopmemctl bind --mode devdax"
check_eq "region 0, no devices yet, no blockdev" "0 0 null" \
	"$(echo "$j" | jq -r '.[0] | "\(.daxregion.id) \(.daxregion.devices | length) \(.blockdev)"')"
check "table: region 0 with no devices" sh -c "iopmemctl list | grep -Eq '^iopmem0 .* devdax .* region 0: no devices\$'"

a=$(daxctl create-device -r 0 -s 64M | jq -r '.[0].chardev')
b=$(daxctl create-device -r 0 | jq -r '.[0].chardev')
check "daxctl created two devices" test -c "/dev/$a" -a -c "/dev/$b"
j=$(iopmemctl list --json)
info "$(echo "$j" | jq -c .)"
check_eq "devices in JSON" "$a:$((64 * M)) $b:$((448 * M))" \
	"$(echo "$j" | jq -r '[.[0].daxregion.devices[] | "\(.chardev):\(.size)"] | sort | join(" ")')"
check_eq "daxregion id, size and align match daxctl's region" \
	"$(daxctl list -R | jq -c '.[0] | [.id, .size, .align]')" \
	"$(echo "$j" | jq -c '.[0].daxregion | [.id, .size, .align]')"
check_eq "the JSON matches /tests/tools/list.schema.json" "" "$(schema_violations "$j")"
check "table: region 0 and both devices" sh -c "iopmemctl list | grep -Eq '^iopmem0 .* devdax .* region 0: /dev/$a /dev/$b\$'"

check "daxctl disable-device $a" daxctl disable-device "$a"
check_eq "a disabled device is marked" "disabled" \
	"$(iopmemctl list --json | jq -r ".[0].daxregion.devices[] | select(.chardev == \"$a\") | .state")"
check_eq "... an enabled one is not" "null" \
	"$(iopmemctl list --json | jq -r ".[0].daxregion.devices[] | select(.chardev == \"$b\") | .state")"

grep -q '^tester:' /etc/passwd || {
	echo 'tester:x:1000:1000:tester:/tmp:/bin/sh' >>/etc/passwd
	echo 'tester:x:1000:' >>/etc/group
}
check_eq "an unprivileged user sees the region and devices" "0 2" \
	"$(su tester -c 'iopmemctl list --json' | jq -r '.[0].daxregion | "\(.id) \(.devices | length)"')"

check "set --mode fsdax removes the region" iopmemctl set iopmem0 --mode fsdax
check_eq "fsdax: blockdev, no region" "iopmem0 null" \
	"$(iopmemctl list --json | jq -r '.[0] | "\(.blockdev) \(.daxregion)"')"
check_eq "daxctl has no region left" "" "$(daxctl list -R)"
