#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of iopmemctl: the pure helpers (test-util) and every
# subcommand against a fake sysfs tree (IOPMEMCTL_SYSFS), no driver needed.
# usage: tests/run.sh BUILD_DIR      (make check runs it)
# Prints one line per check and "N passed, N failed" last; exits 1 on a
# failure.

B=${1:?usage: tests/run.sh BUILD_DIR}
CTL=$B/iopmemctl
pass=0
failn=0

ok() { pass=$((pass + 1)); echo "ok - $*"; }
not_ok() { failn=$((failn + 1)); echo "not ok - $*"; }

# expect DESC RC REGEX CMD... : CMD exits RC and its output (stdout and
# stderr) matches the extended REGEX.
expect() {
	desc=$1 want_rc=$2 re=$3
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want_rc" ] && printf '%s\n' "$out" | grep -Eq -- "$re"; then
		ok "$desc"
	else
		not_ok "$desc"
		echo "#   exit $rc (wanted $want_rc), output:"
		printf '%s\n' "$out" | sed 's/^/#   /'
	fi
}

# eq DESC EXPECTED ACTUAL
eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; echo "#   expected '$2', got '$3'"; fi
}

# Unit tests of the helpers.
"$B/test-util" >"$B/test-util.out" 2>&1
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) not_ok "${line#not ok - }" ;;
	esac
done <"$B/test-util.out"
rm -f "$B/test-util.out"

