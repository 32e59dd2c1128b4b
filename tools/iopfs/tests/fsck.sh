# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Tests of fsck.iopfs, sourced by tests/run.sh (its helpers: ok, not_ok,
# expect, eq, put; B, T, SRC, MKFS, MiB).  Images are made by mkfs.iopfs on
# temporary files, their logs written by mklog (tests/mklog.c) record by
# record: every rule of the kernel's replay has an image that breaks it,
# refused with the record's number and the kernel's reason, and a control
# that differs from it in the one record and is clean.

FSCK=$B/fsck.iopfs
ML=$B/mklog
F=$T/fsck
mkdir -p "$F"

sum() { cksum <"$1"; }

# A 64 MiB image: 30 data extents, a 2 MiB log.
truncate -s 64M "$F/empty"
"$MKFS" -q "$F/empty"

expect "fsck: an empty file system is clean, exit 0" 0 '^'"$F"'/empty: clean$' "$FSCK" "$F/empty"
eq "fsck: ... slot 0 from EPOCH seq 1, no record after it, the rest of the slot free" \
	"$F/empty: log: slot 0, EPOCH seq 1: 0 records, 64 bytes used, 1048512 free" \
	"$(printf '%s\n' "$out" | grep ': log:')"
eq "fsck: ... the root directory only" "$F/empty: inodes: 1 (directories 1, regular files 0), names: 0" \
	"$(printf '%s\n' "$out" | grep ': inodes:')"
expect "fsck -v: the superblock's areas" 0 'log 2 MiB at 2 MiB \(2 slots of 1 MiB\), 30 data extents of 2 MiB at 4 MiB$' \
	"$FSCK" -v "$F/empty"
expect "fsck -y on a clean file system: exit 0" 0 ': clean$' "$FSCK" -y "$F/empty"
expect "fsck -p, -a, -f: exit 0" 0 ': clean$' "$FSCK" -p -f "$F/empty"

# Every record type, replayed to known counts.
cp "$F/empty" "$F/full"
"$ML" "$F/full" "create 2 1 40755 d" "create 3 2 100644 f" "link 3 1 g" \
	"extent 3 0 0 3" "setattr 3 8 0 6291456" "unlink 2 f" "rename 1 g 2 h" \
	"create 4 1 100644 x" "extent 4 0 5 2" "unlink 1 x" "setattr 3 137 4755 2097152" \
	"create 5 2 40700 sub" "rename 2 sub 1 top" "create 6 5 100600 y" "link 6 1 y2" \
	"rename 1 y2 5 y" "extent 6 7 9 1" "create 7 1 40755 empty" "unlink 1 empty" \
	"create 8 1 100644 z" "extent 8 0 5 1" >/dev/null
expect "fsck: a log of every record type replays cleanly" 0 ': clean$' "$FSCK" -n "$F/full"
eq "fsck: ... 21 records, 1984 bytes with the EPOCH record" \
	"$F/full: log: slot 0, EPOCH seq 1: 21 records, 1984 bytes used, 1046592 free" \
	"$(printf '%s\n' "$out" | grep ': log:')"
eq "fsck: ... inodes after links, unlinks and renames" \
	"$F/full: inodes: 6 (directories 3, regular files 3), names: 5" \
	"$(printf '%s\n' "$out" | grep ': inodes:')"
eq "fsck: ... extents in use, freed by unlink and by truncation" \
	"$F/full: extents: 3 of 30 in use; freed by unlink 2, by truncation 2, by punched holes 0" \
	"$(printf '%s\n' "$out" | grep ': extents:')"
s=$(sum "$F/full")
"$FSCK" -y "$F/full" >/dev/null 2>&1
eq "fsck -y: a clean image is not written" "$s" "$(sum "$F/full")"

# Punched holes: extents 1 and 2 of a 4-extent file leave it, the
# others stay; a hole where nothing is mapped changes nothing; the freed
# extents can go to another file.
cp "$F/empty" "$F/punch"
"$ML" "$F/punch" "create 2 1 100644 f" "extent 2 0 0 4" "punch 2 1 2" "punch 2 9 100" \
	"create 3 1 100644 g" "extent 3 0 1 1" >/dev/null
