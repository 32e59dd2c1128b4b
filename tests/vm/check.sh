#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The test runner behind `make check`: scenarios in QEMU guests, each in its
# own or, with others of the same VM, in a shared one (run_shared).
#
# env: TESTS="group group/name ..."  what to run (default: every group)
#      KERNEL="6.1" | "6.12" | "6.1 6.12"
#                 run the selection on these kernels. Default: everything on
#                 6.1, then the groups of kernel_6_12_groups (kernels.conf)
#                 on 6.12.
#      IOPMEM_JOBS=N       guests at a time (default: cores, at most 8, bounded
#                          by memory; with N > 1 each guest gets 1 vCPU unless
#                          its header says "smp N")
#      IOPMEM_NO_MODULE=1  run without building the repository's modules
#      IOPMEM_KVM=1        use KVM instead of TCG (hangs on PVM hosts)
#      IOPMEM_LIST=1       print the plan ("KERNEL group/name" lines), run nothing
#      IOPMEM_SHARE=N      scenarios per shared guest (default 8; 1: each its own)
#
# Groups are the directories under tests/cases/; scenarios are their *.sh
# files except the host hooks <name>.pre.sh (run before the boot) and
# <name>.host.sh (run after it). Hooks get BAR0_FILE.., NVME0_IMG..,
# GUEST_LOG and SCENARIO_DIR in the environment.
#
# Every "ok N - ..." / "not ok N - ..." line of the hooks and the guest is one
# result ("# SKIP" = skipped). A scenario also gets one failed result when
# the guest did not finish, the script exited non-zero, a hook failed or
# timed out, no result was reported, the count differs from the scenario's
# "# results: N", every result is a SKIP, QEMU refused a QMP command, the
# kernel log shows a warning/oops/KASAN/lockdep/... report, kmemleak found a
# leak, or the kernel taint has bits other than O (4096, out-of-tree module)
# and E (8192, unsigned module). A passing scenario's BAR and NVMe backing
# files are deleted; a failing one keeps them. The last line of output is
# "N passed, N failed[, N skipped]".
set -euo pipefail
# Command substitutions too: errexit is off inside $(...) otherwise.
shopt -s inherit_errexit

# shellcheck source=tests/vm/kernel.sh
. "$(dirname "${BASH_SOURCE[0]}")/kernel.sh"
# shellcheck source=tests/vm/vm.sh
. "$RIG_DIR/vm.sh"

# Kernel log lines that fail a scenario whatever its results say: WARN and
# lockdep splats ("WARNING: possible circular locking dependency" ...,
# lockdep switching itself off, "INFO: trying to register non-static
# key"), "BUG: KASAN: ...", "BUG: KFENCE: ...", "BUG: sleeping function
# called from invalid context", SLUB's "BUG kmalloc-64 (Not tainted):
# Poison overwritten" (slub_debug), "kernel BUG at", "UBSAN: ...", oopses,
# hung tasks, and any stack trace. Not the bare word "lockdep": a lockdep
# kernel says "RCU lockdep checking is enabled" at every boot.
DMESG_BAD='WARNING:|BUG:|BUG [^ ]+ \([^)]*\): |kernel BUG at|Oops|general protection fault|Kernel panic|INFO: task .* blocked|possible circular locking|turning off the locking correctness validator|INFO: trying to register non-static key|UBSAN|Call Trace'
# Taint bits a scenario may leave: O (out-of-tree module), E (unsigned
# module), N (a KUnit test ran; its failures are results already).
TAINT_OK=$((4096 | 8192 | 262144))
TAINT_LETTERS=PFSRMBUDAWCIOELKXTN

# default_jobs : guests at a time. Two 1-vCPU guests on a 2-core host finish
# the rig group in ~40% less time than one 2-vCPU guest after the other
# (TCG boots are mostly single-threaded). Bounded by cores and by memory
# (~3 GiB per guest: up to 2G RAM + BAR backing).
default_jobs() {
	local cores mem_gb n
	cores=$(nproc)
	mem_gb=$(awk '/^MemAvailable:/ { print int($2 / 1048576) }' /proc/meminfo)
	n=$((cores < mem_gb / 3 ? cores : mem_gb / 3))
	((n > 8)) && n=8
	((n < 1)) && n=1
	echo "$n"
}
JOBS=${IOPMEM_JOBS:-$(default_jobs)}

# groups : test groups, i.e. directories under tests/cases.
groups() {
	find "$CASES_DIR" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | LC_ALL=C sort
}

# scenarios GROUP : group/name of each scenario of GROUP.
scenarios() {
	find "$CASES_DIR/$1" -maxdepth 1 -type f -name '*.sh' \
		! -name '*.host.sh' ! -name '*.pre.sh' -printf "$1/%f\n" |
		sed 's/\.sh$//' | LC_ALL=C sort
}

