#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the rig's guest (busybox sh). Runs one scenario, or several one
# after another, and powers off.
#
# The kernel command line names the scenario: T=group/name runs
# /tests/group/name.sh; T=/abs/path.sh runs that file; T=a/b+c/d runs
# a/b, then c/d in the same guest (check.sh's shared guests; between two
# scenarios rig_reset puts the guest back as it booted, or says why it
# cannot). Unknown kernel parameters without a dot reach /init as
# environment variables.
#
# Channels: ttyS0 is the kernel console (the host logs it; an oops lands
# there even when the guest dies). ttyS1 carries the scenario's output and
# the end-of-run report, so console messages never split a result line.
# One scenario:
#   IOPMEM-RIG: BEGIN T=<T> uptime=<s> jiffies=<j>
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
# Several: per scenario BEGIN, output, END, then (but after the last)
#   IOPMEM-RIG: RESET ok | IOPMEM-RIG: DIRTY <what stayed>
# then its DMESG section (the kernel log since the previous scenario's),
# TAINT and DONE; a DIRTY guest runs no further scenario (the host boots
# a fresh guest for the rest). After the last: the KMEMLEAK section of the
# whole guest (the host assigns each leak to the scenario that was
# running at its allocation, by jiffies: each BEGIN line has them) and
#   IOPMEM-RIG: SHARED DONE
# The kernel log gets "IOPMEM-RIG: SCENARIO <T>" at each BEGIN (at
# KERN_WARNING, so that the console has it too).

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

# The rig's own state, kept out of what scenarios see or change.
RIG_STATE=/.rig
# sysctls that scenarios change: put back between scenarios.
RIG_SYSCTLS='kernel/kptr_restrict kernel/perf_event_paranoid vm/memory_failure_early_kill'

# not_in FILE : the lines of stdin that FILE does not have.
not_in() {
	awk 'NR == FNR { seen[$0] = 1; next } !seen[$0]' "$1" -
}

# rig_baseline : what rig_reset puts back, taken before the first scenario.
rig_baseline() {
	local d f
	mkdir -p $RIG_STATE
	lsmod | awk 'NR > 1 { print $1 }' >$RIG_STATE/modules
	cat /proc/mounts >$RIG_STATE/mounts
	for d in /sys/bus/pci/devices/*; do
		echo "${d##*/} $(basename "$(readlink "$d/driver" 2>/dev/null)" 2>/dev/null)"
	done >$RIG_STATE/bindings
	find /dev -type l >$RIG_STATE/dev-links
	find /dev -type d >$RIG_STATE/dev-dirs
	for f in $RIG_SYSCTLS; do
		[ -e /proc/sys/$f ] && echo "$f $(cat /proc/sys/$f)"
	done >$RIG_STATE/sysctls
	tar -cf $RIG_STATE/state.tar -C / etc run var root 2>/dev/null
	# Two seconds back: busybox find -newer compares whole seconds.
	touch -d "@$(($(date +%s) - 2))" $RIG_STATE/stamp
}