expect "fsck: a log with punched holes replays cleanly" 0 ': clean$' "$FSCK" -n "$F/punch"
eq "fsck: ... 2 extents punched out, one of them given to another file" \
	"$F/punch: extents: 3 of 30 in use; freed by unlink 0, by truncation 0, by punched holes 2" \
	"$(printf '%s\n' "$out" | grep ': extents:')"
cp "$F/empty" "$F/punch"
"$ML" "$F/punch" "create 2 1 100644 f" "extent 2 0 0 4" "punch 2 1 1" \
	"create 3 1 100644 g" "extent 3 0 2 1" >/dev/null
expect "fsck: an extent the hole left in the file is not given to another" 4 \
	'log record 6 \(slot 0, byte [0-9]+\) gives an extent that is in use$' "$FSCK" -n "$F/punch"

# A thousand names: the replay's hash tables grow.
cp "$F/empty" "$F/many"
i=2
set --
while [ $i -le 3001 ]; do set -- "$@" "create $i 1 100644 n$i"; i=$((i + 1)); done
"$ML" "$F/many" "$@" "create 3002 1 100644 n2000" >/dev/null
set --
expect "fsck: 3000 names, then one again: record 3002 (the seq after the EPOCH's 1) refused" 4 \
	'^'"$F"'/many: log record 3002 \(slot 0, byte 384064\) creates a name that exists$' \
	"$FSCK" -n "$F/many"

# The log the invalid records follow: slot 0's EPOCH record (seq 1, 64
# bytes), then records 2-6, 576 bytes (a create takes 128, an extent 64).
cp "$F/empty" "$F/base"
"$ML" "$F/base" "create 2 1 40755 d" "create 3 1 100644 f" "extent 3 0 4 1" \
	"create 4 2 40755 e" "create 5 1 100644 g" >/dev/null

# bad WHAT REASON RECORD CONTROL : RECORD after the base log, then two
# records that would fit, is refused as record 7 for REASON; -y drops the
# three; CONTROL in its place is clean.
bad() {
	what=$1 reason=$2 rec=$3 control=$4
	cp "$F/base" "$F/bad"
	at=$("$ML" "$F/bad" "$rec" "create 10 1 100644 after1" "create 11 1 100644 after2" | head -n 1)
	s=$(sum "$F/bad")
	expect "fsck -n, $what: exit 4, record 7 at its byte of slot 0, the kernel's reason" 4 \
		"^$F/bad: log record 7 \\(slot 0, byte $at\\) $reason\$" "$FSCK" -n "$F/bad"
	eq "fsck -n, $what: not written" "$s" "$(sum "$F/bad")"
	expect "fsck, $what: says what -y would do, exit 4" 4 \
		'would end the log before record 7, dropping 3 records \(7 to 9\)' "$FSCK" "$F/bad"
	eq "fsck, $what: not written" "$s" "$(sum "$F/bad")"
	expect "fsck -y, $what: exit 1, 3 records dropped" 1 \
		"ended the log before record 7: dropped 3 records \\(7 to 9\\), zeroed bytes $at to [0-9]+ of slot 0\$" \
		"$FSCK" -y "$F/bad"
	expect "fsck -p after -y, $what: clean, the 5 records before it kept" 0 \
		"^$F/bad: log: slot 0, EPOCH seq 1: 5 records, $at bytes used" "$FSCK" -p "$F/bad"
	cp "$F/base" "$F/control"
	"$ML" "$F/control" "$control" "create 10 1 100644 after1" "create 11 1 100644 after2" >/dev/null
	expect "fsck -n, control of $what: clean, 8 records" 0 \
		"^$F/control: log: slot 0, EPOCH seq 1: 8 records" "$FSCK" -n "$F/control"
}

bad "an extent of one file given to another" "gives an extent that is in use" \
	"extent 5 0 4 1" "extent 5 0 6 1"
bad "an extent twice in one file" "maps a file offset twice" "extent 3 0 7 1" "extent 3 1 7 1"
bad "an extent outside the data area" "holds an extent outside the data area" \
	"extent 5 0 30 1" "extent 5 0 29 1"
bad "extents running past the data area" "holds an extent outside the data area" \
	"extent 5 0 29 2" "extent 5 0 28 2"
bad "an extent for a directory" "gives an extent to something that is not a regular file" \
	"extent 2 0 6 1" "extent 5 0 6 1"
bad "a hole in a directory" "punches a hole in something that is not a regular file" \
	"punch 2 0 1" "punch 3 0 1"
