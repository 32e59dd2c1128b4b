#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of mkfs.iopfs and fsck.iopfs (tests/fsck.sh): the helpers (test-format) and the command
# against temporary files; as root, also against a loop device.
# usage: tests/run.sh BUILD_DIR      (make check runs it)
# Prints one line per check and "N passed, N failed" last; exits 1 on a
# failure.

B=${1:?usage: tests/run.sh BUILD_DIR}
MKFS=$B/mkfs.iopfs
TF=$B/test-format
SRC=$(cd "$(dirname "$0")/.." && pwd)
pass=0
failn=0
MiB=1048576

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

# field IMG KEY : KEY's value in test-format's dump of IMG's superblock
field() { "$TF" dump "$1" | sed -n "s/^$2=//p"; }

# slot IMG N : how test-format sees log slot N of IMG start ("epoch SEQ", "zero", "bad")
slot() { "$TF" slots "$1" | sed -n "s/^slot$2=//p"; }

# put IMG OFFSET OCTAL... : those bytes at OFFSET, in place
put() {
	put_img=$1 put_off=$2
	shift 2
	# shellcheck disable=SC2059 # the format is the octal escape
	for b in "$@"; do printf "\\$b"; done |
		dd of="$put_img" bs=1 seek="$put_off" conv=notrunc status=none
}

# byte IMG OFFSET : the byte at OFFSET, in decimal
byte() { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }

# Unit tests of the helpers.
"$TF" >"$B/test-format.out" 2>&1
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) not_ok "${line#not ok - }" ;;
	esac
done <"$B/test-format.out"
rm -f "$B/test-format.out"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
img=$T/img

# A 64 MiB file: the default log is the least, 2 MiB.
truncate -s 64M "$img"
before=$(date +%s)
expect "mkfs of a 64 MiB file: exit 0 and a summary" 0 \
	'^log: +2 MiB at 2 MiB$' "$MKFS" "$img"
after=$(date +%s)
eq "summary: data extents" "data extents: 30 of 2 MiB at 4 MiB" "$(printf '%s\n' "$out" | grep '^data')"
eq "summary: the device and its size" "$img: iopfs, 67108864 bytes (64 MiB)" "$(printf '%s\n' "$out" | head -n 1)"
eq "superblock: magic, version, header_size" "IOPFS 1 96" \
	"$(field "$img" magic) $(field "$img" version) $(field "$img" header_size)"
eq "superblock: device_size, log_offset, log_size" "$((64 * MiB)) $((2 * MiB)) $((2 * MiB))" \
	"$(field "$img" device_size) $(field "$img" log_offset) $(field "$img" log_size)"
eq "superblock: data_offset, data_extents" "$((4 * MiB)) 30" \
	"$(field "$img" data_offset) $(field "$img" data_extents)"
eq "superblock: root directory 40755, uid 0, gid 0" "40755 0 0" \
	"$(field "$img" root_mode) $(field "$img" root_uid) $(field "$img" root_gid)"
t=$(field "$img" mkfs_time)
if [ "$t" -ge "$before" ] && [ "$t" -le "$after" ]; then ok "superblock: mkfs_time is now"; else not_ok "superblock: mkfs_time is now ($t not in $before..$after)"; fi
eq "superblock: checksum (a bit-at-a-time crc32c agrees)" ok "$(field "$img" checksum)"
eq "superblock: the rest of its 4 KiB is zero" zero "$(field "$img" padding)"
u=$(field "$img" uuid)
eq "summary: the superblock's uuid" "uuid:         $u" "$(printf '%s\n' "$out" | grep '^uuid')"
if printf '%s\n' "$u" | grep -Eq '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'; then
	ok "uuid: random, version 4"
else
	not_ok "uuid: random, version 4 (got $u)"
fi
eq "the file's size is unchanged" $((64 * MiB)) "$(stat -c %s "$img")"
eq "log slot 0 starts with an EPOCH record of seq 1, naming slot 0" "epoch 1" "$(slot "$img" 0)"
eq "log slot 1 (at 3 MiB) is zero" zero "$(slot "$img" 1)"

# Negative controls of the reader the checks above trust.
cp "$img" "$T/bad"
put "$T/bad" 20 001
eq "control: a changed byte of device_size fails the checksum" bad "$(field "$T/bad" checksum)"
cp "$img" "$T/bad"
put "$T/bad" 92 000
eq "control: a changed checksum byte fails it" bad "$(field "$T/bad" checksum)"
cp "$img" "$T/bad"
put "$T/bad" 4000 001
eq "control: a byte in the padding is seen" "not zero at 4000" "$(field "$T/bad" padding)"
cp "$img" "$T/bad"
put "$T/bad" $((2 * MiB + 8)) 002
eq "control: an EPOCH record of a changed seq fails its checksum" bad "$(slot "$T/bad" 0)"
cp "$img" "$T/bad"
put "$T/bad" $((3 * MiB + 60)) 001
eq "control: a byte in slot 1's first record is seen" bad "$(slot "$T/bad" 1)"

