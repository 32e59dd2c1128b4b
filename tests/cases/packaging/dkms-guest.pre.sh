#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side of packaging/dkms-guest.  The guest gets two disks:
#   nvme0  a Debian bookworm build root (mmdebstrap: dkms, gcc, make and
#          the guest kernel's own headers packages from the rig's cache),
#          cached in ${IOPMEM_CACHE:-/var/cache/iopmem}/buildroot/KEY and
#          copied onto an ext4 image for each run (the guest writes to it);
#   nvme1  iopmem-dkms, built from a clean copy of the tree.
# Nothing of the host's own dpkg, dkms or compiler is used in the guest.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/debs.inc"
# shellcheck source=tests/vm/mirror.sh
. "$(dirname "$0")/../../vm/mirror.sh"

# The kernel's own packages, as setup.sh fetched them: .../KVER/debs.
kdebs=${KDIR%%/headers/*}/debs
headers=("$kdebs/linux-headers-$KVER.deb" "$kdebs/linux-kbuild-"*.deb
	"$kdebs/linux-headers-"*-common.deb)
for deb in "${headers[@]}"; do
	[[ -f $deb ]] || die "no $deb; run tests/vm/setup.sh"
done
# pahole: BTF of the module, as the kernel's build wants it.
include=dkms,gcc,make,libc6-dev,kmod,xz-utils,pahole,linux-base
key=$( {
	echo "$include"
	mmdebstrap --version
	for deb in "${headers[@]}"; do echo "${deb##*/} $(stat -c %s "$deb")"; done
} | sha256sum | cut -c1-16)
cache=${IOPMEM_CACHE:-/var/cache/iopmem}/buildroot
root=$cache/bookworm-$KVER-$key

mkdir -p "$cache"
# Runs beside each other build it once.
exec {lock}>"$cache/.lock"
flock "$lock"
if [[ ! -f $root.done ]]; then
	mirror=$(debian_mirror)
	rm -rf "$root" "$root.tmp"
	info "mmdebstrap: bookworm with $include and the headers of $KVER from $mirror"
	# The headers package wants the kernel image too (unused here: the guest
	# runs the rig's kernel), hence dpkg --force-depends for these three.
	mmdebstrap --variant=apt --mode=root --format=directory --quiet \
		--include="$include" \
		--customize-hook="copy-in ${headers[*]} /tmp" \
		--customize-hook="chroot \"\$1\" sh -c 'dpkg -i --force-depends /tmp/linux-*.deb && rm /tmp/linux-*.deb'" \
		bookworm "$root.tmp" "$mirror" ||
		die "mmdebstrap of the build root failed (its output is above)"
	mv "$root.tmp" "$root"
	touch "$root.done"
else
	info "build root cached: $root"
fi
flock -u "$lock"
check "the build root has $KVER's headers" test -f "$root/usr/src/linux-headers-$KVER/Makefile"
check_fail "... and no compiled iopmem or iopfs" \
	sh -c "find '$root' -name 'iopmem.ko*' -o -name 'iopfs.ko*' | grep -q ."
check "the build root on an ext4 image (nvme0)" \
	mke2fs -q -F -t ext4 -d "$root" "$NVME0_IMG"

work=$SCENARIO_DIR/pkg
rm -rf "$work"
mkdir -p "$work/fs"
pkg_build_debs "$work"
check_fail "iopmem-dkms holds sources, no built module" \
	sh -c "dpkg-deb -c '$DKMS_DEB' | grep -E '\\.ko(\\.[a-z]+)?\$'"
# Fails when debian/rules leaves fs/iopfs out of /usr/src/iopmem-VERSION.
check "iopmem-dkms holds fs/iopfs (dpkg-deb -c)" \
	sh -c "dpkg-deb -c '$DKMS_DEB' | grep -q ' \./usr/src/iopmem-$PKG_VERSION/fs/iopfs/Makefile\$'"
cp "$DKMS_DEB" "$work/fs/"
check "the .deb on an ext4 image (nvme1)" \
	mke2fs -q -F -t ext4 -d "$work/fs" "$NVME1_IMG"
