#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Two iopmem devices at once, both BARs above 4 GiB: SeaBIOS moves every
# 64-bit BAR into the window above 4 GiB when they do not all fit below it,
# and an 8 GiB BAR cannot.  Distinct device numbers, each on its own BAR;
# data written to one block device (also above 4 GiB into the 8 GiB one)
# is not seen by the other; in devdax mode, distinct region ids, and data
# through each instance lands in its own BAR file (two.host.sh).
# vm: ivshmem 512M addr=04.0
# vm: ivshmem 8G addr=05.0
# vm: timeout 300
# results: 32
. /tests/lib.sh
. /tests/iopmem.sh

A=$IOPMEM_PCI
B=0000:00:05.0
G=1073741824
# Same offset in both devices, and one above 4 GiB in the second.
OFF=$((3 * 1048576 + 4096))
HIGH=$((6 * G + 8192))

# bar_end ADDR : last byte of BAR2, as 0x%x.
bar_end() {
	# shellcheck disable=SC2046 # start end flags
	set -- $(sed -n 3p "/sys/bus/pci/devices/$1/resource")
	printf '0x%x\n' $(($2))
}

a_start=$(bar_start "$A" 2) b_start=$(bar_start "$B" 2)
info "BAR2 of $A: $a_start-$(bar_end "$A"), of $B: $b_start-$(bar_end "$B")"
info "lspci: $(lspci -v -s "${A#0000:}" | grep -i 'memory at.*64-bit' | tr -s ' \t' ' ')"
check_eq "the 8 GiB BAR is 8 GiB" $((8 * G)) $(($(bar_end "$B") - b_start + 1))
check "the 512 MiB BAR starts above 4 GiB" test $((a_start)) -ge $((4 * G))
check "the 8 GiB BAR starts above 4 GiB" test $((b_start)) -ge $((4 * G))
check "/proc/iomem agrees" grep -q "^ *${a_start#0x}-.* : $A\$" /proc/iomem

check "modprobe iopmem" iopmem_load
da=$(iopmem_bind "$A") || die "cannot bind $A"
db=$(iopmem_bind "$B") || die "cannot bind $B"
check "two device numbers" test "$da" != "$db"
check_eq "iopmem0, iopmem1" "iopmem0 iopmem1" "$(echo "$da $db" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "$da's range is $A's BAR" "$a_start-$(bar_end "$A")" "$(iopmem_attr "$da" range)"
check_eq "$db's range is $B's BAR" "$b_start-$(bar_end "$B")" "$(iopmem_attr "$db" range)"
check_eq "/dev/$db is 8 GiB" $((8 * G)) "$(blockdev --getsize64 "/dev/$db")"

# putblock DEV OFFSET TAG : `pattern TAG` at OFFSET of /dev/DEV, O_DIRECT.
putblock() {
	pattern "$3" | dd of="/dev/$1" bs=4096 seek=$(($2 / 4096)) oflag=direct \
		conv=notrunc status=none
}

# getblock DEV OFFSET : 4 KiB at OFFSET of /dev/DEV, O_DIRECT, hashed.
getblock() {
	dd if="/dev/$1" bs=4096 skip=$(($2 / 4096)) count=1 iflag=direct \
		status=none | sha256sum
}

check "write pattern two-a at $OFF of /dev/$da" putblock "$da" $OFF two-a
check "write pattern two-b at $OFF of /dev/$db" putblock "$db" $OFF two-b
check "write pattern two-high at 6 GiB + 8 KiB of /dev/$db" putblock "$db" $HIGH two-high
check_eq "/dev/$da reads two-a back" "$(pattern two-a | sha256sum)" "$(getblock "$da" $OFF)"
check_eq "/dev/$db reads two-b back" "$(pattern two-b | sha256sum)" "$(getblock "$db" $OFF)"
check_eq "/dev/$db reads two-high back" "$(pattern two-high | sha256sum)" "$(getblock "$db" $HIGH)"
info "hostcheck two-a $OFF"
info "hostcheck two-b $OFF"
info "hostcheck two-high $HIGH"

check "$da to devdax" sh -c "echo devdax >/sys/class/iopmem/$da/mode"
check "$db to devdax" sh -c "echo devdax >/sys/class/iopmem/$db/mode"
ra=$(iopmem_region "$da") rb=$(iopmem_region "$db")
check_eq "two device-dax regions, ids 0 and 1" "0 1" \
	"$(daxctl list -R | jq -r '[.[].id] | sort | map(tostring) | join(" ")')"
check_eq "the regions are $da's and $db's" "0 1" \
	"$(printf '%s\n' "$ra" "$rb" | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "region $ra is 512 MiB" $((512 * 1048576)) "$(region_field "$ra" size)"
check_eq "region $rb is 8 GiB" $((8 * G)) "$(region_field "$rb" size)"
xa=$(daxctl create-device -r "$ra" -s 64M 2>/dev/null | jq -r '.[0].chardev')
xb=$(daxctl create-device -r "$rb" -s 64M 2>/dev/null | jq -r '.[0].chardev')
check "an instance in each region" test -c "/dev/$xa" -a -c "/dev/$xb" -a "$xa" != "$xb"

# Instances map 2 MiB pages: write a whole one.
M2=2097152
{ pattern two-c; head -c $((M2 - 4096)) /dev/zero; } >/tmp/c
{ pattern two-d; head -c $((M2 - 4096)) /dev/zero; } >/tmp/d
check "write two-c through a mapping of /dev/$xa" sh -c "mmap-io write /dev/$xa 0 $M2 </tmp/c"
check "write two-d through a mapping of /dev/$xb" sh -c "mmap-io write /dev/$xb 0 $M2 </tmp/d"
check_eq "/dev/$xa reads two-c" "$(sha256sum </tmp/c)" "$(mmap-io read "/dev/$xa" 0 $M2 | sha256sum)"
check_eq "/dev/$xb reads two-d" "$(sha256sum </tmp/d)" "$(mmap-io read "/dev/$xb" 0 $M2 | sha256sum)"
info "hostcheck two-c $(($(dax_start "$xa") - a_start))"
info "hostcheck two-d $(($(dax_start "$xb") - b_start))"
