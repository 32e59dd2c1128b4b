#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side of packaging/deb: build the two .debs from a clean copy of the
# tree, then install and remove them with the host's own dpkg and dkms in
# a throwaway overlay of /usr and /var (a private mount namespace: the
# host's files, dpkg database and /var/lib/dkms are not touched), where
# /lib/modules has only the guest's kernel, so the package's postinst
# builds the modules, iopmem and iopfs, for it.  The guest cannot compile
# (no compiler, no headers in its initramfs): the modules DKMS built here
# go to the guest on an ext4 image, with the .debs.
set -euo pipefail

# Everything below runs in a private mount namespace: the overlays vanish
# with it, whatever happens.
if [[ -z ${IOPMEM_PKG_NAMESPACE:-} ]]; then
	IOPMEM_PKG_NAMESPACE=1 exec unshare -m --propagation private -- bash "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/debs.inc"

work=$SCENARIO_DIR/pkg
rm -rf "$work"
mkdir -p "$work/fs"
pkg_build_debs "$work"
version=$PKG_VERSION
dkms_deb=$DKMS_DEB
ctl_deb=$CTL_DEB

# Fails when debian/rules leaves fs/iopfs out of the DKMS sources.
check "iopmem-dkms has the iopfs sources (dpkg-deb -c)" \
	sh -c "dpkg-deb -c '$dkms_deb' | grep -q ' \./usr/src/iopmem-$version/fs/iopfs/super\.c\$'"

# Control: iopmem-dkms without the driver's sources (drivers/ removed
# from the package) must leave no module behind.
dpkg-deb -R "$dkms_deb" "$work/nosrc"
rm -rf "$work/nosrc/usr/src/iopmem-$version/drivers"
dpkg-deb -b "$work/nosrc" "$work/iopmem-dkms-nosrc.deb" >/dev/null
# Control for the guest: iopmemctl without its udev rule.
dpkg-deb -R "$ctl_deb" "$work/norule"
rm -f "$work/norule/lib/udev/rules.d/60-iopmem.rules"
dpkg-deb -b "$work/norule" "$work/fs/iopmemctl-norule.deb" >/dev/null
cp "$dkms_deb" "$ctl_deb" "$work/fs/"

# The throwaway system: /usr and /var as overlays whose upper layers are
# in $work; /lib is /usr/lib (merged /usr).
for d in usr var; do
	mkdir -p "$work/ovl/$d/upper" "$work/ovl/$d/work"
	mount -t overlay overlay -o "lowerdir=/$d,upperdir=$work/ovl/$d/upper,workdir=$work/ovl/$d/work" "/$d"
done
rm -rf /var/lib/dkms/iopmem /lib/modules
mkdir -p "/lib/modules/$KVER"
ln -s "$KDIR" "/lib/modules/$KVER/build"
moddir=/lib/modules/$KVER/updates/dkms

check_fail "control: iopmem-dkms without drivers/: dpkg -i fails (DKMS cannot build)" \
	dpkg -i "$work/iopmem-dkms-nosrc.deb"
check_fail "control: and no module in $moddir" compgen -G "$moddir/iop*.ko*"
dpkg --purge iopmem-dkms >"$work/purge-nosrc.log" 2>&1 || true

check "dpkg -i iopmem-dkms iopmemctl (postinst: dkms build and install for $KVER)" \
	dpkg -i "$dkms_deb" "$ctl_deb"
ko=$(compgen -G "$moddir/iopmem.ko*" | head -n 1) || true
check "DKMS installed $moddir/iopmem.ko*" test -n "$ko"
if [[ -n $ko ]]; then
	check_eq "its MODULE_VERSION is VERSION" "$version" "$(modinfo -F version "$ko")"
	cp "$ko" "$work/fs/"
fi
# Fails when dkms.conf has no BUILT_MODULE_NAME[1]=iopfs.
fsko=$(compgen -G "$moddir/iopfs.ko*" | head -n 1) || true
check "DKMS installed $moddir/iopfs.ko*" test -n "$fsko"
if [[ -n $fsko ]]; then
	check_eq "its MODULE_VERSION is VERSION" "$version" "$(modinfo -F version "$fsko")"
	cp "$fsko" "$work/fs/"
fi
check_eq "the sources are in /usr/src/iopmem-$version" "$version" \
	"$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "/usr/src/iopmem-$version/dkms.conf")"
completion=/usr/share/bash-completion/completions/iopmemctl
# shellcheck disable=SC2016 # expanded by the inner bash
check_eq "bash completion: iopmemctl bi<TAB> is bind" bind \
	"$(bash -c '. "$1" && COMP_WORDS=(iopmemctl bi) COMP_CWORD=1 && _iopmemctl && echo "${COMPREPLY[*]}"' _ "$completion" 2>&1)"
check "dpkg -r iopmem-dkms iopmemctl" dpkg -r iopmem-dkms iopmemctl
# Fails when the prerm's dkms remove leaves iopfs.ko (or iopmem.ko).
check_fail "the modules are gone from $moddir" compgen -G "$moddir/iop*.ko*"
check_fail "dkms knows iopmem no more" sh -c 'dkms status -m iopmem | grep -q .'
check_fail "/usr/src/iopmem-$version is gone" test -e "/usr/src/iopmem-$version"
# shellcheck disable=SC2016 # expanded by the inner sh
check_fail "the udev rule, iopmemctl and its completion are gone" \
	sh -c 'test -e /lib/udev/rules.d/60-iopmem.rules || test -e /usr/bin/iopmemctl || test -e "$1"' _ "$completion"

check "the .debs and the modules on an ext4 image for the guest" \
	mke2fs -q -F -t ext4 -d "$work/fs" "$NVME0_IMG"
