#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot one QEMU guest for one scenario, by hand. (make check uses the same
# code through tests/vm/check.sh, which adds host hooks and the verdict.)
#
# usage: tests/vm/run-vm.sh [-k KERNEL] [-i INITRAMFS] [-o DIR] SCENARIO
#   SCENARIO  group/name (tests/cases/group/name.sh) or a path to a guest
#             script; its "# vm:" header describes the machine (tests/vm/vm.sh)
#   -k        6.1 (default) or 6.12
#   -i        use this initramfs instead of building one
#   -o        where the logs and backing files go (default out/run-vm/<name>)
# Prints the scenario's output (ttyS1); the kernel console is in DIR/console.log.
# Exit status: QEMU's (124 = timeout).
set -euo pipefail

# shellcheck source=tests/vm/kernel.sh
. "$(dirname "${BASH_SOURCE[0]}")/kernel.sh"
# shellcheck source=tests/vm/vm.sh
. "$RIG_DIR/vm.sh"

usage() { die "usage: tests/vm/run-vm.sh [-k KERNEL] [-i INITRAMFS] [-o DIR] SCENARIO"; }

main() {
	local kernel=6.1 initrd='' dir='' opt
	while getopts k:i:o: opt; do
		case $opt in
		k) kernel=$OPTARG ;;
		i) initrd=$OPTARG ;;
		o) dir=$OPTARG ;;
		*) usage ;;
		esac
	done
	shift $((OPTIND - 1))
	(($# == 1)) || usage
	local scen=$1 file t
	if [[ -f $scen ]]; then
		file=$(realpath "$scen")
		# Scripts outside tests/cases are not in the initramfs by name.
		case $file in
		"$CASES_DIR"/*) t=${file#"$CASES_DIR"/} t=${t%.sh} ;;
		"$RIG_DIR/demo-guest.sh") t=/rig/demo.sh ;;
		*) die "$file is not under tests/cases/; the guest only has those scripts" ;;
		esac
	else
		file=$CASES_DIR/$scen.sh t=$scen
		[[ -f $file ]] || die "no scenario $file; name it as group/name (see tests/cases/)"
	fi
	kernel_select "$kernel"
	dir=${dir:-$OUT_DIR/run-vm/${t//\//_}}
	if [[ -z $initrd ]]; then
		"$RIG_DIR/setup.sh" "$kernel"
		"$RIG_DIR/build.sh" "$kernel" >/dev/null
		initrd=$("$RIG_DIR/initramfs.sh" "$kernel")
	fi
	vm_prepare "$file" "$dir"
	local rc=0
	vm_boot "$dir" "$KIMAGE" "$initrd" "$t" || rc=$?
	cat "$dir/guest.log"
	((rc == 124)) && log "run-vm: timeout after ${VM_TIMEOUT}s (console: $dir/console.log)"
	return "$rc"
}

main "$@"
