#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make install DESTDIR=root, as a packager runs it: the modules iopmem and
# iopfs (and no test module), the tool, its man pages and the udev rule
# land under root where a distribution expects them, nothing is written
# into the live /lib/modules, depmod -b root indexes the modules so that
# modprobe -d root finds them, iopmem before iopfs; make uninstall
# DESTDIR=root takes all of it away again, the modules' directories too.
# Loading them is dkms/load's and the packaging scenarios' (same Kbuild).
# host-only
# results: 18
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
live=/lib/modules/$KVER
touch "$tmp/stamp"

# leaked_into_live : files an install wrote into the live module tree, if
# any (then removed: the test cleans up after itself).
leaked_into_live() {
	local f
	f=$(find "$live" -newer "$tmp/stamp" \( -name 'iopmem*.ko*' -o -name 'iopfs*.ko*' \) 2>/dev/null)
	[[ -z $f ]] || xargs rm -f <<<"$f"
	echo "$f"
}

# DESTDIR only: INSTALL_MOD_PATH is kbuild's, which a packager need not know.
check "make install DESTDIR=root" make -C "$tmp/src" install KDIR="$KDIR" DESTDIR="$root"
check_eq "nothing written into the live $live" "" "$(leaked_into_live)"
ko=$(find "$root/lib/modules/$KVER/updates" -name 'iopmem.ko*' 2>/dev/null)
check "iopmem.ko under root/lib/modules/$KVER/updates" test -n "$ko"
check "depmod -b root: modules.dep lists it" \
	grep -q '^updates/.*/iopmem\.ko[^:]*:' "$root/lib/modules/$KVER/modules.dep"
check "modprobe -d root finds it" sh -c \
	"modprobe -d '$root' -S '$KVER' --show-depends iopmem | grep -qF 'insmod $ko'"
# Fails when Kbuild leaves fs/iopfs to the test-only block again.
fsko=$(find "$root/lib/modules/$KVER/updates" -name 'iopfs.ko*' 2>/dev/null)
check "iopfs.ko under root/lib/modules/$KVER/updates" test -n "$fsko"
# Fails without depmod, or when iopfs.ko stops resolving iopmem's
# iopmem_fs_* exports (modprobe iopfs would then not load iopmem first).
check_eq "modprobe -d root iopfs: iopmem.ko first, then iopfs.ko" \
	"insmod $ko insmod $fsko" \
	"$(modprobe -d "$root" -S "$KVER" --show-depends iopfs 2>&1 | awk '{ s = s (NR > 1 ? " " : "") $1 " " $2 } END { print s }')"
check_eq "no test-only module installed" "" \
	"$(find "$root/lib/modules" -name 'iopmem_test_*' 2>/dev/null)"
check "iopmemctl in /usr/local/bin" test -x "$root/usr/local/bin/iopmemctl"
check "man pages in /usr/local/share/man/man1" \
	test "$(find "$root/usr/local/share/man/man1" -name 'iopmemctl*.1' 2>/dev/null | wc -l)" -ge 5
check "udev rule in /lib/udev/rules.d" test -f "$root/lib/udev/rules.d/60-iopmem.rules"
check "the rule runs the installed iopmemctl at boot" \
	grep -q 'RUN+="/usr/local/bin/iopmemctl apply-config' "$root/lib/udev/rules.d/60-iopmem.rules"

check "make uninstall DESTDIR=root" make -C "$tmp/src" uninstall KDIR="$KDIR" DESTDIR="$root"
check_fail "modprobe -d root no longer finds iopmem" \
	modprobe -d "$root" -S "$KVER" --show-depends iopmem
# Fails when uninstall removes only iopmem.ko (as it did).
check_fail "... nor iopfs" modprobe -d "$root" -S "$KVER" --show-depends iopfs
# Fails when uninstall leaves updates/fs/iopfs/ (or drivers/...) empty behind.
check_eq "no directory left under root/lib/modules/$KVER/updates" "" \
	"$(find "$root/lib/modules/$KVER/updates" 2>/dev/null)"
check_eq "no file left under root but depmod's indexes" "" \
	"$(find "$root" -type f ! -path "$root/lib/modules/$KVER/modules.*")"
check_eq "... and nothing in the live $live" "" "$(leaked_into_live)"
