#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The runner must fail what is broken. Runs check.sh on the fixture
# scenarios of tests/vm/selftest/ (each names its expected verdict and reason
# in an "# expect: PASS|FAIL reason" line) and compares.
#
# usage: tests/vm/selftest.sh      env: KERNEL (default 6.1), IOPMEM_JOBS (2)
# Not part of `make check`: it boots ~10 guests to see them fail.
set -euo pipefail

# shellcheck source=tests/vm/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

tmp=''

main() {
	local kernel=${KERNEL:-6.1}
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	# A scenario tree of the fixtures and the real lib.sh.
	cp "$REPO_DIR/tests/cases/lib.sh" "$tmp/"
	cp -R "$RIG_DIR/selftest/." "$tmp/"
	local out rc=0
	out=$(IOPMEM_CASES_DIR=$tmp IOPMEM_NO_MODULE=1 KERNEL=$kernel \
		IOPMEM_JOBS=${IOPMEM_JOBS:-2} TESTS="neg pos" "$RIG_DIR/check.sh") || rc=$?
	printf '%s\n' "$out" >"$OUT_DIR/selftest.log"

	local n=0 bad=0 f scen expect verdict reason block
	while read -r f; do
		scen=${f#"$tmp"/} scen=${scen%.sh}
		expect=$(sed -n 's/^# expect: //p' "$f")
		verdict=${expect%% *} reason=${expect#"$verdict"}
		reason=${reason# }
		# This scenario's block: from its verdict line to the next one.
		block=$(printf '%s\n' "$out" | awk -v s="[$kernel] $scen " '
			/^(PASS|FAIL) / { on = index($0, s) > 0 } on')
		n=$((n + 1))
		if [[ $block != "$verdict "* ]]; then
			echo "not ok $n - $scen: expected $verdict, got: ${block%%$'\n'*}"
			bad=$((bad + 1))
		elif [[ -n $reason && $block != *"$reason"* ]]; then
			echo "not ok $n - $scen: $verdict, but without '$reason'"
			bad=$((bad + 1))
		else
			echo "ok $n - $scen: $verdict${reason:+ ($reason)}"
		fi
	done < <(find "$tmp" -mindepth 2 -name '*.sh' ! -name '*.host.sh' ! -name '*.pre.sh' | sort)

	n=$((n + 1))
	if ((rc != 0)); then echo "ok $n - check.sh exits non-zero"; else
		echo "not ok $n - check.sh exited 0 with failing scenarios"
		bad=$((bad + 1))
	fi
	n=$((n + 1))
	local last=${out##*$'\n'}
	if [[ $last =~ ^[0-9]+\ passed,\ [0-9]+\ failed(,\ [0-9]+\ skipped)?$ ]]; then
		echo "ok $n - last line is the summary: $last"
	else
		echo "not ok $n - last line is not 'N passed, N failed[, N skipped]': $last"
		bad=$((bad + 1))
	fi
	echo "selftest: $((n - bad)) of $n as expected (check.sh output: out/selftest.log)"
	((bad == 0))
}

main "$@"
