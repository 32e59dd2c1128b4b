#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The "# vm:" header does what tests/vm/vm.sh documents: q35, two ivshmem
# BARs, a raw -device, guest RAM and extra kernel arguments.
# vm: machine q35
# vm: mem 1G
# vm: ivshmem 512M addr=04.0
# vm: ivshmem 2M addr=05.0
# vm: device pci-testdev addr=06.0
# vm: cmdline iopmem_rig.header=1
# results: 12
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh

SYS=/sys/bus/pci/devices

# bar2_size DEV : size of BAR2 from the resource file.
bar2_size() {
	# shellcheck disable=SC2046 # split into start, end, flags
	set -- $(sed -n 3p "$SYS/$1/resource")
	echo $(($2 - $1 + 1))
}

check "q35 host bridge (8086:29c0)" grep -qx 0x29c0 "$SYS/0000:00:00.0/device"
check_eq "first ivshmem at 04.0" 0x1110 "$(cat "$SYS/0000:00:04.0/device")"
check_eq "second ivshmem at 05.0" 0x1110 "$(cat "$SYS/0000:00:05.0/device")"
check_eq "its BAR2 is 2 MiB" $((2 * 1024 * 1024)) "$(bar2_size 0000:00:05.0)"
check_eq "pci-testdev at 06.0" 0x1b36:0x0005 \
	"$(cat "$SYS/0000:00:06.0/vendor"):$(cat "$SYS/0000:00:06.0/device")"
check "extra kernel argument on the command line" grep -q 'iopmem_rig.header=1' /proc/cmdline
# The System RAM the firmware handed over: MemTotal leaves out what the
# kernel keeps (a KASAN kernel an eighth of it, for its shadow).
mem_kb=0
while read -r r; do
	[ -n "$r" ] && mem_kb=$((mem_kb + (0x${r#*-} - 0x${r%-*} + 1) / 1024))
done <<EOF
$(sed -n 's/^\([0-9a-f]*\)-\([0-9a-f]*\) : System RAM$/\1-\2/p' /proc/iomem)
EOF
check "guest RAM is 1 GiB (System RAM ${mem_kb} KiB)" test "$mem_kb" -gt 900000 -a "$mem_kb" -le 1048576

# The second BAR lands in the second backing file (checked by devices.host.sh).
echo 1 >"$SYS/0000:00:05.0/enable"
pattern devices >/tmp/pattern
check "write 4 KiB at 1 MiB into the second BAR" \
	sh -c "mmap-io write $SYS/0000:00:05.0/resource2 1M 4096 </tmp/pattern"