bad "a hole in an inode that does not exist" \
	"punches a hole in something that is not a regular file" "punch 9 0 1" "punch 5 0 1"
bad "a hole of no extents" "punches a hole outside any file" "punch 3 0 0" "punch 3 0 1"
bad "a hole past the largest file" "punches a hole outside any file" \
	"punch 3 4398046511102 2" "punch 3 4398046511102 1"
bad "a hole record of a wrong length" "has a wrong length" "raw 8 16" "punch 3 0 1"
bad "a create of an existing name" "creates a name that exists" \
	"create 6 1 100644 f" "create 6 1 100644 f2"
bad "a create of an inode number in use" "creates an inode number in use" \
	"create 5 1 100644 h" "create 6 1 100644 h"
bad "a create under a file" "names a parent that is not a directory" \
	"create 6 3 100644 h" "create 6 2 100644 h"
bad "a create under no inode" "names an inode that does not exist" \
	"create 6 99 100644 h" "create 6 4 100644 h"
bad "a create of a device node" "creates an inode of an unknown type" \
	"create 6 1 20644 h" "create 6 1 100644 h"
bad "a name with '/'" "holds an invalid name" "create 6 1 100644 a/b" "create 6 1 100644 ab"
bad "the name '..'" "holds an invalid name" "create 6 1 40755 .." "create 6 1 40755 ..."
bad "an unlink of a missing name" "removes a name that does not exist" "unlink 1 nosuch" "unlink 1 f"
bad "an rmdir of a directory with a name in it" "removes a directory that is not empty" \
	"unlink 1 d" "unlink 2 e"
bad "a link to a directory" "links something that is not a regular file" "link 4 1 e2" "link 3 1 f2"
bad "a directory moved below itself" "moves a directory below itself" \
	"rename 1 d 4 d" "rename 1 d 1 dd"
bad "a rename of a missing name" "renames a name that does not exist" \
	"rename 1 nosuch 2 x" "rename 1 g 2 x"
bad "a rename of a file over a directory" "replaces a directory by a file or back" \
	"rename 1 g 1 d" "rename 1 g 1 f"
bad "a rename to a name with '/'" "holds an invalid name" "rename 1 g 2 a/b" "rename 1 g 2 ab"
bad "a setattr of unknown attributes" "has a wrong length or unknown attributes" \
	"setattr 3 256 0 0" "setattr 3 64 0 0"
bad "a setattr of the size of a directory" "sets the size of a directory, or a size too large" \
	"setattr 2 8 0 0" "setattr 3 8 0 0"
bad "a setattr of no inode" "names an inode that does not exist" "setattr 99 1 644 0" "setattr 5 1 644 0"
bad "an unknown type" "has an unknown type" "raw 99 40" "setattr 5 0 0 0"
bad "an EPOCH record after the slot's start" "has an unknown type" "epoch" "setattr 5 0 0 0"
bad "a record shorter than its type's fixed part" "is shorter than its type's fixed part" \
	"raw 1 8" "create 6 1 100644 h"
bad "a setattr of a wrong length" "has a wrong length or unknown attributes" "raw 5 8" "setattr 5 0 0 0"

# A record torn by a power loss: the end of the log, not an error.
cp "$F/base" "$F/torn"
"$ML" "$F/torn" "torn create 6 1 100644 a-name-long-enough-to-take-two-slots-of-sixty-four" >/dev/null
s=$(sum "$F/torn")
expect "fsck -n, a torn last record: the end of the log, exit 0" 0 \
	"^$F/torn: log: slot 0, EPOCH seq 1: 5 records, 640 bytes used" "$FSCK" -n "$F/torn"
if printf '%s\n' "$out" | grep -q 'torn record'; then not_ok "fsck -n: the torn record is mentioned only with -v"; else ok "fsck -n: the torn record is mentioned only with -v"; fi
expect "fsck -n -v: a torn record after the end of the log, harmless" 0 \
	"^$F/torn: a torn record or older records after the end of the log, harmless: bytes 640 to 753 of slot 0 are not zero" \
	"$FSCK" -n -v "$F/torn"
eq "fsck -n on a torn record: not written" "$s" "$(sum "$F/torn")"
expect "fsck -y: zeroes the torn record, exit 1" 1 \
	"zeroed a torn record or older records after the end of the log \\(bytes 640 to 753 of slot 0\\)" "$FSCK" -y "$F/torn"
