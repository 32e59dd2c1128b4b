#!/bin/sh
# expect: PASS
# results: 6
# vm: ivshmem 16M addr=04.0
# The first of two scenarios that share a guest (their own BAR size makes
# their VM unlike any other fixture's): it leaves behind what a careless
# scenario would, for the rig to undo before pos/share-b, which checks.
# /.share-a is out of the rig's reach on purpose: it shows share-b that it
# ran in this same guest.
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
: >/.share-a
bar=$(grep -l 0x1110 /sys/bus/pci/devices/*/device | head -n 1)
bar=${bar%/device}/resource2
check "a canary written into the BAR" sh -c "printf share-a-was-here | mmap-io write $bar 4096 16"
check "a module loaded" modprobe brd rd_nr=1 rd_size=1024
mkdir -p /mnt/share-a
check "a tmpfs mounted under /mnt" mount -t tmpfs share-a /mnt/share-a
check "a file in /etc" sh -c 'echo share-a >/etc/share-a'
sleep 1000 &
check "a process left running" kill -0 $!
check "the BAR holds the canary" sh -c "mmap-io read $bar 4096 16 | grep -q share-a-was-here"