# rig_reset : put the guest back as rig_baseline found it, for the next
# scenario: processes, mounts, modules, driver bindings, /etc /run /var
# /root /tmp /mnt, udev's links, the sysctls above, and every ivshmem BAR
# empty (the host punches its file, as a fresh guest's is).  Prints
# "RESET ok", or "DIRTY <what>" when something stays (a process in D
# state, a module in use, a file written outside those directories).
rig_reset() {
	local dirty='' i m d f v n bars mounted steps='' t
	t=$(uptime_s)
	kill -9 -1 2>/dev/null
	for i in 1 2 3 4 5 6 7 8 9 10; do
		n=0
		for d in /proc/[0-9]*; do
			[ "${d#/proc/}" = 1 ] && continue
			# Kernel threads and zombies have no command line.
			v=
			IFS= read -r v <"$d/cmdline" 2>/dev/null
			[ -n "$v" ] && n=$((n + 1))
		done
		[ "$n" = 0 ] && break
		sleep 0.5
	done
	[ "$n" = 0 ] || dirty="$dirty processes($n)"
	steps="$steps kill=$(uptime_s)"
	# Mounts the baseline lacks, the last first (one may sit on another,
	# or on one of the rig's own, like neg/nodone's tmpfs on debugfs).
	for i in 1 2 3; do
		m=$(not_in $RIG_STATE/mounts </proc/mounts | awk '{ print $2 }' | sed '1!G;h;$!d')
		[ -z "$m" ] && break
		for f in $m; do
			umount "$f" 2>/dev/null
		done
	done
	m=$(not_in $RIG_STATE/mounts </proc/mounts | awk '{ print $2 }' | tr '\n' ' ')
	mounted=$m
	[ -z "$m" ] || dirty="$dirty mounts(${m% })"
	m=$(not_in /proc/mounts <$RIG_STATE/mounts | awk '{ print $2 }' | tr '\n' ' ')
	[ -z "$m" ] || dirty="$dirty lost-mounts(${m% })"
	steps="$steps umount=$(uptime_s)"
	for i in 1 2 3 4 5 6; do
		n=0
		for m in $(lsmod | awk 'NR > 1 { print $1 }' | not_in $RIG_STATE/modules); do
			rmmod "$m" 2>/dev/null || n=$((n + 1))
		done
		[ "$n" = 0 ] && break
	done
	m=$(lsmod | awk 'NR > 1 { print $1 }' | not_in $RIG_STATE/modules | tr '\n' ' ')
	[ -z "$m" ] || dirty="$dirty modules(${m% })"
	steps="$steps rmmod=$(uptime_s)"
	for d in /sys/bus/pci/devices/*; do
		f=$d/driver_override
		[ -e "$f" ] && [ "$(cat "$f")" != "(null)" ] && echo >"$f"
	done
	while read -r d v; do
		n=$(basename "$(readlink "/sys/bus/pci/devices/$d/driver" 2>/dev/null)" 2>/dev/null)
		if [ "$n" != "$v" ] && [ -n "$v" ] && [ -z "$n" ]; then
			echo "$d" >/sys/bus/pci/drivers_probe 2>/dev/null
			n=$(basename "$(readlink "/sys/bus/pci/devices/$d/driver" 2>/dev/null)" 2>/dev/null)
		fi
		[ "$n" = "$v" ] || dirty="$dirty binding($d:${n:-none})"
	done <$RIG_STATE/bindings
	steps="$steps bind=$(uptime_s)"
	while read -r f v; do
		echo "$v" >/proc/sys/$f
	done <$RIG_STATE/sysctls
	rm -rf /etc /run /var /root
	tar -xf $RIG_STATE/state.tar -C /
	f=$(find /bin /sbin /lib /lib64 /usr /tests /rig /init -newer $RIG_STATE/stamp 2>/dev/null | head -n 3 | tr '\n' ' ')
	[ -z "$f" ] || dirty="$dirty files(${f% })"
	steps="$steps files=$(uptime_s)"
	# Not into a file system that is still mounted.
	[ -n "$mounted" ] || find /tmp /mnt /dev/shm -mindepth 1 -maxdepth 1 -exec rm -rf {} + 2>/dev/null
	find /dev -type l | not_in $RIG_STATE/dev-links | while read -r f; do
		rm -f "$f"
	done
	find /dev -depth -type d | not_in $RIG_STATE/dev-dirs | while read -r f; do
		rmdir "$f" 2>/dev/null
	done
	steps="$steps dev=$(uptime_s)"
	# The BARs: the host punches their files empty ("WIPE", vm.sh), as a
	# fresh guest's are; a canary at the start of each says when it has.
	bars=''
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1af4:0x1110 ] || continue
		[ -e "$d/resource2" ] || continue
		printf 'IOPMEM-RIG-WIPE' | mmap-io write "$d/resource2" 0 15 || dirty="$dirty bar(${d##*/})"
		bars="$bars $d/resource2"
	done
	if [ -n "$bars" ]; then
		echo "IOPMEM-RIG: WIPE"
		for i in $(seq 1 100); do
			n=0
			for f in $bars; do
				[ -z "$(mmap-io read "$f" 0 15 | tr -d '\000')" ] || n=$((n + 1))
			done
			[ "$n" = 0 ] && break
			sleep 0.1
		done
		[ "$n" = 0 ] || dirty="$dirty bar-wipe(no answer from the host)"
	fi
	if [ -z "$dirty" ]; then
		echo "IOPMEM-RIG: RESET ok uptime=$(uptime_s) from=$t$steps"
	else
		echo "IOPMEM-RIG: DIRTY$dirty"
	fi
	[ -z "$dirty" ]
}

