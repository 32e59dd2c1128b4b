#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Reconfiguration racing everything else.
# 1. Cache and mode changed from two processes at once: the writes
#    interleave (their completion order, logged, switches between the two
#    writers; the same writers one after the other, the control, do not),
#    every change is applied under the device lock, so neither undoes the
#    other, the final state is the last value each one wrote, and the
#    device works.
# 2. For 20 s, mode and cache writes race a mount/write/umount loop, an
#    open/read loop and unbind/bind: every kind of operation both succeeds
#    and is refused at some point (the race happened), nothing oopses or
#    hangs, and afterwards the device reconfigures, the file system is
#    clean and the file of the last completed mount round is intact.
# vm: ivshmem 512M addr=04.0
# vm: smp 2
# vm: timeout 300
# results: 24
. /tests/lib.sh
. /tests/iopmem.sh

check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"
a=/sys/class/iopmem/$dev

# cache_writer N LOG / mode_writer N LOG : N pairs of changes, a line in
# LOG (O_APPEND: in completion order) after each; status 1 on a failure.
cache_writer() {
	_i=0
	while [ $_i -lt "$1" ]; do
		echo uc >$a/cache || return 1
		echo c >>"$2"
		echo wc >$a/cache || return 1
		echo c >>"$2"
		_i=$((_i + 1))
	done
}
mode_writer() {
	_i=0
	while [ $_i -lt "$1" ]; do
		echo devdax >$a/mode || return 1
		echo m >>"$2"
		echo fsdax >$a/mode || return 1
		echo m >>"$2"
		_i=$((_i + 1))
	done
}
# switches LOG : how often the writer changes from one line to the next.
switches() {
	awk 'NR > 1 && $0 != prev { n++ } { prev = $0 } END { print n + 0 }' "$1"
}

: >/tmp/seq
(cache_writer 20 /tmp/seq && echo uc >$a/cache) &
cache_pid=$!
mode_writer 20 /tmp/seq
mode_rc=$?
wait $cache_pid
check_eq "cache changes all succeeded" 0 $?
check_eq "mode changes all succeeded" 0 "$mode_rc"
n=$(switches /tmp/seq)
check "the writers overlapped: $n switches between them in 80 writes" test "$n" -ge 4
check_eq "final cache is the last one written" uc "$(cat $a/cache)"
check_eq "final mode is the last one written" fsdax "$(cat $a/mode)"
start=$(bar_start $IOPMEM_PCI 2)
check_eq "and the BAR is uncached in pat_memtype_list" uncached \
	"$(pat_types "$start" $((start + 512 * 1048576)) | sort -u)"
check "the block device works" dd if=/dev/$dev of=/dev/null bs=4096 count=1 iflag=direct

: >/tmp/seq
cache_writer 3 /tmp/seq && mode_writer 3 /tmp/seq
check_eq "control: one writer after the other switches once" 1 "$(switches /tmp/seq)"

# Part 2.  Unbinding under the mount is part of the race: XFS's default
# error level would dump a stack for each I/O error that follows.
modprobe xfs
echo 0 >/proc/sys/fs/xfs/error_level
mkfs.xfs -q -f -m reflink=0 "/dev/$dev" || die "mkfs.xfs"
mkdir -p /mnt
on_exit "unmount_if_mounted /mnt"
end=$(($(cut -d. -f1 /proc/uptime) + 20))
running() { [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; }

# note LOG WHAT CMD... : run CMD, log "WHAT ok", "WHAT busy" (EBUSY) or
# "WHAT no ERROR".  One process per WHAT.
note() {
	_log=$1 _what=$2
	shift 2
	if "$@" 2>"$_log.$_what.err"; then
		echo "$_what ok" >>"$_log"
	elif grep -q busy "$_log.$_what.err"; then
		echo "$_what busy" >>"$_log"
	else
		echo "$_what no $(tr '\n' ' ' <"$_log.$_what.err")" >>"$_log"
	fi
}
set_attr() { echo "$2" >"/sys/class/iopmem/iopmem0/$1"; }

# Mostly in fsdax mode, so that mounts and opens get their chances.
reconfigurer() {
	while running; do
		sleep 0.3
		note /tmp/race cache set_attr cache uc
		sleep 0.3
		note /tmp/race cache set_attr cache wc
		sleep 0.3
		note /tmp/race mode set_attr mode devdax
		note /tmp/race mode set_attr mode fsdax
	done
}
# mount_round I : mount, write file I with its pattern, fsync, stay
# mounted for a second (longer than iopmem waits for an opener to go
# before it calls the device busy), umount.
mount_round() {
	mount -o dax /dev/iopmem0 /mnt || return 1
	if pattern "round $1" >"/mnt/f$1" && xfs_io -c fsync "/mnt/f$1" &&
		sleep 1 && umount /mnt; then
		echo "$1" >/tmp/last_round
		return 0
	fi
	unmount_if_mounted /mnt
	return 1
}
mounter() {
	_r=0
	while running; do
		_r=$((_r + 1))
		note /tmp/race mount mount_round $_r
	done
}
# A read, then the device held open for a second.
open_hold() {
	dd if=/dev/iopmem0 of=/dev/null bs=4096 count=16 iflag=direct status=none &&
		(exec 3</dev/iopmem0 && sleep 1)
}
opener() {
	while running; do
		note /tmp/race open open_hold
	done
}
# Bind is refused while a file system of the unbound device is still
# mounted: retried until the mounter has unmounted it.
unbinder() {
	while running; do
		sleep 3
		note /tmp/race unbind pci_unbind $IOPMEM_PCI
		sleep 0.5
		while running && [ "$(pci_driver $IOPMEM_PCI)" != iopmem ]; do
			note /tmp/race bind pci_bind_iopmem $IOPMEM_PCI
			[ "$(pci_driver $IOPMEM_PCI)" = iopmem ] || sleep 0.5
		done
	done
}

: >/tmp/race
reconfigurer &
p1=$!
mounter &
p2=$!
opener &
p3=$!
unbinder &
p4=$!
wait $p1 $p2 $p3 $p4
grep ' no ' /tmp/race | sort | uniq -c | sed 's/^ */# /'

for w in mode cache mount open unbind bind; do
	info "$w: $(grep -c "^$w ok" /tmp/race) ok, $(grep -c "^$w busy" /tmp/race) busy, $(grep -c "^$w no" /tmp/race) failed otherwise"
done
for w in mode cache mount open bind; do
	check "$w succeeded during the race" grep -q "^$w ok" /tmp/race
done
check "unbind happened during the race" grep -q "^unbind ok" /tmp/race
check "reconfiguration was refused as busy during the race" grep -Eq "^(mode|cache) busy" /tmp/race
check "mount failed during the race (devdax mode or unbound)" grep -q "^mount no" /tmp/race

unmount_if_mounted /mnt
[ "$(pci_driver $IOPMEM_PCI)" = iopmem ] || pci_bind_iopmem $IOPMEM_PCI
check "afterwards: mode fsdax can be set" set_attr mode fsdax
check "... cache uc, then wc" sh -c "echo uc >$a/cache && echo wc >$a/cache"
check_eq "... the device is online" online "$(iopmem_attr iopmem0 state)"
last=$(cat /tmp/last_round 2>/dev/null)
info "last completed mount round: ${last:-none}"
check "... mount" mount -o dax /dev/iopmem0 /mnt
check_eq "... the file of the last completed round is intact" \
	"$(pattern "round $last" | sha256sum)" "$(sha256sum <"/mnt/f$last")"
check "... umount" umount /mnt
check "... xfs_repair -n finds the file system clean" xfs_repair -n /dev/iopmem0
