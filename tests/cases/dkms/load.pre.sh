#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# dkms add / build / install iopmem for the guest's kernel, in private trees
# (nothing of the host's /lib/modules or /var/lib/dkms is touched), then put
# the installed module on an ext4 file system in the NVMe image for load.sh.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=$SCENARIO_DIR/dkms
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$repo/dkms.conf")
src=$work/src/iopmem-$version
rm -rf "$work"
mkdir -p "$src" "$work/tree" "$work/lib/modules/$KVER" "$work/fs"
(cd "$repo" && git ls-files -co --exclude-standard -- dkms.conf Makefile Kbuild drivers include tests/provider tests/ptewalk |
	while read -r f; do [[ -f $f ]] && install -D -m 0644 "$f" "$src/$f"; done)
trees=(--dkmstree "$work/tree" --sourcetree "$work/src" --installtree "$work/lib/modules")

check "dkms add" dkms add "${trees[@]}" -m iopmem -v "$version"
check "dkms build for $KVER" dkms build "${trees[@]}" -m iopmem -v "$version" -k "$KVER" --kernelsourcedir "$KDIR"
# --no-depmod: depmod would look at the host's /lib/modules/$KVER.
check "dkms install for $KVER" dkms install --no-depmod "${trees[@]}" -m iopmem -v "$version" -k "$KVER" --kernelsourcedir "$KDIR"
ko=$(find "$work/lib/modules/$KVER" -name 'iopmem.ko*' | head -n 1)
check "dkms installed iopmem.ko under updates/dkms" test -n "$ko"
[[ -n $ko ]] && cp "$ko" "$work/fs/"
check "module on an ext4 image for the guest" mke2fs -q -F -t ext4 -d "$work/fs" "$NVME0_IMG"