expect "again without --force: refused, naming the file system and the fix" 8 \
	"^mkfs.iopfs: $img: holds an iopfs file system; use --force to overwrite it" "$MKFS" "$img"
expect "again with --force and -U: exit 0" 0 '^uuid: +0123abcd-89ef-4567-89ab-cdef01234567$' \
	"$MKFS" --force -U 0123abcd-89ef-4567-89ab-cdef01234567 "$img"
eq "-U: the uuid in the superblock" 0123abcd-89ef-4567-89ab-cdef01234567 "$(field "$img" uuid)"
"$MKFS" -q -f "$img" >/dev/null 2>&1
u2=$(field "$img" uuid)
"$MKFS" -q -f "$img" >/dev/null 2>&1
if [ "$u2" != "$(field "$img" uuid)" ]; then ok "two runs, two random uuids"; else not_ok "two runs, two random uuids"; fi

# Old contents: signatures refused, [4 KiB, data_offset) zeroed, data kept.
truncate -s 0 "$img"
truncate -s 64M "$img"
put "$img" 0 130 106 123 102
expect "an XFS signature is refused" 8 "holds an xfs file system; use --force .*wipefs -a $img" "$MKFS" "$img"
truncate -s 0 "$img"
truncate -s 64M "$img"
put "$img" 1080 123 357
expect "an ext4 signature (0xEF53 at 1080) is refused" 8 "holds an ext2/ext3/ext4 file system" "$MKFS" "$img"
put "$img" $((1 * MiB)) 377
put "$img" $((2 * MiB)) 377
put "$img" $((2 * MiB + 64)) 377
put "$img" $((3 * MiB)) 377
put "$img" $((4 * MiB - 1)) 377
put "$img" $((4 * MiB)) 252
expect "-f over ext4: exit 0, quiet with -q" 0 '^$' "$MKFS" -f -q "$img"
eq "the ext4 magic is gone" 0 "$(byte "$img" 1080)"
eq "a byte at 1 MiB (before the log) is zeroed" 0 "$(byte "$img" $((1 * MiB)))"
eq "the log after slot 0's EPOCH record, slot 1's first and last bytes are zeroed" "0 0 0" \
	"$(byte "$img" $((2 * MiB + 64))) $(byte "$img" $((3 * MiB))) $(byte "$img" $((4 * MiB - 1)))"
eq "... and slot 0 starts with a new EPOCH record of seq 1" "epoch 1" "$(slot "$img" 0)"
eq "the data area is not written" 170 "$(byte "$img" $((4 * MiB)))"
eq "... and the superblock is valid" ok "$(field "$img" checksum)"

# Sizes and log sizes.
truncate -s 0 "$img"
truncate -s 8M "$img"
expect "8 MiB, the least: 2 extents" 0 '^data extents: 2 of 2 MiB at 4 MiB$' "$MKFS" "$img"
truncate -s $((8 * MiB - 1)) "$img"
expect "under 8 MiB: refused, saying the least" 8 \
	"^mkfs.iopfs: $img: 8388607 bytes is too small; iopfs needs at least 8 MiB$" "$MKFS" -f "$img"
truncate -s 8M "$img"
expect "-L 6M on 8 MiB: no extent left, refused with the fix" 8 \
	"a 6 MiB log leaves no 2 MiB extent for data in 8 MiB; give a smaller --log-size$" "$MKFS" -f -L 6M "$img"
expect "-L 4M on 8 MiB: 1 extent" 0 '^data extents: 1 of 2 MiB at 6 MiB$' "$MKFS" -f --log-size 4M "$img"
truncate -s $((9 * MiB + 5)) "$img"
"$MKFS" -q -f "$img"
eq "an odd size: device_size the size, whole extents" "$((9 * MiB + 5)) 2" \
	"$(field "$img" device_size) $(field "$img" data_extents)"
truncate -s 0 "$img"
truncate -s 1G "$img"
"$MKFS" -q "$img"
eq "1 GiB: the default log is 1/64, 16 MiB" "$((16 * MiB)) $((18 * MiB)) 503" \
	"$(field "$img" log_size) $(field "$img" data_offset) $(field "$img" data_extents)"
eq "1 GiB: slot 0 at 2 MiB starts with EPOCH seq 1, slot 1 at 10 MiB is zero" "epoch 1 zero" \
	"$(slot "$img" 0) $(slot "$img" 1)"
truncate -s 0 "$img"
truncate -s 8G "$img"
"$MKFS" -q "$img"
eq "8 GiB: the default log is at most 64 MiB" $((64 * MiB)) "$(field "$img" log_size)"
expect "-L 2048K is 2 MiB" 0 '^log: +2 MiB at 2 MiB$' "$MKFS" -f -L 2048K "$img"
expect "-L 3M: usage error 1, saying what is wanted" 1 \
	'^mkfs.iopfs: -L 3M: the log size must be a multiple of 2 MiB' "$MKFS" -f -L 3M "$img"