# jiffies_now : the kernel's jiffies, as kmemleak stamps what it reports
# (they start late in boot: no fixed offset from uptime).
jiffies_now() {
	awk '/^jiffies: / { print $2; exit }' /proc/timer_list 2>/dev/null
}

# run_one T : one scenario, BEGIN to END; its exit status in $status.
run_one() {
	local t=$1 script
	case $t in
	/*) script=$t ;;
	*) script=/tests/$t.sh ;;
	esac
	echo "<4>IOPMEM-RIG: SCENARIO $t" >/dev/kmsg
	echo "IOPMEM-RIG: BEGIN T=$t uptime=$(uptime_s) jiffies=$(jiffies_now)"
	if [ -z "$t" ]; then
		echo "# no scenario: put T=group/name on the kernel command line"
		status=2
	elif [ ! -f "$script" ]; then
		echo "# scenario $script not found in the initramfs"
		status=2
	else
		(cd /tmp && T=$t exec sh "$script")
		status=$?
	fi
	echo "IOPMEM-RIG: END status=$status uptime=$(uptime_s)"
}

kmemleak_section() {
	if [ -e /sys/kernel/debug/kmemleak ]; then
		echo "IOPMEM-RIG: KMEMLEAK BEGIN"
		kmemleak_report
		echo "IOPMEM-RIG: KMEMLEAK END uptime=$(uptime_s)"
	fi
}

T=${T:-}
[ -n "$T" ] || T=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^T=//p' | tail -n 1)

{
	case $T in
	*+*)
		rig_baseline
		rest=$T
		while [ -n "$rest" ]; do
			t=${rest%%+*}
			case $rest in *+*) rest=${rest#*+} ;; *) rest= ;; esac
			run_one "$t"
			clean=1
			if [ -n "$rest" ]; then
				rig_reset || clean=0
			fi
			echo "IOPMEM-RIG: DMESG BEGIN"
			dmesg -c
			echo "IOPMEM-RIG: DMESG END uptime=$(uptime_s)"
			echo "IOPMEM-RIG: TAINT $(cat /proc/sys/kernel/tainted)"
			echo "IOPMEM-RIG: DONE"
			[ "$clean" = 1 ] || break
		done
		kmemleak_section
		echo "IOPMEM-RIG: DMESG BEGIN"
		dmesg
		echo "IOPMEM-RIG: DMESG END uptime=$(uptime_s)"
		echo "IOPMEM-RIG: SHARED DONE"
		;;
	*)
		run_one "$T"
		kmemleak_section
		echo "IOPMEM-RIG: DMESG BEGIN"
		dmesg
		echo "IOPMEM-RIG: DMESG END uptime=$(uptime_s)"
		echo "IOPMEM-RIG: TAINT $(cat /proc/sys/kernel/tainted)"
		echo "IOPMEM-RIG: DONE"
		;;
	esac
} >"$out" 2>&1 </dev/null

sync
poweroff -f
