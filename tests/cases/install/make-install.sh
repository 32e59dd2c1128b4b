#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make install into a staging root: the module (and no test module), the
# tool, its man pages and the udev rule, where a distribution expects them.
# host-only
# results: 7
set -uo pipefail
. tests/cases/lib.sh
# shellcheck source=tests/vm/kernel.sh
. tests/vm/kernel.sh

kernel_select "${KERNEL:-6.1}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git ls-files -co --exclude-standard | while read -r f; do
	[[ -f $f ]] && install -D -m 0644 "$f" "$tmp/src/$f"
done
chmod +x "$tmp/src/tools/iopmemctl/tests/run.sh" 2>/dev/null
root=$tmp/root
check "make install" make -C "$tmp/src" install KDIR="$KDIR" INSTALL_MOD_PATH="$root" DESTDIR="$root"
check "iopmem.ko under /lib/modules/$KVER/updates" \
	test -n "$(find "$root/lib/modules/$KVER/updates" -name 'iopmem.ko*' 2>/dev/null)"
check_eq "no test-only module installed" "" \
	"$(find "$root/lib/modules" -name 'iopmem_test_*' 2>/dev/null)"
check "iopmemctl in /usr/local/bin" test -x "$root/usr/local/bin/iopmemctl"
check "man pages in /usr/local/share/man/man1" \
	test "$(find "$root/usr/local/share/man/man1" -name 'iopmemctl*.1' 2>/dev/null | wc -l)" -ge 5
check "udev rule in /lib/udev/rules.d" test -f "$root/lib/udev/rules.d/60-iopmem.rules"
check "the rule runs the installed iopmemctl at boot" \
	grep -q 'RUN+="/usr/local/bin/iopmemctl apply-config' "$root/lib/udev/rules.d/60-iopmem.rules"