expect "fsck -v after -y: clean, nothing torn" 0 ': clean$' "$FSCK" -v "$F/torn"
if printf '%s\n' "$out" | grep -q 'torn record'; then not_ok "fsck -v after -y: no torn record left"; else ok "fsck -v after -y: no torn record left"; fi
eq "fsck -y: the base log is untouched" "$(cmp "$F/base" "$F/torn" && echo same)" same

# The two slots of the log area.  mklog -c compacts as the kernel does:
# the state again, in the slot that is not the log, after an EPOCH record
# of the next seq; the rest of that slot stays as it was.

# slotsum IMG N : cksum of slot N of a 64 MiB image's 2 MiB log at 2 MiB
slotsum() { dd if="$1" bs=64K skip=$((32 + $2 * 16)) count=16 status=none | cksum; }

# base's state, and one more file, compacted into slot 1 after seq 6.
cp "$F/base" "$F/c1"
"$ML" -c "$F/c1" "create 2 1 40755 d" "create 3 1 100644 f" "extent 3 0 4 1" \
	"create 4 2 40755 e" "create 5 1 100644 g" "create 6 1 100644 new" >/dev/null
cp "$F/c1" "$F/compacted"
expect "fsck after a compaction: slot 1, from its EPOCH seq 7, is the log" 0 \
	"^$F/c1: log: slot 1, EPOCH seq 7: 6 records, 768 bytes used, 1047808 free\$" "$FSCK" -n "$F/c1"
eq "fsck after a compaction: ... what slot 1 built, not slot 0" \
	"$F/c1: inodes: 6 (directories 3, regular files 3), names: 5" \
	"$(printf '%s\n' "$out" | grep ': inodes:')"
expect "fsck -v after a compaction: slot 0 is the log before it" 0 \
	"^$F/c1: slot 0: EPOCH seq 1, the log before the last compaction, not read\$" "$FSCK" -n -v "$F/c1"
at=$("$ML" "$F/c1" "unlink 1 nosuch" "create 9 1 100644 z" | head -n 1)
eq "mklog appends after slot 1's last record" 768 "$at"
s0=$(slotsum "$F/c1" 0)
expect "fsck, a bad record in slot 1: its seq, slot 1 and its byte there" 4 \
	"^$F/c1: log record 14 \\(slot 1, byte 768\\) removes a name that does not exist\$" "$FSCK" "$F/c1"
expect "fsck -y, a bad record in slot 1: zeroes it there, exit 1" 1 \
	"dropped 2 records \\(14 to 15\\), zeroed bytes 768 to [0-9]+ of slot 1\$" "$FSCK" -y "$F/c1"
eq "fsck -y, a bad record in slot 1: slot 0 not written" "$s0" "$(slotsum "$F/c1" 0)"
expect "fsck -p after -y: clean, slot 1's EPOCH record and 6 records kept" 0 \
	"^$F/c1: log: slot 1, EPOCH seq 7: 6 records, 768 bytes used" "$FSCK" -p "$F/c1"

# Compacted back into slot 0 (after seq 13, the repair dropped 14 and 15),
# shorter than its old log: the records of epoch 1 after the new last one
# have lower seqs and end the log.
"$ML" -c "$F/c1" "create 2 1 40755 d" >/dev/null
cp "$F/c1" "$F/stale"
s1=$(slotsum "$F/stale" 1)
expect "fsck, slot 0 from seq 14 over epoch 1's records: 1 record, the older ones end it" 0 \
	"^$F/stale: log: slot 0, EPOCH seq 14: 1 records, 192 bytes used" "$FSCK" -n "$F/stale"
eq "fsck, ... what the one record built" "$F/stale: inodes: 2 (directories 2, regular files 0), names: 1" \
	"$(printf '%s\n' "$out" | grep ': inodes:')"
expect "fsck -v: the older records after the end, harmless; slot 1 the log before" 0 \
	"^$F/stale: a torn record or older records after the end of the log, harmless: bytes 192 to [0-9]+ of slot 0 are not zero" \
	"$FSCK" -n -v "$F/stale"
