#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The KUnit suite "iopmem" (tests/kunit/iopmem_kunit.ko): loading the
# module runs it, and each of its test cases becomes one result here, read
# from /sys/kernel/debug/kunit/iopmem/results (or the kernel log).  The
# scenario fails when the suite did not run or reported fewer cases than
# it planned.  A second load with control=1 must report exactly the
# control case as failed, so a failing KUnit expectation is shown to come
# out as "not ok".  Kernels without KUnit (Debian's 6.1 and 6.12) build no
# such module: that is checked, and the suite is a SKIP.
# With KUnit: one result per test case (18), the module, its load, the
# completeness of the suite and the control.
# results: 2
# results[7.2]: 22
# vm: ivshmem none
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
# shellcheck source=tests/cases/iopmem.sh
. /tests/iopmem.sh

SUITE=iopmem
RESULTS=/sys/kernel/debug/kunit/$SUITE/results
# Where the rig puts the modules it built (the guest shell runs busybox's
# modinfo, which exits 0 for a module it cannot find).
KO=/lib/modules/$(uname -r)/extra/iopmem_kunit.ko

# KUnit built as a module is loaded on demand; built in, it has parameters.
modprobe -q kunit 2>/dev/null
if [ ! -d /sys/module/kunit ]; then
	check_fail "no iopmem_kunit module was built for a kernel without KUnit" \
		test -e "$KO"
	skip "KUnit suite $SUITE" "this kernel has no KUnit (CONFIG_KUNIT is not set)"
	exit 0
fi

check "iopmem_kunit.ko was built for this kernel with KUnit" test -e "$KO"
on_exit "rmmod iopmem 2>/dev/null"

# ktap_cases FILE : the suite's test cases in FILE (KTAP, or kernel log
# lines with timestamps), one record a line, fields split by tabs:
#   ok|not ok|skip  NAME  SKIP-REASON   a case (cases are one level in)
#   msg  LINE         after a failed case: its messages (expectations,
#                     failed parameters)
#   plan  N           the number of cases the suite announced
#   suite  ok|not ok  the suite's own result line
ktap_cases() {
	sed 's/^\[ *[0-9.]*\] //' "$1" | awk -v suite="$SUITE" '
		$0 ~ "^    # Subtest: " suite "$" { insuite = 1; next }
		!insuite { next }
		/^    1\.\.[0-9]+$/ { sub(/^ +1\.\./, ""); print "plan\t" $0; nlog = 0; next }
		/^    (not )?ok [0-9]+ / {
			line = substr($0, 5)
			status = "ok"
			if (line ~ /^not ok/) { status = "not ok"; line = substr(line, 8) }
			else line = substr(line, 4)
			sub(/^[0-9]+ /, "", line)
			reason = ""
			i = index(line, " # SKIP")
			if (i) {
				reason = substr(line, i + 8)
				line = substr(line, 1, i - 1)
				if (status == "ok") status = "skip"
			}
			print status "\t" line "\t" reason
			if (status == "not ok")
				for (j = 1; j <= nlog; j++) print "msg\t" msgs[j]
			nlog = 0
			next
		}
		$0 ~ "^(not )?ok [0-9]+ " suite "( |$)" {
			print "suite\t" ($0 ~ /^not/ ? "not ok" : "ok")
			exit
		}
		# What a case logged before its result; passing parameters
		# of a failed case are left out.
		!/^        ok [0-9]+ / { msgs[++nlog] = $0 }'
}

# suite_output FILE : the suite's KTAP, from debugfs or from the kernel log
# since the last mark.
suite_output() {
	if [ -r "$RESULTS" ]; then
		cat "$RESULTS" >"$1"
	else
		info "no $RESULTS (CONFIG_KUNIT_DEBUGFS?): reading the kernel log"
		dmesg_since_mark >"$1"
	fi
}

# --- the suite: every case is a result
dmesg_mark
check "modprobe iopmem_kunit" modprobe iopmem_kunit
suite_output /tmp/ktap
ktap_cases /tmp/ktap >/tmp/cases
plan=$(sed -n 's/^plan\t//p' /tmp/cases)
suite=$(sed -n 's/^suite\t//p' /tmp/cases)
n=0
tab=$(printf '\t')
while IFS=$tab read -r status name reason; do
	case $status in
	ok) ok "kunit $SUITE: $name" ;;
	skip) skip "kunit $SUITE: $name" "$reason" ;;
	"not ok") not_ok "kunit $SUITE: $name" ;;
	msg)
		info "  $name"
		continue
		;;
	*) continue ;;
	esac
	n=$((n + 1))
done </tmp/cases
check_eq "suite $SUITE ran and reported every case it planned" \
	"plan ${plan:-missing}, suite result ${suite:+present}" \
	"plan $n, suite result present"
[ -n "$plan" ] || sed 's/^/#   /' /tmp/ktap
rmmod iopmem_kunit

# --- the control: a failing expectation must reach us as "not ok"
dmesg_mark
modprobe iopmem_kunit control=1
suite_output /tmp/ktap-control
rmmod iopmem_kunit
ktap_cases /tmp/ktap-control >/tmp/cases-control
check_eq "control=1: only control_fails_on_request fails, and the suite with it" \
	"not ok control_fails_on_request|suite not ok|cases $n" \
	"$(awk -F '\t' '$1 == "not ok" { f = f (f ? ", " : "") $1 " " $2 } $1 == "suite" { s = $2 }
		$1 == "ok" || $1 == "not ok" || $1 == "skip" { c++ }
		END { print f "|suite " s "|cases " c }' /tmp/cases-control)"