# select_scenarios WORD... : expand TESTS words to group/name lines.
select_scenarios() {
	local w
	# shellcheck disable=SC2046 # group names have no spaces
	(($# > 0)) || set -- $(groups)
	for w in "$@"; do
		if [[ $w == */* ]]; then
			[[ -f $CASES_DIR/$w.sh ]] ||
				die "TESTS names '$w' but tests/cases/$w.sh does not exist"
			echo "$w"
		else
			[[ -d $CASES_DIR/$w ]] ||
				die "TESTS names group '$w' but tests/cases/$w/ does not exist; groups: $(groups | tr '\n' ' ')"
			scenarios "$w"
		fi
	done
}

# plan : "KERNEL group/name" lines, in run order.
plan() {
	local -a selected=() kernels
	local text
	# shellcheck disable=SC2086 # TESTS is a word list
	text=$(select_scenarios ${TESTS:-}) || exit 1
	# TESTS="fsdax fsdax/xfs" names fsdax/xfs twice: it runs once.
	[[ -n $text ]] && mapfile -t selected < <(awk '!seen[$0]++' <<<"$text")
	local k s groups_k
	if [[ -n ${KERNEL:-} ]]; then
		read -ra kernels < <(tr ' ' '\n' <<<"$KERNEL" | awk 'NF && !seen[$0]++' | tr '\n' ' ')
		for k in "${kernels[@]}"; do
			kernel_select "$k"
			for s in "${selected[@]}"; do echo "$k $s"; done
		done
		return
	fi
	read -ra kernels <<<"$KERNELS"
	local only
	local -a unplanned=()
	for k in "${kernels[@]}"; do
		groups_k=$(kernel_var "$k" groups)
		for s in "${selected[@]}"; do
			only=$(header_line "$CASES_DIR/$s.sh" kernels)
			[[ -z $only || " $only " == *" $k "* ]] || continue
			# A word is a group or one group/name scenario.
			if ! [[ $groups_k == all || " $groups_k " == *" ${s%%/*} "* ||
				" $groups_k " == *" $s "* ]]; then
				# Written for this kernel alone, yet never run: a claim
				# nothing checks.
				[[ -n $only ]] && unplanned+=("$s ($k)")
				continue
			fi
			echo "$k $s"
		done
	done
	((${#unplanned[@]} == 0)) ||
		die "'# kernels:' names a kernel whose kernel_<name>_groups (tests/vm/kernels.conf) leave the scenario out: ${unplanned[*]}; add it to those groups or take the kernel from its header"
}

# header_line FILE KEY : the value of a "# KEY: value" line in FILE's
# leading comment lines ("# kernels: 7.2": in the default plan, the
# scenario runs on these kernels only).
header_line() {
	local line
	while IFS= read -r line; do
		[[ $line == '#!'* || -z $line ]] && continue
		[[ $line == '#'* ]] || break
		if [[ $line =~ ^#[[:space:]]*$2:[[:space:]]*(.*[^[:space:]])[[:space:]]*$ ]]; then
			printf '%s' "${BASH_REMATCH[1]}"
			return
		fi
	done <"$1"
}

# taint_letters VALUE : the kernel's one-letter names of the set taint bits.
taint_letters() {
	local v=$1 i s=''
	for ((i = 0; i < ${#TAINT_LETTERS}; i++)); do
		((v & (1 << i))) && s+=${TAINT_LETTERS:i:1}
	done
	echo "${s:-none}"
}

# section LOG START END : the lines strictly between two marker lines.
section() {
	awk -v a="$2" -v b="$3" 'index($0, b) == 1 { on = 0 } on { print } index($0, a) == 1 { on = 1 }' "$1"
}

# results FILE SOURCE : the result lines of FILE, prefixed with SOURCE.
results() {
	grep -E '^(not )?ok [0-9]+( |$)' "$1" | sed "s|^|$2: |" || true
}

# host_verdict DESC STATUS LOG : a host hook's or host-only scenario's exit
# status into the caller's fails array. They run under timeout(1) with the
# scenario's limit (VM_TIMEOUT, "# vm: timeout N"): 124/137 is a hang.
host_verdict() {
	local desc=$1 rc=$2 log=$3
	if ((rc == 124 || rc == 137)); then
		fails+=("$desc timed out: killed after ${VM_TIMEOUT}s (raise it with '# vm: timeout N'; output: $log)")
	elif ((rc != 0)); then
		fails+=("$desc failed with status $rc (output: $log)")
	fi
}

# run_hook HOOK DIR NAME : a host hook with the scenario's environment;
# its output goes to DIR/NAME.log.
run_hook() {
	local hook=$1 dir=$2 name=$3 rc=0
	(
		# shellcheck source=/dev/null
		. "$dir/vm.env"
		export GUEST_LOG=$dir/guest.log SCENARIO_DIR=$dir
		cd "$dir"
		exec timeout --kill-after=10 "$VM_TIMEOUT" bash "$hook"
	) >"$dir/$name.log" 2>&1 </dev/null || rc=$?
	host_verdict "$name hook ${hook##*/}" "$rc" "$dir/$name.log"
}

# declared_results FILE KERNEL : how many results FILE declares in its
# leading comment lines for KERNEL: "# results[KERNEL]: N" if it has one,
# else "# results: N"; nothing if it declares none.
declared_results() {
	local line n='' nk=''
	while IFS= read -r line; do
		[[ $line == '#!'* || -z $line ]] && continue
		[[ $line == '#'* ]] || break
		if [[ $line =~ ^#[[:space:]]*results:[[:space:]]*([0-9]+)[[:space:]]*$ ]]; then
			n=${BASH_REMATCH[1]}
		elif [[ $line =~ ^#[[:space:]]*results\[([^]]+)\]:[[:space:]]*([0-9]+)[[:space:]]*$ && ${BASH_REMATCH[1]} == "$2" ]]; then
			nk=${BASH_REMATCH[2]}
		fi
	done <"$1"
	printf '%s' "${nk:-$n}"
}

# bad_lines FILE... : the kernel log lines of FILE... that fail a scenario,
# once each (dmesg and the console repeat each other).
bad_lines() {
	cat "$@" | tr -d '\r' | drop_expected_warns | grep -E "$DMESG_BAD" | sort -u || true
}

# expected_warn_re FUNCTION... : an ERE for the WARNING line of a report
# in one of FUNCTION... ('# vm: kernel-warns'); empty if none is given.
expected_warn_re() {
	(($#)) || return 0
	local IFS='|'
	printf 'WARNING: CPU: [0-9]+ PID: [0-9]+ at [^ ]+ (%s)[+]0x' "$*"
}

# drop_known_lockdep : stdin to stdout without the circular-dependency
# reports of lockdep (its WARNING line to the end of its stack, "</TASK>")
# that name both lock classes of a '# vm: lockdep-known' pair.
drop_known_lockdep() {
	if ((${#VM_LOCKDEP_KNOWN[@]} == 0)); then
		cat
		return
	fi
	awk -v pairs="$(printf '%s\n' "${VM_LOCKDEP_KNOWN[@]}")" '
		BEGIN { n = split(pairs, p, "\n") }
		/WARNING: possible circular locking dependency detected/ { inblock = 1; buf = "" }
		inblock {
			buf = buf $0 "\n"
			if ($0 ~ /<\/TASK>/) {
				drop = 0
				for (i = 1; i <= n; i++) {
					if (split(p[i], l, " ") == 2 &&
					    index(buf, "(" l[1] "){") && index(buf, "(" l[2] "){"))
						drop = 1
				}
				if (!drop)
					printf "%s", buf
				inblock = 0
			}
			next
		}
		{ print }
		END { if (inblock) printf "%s", buf }'
}

# known_lockdep_seen FILE : FILE has a report drop_known_lockdep drops.
known_lockdep_seen() {
	((${#VM_LOCKDEP_KNOWN[@]})) || return 1
	grep -q 'possible circular locking dependency' "$1" &&
		! drop_known_lockdep <"$1" | grep -q 'possible circular locking dependency'
}

# drop_expected_warns : stdin to stdout without the WARN reports ("cut
# here" to "end trace") whose WARNING line expected_warn_re matches, nor
# the known lockdep reports (drop_known_lockdep).
drop_expected_warns() {
	local re
	re=$(expected_warn_re "${VM_KERNEL_WARNS[@]}")
	if [[ -z $re ]]; then
		drop_known_lockdep
		return
	fi
	drop_known_lockdep | awk -v re="$re" '
		/------------\[ cut here \]------------/ { inblock = 1; buf = ""; drop = 0 }
		inblock {
			buf = buf $0 "\n"
			if ($0 ~ re)
				drop = 1
			if ($0 ~ /---\[ end trace [0-9a-f]+ \]---/) {
				if (!drop)
					printf "%s", buf
				inblock = 0
			}
			next
		}
		{ print }
		END { if (inblock) printf "%s", buf }'
}

# early_boot_crash DIR : the guest kernel died before /init started the
# scenario, so before any iopmem code ran. Seen under TCG (QEMU 7.2, 6.12
# guest): a double fault in apparmor_init, once in ~80 boots.
early_boot_crash() {
	! grep -q '^IOPMEM-RIG: BEGIN' "$1/guest.log" &&
		grep -qE 'Kernel panic|Oops|double fault' "$1/console.log"
}

# boot_phase DIR INITRD SCEN PHASE : one boot of a scenario's guest (of
# VM_BOOTS, on the same backing files); its verdicts are appended to the
# caller's fails array, its output to DIR/output.log and DIR/dmesg.log.
boot_phase() {
	local dir=$1 initrd=$2 scen=$3 phase=$4 rc=0
	local tag=''
	((VM_BOOTS > 1)) && tag="boot $phase: "
	vm_boot_retry "$dir" "$initrd" "$scen" "$phase" "$tag" || rc=$?
	judge_boot "$dir" "$phase" "$rc"
}

# vm_boot_retry DIR INITRD T PHASE TAG : vm_boot, and once more if the guest
# kernel crashed before /init (early_boot_crash); QEMU's status.
vm_boot_retry() {
	local dir=$1 initrd=$2 t=$3 phase=$4 tag=$5 rc=0
	vm_boot "$dir" "$KIMAGE" "$initrd" "$t" "$phase" || rc=$?
	if early_boot_crash "$dir"; then
		# Kept for the record; the verdict is the second boot's.
		mv "$dir/console.log" "$dir/console-early-crash-$phase.log"
		echo "# rig: ${tag}the guest kernel crashed before /init (see console-early-crash-$phase.log); booted it again" >>"$dir/output.log"
		rc=0
		vm_boot "$dir" "$KIMAGE" "$initrd" "$t" "$phase" || rc=$?
	fi
	return "$rc"
}

# judge_boot DIR PHASE RC : the verdicts on one boot whose logs are in DIR
# (guest.log, console.log, qmp.log, killed), QEMU's status RC.
judge_boot() {
	local dir=$1 phase=$2 rc=$3 status
	local tag=''
	((VM_BOOTS > 1)) && tag="boot $phase: "
	local log=$dir/guest.log
	local refused
	refused=$(sed -n 's/^! QEMU refused: //p' "$dir/qmp.log" 2>/dev/null | head -n 1)
	if [[ -n $refused ]]; then
		fails+=("${tag}QEMU refused a QMP command the guest asked for: $refused (replies: $dir/qmp.log)")
	fi
	if [[ -f $dir/killed ]]; then
		# A power cut the scenario asked for: no END, no dmesg dump.
		section "$log" 'IOPMEM-RIG: BEGIN' 'IOPMEM-RIG: KILL' >>"$dir/output.log"
		bad_lines "$dir/console.log" >"$dir/dmesg-bad-$phase.log"
		if [[ -s $dir/dmesg-bad-$phase.log ]]; then
			fails+=("${tag}the kernel console has $(wc -l <"$dir/dmesg-bad-$phase.log") error line(s) (shown below)")
			sed "s/^/$tag/" "$dir/dmesg-bad-$phase.log" >>"$dir/dmesg-bad.log"
		fi
		return
	fi
	section "$log" 'IOPMEM-RIG: BEGIN' 'IOPMEM-RIG: END' >>"$dir/output.log"
	section "$log" 'IOPMEM-RIG: KMEMLEAK BEGIN' 'IOPMEM-RIG: KMEMLEAK END' >"$dir/kmemleak-$phase.log"
	if grep -q '^unreferenced object' "$dir/kmemleak-$phase.log"; then
		fails+=("${tag}kmemleak found $(grep -c '^unreferenced object' "$dir/kmemleak-$phase.log") leaked object(s) (report below: $dir/kmemleak-$phase.log)")
		cat "$dir/kmemleak-$phase.log" >>"$dir/kmemleak.log"
	fi
	section "$log" 'IOPMEM-RIG: DMESG BEGIN' 'IOPMEM-RIG: DMESG END' >"$dir/dmesg-$phase.log"
	cat "$dir/dmesg-$phase.log" >>"$dir/dmesg.log"
	status=$(sed -n 's/^IOPMEM-RIG: END status=\([0-9]*\).*/\1/p' "$log")
	if ((rc == 124 || rc == 137)); then
		fails+=("${tag}timeout: the guest was killed after ${VM_TIMEOUT}s (raise it with '# vm: timeout N'; console: $dir/console.log)")
	elif [[ -z $status ]]; then
		if grep -q 'IOPMEM-RIG: BEGIN' "$log"; then
			fails+=("${tag}the guest stopped before the scenario finished (panic? QEMU status $rc; console: $dir/console.log)")
		else
			fails+=("${tag}the guest never started the scenario (QEMU status $rc: $(tail -n 3 "$dir/qemu.out" | tr '\n' ' '); console: $dir/console.log)")
		fi
	elif ((status != 0)); then
		fails+=("${tag}the scenario exited with status $status")
	fi
	if [[ -n $status ]] && ! grep -q '^IOPMEM-RIG: DONE' "$log"; then
		fails+=("${tag}the guest's report is incomplete (no DONE marker)")
	fi
	local fn taint_ok=$TAINT_OK
	for fn in "${VM_KERNEL_WARNS[@]}"; do
		if grep -qE "$(expected_warn_re "$fn")" "$dir/dmesg-$phase.log"; then
			taint_ok=$((taint_ok | 512))
		else
			fails+=("${tag}the kernel warning the scenario expects (in $fn, '# vm: kernel-warns') did not appear")
		fi
	done
	if known_lockdep_seen "$dir/dmesg-$phase.log"; then
		echo "# rig: ${tag}the kernel's known lockdep report ('# vm: lockdep-known') appeared; lockdep checked nothing after it in this boot (dmesg.log)" >>"$dir/output.log"
	fi
	# The console log covers guests that died before dumping dmesg.
	bad_lines "$dir/dmesg-$phase.log" "$dir/console.log" >"$dir/dmesg-bad-$phase.log"
	if [[ -s $dir/dmesg-bad-$phase.log ]]; then
		fails+=("${tag}the kernel log has $(wc -l <"$dir/dmesg-bad-$phase.log") error line(s) (shown below)")
		sed "s/^/$tag/" "$dir/dmesg-bad-$phase.log" >>"$dir/dmesg-bad.log"
	fi
	local taint
	taint=$(sed -n 's/^IOPMEM-RIG: TAINT \([0-9]*\)$/\1/p' "$log")
	if [[ -n $taint ]] && ((taint & ~taint_ok)); then
		fails+=("${tag}the kernel is tainted $taint ($(taint_letters "$taint")); only O and E are allowed")
	fi
}

# run_scenario KERNEL SCEN DIR INITRD : one guest; the verdict goes to files
# in DIR: report (text for the user), results (one line per result: "ok",
# "not ok", "skip" with description), done (written last).
run_scenario() {
	local kname=$1 scen=$2 dir=$3 initrd=$4
	local file=$CASES_DIR/$scen.sh
	local pre=$CASES_DIR/$scen.pre.sh host=$CASES_DIR/$scen.host.sh
	local t0
	local -a fails=()
	t0=$(date +%s.%N)
	kernel_select "$kname"
	# The header's timeout bounds hooks and host-only scenarios too.
	vm_parse "$file"
	if grep -q '^# host-only$' "$file"; then
		# No guest: checks of the tree itself (lint), run with bash from the
		# top of the repository; KERNEL names the kernel of this run.
		local rc=0
		(cd "$REPO_DIR" && KERNEL=$kname exec timeout --kill-after=10 "$VM_TIMEOUT" bash "$file") \
			>"$dir/host.log" 2>&1 </dev/null || rc=$?
		host_verdict "host-only scenario $scen.sh" "$rc" "$dir/host.log"
	else
		vm_prepare "$file" "$dir"
	fi

	if [[ -f $pre ]]; then run_hook "$pre" "$dir" pre; fi
	if ((${#fails[@]} == 0)) && ! grep -q '^# host-only$' "$file"; then
		local phase all=$dir/guest-all.log
		: >"$all"
		: >"$dir/output.log"
		: >"$dir/dmesg.log"
		for ((phase = 1; phase <= VM_BOOTS; phase++)); do
			boot_phase "$dir" "$initrd" "$scen" "$phase"
			cat "$dir/guest.log" >>"$all"
			# The next boot starts a new console log.
			if ((VM_BOOTS > 1)); then cp "$dir/console.log" "$dir/console-$phase.log"; fi
		done
		# Hooks read every boot's output.
		cp "$all" "$dir/guest.log"
		if [[ -f $host ]]; then run_hook "$host" "$dir" host; fi
	fi

	local secs boot
	secs=$(echo "$t0 $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
	boot=$(sed -n 's/^IOPMEM-RIG: BEGIN .*uptime=\([0-9.]*\).*/, boot \1 s/p' "$dir/guest.log" 2>/dev/null | head -n 1 || true)
	scenario_verdict "$kname" "$scen" "$dir" "$secs" "$boot"
}

# scenario_verdict KERNEL SCEN DIR SECS NOTE : the verdict of a scenario
# whose logs are in DIR, from its results and the caller's fails array,
# into DIR/report, DIR/results, DIR/counts and DIR/secs (SECS: its wall
# time; NOTE: after it on the report line).
scenario_verdict() {
	local kname=$1 scen=$2 dir=$3 secs=$4 boot=$5
	local file=$CASES_DIR/$scen.sh
	{
		if [[ -f $dir/pre.log ]]; then results "$dir/pre.log" pre; fi
		if [[ -f $dir/output.log ]]; then results "$dir/output.log" guest; fi
		if [[ -f $dir/host.log ]]; then results "$dir/host.log" host; fi
	} >"$dir/results"
	if ! [[ -s $dir/results ]] && ((${#fails[@]} == 0)); then
		fails+=("no test results reported (expected 'ok N - ...' lines)")
	fi
	# A script that stops half-way with status 0, or a result that
	# vanished, shows only in the count; a scenario that skips every
	# check tested nothing.
	local got declared
	got=$(wc -l <"$dir/results")
	declared=$(declared_results "$file" "$kname")
	if [[ -z $declared ]]; then
		fails+=("$scen.sh declares no result count: a line '# results: N' in its leading comments (tests/vm/README.md); this run reported $got")
	elif ((got != declared)); then
		fails+=("declared $declared results, got $got")
	fi
	if ((got > 0)) && ! grep -qv ' # SKIP' "$dir/results"; then
		fails+=("all $got results are SKIP: the scenario tested nothing")
	fi
	local f
	for f in "${fails[@]}"; do echo "rig: not ok - $f"; done >>"$dir/results"

	local n_ok n_skip n_fail
	n_skip=$(grep -c '^[a-z]*: ok .*# SKIP' "$dir/results" || true)
	n_ok=$(($(grep -c '^[a-z]*: ok ' "$dir/results" || true) - n_skip))
	n_fail=$(grep -c '^[a-z]*: not ok' "$dir/results" || true)
	local verdict=PASS
	((n_fail > 0)) && verdict=FAIL
	# Backing files: up to gigabytes each once written. A failed
	# scenario keeps them for inspection; the summary lists them.
	local -a images=()
	mapfile -t images < <(find "${VM_BAR_DIR:-$dir}" "$dir" -maxdepth 1 -type f \
		\( -name 'bar[0-9]*.img' -o -name 'nvme[0-9]*.img' \) 2>/dev/null | LC_ALL=C sort -u)
	if [[ $verdict == PASS ]] && ((${#images[@]} > 0)); then
		rm -f "${images[@]}"
		images=()
	fi
	local skips=''
	((n_skip > 0)) && skips=", $n_skip skipped"
	{
		echo "$verdict [$kname] $scen ($n_ok ok$skips, $secs s$boot)"
		if [[ $verdict == FAIL ]]; then
			grep '^[a-z]*: not ok' "$dir/results" | sed 's/^/    /' || true
			for f in pre output host; do
				[[ -s $dir/$f.log ]] || continue
				echo "  --- ${f/output/guest} output ($dir/$f.log)"
				sed 's/^/  | /' "$dir/$f.log"
			done
			if ! grep -q '^IOPMEM-RIG: END' "$dir/guest.log" 2>/dev/null && [[ -s $dir/console.log ]]; then
				echo "  --- kernel console, last 40 lines ($dir/console.log)"
				tail -n 40 "$dir/console.log" | tr -d '\r' | sed 's/^/  | /'
			fi
			if [[ -s $dir/dmesg-bad.log ]]; then
				echo "  --- offending kernel log lines (full log: $dir/dmesg.log)"
				sed 's/^/  | /' "$dir/dmesg-bad.log"
			fi
			if ((${#images[@]} > 0)); then
				echo "  --- backing files kept: ${images[*]}"
			fi
			if [[ -s $dir/kmemleak.log ]]; then
				echo "  --- kmemleak report, first 60 lines ($dir/kmemleak.log)"
				head -n 60 "$dir/kmemleak.log" | sed 's/^/  | /'
			fi
		fi
	} >"$dir/report"
	echo "$secs" >"$dir/secs"
	echo "$n_ok $n_fail $n_skip" >"$dir/counts"
}

# run_job KERNEL SCEN DIR INITRD : run_scenario, and a failed verdict if the
# runner itself dies (e.g. a bad "# vm:" header); DIR/done marks the end.
run_job() {
	local k=$1 scen=$2 dir=$3
	rm -rf "$dir"
	mkdir -p "$dir"
	if ! (run_scenario "$@") 2>"$dir/runner.err"; then
		runner_failed "$k" "$scen" "$dir"
	fi
	touch "$dir/done"
}

# share_key KERNEL SCEN : for a scenario that may share a guest, a key that
# is the same for every scenario with the same VM; nothing (status 1) for
# one that needs its own: host hooks (they read the BAR files after the
# guest), several boots, '# vm: solo', an expected kernel warning or lockdep
# report (their taint and lockdep's silence would reach the next
# scenario), an NVMe disk (its image is not wiped between scenarios).
share_key() {
	local k=$1 scen=$2 file=$CASES_DIR/$2.sh
	[[ -f $CASES_DIR/$scen.pre.sh || -f $CASES_DIR/$scen.host.sh ]] && return 1
	grep -q '^# host-only$' "$file" && return 1
	kernel_select "$k"
	vm_parse "$file"
	((VM_BOOTS == 1 && !VM_SOLO && ${#VM_KERNEL_WARNS[@]} == 0 &&
		${#VM_LOCKDEP_KNOWN[@]} == 0 && ${#VM_NVMES[@]} == 0)) || return 1
	printf '%s|' "$k" "$VM_MEM" "$VM_SMP" "$VM_MACHINE" "$VM_CMDLINE" "${VM_QEMU_EXTRA[*]}" \
		"${VM_BARS[*]}" "${VM_DEVICES[*]}"
}

# run_shared KERNEL "SCEN..." INITRD KDIR_RUN BDIR : the scenarios one after
# another in one guest (init.sh puts the guest back between two), each
# judged as if it had had a guest of its own, its verdict in
# KDIR_RUN/SCEN as run_scenario writes it. The guest's log is cut at each
# scenario's BEGIN; the console at its "IOPMEM-RIG: SCENARIO" line;
# kmemleak's one report at the end goes, leak by leak, to the scenario
# that was running when the object was allocated (by jiffies); taint bits count for the
# scenario that set them. Scenarios the guest never started (the one
# before left something it could not undo, or died) get a guest of their
# own, or share another.
run_shared() {
	local kname=$1 initrd=$3 kroot=$4 bdir=$5
	local -a members
	read -ra members <<<"$2"
	local t0 scen timeout=0 rc=0 i n=${#members[@]}
	t0=$(date +%s.%N)
	kernel_select "$kname"
	for scen in "${members[@]}"; do
		vm_parse "$CASES_DIR/$scen.sh"
		timeout=$((timeout + VM_TIMEOUT))
	done
	vm_prepare "$CASES_DIR/${members[0]}.sh" "$bdir"
	VM_TIMEOUT=$timeout
	: >"$bdir/output.log"
	vm_boot_retry "$bdir" "$initrd" "$(IFS=+; echo "${members[*]}")" 1 "" || rc=$?
	local wall
	wall=$(echo "$t0 $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
	# m<i>.guest: scenario i's lines, BEGIN to DONE; trailer: the rest.
	awk -v d="$bdir" '
		/^IOPMEM-RIG: BEGIN T=/ { n++; on = 1 }
		on { print > (d "/m" n ".guest"); if ($0 == "IOPMEM-RIG: DONE") on = 0; next }
		n { print > (d "/trailer") }' "$bdir/guest.log"
	awk -v d="$bdir" '/IOPMEM-RIG: SCENARIO / { n++ } { print > (d "/m" (n ? n : 1) ".console") }' \
		"$bdir/console.log"
	# Each scenario's time: its BEGIN to the next one's (the first also
	# gets the boot and the final kmemleak scans), in guest seconds
	# scaled to the guest's wall time.
	local -a secs
	mapfile -t secs < <(awk -v wall="$wall" -v n="$n" '
		/^IOPMEM-RIG: BEGIN T=/ { sub(/.*uptime=/, ""); b[++k] = $0 + 0 }
		/^IOPMEM-RIG: (DMESG|KMEMLEAK) END uptime=/ { sub(/.*uptime=/, ""); last = $0 + 0 }
		END {
			for (i = 1; i <= k; i++) {
				e = (i < k) ? b[i + 1] : last
				s[i] = e > b[i] ? e - b[i] : 0; sum += s[i]
			}
			for (i = 1; i <= n; i++)
				printf "%.1f\n", (i > k) ? 0 : s[i] + (i == 1 ? (wall - sum > 0 ? wall - sum : 0) : 0)
		}' "$bdir/guest.log")
	# Leaks by allocation time: kmemleak's "jiffies J" against the jiffies
	# of each BEGIN line.
	if [[ -f $bdir/trailer ]]; then
		section "$bdir/trailer" 'IOPMEM-RIG: KMEMLEAK BEGIN' 'IOPMEM-RIG: KMEMLEAK END' |
			awk -v d="$bdir" -v begins="$(
				sed -n 's/^IOPMEM-RIG: BEGIN T=.* jiffies=\([0-9]*\).*/\1/p' "$bdir/guest.log" | tr '\n' ' ')" '
			BEGIN { k = split(begins, b, " ") }
			/^unreferenced object/ { flush(); buf = $0 "\n"; who = 1; next }
			buf != "" {
				buf = buf $0 "\n"
				if (match($0, /jiffies [0-9]+/)) {
					j = substr($0, RSTART + 8, RLENGTH - 8) + 0
					for (i = 1; i <= k; i++) if (j >= b[i] + 0) who = i
				}
				next
			}
			function flush() { if (buf != "") printf "%s", buf > (d "/m" who ".leaks"); buf = "" }
			END { flush() }'
	fi
	local dir prev_taint=0 taint status last=0 left=''
	local -a rest=()
	for ((i = 1; i <= n; i++)); do
		scen=${members[i - 1]}
		dir=$kroot/$scen
		if [[ ! -f $bdir/m$i.guest ]] || ! head -n 1 "$bdir/m$i.guest" | grep -qF "T=$scen "; then
			rest+=("$scen")
			continue
		fi
		last=$i
		(
			local -a fails=()
			vm_parse "$CASES_DIR/$scen.sh"
			VM_BOOTS=1
			local mrc=$rc
			grep -qx 'IOPMEM-RIG: DONE' "$bdir/m$i.guest" && mrc=0
			{
				grep -v '^IOPMEM-RIG: TAINT ' "$bdir/m$i.guest"
				echo "IOPMEM-RIG: KMEMLEAK BEGIN"
				cat "$bdir/m$i.leaks" 2>/dev/null
				echo "IOPMEM-RIG: KMEMLEAK END"
				# After the last scenario: the kernel log of the
				# guest's end (the kmemleak scans) is its.
				if ((i == n)) || [[ ! -f $bdir/m$((i + 1)).guest ]]; then
					section "$bdir/trailer" 'IOPMEM-RIG: DMESG BEGIN' 'IOPMEM-RIG: DMESG END' 2>/dev/null |
						sed '1i IOPMEM-RIG: DMESG BEGIN' | sed '$a IOPMEM-RIG: DMESG END'
				fi
				taint=$(sed -n 's/^IOPMEM-RIG: TAINT \([0-9]*\)$/\1/p' "$bdir/m$i.guest")
				if [[ -n $taint ]]; then echo "IOPMEM-RIG: TAINT $((taint & ~prev_taint))"; fi
			} >"$dir/guest.log"
			cp "$bdir/m$i.console" "$dir/console.log" 2>/dev/null || : >"$dir/console.log"
			# Its QMP requests' entries in qmp.log: they come in the
			# order of the guest's QMP lines.
			awk -v from="$(qmp_before "$bdir" "$i")" \
				-v count="$(grep -c '^IOPMEM-RIG: QMP ' "$bdir/m$i.guest" || true)" '
				/^> / { k++ }
				k > from && k <= from + count' "$bdir/qmp.log" >"$dir/qmp.log"
			if [[ -f $bdir/killed ]] && grep -q '^IOPMEM-RIG: KILL' "$bdir/m$i.guest"; then
				touch "$dir/killed"
			fi
			: >"$dir/output.log"
			: >"$dir/dmesg.log"
			judge_boot "$dir" 1 "$mrc"
			left=$(sed -n 's/^IOPMEM-RIG: DIRTY //p' "$bdir/m$i.guest")
			if [[ -n $left ]]; then
				echo "# rig: the rig could not undo what this scenario left in the shared guest ($left): the scenarios after it got another guest (undo it in the scenario's cleanup, or give it '# vm: solo')" >>"$dir/output.log"
			fi
			local note=", shared guest $((i))/$n"
			((i == 1)) && note+=$(sed -n 's/^IOPMEM-RIG: BEGIN .*uptime=\([0-9.]*\).*/, boot \1 s/p' "$dir/guest.log" | head -n 1)
			scenario_verdict "$kname" "$scen" "$dir" "${secs[i - 1]}" "$note"
			touch "$dir/done"
		) 2>"$dir/runner.err" || runner_failed "$kname" "$scen" "$dir"
		taint=$(sed -n 's/^IOPMEM-RIG: TAINT \([0-9]*\)$/\1/p' "$bdir/m$i.guest")
		if [[ -n $taint ]]; then prev_taint=$taint; fi
	done
	# The backing files are the guest's; a failure keeps them.
	local failed=0
	for scen in "${members[@]}"; do
		if grep -qs '^[a-z]*: not ok' "$kroot/$scen/results"; then failed=1; fi
	done
	((failed)) || rm -f "$bdir"/bar[0-9]*.img
	((${#rest[@]} == 0)) && return 0
	if ((${#rest[@]} == 1)); then
		run_job "$kname" "${rest[0]}" "$kroot/${rest[0]}" "$initrd"
	else
		run_shared "$kname" "${rest[*]}" "$initrd" "$kroot" "$bdir.$last"
	fi
}

# qmp_before BDIR I : how many QMP requests the scenarios before the I-th
# of a shared guest made.
qmp_before() {
	local j n=0 c
	for ((j = 1; j < $2; j++)); do
		c=$(grep -c '^IOPMEM-RIG: QMP ' "$1/m$j.guest" 2>/dev/null || true)
		n=$((n + ${c:-0}))
	done
	echo "$n"
}

# runner_failed KERNEL SCEN DIR : the verdict of a scenario whose runner
# died (DIR/runner.err says why).
runner_failed() {
	local k=$1 scen=$2 dir=$3
	{
		echo "FAIL [$k] $scen (the runner failed)"
		sed 's/^/    /' "$dir/runner.err"
	} >"$dir/report"
	echo "rig: not ok - runner failed: $(head -n 1 "$dir/runner.err")" >"$dir/results"
	echo "0 1 0" >"$dir/counts"
	touch "$dir/done"
}

# run_shared_job KERNEL "SCEN..." INITRD KDIR_RUN BDIR : run_shared, with a
# failed verdict for every scenario it left without one.
run_shared_job() {
	local scen
	for scen in $2; do
		rm -rf "${4:?}/$scen"
		mkdir -p "$4/$scen"
	done
	rm -rf "$5"
	mkdir -p "$5"
	(run_shared "$@") 2>"$5/runner.err" || true
	for scen in $2; do
		[[ -f $4/$scen/done ]] && continue
		cp "$5/runner.err" "$4/$scen/runner.err"
		runner_failed "$1" "$scen" "$4/$scen"
	done
}

# prepare_guest KERNEL RUN_DIR : the repository's modules and the guest
# image for KERNEL, linked into RUN_DIR; sets initrd[KERNEL].
prepare_guest() {
	local k=$1 run_dir=$2 img t0=$SECONDS
	# Not inside $(...), where errexit is off: a failed build stops the
	# run here, its compiler errors on stderr.
	"$RIG_DIR/build.sh" "$k" >/dev/null || exit 1
	img=$("$RIG_DIR/initramfs.sh" "$k") || exit 1
	log "check: phase modules + initramfs for $k: $((SECONDS - t0)) s"
	# A private link to the image: a concurrent run may prune the cache.
	initrd[$k]=$run_dir/initramfs-$k.img
	ln -f "$img" "${initrd[$k]}" 2>/dev/null || cp "$img" "${initrd[$k]}"
}

# wait_background_kernel KERNEL RUN_DIR : wait for KERNEL's background
# build (bg_status[KERNEL]), printing finished reports meanwhile; a failed
# build stops the run with the end of its log.
wait_background_kernel() {
	local k=$1 run_dir=$2 t0=$SECONDS rc end
	[[ -n ${bg_status[$k]-} ]] || return 0
	[[ -f ${bg_status[$k]} ]] ||
		log "check: waiting for the background build of kernel $k (log: $run_dir/setup-$k.log)"
	while [[ ! -f ${bg_status[$k]} ]]; do
		sleep 2
		flush
	done
	read -r rc end <"${bg_status[$k]}"
	if ((rc != 0)); then
		tail -n 40 "$run_dir/setup-$k.log" >&2
		die "setting up kernel $k failed (status $rc, log: $run_dir/setup-$k.log)"
	fi
	log "check: phase setup of kernel $k in the background: $end s; the scenarios waited $((SECONDS - t0)) s for it"
}

main() {
	local -a items=() kernels
	local text
	# Scenarios are chosen by TESTS=; an argument would silently run all.
	(($# == 0)) || die "tests/vm/check.sh takes no arguments: TESTS=\"$*\" tests/vm/check.sh (or make check TESTS=\"$*\")"
	text=$(plan) || exit 1
	[[ -n $text ]] && mapfile -t items <<<"$text"
	((${#items[@]} > 0)) || die "nothing to run for TESTS='${TESTS:-}' KERNEL='${KERNEL:-}'"
	if [[ ${IOPMEM_LIST:-0} == 1 ]]; then
		printf '%s\n' "${items[@]}"
		return 0
	fi
	mapfile -t kernels < <(printf '%s\n' "${items[@]}" | awk '!seen[$1]++ { print $1 }')

	local t_start
	t_start=$SECONDS
	# A kernel built from source (the debug kernel: ~17 min on 2 cores)
	# that is not cached and has scenarios of other kernels before it
	# builds in the background at the lowest CPU priority: it takes the
	# CPU their guests leave idle, and its own scenarios wait for it.
	local -a now=() later=()
	local k
	for k in "${kernels[@]}"; do
		kernel_select "$k"
		if ((${#now[@]} > 0)) && [[ -n $KSOURCE_PKG && ! -f $KSTAMP ]]; then
			later+=("$k")
		else
			now+=("$k")
		fi
	done
	"$RIG_DIR/setup.sh" "${now[@]}"
	log "check: phase setup (packages, kernels ${now[*]}): $((SECONDS - t_start)) s"
	local -A initrd=() bg_status=()
	local run_dir
	run_dir=$OUT_DIR/check-$(date +%Y%m%d-%H%M%S)-$$
	mkdir -p "$run_dir"
	# The run's own image links go at the end, or out/ keeps 44 MB per run.
	# shellcheck disable=SC2064 # expand now: run_dir is local
	trap "rm -f $(printf '%q' "$run_dir")/initramfs-*.img" EXIT
	for k in "${later[@]}"; do
		bg_status[$k]=$run_dir/setup-$k.status
		# Not a job of this shell: the scheduler below counts its jobs.
		(
			rc=0 t0=$SECONDS
			nice -n 19 "$RIG_DIR/setup.sh" "$k" >"$run_dir/setup-$k.log" 2>&1 || rc=$?
			echo "$rc $((SECONDS - t0))" >"${bg_status[$k]}.tmp"
			mv "${bg_status[$k]}.tmp" "${bg_status[$k]}"
		) &
		disown
		log "check: kernel $k builds in the background at nice 19 (log: $run_dir/setup-$k.log); its scenarios wait for it"
	done
	for k in "${now[@]}"; do
		prepare_guest "$k" "$run_dir"
	done
	ln -sfn "$(basename "$run_dir")" "$OUT_DIR/latest"
	((JOBS > 1)) && export IOPMEM_SMP=${IOPMEM_SMP:-1}
	log "check: ${#items[@]} scenario(s), $JOBS at a time, logs in $run_dir"

	local -a dirs=() guests=() words=()
	local i g next=0 item scen key
	# Scenarios with the same VM and no hooks share guests, up to
	# IOPMEM_SHARE (default 8) per guest; IOPMEM_SHARE=1 gives each its own.
	# A guest is "KERNEL SCEN..."; it starts where its first scenario is in
	# the plan.
	local share=${IOPMEM_SHARE:-8}
	local -A open_job=()
	for i in "${!items[@]}"; do
		item=${items[$i]}
		k=${item%% *} scen=${item#* }
		dirs+=("$run_dir/$k/$scen")
		key=''
		((share > 1)) && key=$(share_key "$k" "$scen") || key=''
		if [[ -n $key && -n ${open_job[$key]-} ]]; then
			g=${open_job[$key]}
			guests[g]+=" $scen"
			read -ra words <<<"${guests[g]}"
			((${#words[@]} - 1 < share)) || unset "open_job[$key]"
		else
			[[ -n $key ]] && open_job[$key]=${#guests[@]}
			guests+=("$k $scen")
		fi
	done
	# flush : print finished reports in plan order.
	flush() {
		while ((next < ${#dirs[@]})) && [[ -f ${dirs[next]}/done ]]; do
			cat "${dirs[next]}/report"
			next=$((next + 1))
		done
	}
	local -a members
	for i in "${!guests[@]}"; do
		read -ra members <<<"${guests[$i]}"
		k=${members[0]}
		members=("${members[@]:1}")
		if [[ -z ${initrd[$k]-} ]]; then
			wait_background_kernel "$k" "$run_dir"
			prepare_guest "$k" "$run_dir"
		fi
		while (($(jobs -rp | wc -l) >= JOBS)); do
			wait -n || true
			flush
		done
		if ((${#members[@]} == 1)); then
			run_job "$k" "${members[0]}" "$run_dir/$k/${members[0]}" "${initrd[$k]}" &
		else
			run_shared_job "$k" "${members[*]}" "${initrd[$k]}" "$run_dir/$k" "$run_dir/$k/.shared-$i" &
		fi
	done
	wait || true
	flush
	# Guests of different kernels overlap at the edges: per kernel, the
	# sum of its scenarios' wall times, divided by the guests at a time.
	for k in "${kernels[@]}"; do
		log "check: phase scenarios on $k: $(cat "$run_dir/$k"/*/*/secs 2>/dev/null |
			awk -v j="$JOBS" '{ s += $1 } END { printf "%d", s / j }') s ($JOBS at a time)"
	done

	local passed=0 failed=0 skipped=0 d n_ok n_fail n_skip
	for d in "${dirs[@]}"; do
		if [[ -f $d/counts ]]; then
			read -r n_ok n_fail n_skip <"$d/counts"
		else
			# The runner itself died for this scenario: never a pass.
			echo "FAIL ${d#"$run_dir"/}: the runner did not finish this scenario"
			n_ok=0 n_fail=1 n_skip=0
		fi
		passed=$((passed + n_ok)) failed=$((failed + n_fail)) skipped=$((skipped + n_skip))
	done
	if ((failed > 0)); then
		echo "failed results:"
		for d in "${dirs[@]}"; do
			[[ -f $d/results ]] || continue
			k=${d#"$run_dir"/} k=${k%%/*}
			scen=${d#"$run_dir/$k/"}
			grep '^[a-z]*: not ok' "$d/results" | sed "s|^|  [$k] $scen: |" || true
		done
	fi
	local -a kept=()
	mapfile -t kept < <(find "$run_dir" -type f \( -name 'bar[0-9]*.img' -o -name 'nvme[0-9]*.img' \) \
		-printf '%h\n' | LC_ALL=C sort -u)
	if ((${#kept[@]} > 0)); then
		echo "failed scenarios keep their BAR/NVMe backing files ($(du -sch "${kept[@]}" | tail -n 1 | cut -f1) on disk with their logs; delete them when done):"
		printf '  %s\n' "${kept[@]}"
	fi
	log "check: total $((SECONDS - t_start)) s"
	local line="$passed passed, $failed failed"
	((skipped > 0)) && line+=", $skipped skipped"
	echo "$line"
	((failed == 0))
}

main "$@"
