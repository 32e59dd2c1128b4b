#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iopmemctl bind and unbind on the real driver: bind loads the module
# (libkmod), applies --cache/--mode/--bar to that device only (through
# bind_settings: the module parameters stay as they are), refuses a second bind, a bad BAR (with the kernel's
# reason) and a missing device; unbind by name or PCI address, refused while
# mounted; every error is one line naming device, cause and fix. --mode
# p2pdma on a kernel without CONFIG_PCI_P2PDMA: the error carries the
# kernel's reason, logged by the iopmemN the probe was creating (on a kernel
# with it the bind works).
# vm: ivshmem 512M addr=04.0
# results: 34
. /tests/lib.sh
. /tests/iopmem.sh

P=/sys/module/iopmem/parameters
check "iopmem is not loaded at the start" test ! -e /sys/module/iopmem
on_exit "iopmem_unload"

j=$(iopmemctl bind --cache uc --mode devdax 00:04.0 --json)
check_eq "bind --cache uc --mode devdax: exit 0" 0 "$?"
info "$j"
check "bind loaded the module" test -e /sys/module/iopmem
check_eq "bound to iopmem" iopmem "$(pci_driver $IOPMEM_PCI)"
check_eq "bind prints the device" "iopmem0 $IOPMEM_PCI uc devdax 0" \
	"$(echo "$j" | jq -r '.[0] | "\(.dev) \(.pci) \(.cache) \(.mode) \(.daxregion.id)"')"
check_eq "the device has them" "uc devdax" "$(iopmem_attr iopmem0 cache) $(iopmem_attr iopmem0 mode)"
check_eq "module parameters unchanged" "wc fsdax" "$(cat $P/cache) $(cat $P/mode)"

out=$(iopmemctl bind 0000:00:04.0 2>&1)
check_eq "second bind: exit 1" 1 "$?"
check_eq "... naming the device and the fix" \
	"iopmemctl: bind 0000:00:04.0: already bound to iopmem as iopmem0; change it with 'iopmemctl set iopmem0' or run 'iopmemctl unbind 0000:00:04.0' first" "$out"

check "unbind iopmem0" iopmemctl unbind iopmem0
check_eq "no driver after unbind" "" "$(pci_driver $IOPMEM_PCI)"
check_eq "driver_override cleared" "(null)" "$(cat /sys/bus/pci/devices/$IOPMEM_PCI/driver_override)"
check_eq "list is empty" 0 "$(iopmemctl list --json | jq length)"
out=$(iopmemctl unbind $IOPMEM_PCI 2>&1)
check_eq "unbind of an unbound device fails" \
	"1 iopmemctl: unbind $IOPMEM_PCI: not bound to iopmem (driver: none); 'iopmemctl list' shows iopmem's devices" "$? $out"
out=$(iopmemctl unbind iopmem0 2>&1)
check_eq "unbind of a missing iopmemN fails" \
	"1 iopmemctl: unbind iopmem0: no such iopmem device; 'iopmemctl list' shows them" "$? $out"

bar_before=$(cat $P/bar)
dmesg_mark
out=$(iopmemctl bind --bar 0 $IOPMEM_PCI 2>&1)
check_eq "bind --bar 0 (256-byte register BAR): exit 1" 1 "$?"
info "$out"
check "... one line with iopmem's reason from the kernel log" \
	sh -c "echo '$out' | grep -Eq '^iopmemctl: bind $IOPMEM_PCI: iopmem refused the device: .*BAR ?0.*' && test \$(echo '$out' | wc -l) = 1"
check_eq "... the bar parameter unchanged" "$bar_before" "$(cat $P/bar)"
check_eq "... driver_override restored" "(null)" "$(cat /sys/bus/pci/devices/$IOPMEM_PCI/driver_override)"
check_eq "... no device left" "" "$(pci_driver $IOPMEM_PCI)"

j=$(iopmemctl bind --bar 2 $IOPMEM_PCI --json)
check_eq "bind --bar 2: fsdax with a block device" "2 fsdax iopmem0" \
	"$(echo "$j" | jq -r '.[0] | "\(.bar) \(.mode) \(.blockdev)"')"
check "bind without --json prints the table" sh -c "iopmemctl unbind $IOPMEM_PCI && iopmemctl bind $IOPMEM_PCI | grep -Eq '^iopmem0 +$IOPMEM_PCI '"

iopmem_mount_xfs iopmem0 /mnt || die "mkfs.xfs and mount -o dax"
out=$(iopmemctl unbind iopmem0 2>&1)
check_eq "unbind while mounted is refused" \
	"1 iopmemctl: unbind iopmem0: /dev/iopmem0 is mounted on /mnt; unmount it first (or --force: it then gets I/O errors)" "$? $out"
check_eq "... and it stays bound" iopmem "$(pci_driver $IOPMEM_PCI)"
check "umount" umount /mnt
check "unbind by PCI address" iopmemctl unbind $IOPMEM_PCI
check_eq "... unbound" "" "$(pci_driver $IOPMEM_PCI)"

out=$(iopmemctl bind 0000:00:1f.7 2>&1)
check_eq "bind of a missing PCI device" \
	"1 iopmemctl: bind 0000:00:1f.7: no such PCI device; 'lspci -D' lists them" "$? $out"
out=$(iopmemctl bind $IOPMEM_PCI --mode pmem 2>&1)
check_eq "bind with a bad mode" \
	"1 iopmemctl: bind $IOPMEM_PCI: 'pmem' is not a mode; use --mode fsdax, --mode devdax, --mode p2pdma or --mode iopfs" "$? $out"
check_eq "... binds nothing" "" "$(pci_driver $IOPMEM_PCI)"

out=$(iopmemctl bind "$IOPMEM_PCI" --mode p2pdma --json 2>&1)
rc=$?
if grep -qw pci_p2pdma_add_resource /proc/kallsyms; then
	check_eq "bind --mode p2pdma on a kernel with P2PDMA" "0 p2pdma" \
		"$rc $(echo "$out" | jq -r '.[0].mode')"
	iopmemctl unbind "$IOPMEM_PCI"
else
	check_eq "bind --mode p2pdma without CONFIG_PCI_P2PDMA: one line with the kernel's reason" \
		"1 iopmemctl: bind $IOPMEM_PCI: iopmem refused the device: mode p2pdma needs a kernel built with CONFIG_PCI_P2PDMA; use fsdax or devdax" \
		"$rc $out"
fi
check_eq "... the mode parameter unchanged" fsdax "$(cat "$P/mode")"
check_eq "... driver_override restored" "(null)" "$(cat "/sys/bus/pci/devices/$IOPMEM_PCI/driver_override")"
check_eq "... no driver left" "" "$(pci_driver "$IOPMEM_PCI")"
