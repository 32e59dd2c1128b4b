#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# An unprivileged user cannot open /dev/iopmemN or /dev/daxN.M, cannot
# write any iopmem sysfs attribute or module parameter, and nothing iopmem
# shows them holds a kernel virtual address.
# vm: ivshmem 512M addr=04.0
# results: 16
. /tests/lib.sh
. /tests/iopmem.sh

grep -q '^tester:' /etc/passwd || echo 'tester:x:1000:1000:tester:/tmp:/bin/sh' >>/etc/passwd
grep -q '^tester:' /etc/group || echo 'tester:x:1000:' >>/etc/group
as_user() {
	su -s /bin/sh tester -c "$*"
}
check "the test user exists and is not root" sh -c "[ \"\$(su -s /bin/sh tester -c 'id -u')\" = 1000 ]"

check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
a=/sys/class/iopmem/$dev

check_fail "user cannot open /dev/$dev for reading" as_user "head -c 1 /dev/$dev"
check_fail "user cannot open /dev/$dev for writing" as_user "echo x >/dev/$dev"
for f in cache mode stats/bio_reads stats/errors; do
	check_fail "user cannot write $f" as_user "echo 0 >$a/$f"
done
for f in bar cache mode; do
	check_fail "user cannot write module parameter $f" as_user "echo 0 >/sys/module/iopmem/parameters/$f"
done
check "user can read the attributes" as_user "cat $a/range $a/size $a/cache $a/mode $a/stats/bio_reads"
# Kernel virtual addresses on x86-64 start with 0xffff.
check_fail "no kernel virtual address in anything the user can read" \
	as_user "cat $a/* $a/stats/* /sys/module/iopmem/parameters/* 2>/dev/null | grep -qi 'ffff[0-9a-f]\{12\}'"

check "switch to devdax" sh -c "echo devdax >$a/mode"
d=$(daxctl create-device -r 0 -s 64M | jq -r '.[0].chardev')
check "root made /dev/$d" test -c "/dev/$d"
check_fail "user cannot open /dev/$d" as_user "mmap-io read /dev/$d 0 2M"
