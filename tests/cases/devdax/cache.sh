#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The cache mode applies to devdax: a user mapping of /dev/daxN.M is
# write-combining or uncached as the device is set, and so is the
# instance's own entry in pat_memtype_list.
# vm: ivshmem 512M addr=04.0
# results: 7
. /tests/lib.sh
. /tests/iopmem.sh

M=1048576
check "modprobe iopmem mode=devdax" iopmem_load mode=devdax
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"

# prove CACHE TYPE : a new instance maps with TYPE.
prove() {
	_d=$(daxctl create-device -r 0 -s 64M | jq -r '.[0].chardev')
	_s=$(dax_start "$_d")
	check_eq "$1: instance range is $2 in pat_memtype_list" "$2" \
		"$(pat_types "$_s" $((_s + 64 * M)) | sort -u)"
	_e=$(user_memtype "/dev/$_d" 0 $((4 * M)))
	info "$1: user page table entry: $_e"
	check_eq "$1: user mapping of /dev/$_d is $2" "$2" "${_e#* }"
	daxctl disable-device "$_d" >/dev/null && daxctl destroy-device "$_d" >/dev/null
}

prove wc write-combining
check "cache change to uc in devdax mode" sh -c "echo uc >/sys/class/iopmem/$dev/cache"
check_eq "still devdax" devdax "$(iopmem_attr "$dev" mode)"
prove uc uncached