# The schema of list --json and its checker, shared with the guest tests.
SCHEMA=$(cd "$(dirname "$0")/../../../tests/cases/tools" && pwd)/list.schema.json
SCHEMA_JQ=${SCHEMA%/*}/schema.jq

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
S=$T/sys
export IOPMEMCTL_SYSFS="$S"
# check reads the CPU for the kernel's AMD Zen rule: an Intel one unless a
# test says otherwise, so the verdicts do not depend on the host's CPU
# (on an AMD EPYC host the host bridge checks said "works").
printf 'processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n\n' >"$T/cpuinfo.intel"
export IOPMEMCTL_CPUINFO="$T/cpuinfo.intel"
# list reads the iopfs mounts from mountinfo: this file, not the host's.
: >"$T/mountinfo"
export IOPMEMCTL_MOUNTINFO="$T/mountinfo"

# fake_dev N PCI MODE CACHE NODE [PARENT] : iopmemN under PCI (under
# devices/PARENT, default pci0000:00), bound to iopmem.
fake_dev() {
	par=${6:-pci0000:00}
	pdev=$S/devices/$par/$2
	d=$pdev/iopmem/iopmem$1
	mkdir -p "$d/stats" "$S/class/iopmem" "$S/bus/pci/devices" "$S/class/block"
	[ -f "$pdev/driver_override" ] || echo '(null)' >"$pdev/driver_override"
	ln -sfn "../../$2" "$d/device"
	start=$((0xfe000000 + $1 * 0x20000000))
	printf '0x%x-0x%x\n' "$start" $((start + 0x1fffffff)) >"$d/range"
	echo 536870912 >"$d/size"
	echo 2 >"$d/bar"
	echo "$5" >"$d/numa_node"
	echo "$3" >"$d/mode"
	echo "$4" >"$d/cache"
	echo ram >"$d/memmap"
	echo online >"$d/state"
	echo 0 >"$d/memmap_reserved"
	for c in flushes dax_calls dax_pages errors; do
		echo 0 >"$d/stats/$c"
	done
	echo 7 >"$d/stats/flushes"
	echo 28672 >"$d/stats/dax_pages"
	ln -sfn "../../devices/$par/$2/iopmem/iopmem$1" "$S/class/iopmem/iopmem$1"
	ln -sfn "../../../devices/$par/$2" "$S/bus/pci/devices/$2"
	ln -sfn "../../../bus/pci/drivers/iopmem" "$pdev/driver"
	if [ "$3" = fsdax ] || [ "$3" = iopfs ]; then mkdir -p "$d/block/iopmem$1"; ln -sfn "../../devices/$par/$2/iopmem/iopmem$1/block/iopmem$1" "$S/class/block/iopmem$1"; fi
}

mkdir -p "$S/bus/pci/drivers/iopmem" "$S/bus/pci/drivers/other" "$S/module/iopmem/parameters"
: >"$S/bus/pci/drivers/iopmem/unbind"
: >"$S/bus/pci/drivers_probe"
echo -1 >"$S/module/iopmem/parameters/bar"
echo wc >"$S/module/iopmem/parameters/cache"
echo fsdax >"$S/module/iopmem/parameters/mode"

eq "list with no iopmem class: empty JSON array" 0 "$("$CTL" list --json | jq length)"
expect "list with no devices: no output" 0 '^$' "$CTL" list

fake_dev 0 0000:00:04.0 fsdax wc -1
fake_dev 1 0000:00:05.0 devdax uc 0
fake_dev 10 0000:00:06.0 fsdax wc 1
echo dev >"$S/devices/pci0000:00/0000:00:06.0/iopmem/iopmem10/memmap"
echo 8388608 >"$S/devices/pci0000:00/0000:00:06.0/iopmem/iopmem10/memmap_reserved"
# A PCI device of another driver.
mkdir -p "$S/devices/pci0000:00/0000:00:07.0"
ln -sfn ../../../devices/pci0000:00/0000:00:07.0 "$S/bus/pci/devices/0000:00:07.0"
ln -sfn ../../../bus/pci/drivers/other "$S/devices/pci0000:00/0000:00:07.0/driver"

J=$("$CTL" list --json)
eq "list --json: three devices" 3 "$(echo "$J" | jq length)"
eq "list --json: sorted by number" "iopmem0 iopmem1 iopmem10" "$(echo "$J" | jq -r '[.[].dev] | join(" ")')"
eq "list --json: pci" 0000:00:04.0 "$(echo "$J" | jq -r '.[0].pci')"
eq "list --json: bar is a number" 2 "$(echo "$J" | jq '.[0].bar')"
eq "list --json: size is a number" 536870912 "$(echo "$J" | jq '.[0].size')"
eq "list --json: start is a number" $((0xfe000000)) "$(echo "$J" | jq '.[0].start')"
eq "list --json: no range string (start and size say it)" null "$(echo "$J" | jq '.[0].range')"
eq "list --json: cache" wc "$(echo "$J" | jq -r '.[0].cache')"
eq "list --json: mode" fsdax "$(echo "$J" | jq -r '.[0].mode')"
eq "list --json: numa_node -1" -1 "$(echo "$J" | jq '.[0].numa_node')"
eq "list --json: map as ndctl names it (ram is mem)" mem "$(echo "$J" | jq -r '.[0].map')"
eq "list --json: memmap_reserved is a number" 0 "$(echo "$J" | jq '.[0].memmap_reserved')"
eq "list --json: memmap dev" "dev 8388608" "$(echo "$J" | jq -r '.[2] | "\(.map) \(.memmap_reserved)"')"
eq "list --json: state" online "$(echo "$J" | jq -r '.[0].state')"
eq "list --json: blockdev in fsdax mode, without /dev as ndctl has it" iopmem0 "$(echo "$J" | jq -r '.[0].blockdev')"
eq "list --json: no blockdev in devdax mode" null "$(echo "$J" | jq -r '.[1].blockdev')"
eq "list --json: devdax device's cache" uc "$(echo "$J" | jq -r '.[1].cache')"
eq "list --json: no stats without -v" null "$(echo "$J" | jq -r '.[0].stats')"
# schema_check DESC JSON : JSON matches list.schema.json (the violations
# are printed otherwise).
schema_check() {
	if v=$(printf '%s\n' "$2" | jq -r --slurpfile schema "$SCHEMA" -f "$SCHEMA_JQ" 2>&1) &&
		[ -z "$v" ]; then
		ok "$1"
	else
		not_ok "$1"
		printf '%s\n' "$v" | sed 's/^/#   /'
	fi
}
schema_check "list --json matches tests/cases/tools/list.schema.json" "$J"
# Control: the checker refuses the shape list had before (string range,
# /dev in blockdev, memmap, a size as a string).
v=$(echo '[{"dev":"iopmem0","pci":"0000:00:04.0","bar":2,"range":"0xfe000000-0x11dffffff","size":"536870912","cache":"wc","mode":"fsdax","memmap":"ram","numa_node":-1,"blockdev":"/dev/iopmem0"}]' |
	jq -r --slurpfile schema "$SCHEMA" -f "$SCHEMA_JQ" | LC_ALL=C sort | tr "\n" "|")
eq "control: the schema check refuses the old shape, naming each fault" \
	'[0].blockdev: "/dev/iopmem0" does not match ^iopmem[0-9]+$|[0].size: string "536870912", wanted integer|[0]: no key "start"|[0]: unknown key "memmap"|[0]: unknown key "range"|' "$v"
J=$("$CTL" list -v --json)
schema_check "list -v --json matches the schema" "$J"
eq "list -v --json: stats.flushes" 7 "$(echo "$J" | jq '.[0].stats.flushes')"
eq "list -v --json: four counters" 4 "$(echo "$J" | jq '.[0].stats | length')"
eq "list iopmem1 --json: just that device" iopmem1 "$(IOPMEMCTL_SYSFS=$S "$CTL" list --json iopmem1 | jq -r '[.[].dev] | join(" ")')"
expect "list: table header" 0 '^DEV +PCI +BAR +RANGE +SIZE +CACHE +MODE +MAP +NODE +DEVICE' "$CTL" list
expect "list: table row of iopmem0, the size in bytes" 0 '^iopmem0 +0000:00:04\.0 +2 +0xfe000000-0x11dffffff +536870912 +wc +fsdax +mem +-1 +/dev/iopmem0$' "$CTL" list
expect "list -u: the size human-readable, as ndctl -u" 0 '^iopmem0 +0000:00:04\.0 +2 +0xfe000000-0x11dffffff +512\.00 MiB \(536\.87 MB\) +wc ' "$CTL" list -u
J=$("$CTL" list -u --json)
eq "list -u --json: size, start, memmap_reserved as ndctl -u has them" \
	'"512.00 MiB (536.87 MB)" "0xfe000000" "8.00 MiB (8.39 MB)" -1' \
	"$(echo "$J" | jq -r '"\(.[0].size | tojson) \(.[0].start | tojson) \(.[2].memmap_reserved | tojson) \(.[0].numa_node | tojson)"')"
eq "list -o dev,size,map: those columns, in that order" "DEV SIZE MAP|iopmem0 536870912 mem|" \
	"$("$CTL" list -o dev,size,map iopmem0 | tr -s ' ' | tr '\n' '|')"
eq "list -o +START: the default columns and START" "DEV PCI BAR RANGE SIZE CACHE MODE MAP NODE DEVICE START" \
	"$("$CTL" list -o +START | head -1 | tr -s ' ')"
eq "list -o RESERVED,STATE -u" "RESERVED STATE|8.00 MiB (8.39 MB) online|" \
	"$("$CTL" list -o RESERVED,STATE -u iopmem10 | tr -s ' ' | tr '\n' '|')"
expect "list -o with an unknown column: usage error 2 naming the columns" 2 \
	"^iopmemctl: list: -o: unknown column 'BOGUS'; the columns are: DEV, PCI, BAR, START, RANGE, SIZE, CACHE, MODE, MAP, RESERVED, NODE, STATE, DEVICE, STATS$" \
	"$CTL" list -o DEV,BOGUS
expect "list -o with --json: usage error 2" 2 "^iopmemctl: list: -o chooses the table's columns" "$CTL" list -o DEV --json
expect "list > /dev/full: exit 1, saying the output was lost" 1 \
	'^iopmemctl: cannot write the output: No space left on device$' sh -c "'$CTL' list >/dev/full"
expect "list --json > /dev/full: the same" 1 '^iopmemctl: cannot write the output: No space left' sh -c "'$CTL' list --json >/dev/full"
expect "list --help lists the columns" 0 '^  RESERVED ' "$CTL" list --help
expect "list: table row of iopmem10 with memmap dev" 0 '^iopmem10 +0000:00:06\.0 .* +fsdax +dev +1 +/dev/iopmem10$' "$CTL" list
echo offline >"$S/class/iopmem/iopmem1/state"
expect "list: an offline device says how to bring it back" 0 '^iopmem1 .* +devdax +mem +0 +offline: iopmemctl set iopmem1 --mode devdax$' "$CTL" list
echo online >"$S/class/iopmem/iopmem1/state"
expect "list -v: a STATS column with the counters" 0 '^iopmem0 .* /dev/iopmem0 +dax_calls=0 dax_pages=28672 errors=0 flushes=7$' "$CTL" list -v
expect "list of a missing device fails naming it" 1 '^iopmemctl: list iopmem9: no such iopmem device' "$CTL" list iopmem9
expect "list with an unknown option fails with usage, status 2" 2 '^usage: iopmemctl list' "$CTL" list --bogus

# A device in p2pdma mode: its pool is the PCI device's p2pmem/.
fake_dev 3 0000:00:0a.0 p2pdma wc -1
pool=$S/devices/pci0000:00/0000:00:0a.0/p2pmem
mkdir -p "$pool"
echo 536870912 >"$pool/size"
echo 534773760 >"$pool/available"
echo 1 >"$pool/published"
J=$("$CTL" list --json iopmem3)
eq "list --json p2pdma: mode" p2pdma "$(echo "$J" | jq -r '.[0].mode')"
eq "list --json p2pdma: p2pmem size, available, published as numbers" \
	"536870912 534773760 1 number" \
	"$(echo "$J" | jq -r '.[0].p2pmem | "\(.size) \(.available) \(.published) \(.available | type)"')"
eq "list --json p2pdma: no blockdev, no daxregion" "null null" "$(echo "$J" | jq -r '.[0] | "\(.blockdev) \(.daxregion)"')"
eq "list --json: no p2pmem on an fsdax device" null "$("$CTL" list --json iopmem0 | jq -r '.[0].p2pmem')"
expect "list: table row of a p2pdma device shows its pool" 0 '^iopmem3 +0000:00:0a\.0 .* +p2pdma +mem +-1 +p2pmem 512 MiB, 510 MiB available$' "$CTL" list
echo 0 >"$pool/published"
expect "list: an unpublished pool says so" 0 '^iopmem3 .* p2pmem 512 MiB, 510 MiB available, unpublished$' "$CTL" list
rm -r "$pool"
eq "list --json p2pdma: no p2pmem/ (pool gone), no p2pmem key" null "$("$CTL" list --json iopmem3 | jq -r '.[0].p2pmem')"
expect "set --mode p2pdma is passed to the kernel" 0 '^iopmem0 ' "$CTL" set iopmem0 --mode p2pdma
eq "... which got p2pdma in iopmem0/mode" p2pdma "$(cat "$S/class/iopmem/iopmem0/mode")"
echo fsdax >"$S/class/iopmem/iopmem0/mode"
expect "set --mode iopfs is passed to the kernel" 0 '^iopmem0 ' "$CTL" set iopmem0 --mode iopfs
eq "... which got iopfs in iopmem0/mode" iopfs "$(cat "$S/class/iopmem/iopmem0/mode")"
echo fsdax >"$S/class/iopmem/iopmem0/mode"

# A device in mode iopfs: a block device without DAX; once an iopfs is
# mounted on it, its mount point (from mountinfo, fstype iopfs, source
# /dev/iopmemN) and the counters of /sys/fs/iopfs/iopmemN/.
fake_dev 4 0000:00:0b.0 iopfs wc -1
J=$("$CTL" list --json iopmem4)
eq "list --json iopfs: mode and blockdev" "iopfs iopmem4" "$(echo "$J" | jq -r '.[0] | "\(.mode) \(.blockdev)"')"
eq "list --json iopfs: nothing mounted, no iopfs key" null "$(echo "$J" | jq -r '.[0].iopfs')"
expect "list: table row of an unmounted iopfs device: its block device" 0 '^iopmem4 +0000:00:0b\.0 .* +iopfs +mem +-1 +/dev/iopmem4$' "$CTL" list
fs=$S/fs/iopfs/iopmem4
mkdir -p "$fs" "$S/fs/iopfs/iopmem40"
echo 255 >"$fs/extents"
echo 250 >"$fs/free_extents"
echo 1 >"$fs/deferred_extents"
echo 1048576 >"$fs/log_bytes"
echo 4096 >"$fs/log_used_bytes"
echo 7 >"$S/fs/iopfs/iopmem40/free_extents"
cat >"$T/mountinfo" <<'MOUNTS'
22 1 259:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
90 22 259:1 / /mnt/dax rw,relatime shared:50 - xfs /dev/iopmem0 rw,dax=always
91 22 259:7 / /mnt/forty rw,relatime shared:51 - iopfs /dev/iopmem40 rw
92 22 259:4 / /mnt/io\040fs rw,relatime shared:52 - iopfs /dev/iopmem4 rw
93 22 259:4 / /srv/bind rw,relatime shared:52 - iopfs /dev/iopmem4 rw
MOUNTS
J=$("$CTL" list --json iopmem4)
eq "list --json iopfs: the first mount point, unescaped; not iopmem40's" "/mnt/io fs" "$(echo "$J" | jq -r '.[0].iopfs.mountpoint')"
eq "list --json iopfs: the counters of /sys/fs/iopfs/iopmem4/ as numbers" \
	"255 250 1 1048576 4096 number" \
	"$(echo "$J" | jq -r '.[0].iopfs | "\(.extents) \(.free_extents) \(.deferred_extents) \(.log_bytes) \(.log_used_bytes) \(.free_extents | type)"')"
schema_check "list --json with a mounted iopfs matches the schema" "$("$CTL" list --json)"
eq "list --json: no iopfs key on an fsdax device, mounted or not" null "$("$CTL" list --json iopmem0 | jq -r '.[0].iopfs')"
expect "list: table row of a mounted iopfs: where, extents and log" 0 \
	'^iopmem4 +0000:00:0b\.0 .* +iopfs +mem +-1 +/dev/iopmem4 on /mnt/io fs type iopfs: 250 of 255 extents free, 1 deferred, log 1% of 1 MiB used$' "$CTL" list
eq "list -u --json iopfs: log sizes as ndctl -u has sizes, counts stay numbers" \
	'"1.00 MiB (1.05 MB)" "4.00 KiB (4.10 KB)" 250' \
	"$("$CTL" list -u --json iopmem4 | jq -r '.[0].iopfs | "\(.log_bytes | tojson) \(.log_used_bytes | tojson) \(.free_extents | tojson)"')"
: >"$T/mountinfo"
J=$("$CTL" list --json iopmem4)
eq "list --json iopfs mounted in another namespace: counters, no mountpoint" "null 250" "$(echo "$J" | jq -r '.[0].iopfs | "\(.mountpoint) \(.free_extents)"')"
expect "list: ... and the table says iopfs without where" 0 '^iopmem4 .* /dev/iopmem4 iopfs: 250 of 255 extents free, 1 deferred, log 1% of 1 MiB used$' "$CTL" list iopmem4
rm -r "$S/fs"

expect "stats: all devices" 0 '^iopmem10$' "$CTL" stats
expect "stats iopmem0: counter lines" 0 '^  dax_pages +28672$' "$CTL" stats iopmem0
eq "stats --json: object per device" "iopmem0 7" "$("$CTL" stats --json iopmem0 | jq -r '.[0] | "\(.dev) \(.stats.flushes)"')"
eq "list /dev/iopmem0 is list iopmem0" "$("$CTL" list --json iopmem0)" "$("$CTL" list --json /dev/iopmem0)"
eq "stats /dev/iopmem0 is stats iopmem0" "$("$CTL" stats --json iopmem0)" "$("$CTL" stats --json /dev/iopmem0)"
expect "set /dev/iopmem0: messages name iopmem0" 1 '^iopmemctl: set iopmem0: nothing to change' "$CTL" set /dev/iopmem0
expect "/dev/ before something else is no device" 1 "^iopmemctl: list /dev/sda: no such iopmem device" "$CTL" list /dev/sda
expect "stats of a missing device fails" 1 '^iopmemctl: stats iopmem9: no such iopmem device' "$CTL" stats iopmem9
expect "stats with two devices is misuse, status 2" 2 '^usage: iopmemctl stats' "$CTL" stats iopmem0 iopmem1

expect "set: bad cache value names device, value and fix" 1 "^iopmemctl: set iopmem0: 'bogus' is not a cache mode; use --cache wc" "$CTL" set iopmem0 --cache bogus
expect "set: bad mode value" 1 "^iopmemctl: set iopmem0: 'dax' is not a mode; use --mode fsdax, --mode devdax, --mode p2pdma or --mode iopfs$" "$CTL" set iopmem0 --mode dax
expect "set: bad memmap value" 1 "^iopmemctl: set iopmem0: 'disk' is not a place for struct pages; use --memmap ram .* or --memmap dev" "$CTL" set iopmem0 --memmap disk
expect "set: nothing to change" 1 '^iopmemctl: set iopmem0: nothing to change; give --cache' "$CTL" set iopmem0
expect "set: missing device" 1 '^iopmemctl: set iopmem9: no such iopmem device' "$CTL" set iopmem9 --cache uc
expect "set: no device is misuse, status 2" 2 '^usage: iopmemctl set' "$CTL" set --cache uc
expect "bind: not a PCI address" 1 "^iopmemctl: bind 0000:zz:04.0: not a PCI address" "$CTL" bind 0000:zz:04.0
expect "bind: bad BAR" 1 "^iopmemctl: bind 0000:00:08.0: '7' is not a BAR; use --bar 0 to 5" "$CTL" bind 00:08.0 --bar 7
expect "bind: bad cache" 1 "^iopmemctl: bind 0000:00:08.0: 'xx' is not a cache mode" "$CTL" bind 0000:00:08.0 --cache xx
expect "bind: bad mode" 1 "^iopmemctl: bind 0000:00:08.0: 'xx' is not a mode; use --mode fsdax, --mode devdax, --mode p2pdma or --mode iopfs$" "$CTL" bind 0000:00:08.0 --mode xx
expect "bind: p2pdma size not in whole 2 MiB units" 1 "^iopmemctl: bind 0000:00:08.0: '3M' is not a size in whole 2 MiB units; use e.g. --p2pdma 128M$" "$CTL" bind 0000:00:08.0 --p2pdma 3M
expect "bind: p2pdma size that is no size" 1 "^iopmemctl: bind 0000:00:08.0: '-2M' is not a size" "$CTL" bind 0000:00:08.0 --p2pdma -2M
expect "bind: bad memmap" 1 "^iopmemctl: bind 0000:00:08.0: 'xx' is not a memmap place; use --memmap ram \\(struct pages in system RAM\\) or --memmap dev" "$CTL" bind 0000:00:08.0 --memmap xx
expect "unbind: neither name nor address" 1 '^iopmemctl: unbind foo: neither an iopmem device' "$CTL" unbind foo
expect "unknown command, status 2" 2 "^iopmemctl: 'frob' is not a command; see iopmemctl --help" "$CTL" frob
expect "no command: usage, status 2" 2 '^usage: iopmemctl <command>' "$CTL"
expect "help bind is bind --help" 0 '^usage: iopmemctl bind' "$CTL" help bind
expect "help of an unknown command, status 2" 2 "^iopmemctl: 'frob' is not a command" "$CTL" help frob
expect "--help lists the commands" 0 '^  unbind ' "$CTL" --help
# apply-config: the file is checked whole before anything is bound; each
# error names the file and line.
cat >"$T/bad.conf" <<'EOF'
# comment line, then a good line
0000:00:04.0 bar=2 cache=wc mode=fsdax memmap=ram  # trailing comment
zz:yy
00:04.0 cache=uc
1af4:1110 mode=foo
1af4:1111 cache=wc cache=uc
1af4:1112 colour=red
1af4:1113 bar
1af4:1114 p2pdma=1000K
1af4:1115 mode=devdax p2pdma=1G
EOF
out=$("$CTL" apply-config --config "$T/bad.conf" 2>&1)
eq "apply-config: a bad file exits 1" 1 "$?"
eq "apply-config: one error per bad line, each naming file and line" \
"iopmemctl: $T/bad.conf:3: 'zz:yy' is neither a PCI address (DDDD:BB:SS.F) nor a vendor:device ID (1af4:1110)
iopmemctl: $T/bad.conf:4: 0000:00:04.0 is already configured on line 2; keep one line per device
iopmemctl: $T/bad.conf:5: 'foo' is not a mode; use mode=fsdax, mode=devdax, mode=p2pdma or mode=iopfs
iopmemctl: $T/bad.conf:6: cache is given twice; give it once
iopmemctl: $T/bad.conf:7: 'colour=...' is not an option; use bar=N, cache=wc|uc, mode=fsdax|devdax|p2pdma|iopfs, memmap=ram|dev or p2pdma=SIZE
iopmemctl: $T/bad.conf:8: bar needs a value: bar=...
iopmemctl: $T/bad.conf:9: '1000K' is not a size in whole 2 MiB units; use e.g. p2pdma=128M" "$out"
expect "apply-config: a missing file" 1 "^iopmemctl: cannot read $T/none.conf: No such file or directory$" \
	"$CTL" apply-config --config "$T/none.conf"
echo '00:09.0 mode=devdax' >"$T/good.conf"
expect "apply-config: a device the file does not list is left alone" 0 '^$' \
	"$CTL" apply-config --config "$T/good.conf" 00:0a.0
printf '00:09.0 mode=iopfs\n1af4:1116 mode=iopfs cache=uc p2pdma=128M\n' >"$T/iopfs.conf"
expect "apply-config: mode=iopfs is a mode (the file is checked whole)" 0 '^$' \
	"$CTL" apply-config --config "$T/iopfs.conf" 00:0a.0
expect "apply-config: not a PCI address" 1 "^iopmemctl: apply-config xx: not a PCI address" \
	"$CTL" apply-config --config "$T/good.conf" xx

# Every man page shows examples (the sources are next to the tests).
for f in "$(dirname "$0")"/../Documentation/*.rst; do
	expect "man page ${f##*/} has an EXAMPLES section" 0 '^EXAMPLES$' cat "$f"
