#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# dkms add / build / install iopmem for the guest's kernel, in private trees
# (nothing of the host's /lib/modules or /var/lib/dkms is touched), then put
# the installed modules, iopmem and iopfs, on an ext4 file system in the
# NVMe image for load.sh.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=$SCENARIO_DIR/dkms
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$repo/dkms.conf")
src=$work/src/iopmem-$version
rm -rf "$work"
mkdir -p "$src" "$work/tree" "$work/lib/modules/$KVER" "$work/fs"
(cd "$repo" && git ls-files -co --exclude-standard -- dkms.conf VERSION Makefile Kbuild drivers fs/iopfs include tests/provider tests/ptewalk |
	while read -r f; do [[ -f $f ]] && install -D -m 0644 "$f" "$src/$f"; done)
trees=(--dkmstree "$work/tree" --sourcetree "$work/src" --installtree "$work/lib/modules")

check "dkms add" dkms add "${trees[@]}" -m iopmem -v "$version"
check "dkms build for $KVER" dkms build "${trees[@]}" -m iopmem -v "$version" -k "$KVER" --kernelsourcedir "$KDIR"
# --no-depmod: depmod would look at the host's /lib/modules/$KVER.
check "dkms install for $KVER" dkms install --no-depmod "${trees[@]}" -m iopmem -v "$version" -k "$KVER" --kernelsourcedir "$KDIR"

# dkms.conf's BUILD_EXCLUSIVE_*: where the driver cannot build, dkms skips
# (exit 77 and its message), rather than failing: a kernel too old, one
# without ZONE_DEVICE (a fake source tree: only its .config is read), an
# architecture other than x86_64.
dkms_skips() {
	dkms build "${trees[@]}" -m iopmem -v "$version" "$@" >"$work/skip.log" 2>&1
	local rc=$?
	[[ $rc == 77 ]] && grep -q 'BUILD_EXCLUSIVE directive' "$work/skip.log"
}
mkdir -p "$work/no-zone-device"
grep -v '^CONFIG_ZONE_DEVICE=' "$KDIR/.config" >"$work/no-zone-device/.config"
check "dkms skips kernel 5.10" dkms_skips -k 5.10.0-30-amd64 --kernelsourcedir "$KDIR"
check "dkms skips a kernel without CONFIG_ZONE_DEVICE" \
	dkms_skips -k "${KVER%%-*}-99-amd64" --kernelsourcedir "$work/no-zone-device"
check "dkms skips i386" dkms_skips -k "$KVER" -a i386 --kernelsourcedir "$KDIR"

ko=$(find "$work/lib/modules/$KVER" -name 'iopmem.ko*' | head -n 1)
check "dkms installed iopmem.ko under updates/dkms" test -n "$ko"
[[ -n $ko ]] && cp "$ko" "$work/fs/"
# Fails when dkms.conf has no BUILT_MODULE_NAME[1]=iopfs (dkms builds it
# but installs only iopmem).
fsko=$(find "$work/lib/modules/$KVER" -name 'iopfs.ko*' | head -n 1)
check "dkms installed iopfs.ko beside it" test "$(dirname "$fsko")" = "$(dirname "$ko")"
[[ -n $fsko ]] && cp "$fsko" "$work/fs/"
check "module on an ext4 image for the guest" mke2fs -q -F -t ext4 -d "$work/fs" "$NVME0_IMG"
