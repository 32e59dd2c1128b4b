#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest helpers of tests/cases/lib.sh do what they promise: each helper
# runs in a subshell and its output is compared with the expected lines.
# vm: ivshmem 512M addr=04.0
# results: 21
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh

# sub CMD... : output of CMD run with a fresh result counter, in a subshell.
sub() {
	(
		_lib_n=0
		_lib_exit_cmds=
		"$@"
	) 2>&1
}

check_eq "check: ok on success" "ok 1 - t" "$(sub check t true)"
check_eq "check: not ok on failure, output shown" \
	"not ok 1 - t|# command failed with status 1: sh -c echo boom; false|#   boom" \
	"$(sub check t sh -c 'echo boom; false' | tr '\n' '|' | sed 's/|$//')"
check_eq "check_fail: ok on failure" "ok 1 - t" "$(sub check_fail t false)"
check_eq "check_fail: not ok on success" "not ok 1 - t" "$(sub check_fail t true | head -n 1)"
check_eq "check_eq: not ok on mismatch" "not ok 1 - t" "$(sub check_eq t a b | head -n 1)"
check_eq "skip: KTAP SKIP directive" "ok 1 - t # SKIP why" "$(sub skip t why)"
check_eq "numbering continues" "ok 1 - a|not ok 2 - b|ok 3 - c # SKIP r" \
	"$(sub sh -c '. /tests/lib.sh; ok a; not_ok b; skip c r' | tr '\n' '|' | sed 's/|$//')"
check_eq "on_exit: handlers run in reverse order, exit status kept" "second|first|status 3|" \
	"$({ sh -c '. /tests/lib.sh; on_exit "echo first"; on_exit "echo second"; exit 3'; echo "status $?"; } | tr '\n' '|')"
check_eq "die: a failed result and exit 1" "not ok 1 - fatal|status 1|" \
	"$({ sh -c '. /tests/lib.sh; die fatal; echo unreachable'; echo "status $?"; } | tr '\n' '|')"

dmesg_mark
echo "iopmem-rig: hello from rig/lib" >/dev/kmsg
check "dmesg_has: finds a message after the mark" dmesg_has 'hello from rig/lib'
dmesg_mark
check_fail "dmesg_has: ignores messages before the mark" dmesg_has 'hello from rig/lib'

check_eq "rig_rounds: all of them on a stock kernel" 100 "$(SLOWDOWN=1 rig_rounds 100)"
check_eq "rig_rounds: divided by the slowdown" 25 "$(SLOWDOWN=4 rig_rounds 100)"
check_eq "rig_rounds: at least one" 1 "$(SLOWDOWN=4 rig_rounds 3)"

check_eq "pci_driver: empty for an unbound device" "" "$(pci_driver 0000:00:04.0)"
check "pci_unbind: no-op for an unbound device" pci_unbind 0000:00:04.0
if /usr/sbin/modinfo -n iopmem >/dev/null 2>&1; then
	check "modprobe iopmem" modprobe iopmem
	on_exit "rmmod iopmem"
	check "pci_bind_iopmem binds 00:04.0" pci_bind_iopmem 0000:00:04.0
	check_eq "pci_driver reports iopmem" iopmem "$(pci_driver 0000:00:04.0)"
	check "pci_unbind unbinds it" pci_unbind 0000:00:04.0
	check_eq "pci_driver: empty again" "" "$(pci_driver 0000:00:04.0)"
else
	skip "pci_bind_iopmem/pci_unbind" "iopmem.ko not in the initramfs"
fi
