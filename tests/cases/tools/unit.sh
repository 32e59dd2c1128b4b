#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# iopmemctl's host-side unit tests (argument parsing, sysfs parsing against
# a fake tree), built with -Wall -Wextra -Werror; each of its results counts.
# host-only
# results: 234
set -uo pipefail
. tests/cases/lib.sh

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
check "iopmemctl builds with -Wall -Wextra -Werror" make -C tools/iopmemctl O="$out"
make -s -C tools/iopmemctl O="$out" check >"$out/log" 2>&1
status=$?
# Its "ok - ..." lines, numbered for the rig.
awk '/^(not )?ok - / { n++; sub(/ok - /, "ok " n + 1 " - unit: "); print; next } { print "# " $0 }' "$out/log"
check_eq "the unit tests exit 0" 0 "$status"
