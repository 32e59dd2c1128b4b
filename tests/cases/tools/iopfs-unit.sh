#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkfs.iopfs's and fsck.iopfs's host-side tests (format arithmetic,
# checksums, every refusal, fsck's replay rules against crafted logs and
# its repairs, loop devices as root), built with -Wall -Wextra -Werror;
# each of their results counts.
# host-only
# kernels: 6.1
# results: 460
set -uo pipefail
. tests/cases/lib.sh

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
check "tools/iopfs builds with -Wall -Wextra -Werror" make -C tools/iopfs O="$out"
make -s -C tools/iopfs O="$out" check >"$out/log" 2>&1
status=$?
# Its "ok - ..." lines, numbered for the rig.
awk '/^(not )?ok - / { n++; sub(/ok - /, "ok " n + 1 " - unit: "); print; next } { print "# " $0 }' "$out/log"
check_eq "the unit tests exit 0" 0 "$status"
