#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iopmem's own sysfs files (the attributes of /sys/class/iopmem/iopmemN,
# its stats, the module parameters) are writable by root only: none has a
# group or other write bit, and an unprivileged user, even one in group
# root, gets "Permission denied" writing the current value back, with
# nothing changed, where root's same write succeeds (the control).  The
# user can read them, and nothing in them is a kernel virtual address.
# vm: ivshmem 512M addr=04.0
# results: 63
. /tests/lib.sh
. /tests/iopmem.sh

# tester: uid 1000, also in group root, so that a group-writable file
# would be writable to it.
grep -q '^tester:' /etc/passwd || echo 'tester:x:1000:1000:tester:/tmp:/bin/sh' >>/etc/passwd
grep -q '^tester:' /etc/group || echo 'tester:x:1000:' >>/etc/group
sed -i 's/^root:x:0:$/root:x:0:tester/' /etc/group
as_user() {
	su -s /bin/sh tester -c "$*"
}
# user_write_denied FILE VALUE : the user's write fails with EACCES.
user_write_denied() {
	_out=$(as_user "echo '$2' >$1" 2>&1) && return 1
	echo "$_out"
	echo "$_out" | grep -q "Permission denied"
}
check_eq "the test user is uid 1000 in groups 1000 and root" "1000 0 1000" \
	"$(as_user 'id -u; id -G | tr " " "\n" | sort -n' | tr '\n' ' ' | sed 's/ $//')"
: >/tmp/group-writable
chmod 664 /tmp/group-writable
check "control: the test user writes a root file with mode 664" \
	as_user "echo x >/tmp/group-writable"

check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
a=/sys/class/iopmem/$dev
# Counters that are not 0, so that a reset would show.
dd if=/dev/zero of=/dev/$dev bs=4096 count=4 oflag=direct conv=fsync status=none
dd if=/dev/$dev of=/dev/null bs=4096 count=4 iflag=direct status=none

# uevent is the driver core's.
files=$(find $a/ $a/stats/ /sys/module/iopmem/parameters/ -maxdepth 1 -type f ! -name uevent | sort)
# state : every value of every file, "file:value" lines. One grep, not a
# cat per file: on the debug kernel each process costs a fraction of a
# second, and this runs twice per writable file.
state() {
	# shellcheck disable=SC2086 # one word per file
	grep -H '' $files
}
check "iopmem has 18 attribute files or more ($(echo "$files" | wc -l))" \
	test "$(echo "$files" | wc -l)" -ge 18
for f in $files; do
	name=${f#/sys/}
	m=$(stat -c %a "$f")
	check "$name: mode $m has no group or other write bit" \
		test $((0$m & 022)) -eq 0
	case $m in
	[2367]??) ;;
	*) continue ;;
	esac
	# A value the file takes: its own, 0 for a counter.
	v=$(cat "$f")
	case $f in */stats/*) v=0 ;; esac
	before=$(state)
	check "$name: the user cannot write '$v': Permission denied" \
		user_write_denied "$f" "$v"
	check_eq "$name: ... changed nothing" "$before" "$(state)"
	check "$name: ... root can" sh -c "echo '$v' >$f"
done

check "the user can read the attributes" as_user "cat $a/range $a/size $a/cache $a/mode $a/stats/flushes"
# Kernel virtual addresses on x86-64 start with 0xffff.
check "control: the pattern finds a kernel address" \
	sh -c "echo 'at ffff888100000000' | grep -qi 'ffff[0-9a-f]\{12\}'"
check_fail "no kernel virtual address in anything the user can read" \
	as_user "cat $files 2>/dev/null | grep -qi 'ffff[0-9a-f]\{12\}'"
