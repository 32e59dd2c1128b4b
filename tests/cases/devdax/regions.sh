#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A pmem device-dax region (memmap= + ndctl create-namespace -m devdax) next
# to an iopmem one. Region ids name the instances (daxN.M) of every region
# on the dax bus, and pmem takes its id from the kernel's memory-region
# allocator: iopmem must take its own from there too, or both regions are
# region 0 and the second dax0.0 fails to register.
# vm: ivshmem 512M addr=04.0
# vm: mem 2G
# vm: cmdline memmap=256M!1G
# results: 12
. /tests/lib.sh
. /tests/iopmem.sh

M=1048576

modprobe nd_e820
modprobe nd_pmem
modprobe dax_pmem
for _i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	[ -b /dev/pmem0 ] && break
	sleep 0.25
done
check "/dev/pmem0 from memmap=" test -b /dev/pmem0
ns=$(ndctl create-namespace -f -e namespace0.0 -m devdax -a 2M) ||
	die "ndctl create-namespace -m devdax on the memmap= pmem"
on_exit "ndctl destroy-namespace -f namespace0.0"
pr=$(echo "$ns" | jq -r '.daxregion.id')
pdax=$(echo "$ns" | jq -r '.daxregion.devices[0].chardev')
check "a pmem device-dax instance, /dev/$pdax in region $pr" test -c "/dev/$pdax"

check "modprobe iopmem mode=devdax" iopmem_load mode=devdax
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
ir=$(iopmem_region "$dev")
check "iopmem's region ($ir) is not pmem's ($pr)" test -n "$ir" -a "$ir" != "$pr"
check_eq "daxctl lists both regions" "$(printf '%s\n' "$pr" "$ir" | sort -n | tr '\n' ' ')" \
	"$(daxctl list -R | jq -r '.[].id' | sort -n | tr '\n' ' ')"
a=$(daxctl create-device -r "$ir" -s 64M | jq -r '.[0].chardev')
on_exit "daxctl destroy-device -f $a >/dev/null 2>&1 || true"
check "an instance in iopmem's region: /dev/$a" test -c "/dev/$a" -a "${a%.*}" = "dax$ir"

# Each instance maps its own memory: different data in each.
{ pattern regions-pmem; head -c $((2 * M - 4096)) /dev/zero; } >/tmp/p
{ pattern regions-iopmem; head -c $((2 * M - 4096)) /dev/zero; } >/tmp/i
check "write through /dev/$pdax" sh -c "mmap-io write /dev/$pdax 0 $((2 * M)) </tmp/p"
check "write through /dev/$a" sh -c "mmap-io write /dev/$a 0 $((2 * M)) </tmp/i"
check_eq "/dev/$pdax reads its own data" "$(sha256sum </tmp/p)" \
	"$(mmap-io read "/dev/$pdax" 0 $((2 * M)) | sha256sum)"
check_eq "/dev/$a reads its own data" "$(sha256sum </tmp/i)" \
	"$(mmap-io read "/dev/$a" 0 $((2 * M)) | sha256sum)"

# The id goes back to the allocator with the region: the next one reuses it.
daxctl destroy-device -f "$a" >/dev/null 2>&1
check "back to fsdax" sh -c "echo fsdax >/sys/class/iopmem/$dev/mode"
check "to devdax again: the same region id" sh -c \
	"echo devdax >/sys/class/iopmem/$dev/mode && test \"\$(cat /sys/class/iopmem/$dev/iopmem_dax.*/dax_region/id)\" = $ir"