expect "-L 0: usage error" 1 '^mkfs.iopfs: -L 0: ' "$MKFS" -f -L 0 "$img"
expect "-L 2X: usage error" 1 '^mkfs.iopfs: -L 2X: ' "$MKFS" -f -L 2X "$img"
expect "-U not a UUID: usage error 1, showing the form" 1 \
	'^mkfs.iopfs: -U nope: not a UUID; write it as 01234567-89ab-cdef-0123-456789abcdef$' "$MKFS" -f -U nope "$img"

# Usage and operational errors.
expect "no device: usage, status 1" 1 '^usage: mkfs.iopfs ' "$MKFS"
expect "two devices: usage, status 1" 1 '^usage: mkfs.iopfs ' "$MKFS" "$img" "$img"
expect "an unknown option: usage, status 1" 1 '^usage: mkfs.iopfs ' "$MKFS" --bogus "$img"
expect "--help: usage on stdout, status 0" 0 '^  -L, --log-size SIZE' "$MKFS" --help
expect "--version prints VERSION" 0 "^mkfs.iopfs $(cat "$SRC/../../VERSION")\$" "$MKFS" --version
expect "a missing file: status 8, named" 8 "^mkfs.iopfs: $T/none: No such file or directory$" "$MKFS" "$T/none"
expect "a directory: refused" 8 "^mkfs.iopfs: $T: not a block device or a regular file$" "$MKFS" "$T"
expect "a character device: refused" 8 "^mkfs.iopfs: /dev/null: not a block device or a regular file$" "$MKFS" /dev/null
expect "summary to /dev/full: status 8, saying so" 8 '^mkfs.iopfs: cannot write the summary: No space left on device$' \
	sh -c "'$MKFS' -f '$img' >/dev/full"

# mkfs -t iopfs finds it through PATH (util-linux mkfs runs mkfs.TYPE).
if command -v mkfs >/dev/null 2>&1 && ! [ -e /sbin/mkfs.iopfs ] && ! [ -e /sbin/fs.d/mkfs.iopfs ]; then
	expect "mkfs -t iopfs runs mkfs.iopfs from PATH" 0 '^uuid: ' \
		env PATH="$B:$PATH" mkfs -t iopfs -f "$img"
else
	echo "# skip: mkfs -t iopfs (no mkfs, or a mkfs.iopfs installed in /sbin)"
fi

# install and uninstall, into a DESTDIR.
d=$T/dest
make -s -C "$SRC" O="$B" install DESTDIR="$d" PREFIX=/usr >"$T/make.log" 2>&1
eq "make install: sbin/mkfs.iopfs, mode 755" 755 "$(stat -c %a "$d/usr/sbin/mkfs.iopfs" 2>&1)"
if command -v rst2man >/dev/null 2>&1 || command -v rst2man.py >/dev/null 2>&1; then
	if [ -f "$d/usr/share/man/man8/mkfs.iopfs.8" ]; then ok "make install: the man page in man8"; else not_ok "make install: the man page in man8"; sed 's/^/#   /' "$T/make.log"; fi
fi
make -s -C "$SRC" O="$B" uninstall DESTDIR="$d" PREFIX=/usr >/dev/null 2>&1
eq "make uninstall: no file left" "" "$(find "$d" -type f)"

# A block device: its size from BLKGETSIZE64, refused while held.
if [ "$(id -u)" = 0 ] && command -v losetup >/dev/null 2>&1 &&
	truncate -s 0 "$img" && truncate -s 40M "$img" &&
	loop=$(losetup -f --show "$img" 2>/dev/null) && [ -b "$loop" ]; then
	expect "a loop device: exit 0" 0 '^data extents: 18 of 2 MiB at 4 MiB$' "$MKFS" "$loop"
	eq "... its size from BLKGETSIZE64" $((40 * MiB)) "$(field "$img" device_size)"
	eq "... the superblock reached the file under it" ok "$(field "$img" checksum)"
	expect "a device held open O_EXCL (mounted): refused, naming the fix" 8 \
		"^mkfs.iopfs: $loop: in use \\(mounted, or held by md, dm or swap\\); unmount it or stop its user first\$" \
		"$TF" hold "$loop" "$MKFS" -f "$loop"
	expect "control: the holder without O_EXCL on the device lets it through" 0 '^uuid: ' \
		sh -c "exec 3<'$loop'; '$MKFS' -f '$loop'"
	losetup -d "$loop"
else
	echo "# skip: block device tests (need root and a free loop device)"
fi

# fsck.iopfs
. "$SRC/tests/fsck.sh"

echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
