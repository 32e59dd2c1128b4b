# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Shared helpers of the test scenarios. POSIX sh: sourced by guest scenarios
# (busybox sh, `. /tests/lib.sh`) and by host hooks (bash,
# `. "$(dirname "$0")/../lib.sh"`).
#
# Result protocol (what tests/vm/check.sh counts), one line per result:
#   ok N - description
#   not ok N - description
#   ok N - description # SKIP reason
# Lines starting with "# " are information. Anything else is shown on failure
# only.
#
#   ok DESC / not_ok DESC / skip DESC REASON    emit one result
#   info MSG...                                 "# MSG"
#   check DESC CMD...        ok if CMD succeeds; on failure its output is shown
#   check_fail DESC CMD...   ok if CMD fails
#   check_eq DESC EXPECTED ACTUAL
#   die MSG...               a failed result, then exit 1 (runs on_exit handlers)
#   on_exit CMD              run CMD (eval'd) at exit; last registered runs first
#   dmesg_mark / dmesg_since_mark / dmesg_has REGEX   (guest)
#   dmesg_wait REGEX [SECONDS]   dmesg_has within SECONDS (default 10)
#   pci_bind_iopmem ADDR / pci_unbind ADDR / pci_driver ADDR  (guest)
#   pattern TAG              4096 reproducible bytes naming TAG (64 lines of 64)
#   layout LEN:C...          LEN bytes of character C, for each argument
#                            (C 0 is NUL): the expected content of a range
#   rig_say LINE             a line for the host's rig (IOPMEM-RIG: QMP ...)
#   rig_rounds N             N, divided by the kernel's slowdown (guest)

_lib_n=0
_lib_failed=0
_lib_exit_cmds=

ok() {
	_lib_n=$((_lib_n + 1))
	echo "ok $_lib_n - $*"
}

not_ok() {
	_lib_n=$((_lib_n + 1))
	_lib_failed=$((_lib_failed + 1))
	echo "not ok $_lib_n - $*"
}

# skip DESC REASON
skip() {
	_lib_n=$((_lib_n + 1))
	echo "ok $_lib_n - $1 # SKIP ${2:-no reason given}"
}

info() {
	echo "# $*"
}

# _lib_show_output FILE : indent a failed command's output as information.
_lib_show_output() {
	sed 's/^/#   /' "$1"
}

# check DESC CMD... : run CMD; ok when it exits 0. Output is kept quiet on
# success and shown (as "#" lines) on failure.
check() {
	_lib_desc=$1
	shift
	_lib_out=$(mktemp)
	if "$@" >"$_lib_out" 2>&1; then
		ok "$_lib_desc"
	else
		_lib_rc=$?
		not_ok "$_lib_desc"
		info "command failed with status $_lib_rc: $*"
		_lib_show_output "$_lib_out"
	fi
	rm -f "$_lib_out"
}

# check_fail DESC CMD... : ok when CMD exits non-zero.
check_fail() {
	_lib_desc=$1
	shift
	_lib_out=$(mktemp)
	if "$@" >"$_lib_out" 2>&1; then
		not_ok "$_lib_desc"
		info "command succeeded but should have failed: $*"
		_lib_show_output "$_lib_out"
	else
		ok "$_lib_desc"
	fi
	rm -f "$_lib_out"
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		info "expected: '$2'"
		info "actual:   '$3'"
	fi
}

# die MSG... : fail the scenario now. The exit status makes the runner count
# an extra failure even if this line were lost.
die() {
	not_ok "$*"
	exit 1
}

# on_exit CMD : register cleanup. Handlers run in reverse order of
# registration when the script exits (normally, by die, or on INT/TERM).
on_exit() {
	_lib_exit_cmds="$1
$_lib_exit_cmds"
}