if printf '%s\n' "$out" | grep -q "^$F/stale: slot 1: EPOCH seq 7, the log before the last compaction"; then ok "fsck -v: ... slot 1, EPOCH seq 7, the log before"; else not_ok "fsck -v: ... slot 1, EPOCH seq 7, the log before"; fi
expect "fsck -y: zeroes the older records, exit 1" 1 \
	"zeroed a torn record or older records after the end of the log \\(bytes 192 to [0-9]+ of slot 0\\)" \
	"$FSCK" -y "$F/c1"
eq "fsck -y: ... slot 1 not written" "$s1" "$(slotsum "$F/c1" 1)"
expect "fsck -v after -y: clean, nothing after the end" 0 ': clean$' "$FSCK" -v "$F/c1"
if printf '%s\n' "$out" | grep -q 'after the end of the log'; then not_ok "fsck -v after -y: nothing left after the end"; else ok "fsck -v after -y: nothing left after the end"; fi

# A slot 1 whose EPOCH record is not valid, with a higher seq than slot
# 0's: a compaction that did not finish.  Slot 0 stays the log, clean, and
# a repair leaves slot 1 as it is.
# slot1 WHAT REASON RECORD... : slot 1 written as RECORD...
slot1() {
	what=$1 reason=$2
	shift 2
	cp "$F/base" "$F/slot1"
	"$ML" -s 1 "$F/slot1" "$@" "create 6 1 100644 h" >/dev/null
	s=$(sum "$F/slot1")
	expect "fsck, slot 1 $what: slot 0 is the log, clean" 0 \
		"^$F/slot1: log: slot 0, EPOCH seq 1: 5 records, 640 bytes used" "$FSCK" -n "$F/slot1"
	if printf '%s\n' "$out" | grep -q 'slot 1'; then not_ok "fsck, slot 1 $what: mentioned only with -v"; else ok "fsck, slot 1 $what: mentioned only with -v"; fi
	expect "fsck -v, slot 1 $what: says why, harmless" 0 \
		"^$F/slot1: slot 1 $reason: not in use \\(never used, or a compaction that did not finish\\), harmless\$" \
		"$FSCK" -v "$F/slot1"
	expect "fsck -y, slot 1 $what: exit 0" 0 ': clean$' "$FSCK" -y "$F/slot1"
	eq "fsck -y, slot 1 $what: not written" "$s" "$(sum "$F/slot1")"
}
slot1 "torn at its EPOCH record" "starts with a record whose checksum is wrong" "torn epoch 20"
slot1 "with an EPOCH record naming slot 0" "starts with an EPOCH record that names the other slot" "epoch 20 0"
slot1 "with an EPOCH record of seq 0" "starts with an EPOCH record of seq 0" "epoch 0"
slot1 "with an EPOCH record of a wrong length" "starts with an EPOCH record of a wrong length" "raw 7 24"
slot1 "starting with a create" "starts with a record that is not an EPOCH record" "create 7 1 100644 i"
cp "$F/base" "$F/slot1ok"
"$ML" -s 1 "$F/slot1ok" "epoch 20" "create 6 1 100644 h" >/dev/null
expect "control: slot 1 with a valid EPOCH record of seq 20 is the log" 0 \
	"^$F/slot1ok: log: slot 1, EPOCH seq 20: 1 records, 192 bytes used" "$FSCK" -n "$F/slot1ok"

# Neither slot valid, or both with one seq: not repairable.
cp "$F/empty" "$F/noslot"
put "$F/noslot" $((2 * MiB + 8)) 002
s=$(sum "$F/noslot")
expect "fsck -n, slot 0's EPOCH record torn, slot 1 zero: exit 4, no valid log slot" 4 \
	"^$F/noslot: no valid log slot: slot 0 starts with a record whose checksum is wrong, slot 1 is zero: the kernel refuses to mount it\$" \
	"$FSCK" -n "$F/noslot"
expect "fsck -y, no valid log slot: exit 4, mkfs.iopfs the fix" 4 \
	"^$F/noslot: the log cannot be repaired .*; mkfs.iopfs $F/noslot makes a new file system" \
	"$FSCK" -y "$F/noslot"
if printf '%s\n' "$out" | grep -q "^$F/noslot: errors left\$"; then ok "fsck -y, no valid log slot: errors left, no -y offered"; else not_ok "fsck -y, no valid log slot: errors left, no -y offered"; printf '%s\n' "$out" | sed 's/^/#   /'; fi
eq "fsck -y, no valid log slot: not written" "$s" "$(sum "$F/noslot")"
"$ML" -s 1 "$F/noslot" "epoch 5" >/dev/null
expect "control: the same with a valid slot 1: clean, slot 1 the log" 0 \
	"^$F/noslot: log: slot 1, EPOCH seq 5: 0 records, 64 bytes used" "$FSCK" -n "$F/noslot"