done

for c in list bind unbind set stats check apply-config; do
	expect "$c --help" 0 "^usage: iopmemctl $c" "$CTL" "$c" --help
done

# check: a fake PCIe tree. Root bus 00: host bridge 00.0, root port 04.0
# with a switch (upstream 01:00.0, downstream 02:00.0 and 02:01.0) holding
# the BAR device 03:00.0 and an NVMe drive 04:00.0; an NVMe drive 00:05.0
# on the root bus; a second host bridge pci0000:80 with an NVMe 80:02.0.
# pci_dev PATH CLASS [VENDOR DEVICE] : a function at devices/PATH.
pci_dev() {
	d=$S/devices/$1
	a=${1##*/}
	mkdir -p "$d"
	echo "$2" >"$d/class"
	echo "${3:-0x1b36}" >"$d/vendor"
	echo "${4:-0x0001}" >"$d/device"
	ln -sfn "../../../devices/$1" "$S/bus/pci/devices/$a"
}
# acs_cfg PCI CTRL : 4 KiB config space with an ACS capability at 0x100
# whose control register is CTRL (a byte).
acs_cfg() {
	f=$S/bus/pci/devices/$1/config
	head -c 4096 /dev/zero >"$f"
	printf '\015\000\001\000\000\000'"$(printf '\\%03o' "$2")" |
		dd of="$f" bs=1 seek=256 conv=notrunc 2>/dev/null
}
R=pci0000:00/0000:00:04.0/0000:01:00.0
pci_dev pci0000:00/0000:00:00.0 0x060000 0x8086 0x29c0
pci_dev pci0000:00/0000:00:04.0 0x060400
pci_dev $R 0x060400 0x104c 0x8232
pci_dev $R/0000:02:00.0 0x060400 0x104c 0x8233
pci_dev $R/0000:02:01.0 0x060400 0x104c 0x8233
pci_dev $R/0000:02:00.0/0000:03:00.0 0x050000 0x1af4 0x1110
pci_dev $R/0000:02:01.0/0000:04:00.0 0x010802
pci_dev pci0000:00/0000:00:05.0 0x010802
pci_dev pci0000:80/0000:80:00.0 0x060000 0x8086 0x29c0
pci_dev pci0000:80/0000:80:02.0 0x010802
printf '%s\n' '0x00000000fe000000 0x00000000fe0000ff 0x0000000000040200' \
	'0x0000000000000000 0x0000000000000000 0x0000000000000000' \
	'0x0000000800000000 0x000000081fffffff 0x000000000014220c' \
	>"$S/bus/pci/devices/0000:03:00.0/resource"
for a in 0000:00:04.0 0000:01:00.0 0000:02:00.0 0000:03:00.0 0000:02:01.0 0000:04:00.0; do
	acs_cfg $a 0
done
chk="$CTL check 0000:03:00.0 --json"
J=$($chk --peer 04:00.0 --peer 0000:00:05.0 --peer 0000:80:02.0)
eq "check: switch peer works, naming the switch's upstream port" "works 0000:01:00.0" \
	"$(echo "$J" | jq -r '.[0].peers[0] | "\(.verdict) \(.common_upstream)"')"
eq "check: the path up to the host bridge" "pci0000:00 0000:02:00.0 0000:01:00.0 0000:00:04.0" \
	"$(echo "$J" | jq -r '.[0] | "\(.host_bridge) \(.upstream | join(" "))"')"
eq "check: ACS looked at as the kernel does (provider side with the common bridge, peer side below it)" \
	"0000:03:00.0 0000:02:00.0 0000:01:00.0 / 0000:04:00.0 0000:02:01.0" \
	"$(echo "$J" | jq -r '.[0].peers[0] | "\([.provider_path[].pci] | join(" ")) / \([.peer_path[].pci] | join(" "))"')"
eq "check: the BAR: index, size, prefetchable, 64-bit, above 4 GiB" "2 536870912 true true true" \
	"$(echo "$J" | jq -r '.[0].bar | "\(.index) \(.size) \(.prefetchable) \(."64bit") \(.above_4g)"')"
eq "check: root-bus peer refused: no common bridge, q35's host bridge not allowed" \
	"refused null" "$(echo "$J" | jq -r '.[0].peers[1] | "\(.verdict) \(.common_upstream)"')"
expect "... the reason names the host bridge's vendor:device" 0 '"reason": "no common upstream bridge: the traffic goes through the host bridge pci0000:00, and .* host bridge 8086:29c0' echo "$J"
eq "check: peer under another host bridge refused" "refused" "$(echo "$J" | jq -r '.[0].peers[2].verdict')"
eq "check: no IOMMU" "none none" "$(echo "$J" | jq -r '"\(.[0].iommu) \(.[0].peers[0].iommu)"')"
acs_cfg 0000:02:01.0 4
J=$($chk --peer 0000:04:00.0)
eq "check: ACS P2P request redirect on the peer's port: refused through the host bridge" "refused" "$(echo "$J" | jq -r '.[0].peers[0].verdict')"
eq "... the fix names the port" "boot with pci=disable_acs_redir=0000:02:01.0" \
	"$(echo "$J" | jq -r '.[0].peers[0].fix' | sed 's/ (.*//')"
acs_cfg 0000:02:01.0 0
acs_cfg 0000:01:00.0 32
eq "check: ACS egress control on the common bridge counts too" "refused 0000:01:00.0" \
	"$($chk --peer 0000:04:00.0 | jq -r '.[0].peers[0] | "\(.verdict) \([.provider_path[] | select(.acs_redirect) | .pci] | join(" "))"')"
acs_cfg 0000:01:00.0 0
acs_cfg 0000:00:04.0 4
eq "check: ACS on the root port above the switch does not matter" "works" "$($chk --peer 0000:04:00.0 | jq -r '.[0].peers[0].verdict')"
echo 0x2020 >"$S/bus/pci/devices/0000:00:00.0/device"
eq "check: a host bridge on the kernel's allow list" "works-through-root-complex" \
	"$($chk --peer 0000:00:05.0 | jq -r '.[0].peers[0].verdict')"
echo 0x29c0 >"$S/bus/pci/devices/0000:00:00.0/device"
printf 'processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n\n' >"$T/cpuinfo"
eq "check: an AMD Zen CPU lets the kernel route any host bridge" "works-through-root-complex" \
	"$(IOPMEMCTL_CPUINFO=$T/cpuinfo $chk --peer 0000:00:05.0 | jq -r '.[0].peers[0].verdict')"
printf 'processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 21\n\n' >"$T/cpuinfo"
eq "check: an older AMD CPU does not" "refused" \
	"$(IOPMEMCTL_CPUINFO=$T/cpuinfo $chk --peer 0000:00:05.0 | jq -r '.[0].peers[0].verdict')"
mkdir -p "$S/kernel/iommu_groups/3"
echo DMA-FQ >"$S/kernel/iommu_groups/3/type"
ln -sfn "$S/kernel/iommu_groups/3" "$S/bus/pci/devices/0000:04:00.0/iommu_group"
J=$($chk --peer 0000:04:00.0)
eq "check: an IOMMU group of type DMA-FQ is translated, with a note" "translated true" \
	"$(echo "$J" | jq -r '.[0].peers[0] | "\(.iommu) \(has("note"))"')"
echo identity >"$S/kernel/iommu_groups/3/type"
eq "check: identity is passthrough" "passthrough" "$($chk --peer 0000:04:00.0 | jq -r '.[0].peers[0].iommu')"
rm "$S/bus/pci/devices/0000:04:00.0/iommu_group"
eq "check without --peer: the NVMe drives" "0000:00:05.0 0000:04:00.0 0000:80:02.0" \
	"$($chk | jq -r '[.[0].peers[].pci] | join(" ")')"
expect "check: table line of a peer" 0 '^  peer 0000:04:00\.0: works: both are below 0000:01:00\.0' "$CTL" check 0000:03:00.0 --peer 0000:04:00.0
expect "check: a missing device" 1 "^iopmemctl: check 0000:00:1f.0: no such PCI device; 'lspci -D' lists them" "$CTL" check 0000:00:1f.0
expect "check: a bad peer address" 1 "^iopmemctl: check: --peer 1:2: not a PCI address" "$CTL" check 0000:03:00.0 --peer 1:2
eq "check iopmem0: the iopmem device's PCI address" 0000:00:04.0 "$("$CTL" check iopmem0 --json | jq -r '.[0].pci')"
eq "check /dev/iopmem0: the same device" 0000:00:04.0 "$("$CTL" check /dev/iopmem0 --json | jq -r '.[0].pci')"

# A VMD domain: the kernel numbers the buses behind a VMD endpoint from
# domain 0x10000, five hex digits ("10000:00:02.0").
fake_dev 20 10000:00:02.0 fsdax wc -1 pci0000:00/0000:00:0e.0/pci10000:00
J=$("$CTL" list --json iopmem20)
eq "VMD: list --json keeps the 5-digit domain" 10000:00:02.0 "$(echo "$J" | jq -r '.[0].pci')"
schema_check "VMD: the JSON matches the schema" "$J"
expect "VMD: the table's PCI column" 0 '^iopmem20 +10000:00:02\.0 ' "$CTL" list iopmem20
eq "VMD: check iopmem20: its host bridge is the VMD domain's" "10000:00:02.0 pci10000:00" \
	"$("$CTL" check iopmem20 --json | jq -r '.[0] | "\(.pci) \(.host_bridge)"')"
eq "VMD: check 10000:00:02.0 takes the address" 10000:00:02.0 "$("$CTL" check 10000:00:02.0 --json | jq -r '.[0].pci')"
expect "VMD: an 8-digit domain is the same device" 0 '"pci": "10000:00:02.0"' "$CTL" check 00010000:00:02.0 --json
echo '10000:00:02.0 mode=fsdax' >"$T/vmd.conf"
expect "VMD: apply-config takes the address (already bound: nothing to do)" 0 '^$' \
	"$CTL" apply-config --config "$T/vmd.conf" 10000:00:02.0

if [ "$(id -u)" = 0 ]; then
	expect "VMD: bind 10000:00:02.0 finds it bound, naming it" 1 "^iopmemctl: bind 10000:00:02.0: already bound to iopmem as iopmem20" "$CTL" bind 10000:00:02.0
	expect "set iopmem0 --cache uc writes the attribute" 0 'iopmem0 .* uc ' "$CTL" set iopmem0 --cache uc
	eq "... cache file" uc "$(cat "$S/class/iopmem/iopmem0/cache")"
	expect "set iopmem1 --mode fsdax --json prints the device" 0 '"mode": "fsdax"' "$CTL" set iopmem1 --mode fsdax --json
	expect "set iopmem10 --memmap ram writes the attribute" 0 'iopmem10 .* mem ' "$CTL" set iopmem10 --memmap ram
	eq "... memmap file" ram "$(cat "$S/class/iopmem/iopmem10/memmap")"
	m=$S/class/iopmem/iopmem0/mode
	touch -d 2000-01-01 "$m"
	expect "set --mode with the current mode" 0 'iopmem0 ' "$CTL" set iopmem0 --mode fsdax
	eq "... does not write it on an online device" "" "$(find -L "$m" -newermt 2001-01-01)"
	echo offline >"$S/class/iopmem/iopmem0/state"
	expect "set --mode on an offline device" 0 'iopmem0 ' "$CTL" set iopmem0 --mode fsdax
	eq "... writes it even though unchanged, to bring it back" "$m" "$(find -L "$m" -newermt 2001-01-01)"
	echo online >"$S/class/iopmem/iopmem0/state"
	expect "stats --reset iopmem0" 0 '^  flushes +0$' "$CTL" stats --reset iopmem0
	eq "... zeroed the counter file" 0 "$(cat "$S/class/iopmem/iopmem0/stats/flushes")"
	eq "... and left iopmem10's" 7 "$(cat "$S/class/iopmem/iopmem10/stats/flushes")"
	expect "bind: already bound names the device" 1 "^iopmemctl: bind 0000:00:04.0: already bound to iopmem as iopmem0; change it with 'iopmemctl set iopmem0'" "$CTL" bind 00:04.0
	expect "bind: other driver" 1 '^iopmemctl: bind 0000:00:07.0: bound to the driver other; unbind it first: echo 0000:00:07.0 > /sys/bus/pci/drivers/other/unbind' "$CTL" bind 0000:00:07.0
	expect "bind --mode p2pdma is a mode: the next check is the device" 1 "^iopmemctl: bind 0000:00:09.0: no such PCI device" "$CTL" bind 0000:00:09.0 --mode p2pdma
	expect "bind --mode iopfs is a mode: the next check is the device" 1 "^iopmemctl: bind 0000:00:09.0: no such PCI device" "$CTL" bind 0000:00:09.0 --mode iopfs
	expect "bind: no such PCI device" 1 "^iopmemctl: bind 0000:00:09.0: no such PCI device; 'lspci -D' lists them" "$CTL" bind 0000:00:09.0
	expect "unbind: not bound to iopmem" 1 '^iopmemctl: unbind 0000:00:07.0: not bound to iopmem \(driver: other\)' "$CTL" unbind 0000:00:07.0
	expect "unbind iopmem10" 0 '' "$CTL" unbind iopmem10
	eq "... wrote its PCI address to iopmem/unbind" 0000:00:06.0 "$(cat "$S/bus/pci/drivers/iopmem/unbind")"
	eq "... and cleared driver_override" "" "$(cat "$S/devices/pci0000:00/0000:00:06.0/driver_override")"
	if command -v setpriv >/dev/null 2>&1; then
		nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
		expect "unprivileged list works" 0 '^iopmem0 ' $nobody "$CTL" list
		expect "unprivileged set: the file's refusal, named, and the fix" 1 "^iopmemctl: set iopmem0: cannot write $S/class/iopmem/iopmem0/cache: Permission denied; run it as root \\(sudo\\)\$" $nobody "$CTL" set iopmem0 --cache wc
		eq "... the cache is unchanged" uc "$(cat "$S/class/iopmem/iopmem0/cache")"
		expect "unprivileged set to the current value: nothing to write, no error" 0 '^iopmem0 ' $nobody "$CTL" set iopmem0 --cache uc
		chmod 666 "$S/class/iopmem/iopmem0/cache"
		expect "unprivileged set of a file its mode lets the user write: no euid check in the way" 0 '^iopmem0 .* wc ' $nobody "$CTL" set iopmem0 --cache wc
		chmod 644 "$S/class/iopmem/iopmem0/cache"
		: >"$S/bus/pci/drivers/iopmem/bind_settings"
		expect "unprivileged bind: the kernel's refusal of bind_settings, named" 1 "^iopmemctl: bind 0000:00:00.0: cannot write $S/bus/pci/drivers/iopmem/bind_settings: Permission denied; run it as root \\(sudo\\)\$" $nobody "$CTL" bind 0000:00:00.0
		rm "$S/bus/pci/drivers/iopmem/bind_settings"
		expect "unprivileged stats --reset: the counter file's refusal, named" 1 "^iopmemctl: stats --reset iopmem0: cannot write $S/class/iopmem/iopmem0/stats/dax_calls: Permission denied; run it as root" $nobody "$CTL" stats --reset iopmem0
	fi
else
	echo "# not root: the commands that change things are tested in the VM only"
fi

echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