_lib_run_exit() {
	_lib_status=$?
	trap - EXIT
	_lib_cmds=$_lib_exit_cmds
	_lib_exit_cmds=
	# A here-document, not a pipe: handlers run in this shell, not a subshell.
	while IFS= read -r _lib_cmd; do
		[ -n "$_lib_cmd" ] || continue
		eval "$_lib_cmd" </dev/null || info "cleanup '$_lib_cmd' failed"
	done <<EOF
$_lib_cmds
EOF
	exit "$_lib_status"
}
trap _lib_run_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# dmesg_mark : remember "now" in the kernel log (by writing a numbered marker
# to /dev/kmsg; robust against ring-buffer wrap and timestamps).
_lib_mark=0
dmesg_mark() {
	_lib_mark=$((_lib_mark + 1))
	echo "iopmem-rig: mark $$.$_lib_mark" >/dev/kmsg
}

# dmesg_since_mark : kernel messages after the last dmesg_mark.
dmesg_since_mark() {
	dmesg | awk -v m="iopmem-rig: mark $$.$_lib_mark" 'seen { print } index($0, m) { seen = 1 }'
}

# dmesg_has REGEX : true if a message since the last mark matches (grep -E).
dmesg_has() {
	dmesg_since_mark | grep -Eq -- "$1"
}

# dmesg_wait REGEX [SECONDS] : dmesg_has within SECONDS (default 10).
dmesg_wait() {
	_lib_tries=$((${2:-10} * 2))
	while [ "$_lib_tries" -gt 0 ]; do
		dmesg_has "$1" && return 0
		sleep 0.5
		_lib_tries=$((_lib_tries - 1))
	done
	return 1
}

# pci_driver ADDR : name of the driver bound to ADDR (empty if none).
pci_driver() {
	if [ -e "/sys/bus/pci/devices/$1/driver" ]; then
		basename "$(readlink "/sys/bus/pci/devices/$1/driver")"
	fi
}

# pci_bind_iopmem ADDR : bind ADDR (e.g. 0000:00:04.0) to iopmem, whatever
# its IDs, through driver_override. Fails if iopmem did not take it.
pci_bind_iopmem() {
	echo iopmem >"/sys/bus/pci/devices/$1/driver_override" || return 1
	echo "$1" >/sys/bus/pci/drivers_probe || return 1
	[ "$(pci_driver "$1")" = iopmem ]
}

# pci_unbind ADDR : unbind ADDR from its driver (no-op if unbound). The
# driver_override stays, so a later drivers_probe binds iopmem again.
pci_unbind() {
	_lib_drv=$(pci_driver "$1")
	[ -z "$_lib_drv" ] && return 0
	echo "$1" >"/sys/bus/pci/drivers/$_lib_drv/unbind"
}

# pattern TAG : 4096 bytes, 64 lines of 64 characters naming TAG and the line
# number, so a misplaced block is recognisable in a hex dump.
pattern() {
	_lib_i=0
	while [ "$_lib_i" -lt 64 ]; do
		printf '%-63.63s\n' "iopmem-rig $1 line $_lib_i"
		_lib_i=$((_lib_i + 1))
	done
}

# layout LEN:C... : the bytes a range should hold, piece by piece: LEN
# bytes of the character C each (0 stands for NUL), e.g. "100:Z 3996:0".
layout() {
	for _lib_piece in "$@"; do
		if [ "${_lib_piece#*:}" = 0 ]; then
			head -c "${_lib_piece%%:*}" /dev/zero
		else
			head -c "${_lib_piece%%:*}" /dev/zero | tr '\000' "${_lib_piece#*:}"
		fi
	done
}

# rig_rounds N : how many rounds of a repeated workload to run: N on a
# stock kernel, N divided by the kernel's slowdown (kernels.conf, passed as
# SLOWDOWN= on the command line) on the debug kernel, at least 1.  Races
# are hunted by many rounds on the fast kernels; the debug kernel's
# checkers look at every round, and its rounds cost CI's time 4 times over.
rig_rounds() {
	echo $(($1 / ${SLOWDOWN:-1} > 0 ? $1 / ${SLOWDOWN:-1} : 1))
}

# rig_say LINE : to the host's rig (IOPMEM-RIG: QMP/KILL requests, see
# tests/vm/README.md), even from inside `check`, which captures the output
# of what it runs: straight to the rig's serial line.
rig_say() {
	if [ -c /dev/ttyS1 ]; then echo "$*" >/dev/ttyS1; else echo "$*"; fi
}
