#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The runner must fail what is broken. Runs check.sh on the fixture
# scenarios of tests/vm/selftest/ and compares each verdict with the
# fixture's "# expect: PASS|FAIL reason" line (the reason must appear in
# its report). A fixture with "# needs: CONFIG_X" runs only on a kernel
# built with it (the KASAN and kmemleak fixtures: the 7.2 debug kernel);
# elsewhere its result is a SKIP naming the missing option. Then a module
# that does not compile must stop check.sh with the compiler's error.
#
# usage: tests/vm/selftest.sh [-q]
#   -q   on a kernel slower than stock (kernels.conf slowdown, the debug
#        kernel) boot only the fixtures that need it, and pos/ok to show
#        that a clean scenario passes there; the others are SKIPs
# env:   KERNEL (default 6.1), IOPMEM_JOBS (guests at a time, default 2)
# Logs: out/selftest/$KERNEL/. `make check` runs it as rig/selftest.
set -euo pipefail
shopt -s inherit_errexit

# shellcheck source=tests/vm/kernel.sh
. "$(dirname "${BASH_SOURCE[0]}")/kernel.sh"

tmp=''
n=0
bad=0
quick=0

# result OK DESC : one result line.
result() {
	n=$((n + 1))
	if (($1)); then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		bad=$((bad + 1))
	fi
}

# skip_reason FIXTURE : why FIXTURE does not run on the selected kernel;
# nothing if it runs.
skip_reason() {
	local opt
	opt=$(sed -n 's/^# needs: *//p' "$1")
	if [[ -n $opt ]]; then
		grep -qx "$opt=y" "$KDIR/.config" || echo "kernel $KNAME is built without $opt"
	elif ((quick && KSLOWDOWN > 1)) && [[ $1 != */pos/ok.sh ]]; then
		echo "checks the runner, not the kernel: -q boots it on stock kernels only"
	fi
}

# fixtures : every fixture scenario file under $tmp.
fixtures() {
	find "$tmp" -mindepth 2 -name '*.sh' ! -name '*.host.sh' ! -name '*.pre.sh' | LC_ALL=C sort
}

