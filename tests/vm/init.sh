#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the rig's guest (busybox sh). Runs one scenario and powers off.
#
# The kernel command line names the scenario: T=group/name runs
# /tests/group/name.sh; T=/abs/path.sh runs that file. (Unknown kernel
# parameters without a dot reach /init as environment variables.)
#
# Channels: ttyS0 is the kernel console (the host logs it; an oops lands
# there even when the guest dies). ttyS1 carries the scenario's output and
# the end-of-run report, so console messages never split a result line:
#   IOPMEM-RIG: BEGIN T=<T> uptime=<s>
#   ... scenario output ...
#   IOPMEM-RIG: END status=<exit status> uptime=<s>
#   IOPMEM-RIG: KMEMLEAK BEGIN       (kernels with kmemleak only)
#   ... the leaks kmemleak found after the scenario ...
#   IOPMEM-RIG: KMEMLEAK END
#   IOPMEM-RIG: DMESG BEGIN
#   ... full dmesg ...
#   IOPMEM-RIG: DMESG END
#   IOPMEM-RIG: TAINT <value of /proc/sys/kernel/tainted>
#   IOPMEM-RIG: DONE

export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
# kmemleak's own thread scans 60 s after boot and every 10 min; on a debug
# kernel under TCG a scan costs seconds of the scenario's CPU, and the two
# scans at the end (kmemleak_report) find every leak it would.
if [ -e /sys/kernel/debug/kmemleak ]; then
	echo scan=off >/sys/kernel/debug/kmemleak
fi
mount -t tracefs tracefs /sys/kernel/tracing
mount -t tmpfs tmpfs /tmp
mkdir -p /mnt /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm

out=/dev/ttyS1
[ -c "$out" ] || out=/dev/console

uptime_s() { cut -d' ' -f1 /proc/uptime; }

# kmemleak_report : the leaks kmemleak finds once the scenario is over. It
# reports an object only when two scans in a row found it unreferenced and
# unchanged, and only when it was older than 5 s when the second scan
# began: scan, let the scenario's last objects age, scan again. On a debug
# kernel under TCG a scan takes longer than that age, so the pause is only
# what the first scan did not already take.
kmemleak_report() {
	local t0 pause
	t0=$(uptime_s)
	echo scan >/sys/kernel/debug/kmemleak
	pause=$(awk -v t0="$t0" -v t1="$(uptime_s)" \
		'BEGIN { p = 6 - (t1 - t0); print (p > 0 ? int(p + 1) : 0) }')
	sleep "$pause"
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
}

# libcrc32c (xfs, ext4) has only a soft dependency on a crc32c provider.
modprobe crc32c_generic 2>/dev/null

T=${T:-}
[ -n "$T" ] || T=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^T=//p' | tail -n 1)
case $T in
/*) script=$T ;;
*) script=/tests/$T.sh ;;
esac

{
	echo "IOPMEM-RIG: BEGIN T=$T uptime=$(uptime_s)"
	if [ -z "$T" ]; then
		echo "# no scenario: put T=group/name on the kernel command line"
		status=2
	elif [ ! -f "$script" ]; then
		echo "# scenario $script not found in the initramfs"
		status=2
	else
		(cd /tmp && exec sh "$script")
		status=$?
	fi
	echo "IOPMEM-RIG: END status=$status uptime=$(uptime_s)"
	if [ -e /sys/kernel/debug/kmemleak ]; then
		echo "IOPMEM-RIG: KMEMLEAK BEGIN"
		kmemleak_report
		echo "IOPMEM-RIG: KMEMLEAK END uptime=$(uptime_s)"
	fi
	echo "IOPMEM-RIG: DMESG BEGIN"
	dmesg
	echo "IOPMEM-RIG: DMESG END uptime=$(uptime_s)"
	echo "IOPMEM-RIG: TAINT $(cat /proc/sys/kernel/tainted)"
	echo "IOPMEM-RIG: DONE"
} >"$out" 2>&1 </dev/null

sync
poweroff -f
