#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: boot one guest with a 512 MiB emulated BAR at 0000:00:04.0 and
# show what tests/vm/demo-guest.sh prints there.
#
# env: KERNEL=6.1 (default) | 6.12; IOPMEM_NO_MODULE=1 to skip the build.
set -euo pipefail

# shellcheck source=tests/vm/kernel.sh
. "$(dirname "${BASH_SOURCE[0]}")/kernel.sh"
# shellcheck source=tests/vm/vm.sh
. "$RIG_DIR/vm.sh"

main() {
	local kernel=${KERNEL:-6.1}
	local dir=$OUT_DIR/demo
	"$RIG_DIR/setup.sh" "$kernel"
	"$RIG_DIR/build.sh" "$kernel" >/dev/null
	local initrd
	initrd=$("$RIG_DIR/initramfs.sh" "$kernel")
	kernel_select "$kernel"
	rm -rf "$dir"
	vm_prepare "$RIG_DIR/demo-guest.sh" "$dir"
	log "demo: booting $KVER under QEMU (TCG, ~10 s)"
	local rc=0
	vm_boot "$dir" "$KIMAGE" "$initrd" /rig/demo.sh || rc=$?
	awk '/^IOPMEM-RIG: END/ { exit } on { print } /^IOPMEM-RIG: BEGIN/ { on = 1 }' "$dir/guest.log"
	local status
	status=$(sed -n 's/^IOPMEM-RIG: END status=\([0-9]*\).*/\1/p' "$dir/guest.log")
	if [[ $status != 0 ]]; then
		tail -n 30 "$dir/console.log" >&2
		die "the demo did not complete (QEMU status $rc, guest status '${status:-none}'); logs in $dir"
	fi
}

main "$@"