# compare_fixtures OUTPUT : one result per fixture, from check.sh's OUTPUT.
compare_fixtures() {
	local out=$1 f scen expect verdict reason block why
	while read -r f; do
		scen=${f#"$tmp"/} scen=${scen%.sh}
		why=$(skip_reason "$f")
		if [[ -n $why ]]; then
			n=$((n + 1))
			echo "ok $n - $scen # SKIP $why"
			continue
		fi
		expect=$(sed -n 's/^# expect: //p' "$f")
		verdict=${expect%% *} reason=${expect#"$verdict"}
		reason=${reason# }
		# This scenario's block: from its verdict line to the next one.
		block=$(printf '%s\n' "$out" | awk -v s="[$KNAME] $scen " '
			/^(PASS|FAIL) / { on = index($0, s) > 0 } on')
		if [[ $block != "$verdict "* ]]; then
			result 0 "$scen: expected $verdict, got: ${block%%$'\n'*}"
		elif [[ -n $reason && $block != *"$reason"* ]]; then
			result 0 "$scen: $verdict, but without '$reason'"
		else
			result 1 "$scen: $verdict${reason:+ ($reason)}"
		fi
	done < <(fixtures)
}

# build_failure : a module that does not compile stops check.sh before any
# guest boots, with the compiler's error; initramfs.sh then refuses to pack
# the .ko the last good build left. Run on a copy of the rig and of
# tests/kasan, with a syntax error injected into the copy.
build_failure() {
	local tree=$tmp/tree cases=$tmp/tree-cases out rc=0
	mkdir -p "$tree/tests" "$cases/pos"
	cp -R "$RIG_DIR" "$tree/tests/vm"
	cp -R "$REPO_DIR/tests/kasan" "$tree/tests/kasan"
	git -C "$tree" init -q
	cp "$REPO_DIR/tests/cases/lib.sh" "$cases/"
	cp "$RIG_DIR/selftest/pos/ok.sh" "$cases/pos/"
	local -a env=(IOPMEM_CASES_DIR="$cases" IOPMEM_OUT_DIR="$tree/out"
		IOPMEM_NO_MODULE=0 IOPMEM_MODULES=tests/kasan KERNEL="$KNAME" TESTS=pos/ok)
	if ! env "${env[@]}" "$tree/tests/vm/build.sh" "$KNAME" >"$tmp/good-build.log" 2>&1; then
		result 0 "the unbroken copy of tests/kasan builds (log: $tmp/good-build.log)"
		sed 's/^/# /' "$tmp/good-build.log"
		return
	fi
	echo 'iopmem_selftest_syntax_error(' >>"$tree/tests/kasan/iopmem_test_kasan.c"
	out=$(env "${env[@]}" "$tree/tests/vm/check.sh" 2>&1) || rc=$?
	result $((rc != 0)) "check.sh exits non-zero when a module does not compile (status $rc)"
	if [[ $out == *"iopmem_test_kasan.c:"*"error:"* ]]; then
		result 1 "check.sh shows the compiler's error"
	else
		result 0 "check.sh shows the compiler's error"
		printf '%s\n' "$out" | tail -n 20 | sed 's/^/# /'
	fi
	if grep -qE '^(PASS|FAIL) ' <<<"$out"; then
		result 0 "no guest boots after a failed build"
	else
		result 1 "no guest boots after a failed build"
	fi
	rc=0
	out=$(env "${env[@]}" "$tree/tests/vm/initramfs.sh" "$KNAME" 2>&1) || rc=$?
	if ((rc != 0)) && [[ $out == *"no successful module build"* ]]; then
		result 1 "initramfs.sh refuses the .ko of the last good build"
	else
		result 0 "initramfs.sh refuses the .ko of the last good build (status $rc: ${out##*$'\n'})"
	fi
}

main() {
	[[ ${1-} == -q ]] && quick=1
	kernel_select "${KERNEL:-6.1}"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	# A scenario tree of the fixtures and the real lib.sh, without the
	# fixtures this kernel cannot run.
	cp "$REPO_DIR/tests/cases/lib.sh" "$tmp/"
	cp -R "$RIG_DIR/selftest/." "$tmp/"
	local runs=$OUT_DIR/selftest/$KNAME
	rm -rf "$runs"
	mkdir -p "$runs"
	local f skipdir=$tmp/.skipped
	mkdir -p "$skipdir"
	while read -r f; do
		[[ -z $(skip_reason "$f") ]] && continue
		mkdir -p "$skipdir/$(dirname "${f#"$tmp"/}")"
		mv "$f" "$skipdir/${f#"$tmp"/}"
	done < <(fixtures)

	# pos/ok named twice: it must run once. The fixtures' modules: only
	# tests/kasan, which builds where the driver may not yet.
	local out rc=0
	out=$(IOPMEM_CASES_DIR=$tmp IOPMEM_OUT_DIR=$runs IOPMEM_NO_MODULE=0 IOPMEM_MODULES=tests/kasan \
		KERNEL=$KNAME IOPMEM_JOBS=${IOPMEM_JOBS:-2} TESTS="neg pos pos/ok" \
		"$RIG_DIR/check.sh" 2>&1) || rc=$?
	printf '%s\n' "$out" >"$runs/check.log"
	# The skipped fixtures back, for their SKIP lines.
	cp -R "$skipdir/." "$tmp/"
	rm -rf "$skipdir"

	compare_fixtures "$out"
	local runs_ok
	runs_ok=$(grep -c "^PASS \[$KNAME\] pos/ok " <<<"$out" || true)
	result $((runs_ok == 1)) "TESTS naming pos/ok twice runs it once (ran $runs_ok times)"
	result $((rc != 0)) "check.sh exits non-zero"
	local last=${out##*$'\n'}
	if [[ $last =~ ^[0-9]+\ passed,\ [0-9]+\ failed(,\ [0-9]+\ skipped)?$ ]]; then
		result 1 "last line is the summary: $last"
	else
		result 0 "last line is not 'N passed, N failed[, N skipped]': $last"
	fi
	build_failure
	# Failing fixtures keep their BAR images, as failing scenarios do;
	# here they are expected to fail.
	find "$runs" -name '*.img' -delete
	echo "selftest: $((n - bad)) of $n as expected (check.sh output: ${runs#"$REPO_DIR"/}/check.log)"
	((bad == 0))
}

main "$@"
