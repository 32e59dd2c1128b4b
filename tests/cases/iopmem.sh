# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# iopmem helpers for guest scenarios; source after lib.sh.
#
#   IOPMEM_PCI                      the emulated device of the default VM
#   iopmem_load [PARAM=VAL...]      modprobe iopmem; unloaded again at exit
#   iopmem_cmdline_opts             iopmem.* options of /proc/cmdline (insmod)
#   iopmem_bind ADDR                bind ADDR to iopmem, print iopmemN
#   iopmem_of ADDR                  the iopmem device published for ADDR
#   iopmem_attr DEV ATTR            /sys/class/iopmem/DEV/ATTR
#   iopmem_mount_xfs DEV DIR [MKFS_OPTS]   mkfs.xfs -m reflink=0, mount -o dax
#   unmount_if_mounted DIR
#   bar_start ADDR BAR              physical start of a BAR, as 0x%x
#   pat_types START END             memory types pat_memtype_list gives the
#                                   exact range START-END (one per line)
#   map_hold FILE OFFSET LEN / map_release   keep a mapping alive
#   user_memtype FILE OFFSET LEN    "pte|pmd TYPE" of a user DAX mapping
#   dax_enabled FILE                true if statx reports STATX_ATTR_DAX
#   fs_dax_checks FSTYPE DIR        DAX on, hostcheck line, fio fill + verify
#   file_phys FILE                  byte offset of FILE's first extent in
#                                   the block device (FIEMAP)
#   phys_of FILE OFFSET             byte offset in the block device of byte
#                                   OFFSET of FILE (FIEMAP; fails in a hole)
#   xfs_under_load DEV TAG          XFS -o dax on /mnt, TAG's pattern
#                                   fsynced in /mnt/kept, /mnt/mapped held
#                                   by map_hold, a fio verify job writing
#                                   /mnt/bg (FIO_PID, /tmp/fio.log)
#   xfs_went_offline DEV            after xfs_under_load and an offline
#                                   event: offline, no block device, fio
#                                   failed, the mapper gets SIGBUS
#   xfs_back_online DEV TAG         after xfs_under_load and an offline
#                                   event, umounted: back online, data
#                                   intact, xfs_repair -n clean
#   removal_waits_logged DEV [HOLDERS]  the log says DEV's removal
#                                   waits for a held page (10 s)
#   unbind_held DEV HOLDERS [HOLDER]  background unbind (UNBIND_PID)
#                                   that must wait for a held page of DEV
#   devdax_under_load TAG           a 64 MiB instance in region 0
#                                   (DAX_DEV), 2 MiB of TAG msync'ed at 0
#                                   (also in /tmp/block), the next 2 MiB
#                                   held by map_hold
#   mem_free_kib                    free RAM in KiB, per-CPU lists included

IOPMEM_PCI=0000:00:04.0

# iopmem_cmdline_opts : the iopmem.* options of the kernel command line,
# as "param=value" words: modprobe applies them, insmod does not.
iopmem_cmdline_opts() {
	tr ' ' '\n' </proc/cmdline | sed -n 's/^iopmem\.//p'
}

iopmem_load() {
	modprobe iopmem "$@" || return 1
	on_exit "iopmem_unload"
}

# Unbind everything bound to iopmem, then unload it.
iopmem_unload() {
	# A scenario that ends with its own rmmod has nothing left to do.
	[ -d /sys/module/iopmem ] || return 0
	for _d in /sys/bus/pci/drivers/iopmem/0000:*; do
		[ -e "$_d" ] && echo "${_d##*/}" >/sys/bus/pci/drivers/iopmem/unbind
	done
	rmmod iopmem
}

iopmem_of() {
	ls "/sys/bus/pci/devices/$1/iopmem" 2>/dev/null | head -n 1
}

iopmem_bind() {
	pci_bind_iopmem "$1" || return 1
	iopmem_of "$1"
}

iopmem_attr() {
	cat "/sys/class/iopmem/$1/$2"
}

iopmem_mount_xfs() {
	_dev=$1 _dir=$2
	shift 2
	modprobe xfs || return 1
	mkfs.xfs -q -f -m reflink=0 "$@" "/dev/$_dev" || return 1
	mkdir -p "$_dir"
	mount -o dax "/dev/$_dev" "$_dir" || return 1
	on_exit "unmount_if_mounted $_dir"
}

# busybox has no mountpoint(1).
unmount_if_mounted() {
	! grep -q " $1 " /proc/mounts || umount "$1"
}

bar_start() {
	# shellcheck disable=SC2046 # start end flags
	set -- $(sed -n "$(($2 + 1))p" "/sys/bus/pci/devices/$1/resource")
	printf '0x%x\n' $(($1))
}