cp "$F/base" "$F/same"
"$ML" -s 1 "$F/same" "epoch 1" >/dev/null
s=$(sum "$F/same")
expect "fsck -n, both slots from EPOCH seq 1: exit 4" 4 \
	"^$F/same: both log slots start at seq 1: the kernel refuses to mount it\$" "$FSCK" -n "$F/same"
expect "fsck -y, both slots from one seq: exit 4, mkfs.iopfs the fix" 4 \
	"mkfs.iopfs $F/same makes a new file system" "$FSCK" -y "$F/same"
eq "fsck -y, both slots from one seq: not written" "$s" "$(sum "$F/same")"
cp "$F/base" "$F/same"
"$ML" -s 1 "$F/same" "epoch 2" >/dev/null
expect "control: slot 1 from seq 2, over slot 0's 1, is the log" 0 \
	"^$F/same: log: slot 1, EPOCH seq 2: 0 records" "$FSCK" -n "$F/same"

# Records past the slot's end are not read, though the log area goes on.
# A create, then link and unlink records of 64 bytes to 64 bytes before
# slot 0's end, then (mklog -x) a create of 128 across it.
cp "$F/empty" "$F/big"
"$ML" "$F/big" "create 3 1 100644 f" >/dev/null
awk 'BEGIN { for (i = 0; i < 8190; i++) { print "link 3 1 l" i; print "unlink 1 l" i } }' |
	"$ML" "$F/big" - | tail -n 1 >"$F/big.at"
eq "mklog: 16380 records of 64 bytes after the create" $((MiB - 128)) "$(cat "$F/big.at")"
eq "mklog refuses a record past the slot's end without -x" 2 \
	"$("$ML" "$F/big" "create 4 1 100644 x" >/dev/null 2>&1; echo $?)"
"$ML" -x "$F/big" "create 4 1 100644 x" >/dev/null
expect "fsck, a record across slot 0's end: the log ends before it" 0 \
	"^$F/big: log: slot 0, EPOCH seq 1: 16381 records, 1048512 bytes used, 64 free\$" "$FSCK" -n "$F/big"
cp "$F/big" "$F/bigy"
s1=$(slotsum "$F/bigy" 1)
expect "fsck -y, a record across slot 0's end: its part in slot 0 zeroed" 1 \
	"\\(bytes 1048512 to 1048556 of slot 0\\)" "$FSCK" -y "$F/bigy"
eq "fsck -y, a record across slot 0's end: slot 1 (its name byte) not written" "$s1" "$(slotsum "$F/bigy" 1)"
cp "$F/empty" "$F/full0"
"$ML" "$F/full0" "create 3 1 100644 f" >/dev/null
awk 'BEGIN { for (i = 0; i < 8190; i++) { print "link 3 1 l" i; print "unlink 1 l" i }; print "link 3 1 last" }' |
	"$ML" "$F/full0" - >/dev/null
"$ML" -x "$F/full0" "create 4 1 100644 x" >/dev/null
expect "fsck, slot 0 full to its end, the next seq at slot 1's start: not read" 0 \
	"^$F/full0: log: slot 0, EPOCH seq 1: 16382 records, 1048576 bytes used, 0 free\$" "$FSCK" -n "$F/full0"

# The superblock: never written, whatever the flags.
cp "$F/empty" "$F/sb"
put "$F/sb" 20 001
s=$(sum "$F/sb")
expect "fsck -n, a superblock checksum wrong: exit 4, says it cannot be repaired" 4 \
	'superblock checksum wrong: the kernel refuses to mount it' "$FSCK" -n "$F/sb"
expect "fsck -y, a superblock checksum wrong: exit 4, names mkfs.iopfs" 4 \
	"cannot be repaired .*mkfs.iopfs $F/sb makes a new file system" "$FSCK" -y "$F/sb"
eq "fsck -y, a superblock checksum wrong: not written" "$s" "$(sum "$F/sb")"
cp "$F/empty" "$F/sb"
truncate -s 66M "$F/sb"
expect "fsck -y, a device larger than the file system: exit 4" 4 \
	"is 69206016 bytes, the file system was made for 67108864: the kernel refuses" "$FSCK" -y "$F/sb"
