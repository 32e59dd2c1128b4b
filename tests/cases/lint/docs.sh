#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Every reStructuredText file of the project (README, Documentation/, the
# man page sources of iopmemctl, mkfs.iopfs and fsck.iopfs) renders without a docutils
# warning: a short title underline or a broken table would otherwise show
# up only in a reader's browser or in rst2man's output.
# host-only
# kernels: 6.1
# results: 2
set -uo pipefail
. tests/cases/lib.sh

# rst_clean NAME FILE... : one result for all FILEs, the warnings as comments.
rst_clean() {
	local name=$1 f out line bad=0
	shift
	for f in "$@"; do
		if ! out=$(rst2html --halt=warning --report=warning "$f" 2>&1 >/dev/null); then
			bad=1
			while IFS= read -r line; do printf '#   %s\n' "$line"; done <<<"$out"
		fi
	done
	if ((bad)); then not_ok "$name"; else ok "$name ($# files)"; fi
}

command -v rst2html >/dev/null || die "rst2html is missing; run tests/vm/setup.sh (package python3-docutils)"
mapfile -t docs < <(git ls-files -co --exclude-standard -- 'README.rst' 'Documentation/*.rst')
mapfile -t man < <(git ls-files -co --exclude-standard -- 'tools/iopmemctl/Documentation/*.rst' \
	'tools/iopfs/Documentation/*.rst')
rst_clean "README.rst and Documentation/ render without warnings" "${docs[@]}"
rst_clean "the tools' man page sources render without warnings" "${man[@]}"