# pat_memtype_list lines: "PAT: [mem 0x...-0x...] type"; END is exclusive.
pat_types() {
	_s=$(printf '%016x' $(($1)))
	_e=$(printf '%016x' $(($2)))
	grep -i "\[mem 0x$_s-0x$_e\]" /sys/kernel/debug/x86/pat_memtype_list |
		awk '{ print $NF }'
}

# map_hold FILE OFFSET LEN : a background process maps LEN bytes of FILE at
# OFFSET read-write and touches them; sets MAP_PID and MAP_ADDR (hex).
# map_release ends it.  One at a time (it holds fd 9).  MAP_MODE=pin
# instead keeps the pages in a pipe with no mapping left (MAP_ADDR=pinned).
map_hold() {
	_fifo=/tmp/map_hold.$$
	rm -f "$_fifo" "$_fifo.addr"
	mkfifo "$_fifo"
	mmap-io "${MAP_MODE:-hold}" "$1" "$2" "$3" <"$_fifo" >"$_fifo.addr" &
	MAP_PID=$!
	exec 9>"$_fifo"
	for _i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		[ -s "$_fifo.addr" ] && break
		kill -0 "$MAP_PID" 2>/dev/null || break
		sleep 0.2
	done
	MAP_ADDR=$(cat "$_fifo.addr")
	[ -n "$MAP_ADDR" ] || { map_release; return 1; }
}

map_release() {
	exec 9>&-
	wait "$MAP_PID"
	_rc=$?
	rm -f "$_fifo" "$_fifo.addr"
	return $_rc
}

# user_memtype FILE OFFSET LEN : "pte|pmd TYPE" of a user mapping of FILE,
# from the iopmem_test_ptewalk module.
user_memtype() {
	modprobe iopmem_test_ptewalk || return 1
	map_hold "$1" "$2" "$3" || { rmmod iopmem_test_ptewalk; return 1; }
	_rc=1
	if echo "$MAP_PID $MAP_ADDR" >/sys/kernel/debug/iopmem_test_ptewalk; then
		cat /sys/kernel/debug/iopmem_test_ptewalk
		_rc=0
	fi
	map_release
	rmmod iopmem_test_ptewalk
	return $_rc
}

# STATX_ATTR_DAX is 0x200000.
dax_enabled() {
	_attrs=$(xfs_io -c 'statx -r' "$1" | awk '$1 == "stat.attributes" { print $3 }')
	[ -n "$_attrs" ] && [ $(((_attrs) & 0x200000)) -ne 0 ]
}

# xfs_io fiemap prints "0: [0..7]: 96..103" in 512-byte units.
file_phys() {
	_blk=$(xfs_io -c 'fiemap' "$1" | sed -n '2s/.*: \([0-9]*\)\.\..*/\1/p')
	[ -n "$_blk" ] && echo $((_blk * 512))
}

# phys_of FILE OFFSET : FIEMAP's extents are "N: [a..b]: c..d" in 512-byte
# units (a..b in the file, c..d on the device) or "N: [a..b]: hole".
# %.0f: busybox awk's %d stops at 2^31.
phys_of() {
	xfs_io -c 'fiemap' "$1" | awk -F '[^0-9a-z]+' -v off="$2" '
		# "", N, a, b, c, d
		$5 ~ /^[0-9]+$/ {
			s = int(off / 512)
			if (s >= $3 && s <= $4) { printf "%.0f\n", ($5 + s - $3) * 512 + off % 512; found = 1; exit }
		}
		END { exit !found }'
}

# cache_prove DEV CACHE TYPE : DEV (bound to IOPMEM_PCI, 512 MiB) is in
# cache mode CACHE: pat_memtype_list gives its BAR memory type TYPE, a
# user's DAX mapping of a file on it gets TYPE too (or write-back, where
# iopmem warned that it cannot set it), and unbinding leaves no
# reservation and no block device.
cache_prove() {
	check_eq "cache attribute" "$2" "$(iopmem_attr "$1" cache)"

	_start=$(bar_start $IOPMEM_PCI 2)
	_end=$((_start + 512 * 1024 * 1024))
	info "pat_memtype_list for the BAR: $(pat_types "$_start" "$_end" | tr '\n' ' ')"
	check_eq "kernel mapping: BAR is $3 in pat_memtype_list" \
		"$3" "$(pat_types "$_start" "$_end" | sort -u)"

	iopmem_mount_xfs "$1" /mnt -d su=2m,sw=1,agcount=2 -l su=32k ||
		die "mkfs.xfs and mount -o dax"
	xfs_io -c 'extsize 2m' /mnt
	xfs_io -f -c 'falloc 0 4m' /mnt/f
	_entry=$(user_memtype /mnt/f 0 4M)
	info "user page table entry: $_entry"
	# Where DAX faults ignore the PAT (7.x), iopmem says so at bind: then
	# the entry must be what it says, and otherwise the cache mode.
	if dmesg | grep -q "iopmem $1: user mappings of files on /dev/$1 (mount -o dax) are write-back on this kernel"; then
		check_eq "user DAX mapping of a file is write-back, as iopmem warned" \
			write-back "${_entry#* }"
	else
		check_eq "user DAX mapping of a file is $3" "$3" "${_entry#* }"
	fi
	check "umount" umount /mnt

	check "unbind" pci_unbind $IOPMEM_PCI
	check_eq "no memory type reservation left after unbind" "" \
		"$(pat_types "$_start" "$_end")"
	check "no block device left after unbind" test ! -e "/dev/$1"
}