truncate -s 64M "$F/sb"
put "$F/sb" 0 000
expect "fsck, no iopfs magic: exit 8" 8 "^fsck.iopfs: $F/sb: has no iopfs superblock" "$FSCK" -y "$F/sb"
truncate -s 100 "$F/sb"
expect "fsck, a 100-byte file: exit 8" 8 "too small to hold an iopfs" "$FSCK" "$F/sb"

# Negative controls: a replay that lost a rule passes the images above
# that break it, so these tests would catch it.  (Not "desc": expect
# sets that.)  The rule is taken out of
# a copy of the sources; a sed that no longer matches fails here.
# mutant WHAT SED IMG [RC REGEX] : the mutant's fsck -n of IMG exits RC
# (0) with output matching REGEX (": clean$"), which the real one's does
# not.
mutant() {
	what=$1 expr=$2 img=$3 m_rc=${4:-0} m_re=${5:-': clean$'}
	m=$T/mutant
	rm -rf "$m"
	mkdir -p "$m/tools/iopfs" "$m/include/uapi/linux"
	cp "$SRC"/*.[ch] "$SRC/Makefile" "$m/tools/iopfs/"
	cp "$SRC/../../include/uapi/linux/iopfs.h" "$m/include/uapi/linux/"
	cp "$SRC/../../VERSION" "$m/"
	sed -i "$expr" "$m/tools/iopfs/replay.c"
	if cmp -s "$SRC/replay.c" "$m/tools/iopfs/replay.c"; then
		not_ok "control: $what (the sed no longer matches replay.c)"
		return
	fi
	if ! make -s -C "$m/tools/iopfs" O="$m/b" "$m/b/fsck.iopfs" >"$m/log" 2>&1; then
		not_ok "control: $what (the mutant does not build)"
		sed 's/^/#   /' "$m/log"
		return
	fi
	expect "control: $what, it reads the image otherwise" "$m_rc" "$m_re" "$m/b/fsck.iopfs" -n "$img"
}
cp "$F/base" "$F/bad"
"$ML" "$F/bad" "create 6 1 100644 h" "extent 6 0 4 1" >/dev/null
mutant "a replay without the extent-in-use rule" \
	's/if (used_test(rp, phys + i)) {/if (0 \&\& used_test(rp, phys + i)) {/' "$F/bad"
cp "$F/base" "$F/bad"
"$ML" "$F/bad" "rename 1 d 4 d" >/dev/null
mutant "a replay without the below-itself rule" 's/if (up == n) {/if (0 \&\& up == n) {/' "$F/bad"
mutant "a pick of slot 0 whatever the seqs" 's/return ls->seq\[1\] > ls->seq\[0\] ? 1 : 0;/return 0;/' \
	"$F/compacted" 0 ': log: slot 0, EPOCH seq 1: 5 records'
cp "$F/base" "$F/slot1"
"$ML" -s 1 "$F/slot1" "torn epoch 20" >/dev/null
mutant "a pick that takes a torn EPOCH record" \
	's/if (!log_record_at(slot, slot_size, 0, le64toh(hdr.seq)))/if (0 \&\& !log_record_at(slot, slot_size, 0, le64toh(hdr.seq)))/' \
	"$F/slot1" 0 ': log: slot 1, EPOCH seq 20: '
cp "$F/base" "$F/slot1"
"$ML" -s 1 "$F/slot1" "epoch 20 0" >/dev/null
mutant "a pick that takes an EPOCH record naming the other slot" \
	's/if (le32toh(e.slot) != index)/if (0 \&\& le32toh(e.slot) != index)/' "$F/slot1" 0 ': log: slot 1, EPOCH seq 20: '
mutant "a replay that reads past the slot's end" \
	's/rc = rp_run(&rp, slot, slot_size, base);/rc = rp_run(\&rp, slot, 2 * slot_size, base);/' \
	"$F/big" 0 ': 16382 records'
mutant "a replay that does not check seqs" 's/if (le64toh(hdr.seq) != seq || /if ((0 \&\& le64toh(hdr.seq) != seq) || /' \
	"$F/stale" 0 ': log: slot 0, EPOCH seq 14: 5 records, 640 bytes used'

# Usage and operational errors.
expect "fsck: -n with -y: usage error 16" 16 '^fsck.iopfs: -n and -y, -p or -a: give only one$' \
	"$FSCK" -n -y "$F/empty"
expect "fsck: no device: usage, 16" 16 '^usage: fsck.iopfs ' "$FSCK"
expect "fsck: an unknown option: usage, 16" 16 '^usage: fsck.iopfs ' "$FSCK" -Z "$F/empty"
expect "fsck --help: exit 0, the exit codes" 0 '^Exit status: 0 clean, 1 repaired' "$FSCK" --help
expect "fsck -V prints VERSION" 0 "^fsck.iopfs $(cat "$SRC/../../VERSION")\$" "$FSCK" -V
expect "fsck -C 0 (from fsck(8)): accepted" 0 ': clean$' "$FSCK" -C 0 -a "$F/empty"
expect "fsck: a missing file: exit 8, named" 8 "^fsck.iopfs: $F/none: No such file or directory$" \
	"$FSCK" "$F/none"
expect "fsck: a directory: exit 8" 8 "^fsck.iopfs: $F: not a block device or a regular file$" "$FSCK" "$F"
expect "fsck: the report to /dev/full: exit 8" 8 '^fsck.iopfs: cannot write the report' \
	sh -c "'$FSCK' '$F/empty' >/dev/full"

# fsck -t iopfs finds it through PATH (util-linux fsck runs fsck.TYPE).
if command -v fsck >/dev/null 2>&1 && ! [ -e /sbin/fsck.iopfs ] && ! [ -e /sbin/fs.d/fsck.iopfs ]; then
	expect "fsck -t iopfs runs fsck.iopfs from PATH, its exit code" 4 'log record 7' \
		env PATH="$B:$PATH" fsck -t iopfs -n "$F/bad"
	expect "fsck -t iopfs -a: exit 0 on a clean image" 0 ': clean$' \
		env PATH="$B:$PATH" fsck -t iopfs -a "$F/empty"
else
	echo "# skip: fsck -t iopfs (no fsck, or a fsck.iopfs installed in /sbin)"
fi

# A block device: a repair is refused while it is held.
if [ "$(id -u)" = 0 ] && command -v losetup >/dev/null 2>&1 &&
	cp "$F/base" "$F/loop" && "$ML" "$F/loop" "unlink 1 nosuch" >/dev/null &&
	loop=$(losetup -f --show "$F/loop" 2>/dev/null) && [ -b "$loop" ]; then
	expect "fsck -n on a loop device: its size from BLKGETSIZE64, record 7 refused" 4 \
		"^$loop: log record 7 " "$FSCK" -n "$loop"
	expect "fsck -y on a device held O_EXCL (mounted): refused, exit 8" 8 \
		"^fsck.iopfs: $loop: in use \\(mounted, or held by md, dm or swap\\); unmount it" \
		"$B/test-format" hold "$loop" "$FSCK" -y "$loop"
	expect "fsck -n on a held device: checks it" 4 "^$loop: log record 7 " \
		"$B/test-format" hold "$loop" "$FSCK" -n "$loop"
	expect "fsck -y on the loop device: exit 1" 1 'dropped 1 records' "$FSCK" -y "$loop"
	losetup -d "$loop"
	expect "... the file under it is clean" 0 ': clean$' "$FSCK" "$F/loop"
else
	echo "# skip: fsck block device tests (need root and a free loop device)"
fi

# install puts fsck.iopfs next to mkfs.iopfs (run.sh checks uninstall).
d=$T/fsck-dest
make -s -C "$SRC" O="$B" install DESTDIR="$d" PREFIX=/usr >"$T/make.log" 2>&1
eq "make install: sbin/fsck.iopfs, mode 755" 755 "$(stat -c %a "$d/usr/sbin/fsck.iopfs" 2>&1)"
if command -v rst2man >/dev/null 2>&1 || command -v rst2man.py >/dev/null 2>&1; then
	if [ -f "$d/usr/share/man/man8/fsck.iopfs.8" ]; then ok "make install: fsck.iopfs.8 in man8"; else not_ok "make install: fsck.iopfs.8 in man8"; fi
fi
make -s -C "$SRC" O="$B" uninstall DESTDIR="$d" PREFIX=/usr >/dev/null 2>&1
eq "make uninstall: no fsck file left" "" "$(find "$d" -type f)"