# iopmem_region DEV : the id of DEV's device-dax region (devdax mode). Ids
# come from the kernel's memory-region allocator, shared with pmem, hmem
# and CXL: not DEV's number.
iopmem_region() {
	cat /sys/class/iopmem/"$1"/iopmem_dax.*/dax_region/id
}

# region_json ID : daxctl's JSON of region ID, with its devices.
region_json() {
	daxctl list -R -D -r "$1" | jq '.[0]'
}

# region_field ID FIELD : one field of region ID (0 when daxctl omits it,
# as it does for an empty available_size).
region_field() {
	region_json "$1" | jq -r ".$2 // 0"
}

# region_devices ID : the enabled-or-not device names of region ID with a
# size, one per line, sorted.
region_devices() {
	region_json "$1" | jq -r '.devices // [] | .[] | select(.size > 0) | .chardev' | sort
}

# dax_start DEV : physical start of /dev/DEV's first range.
dax_start() {
	cat "/sys/bus/dax/devices/$1/mapping0/start"
}

# stats_reset DEV / iopmem_stat DEV NAME : iopmem's counters.
stats_reset() {
	for _f in /sys/class/iopmem/"$1"/stats/*; do echo 0 >"$_f"; done
}

iopmem_stat() {
	cat "/sys/class/iopmem/$1/stats/$2"
}

# disk_stat DEV FIELD : the block layer's count of FIELD for /dev/DEV from
# /sys/block/DEV/stat (Documentation/block/stat.rst): read_ios,
# read_sectors, write_ios or write_sectors.  Bios with data only: iopmem
# counts its flushes in stats/flushes.
disk_stat() {
	case $2 in
	read_ios) _f=1 ;;
	read_sectors) _f=3 ;;
	write_ios) _f=5 ;;
	write_sectors) _f=7 ;;
	*) die "disk_stat: no field $2" ;;
	esac
	awk -v f=$_f '{ print $f }' "/sys/block/$1/stat"
}

# nvme_wait : the emulated NVMe namespace, once the driver has it.
nvme_wait() {
	modprobe nvme
	for _i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		[ -b /dev/nvme0n1 ] && return 0
		sleep 0.25
	done
	return 1
}

# fs_dax_checks FSTYPE DIR : on a file system mounted with -o dax at DIR
# (of a 512 MiB device): DAX is on, a pattern file's place is reported for
# the host hook ("# hostcheck FSTYPE-dax OFFSET"), and a fio write + crc32c
# verify fills most of it (400 MiB).
fs_dax_checks() {
	check "mounted with dax" grep -q " $2 $1 .*dax" /proc/mounts
	pattern "$1-dax" >"$2/pattern"
	sync
	check "statx reports DAX on a file" dax_enabled "$2/pattern"
	_off=$(file_phys "$2/pattern")
	[ -n "$_off" ] && info "hostcheck $1-dax $_off"
	check "FIEMAP gives the file's place on the device" test -n "$_off"
	check "fio write + crc32c verify of 400 MiB on $1 -o dax" \
		fio --name=fill --filename="$2/fill" --size=400M --bs=1M \
		--rw=write --ioengine=psync --verify=crc32c --do_verify=1 \
		--verify_fatal=1 --end_fsync=1
	rm -f "$2/fill"
}

# mem_free_kib : free RAM in KiB after dropping caches: MemFree plus the
# pages parked in per-CPU free lists (/proc/zoneinfo "count:"), which
# MemFree leaves out.  Freed 2 MiB memmap blocks wait there (6.12), so
# MemFree alone misses a bind that reuses them.
mem_free_kib() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	_free=$(awk '$1 == "MemFree:" { print $2 }' /proc/meminfo)
	_pcp=$(awk '$1 == "count:" { n += $2 } END { print n + 0 }' /proc/zoneinfo)
	echo $((_free + _pcp * 4))
}

# xfs_under_load DEV TAG : the state removal and error tests start from.
xfs_under_load() {
	iopmem_mount_xfs "$1" /mnt || die "mkfs.xfs and mount -o dax"
	pattern "$2" >/mnt/kept
	check "fsync a file first" xfs_io -c fsync /mnt/kept
	xfs_io -f -c 'pwrite -q 0 4m' -c fsync /mnt/mapped
	map_hold /mnt/mapped 0 4M || die "cannot map a DAX file"
	fio --name=bg --filename=/mnt/bg --size=64M --bs=64k --rw=write \
		--ioengine=psync --verify=crc32c --time_based --runtime=120 \
		>/tmp/fio.log 2>&1 &
	FIO_PID=$!
	sleep 2
}

# xfs_went_offline DEV : after an error or a reset under xfs_under_load:
# DEV is offline, its block device gone, the fio job failed, and the
# process that mapped a file gets SIGBUS on its next access.
xfs_went_offline() {
	check_eq "the device is offline" offline "$(iopmem_attr "$1" state)"
	check "the block device is gone" test ! -e "/dev/$1"
	wait "$FIO_PID"
	check_fail "the fio job ends with an error" test $? -eq 0
	echo touch >&9
	map_release
	check_eq "the process that mapped a file gets SIGBUS on its next access" 135 $?
}

# xfs_back_online DEV TAG : DEV, offline after an error or a reset with the
# XFS of xfs_under_load TAG unmounted, comes back with iopmemctl set --mode
# fsdax; the file fsynced before is intact and xfs_repair -n is clean.
xfs_back_online() {
	check "bring it back: iopmemctl set --mode fsdax" iopmemctl set "$1" --mode fsdax
	check_eq "the device is online" online "$(iopmem_attr "$1" state)"
	mount -o dax "/dev/$1" /mnt || die "mount after bringing it back (log replay)"
	check_eq "data fsynced before is intact" \
		"$(pattern "$2" | sha256sum)" "$(sha256sum </mnt/kept)"
	check "umount" umount /mnt
	check "xfs_repair -n then finds the file system consistent" xfs_repair -n "/dev/$1"
}

# removal_waits_logged DEV [HOLDERS] : wait up to 10 s for the kernel log
# (since the last dmesg_mark) to say that DEV's removal waits for a held
# page (and names HOLDERS as what may hold it).  The first line comes
# after 1 s of waiting, then one every 10 s.
removal_waits_logged() {
	_re="$1: removal waits for the page at 0x[0-9a-f]*, still held"
	[ -z "$2" ] || _re="$_re \\($2\\)"
	dmesg_wait "$_re" 10
}

# unbind_held DEV HOLDERS [HOLDER] : unbind IOPMEM_PCI in the background
# (UNBIND_PID) while HOLDER (default: a pipe) holds a page of DEV, without
# the scenario's fds 6-9, and check that the unbind waits, naming the
# page and HOLDERS in the log.
unbind_held() {
	dmesg_mark
	(exec 6>&- 7<&- 8>&- 9>&-; echo $IOPMEM_PCI >/sys/bus/pci/drivers/iopmem/unbind) &
	UNBIND_PID=$!
	removal_waits_logged "$1"
	check "unbind waits while ${3:-the pipe} holds the page" kill -0 $UNBIND_PID
	check "... saying which page and what may hold it" \
		removal_waits_logged "$1" "$2"
}

# xfs_file_pinned TAG : iopmem loaded and bound on IOPMEM_PCI (DEV), XFS
# -o dax on /mnt with /mnt/f (pattern TAG, then 2 MiB of zeroes), a pipe
# holding its first page (map_hold), then /mnt unmounted (3 results).
xfs_file_pinned() {
	check "modprobe iopmem" iopmem_load
	DEV=$(iopmem_bind $IOPMEM_PCI) || die "bind"
	iopmem_mount_xfs "$DEV" /mnt || die "mkfs.xfs and mount -o dax"
	pattern "$1" >/mnt/f
	head -c $((2 * 1048576)) /dev/zero >>/mnt/f
	sync
	check "the file is DAX" dax_enabled /mnt/f
	MAP_MODE=pin map_hold /mnt/f 0 4096 || die "cannot pin a page of /mnt/f"
	check "umount while the pipe holds a page" umount /mnt
}

# devdax_under_load TAG : the devdax counterpart of xfs_under_load.
devdax_under_load() {
	DAX_DEV=$(daxctl create-device -r 0 -s 64M | jq -r '.[0].chardev')
	check "create a 64 MiB instance" test -c "/dev/$DAX_DEV"
	{ pattern "$1"; head -c $((2097152 - 4096)) /dev/zero; } >/tmp/block
	check "write 2 MiB through a mapping (msync)" \
		mmap-io write "/dev/$DAX_DEV" 0 2097152 </tmp/block
	map_hold "/dev/$DAX_DEV" 2097152 2097152 || die "cannot map /dev/$DAX_DEV"
}
