#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iopmem-dkms installed in the guest and the module built there by DKMS
# for the running kernel, then loaded and used, as on a user's machine.
# The rig's initramfs has no compiler, so the guest boots it as usual and
# then works in a Debian build root on a disk (dkms-guest.pre.sh:
# mmdebstrap'd bookworm with dkms, gcc, make and the kernel's own
# linux-headers packages; nothing of the host's): there dpkg -i runs the
# package's postinst, whose DKMS build and install run under the guest's
# kernel.  The module that DKMS leaves in updates/dkms is the one loaded
# (the rig's own copy is removed first), checked by vermagic, version and
# DKMS's build log, and serves XFS -o dax; then modprobe iopfs loads DKMS's
# iopfs.ko and, by dependency, its iopmem.ko; dpkg -r removes both.
# Control: with the running kernel's headers hidden, the same dpkg -i
# installs the sources and builds nothing (DKMS skips a kernel without
# headers): the module check then fails, as it must.
# vm: ivshmem 512M addr=04.0
# vm: nvme 1G
# vm: nvme 64M
# vm: mem 2G
# vm: smp 2
# vm: timeout 600
# Freeing the build root's page cache at its umount, each page cleared by
# init_on_free, runs long enough under TCG for the soft-lockup watchdog.
# vm: cmdline init_on_free=0
# kernels: 6.12
# results: 37
. /tests/lib.sh
. /tests/iopmem.sh

KVER=$(uname -r)
ROOT=/sysroot
MODDIR=$ROOT/lib/modules/$KVER/updates/dkms
# busybox runs its own applets before PATH, also for what its chroot
# starts: its dpkg is a look-alike, its depmod writes no modules.dep.bin
# (libkmod reads it).  The real ones, by path.
dpkg() { /usr/bin/dpkg "$@"; }
depmod() { /usr/sbin/depmod "$@"; }
modinfo() { /usr/sbin/modinfo "$@"; }
# no_module : neither iopmem.ko nor iopfs.ko in DKMS's directory.
no_module() {
	! ls "$MODDIR"/iopmem.ko* >/dev/null 2>&1 &&
		! ls "$MODDIR"/iopfs.ko* >/dev/null 2>&1
}
grep -q '^disk:' /etc/group || echo 'disk:x:6:' >>/etc/group

nvme_wait || die "no NVMe"
for _i in 1 2 3 4 5 6 7 8 9 10; do
	[ -b /dev/nvme1n1 ] && break
	sleep 0.5
done
# The build root is the 1 GiB disk, the packages the small one.
if [ "$(cat /sys/block/nvme0n1/size)" -gt "$(cat /sys/block/nvme1n1/size)" ]; then
	rootdisk=/dev/nvme0n1 pkgdisk=/dev/nvme1n1
else
	rootdisk=/dev/nvme1n1 pkgdisk=/dev/nvme0n1
fi
modprobe ext4
mkdir -p /pkg $ROOT
mount -t ext4 -o ro $pkgdisk /pkg || die "cannot mount the image with the packages"
on_exit "umount /pkg"
deb=$(ls /pkg/iopmem-dkms_*_all.deb)
version=${deb##*/iopmem-dkms_}
version=${version%_all.deb}

check "mount the build root" mount -t ext4 $rootdisk $ROOT
on_exit "umount -l $ROOT"
mount -t proc proc $ROOT/proc
mount -t sysfs sysfs $ROOT/sys
# dkms reads <(...): /dev/fd, which the rig's devtmpfs lacks.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
mount -o bind /dev $ROOT/dev
mount -t tmpfs tmpfs $ROOT/tmp
on_exit "umount $ROOT/tmp $ROOT/dev $ROOT/sys $ROOT/proc"
check "the build root has the headers of the running kernel ($KVER)" \
	test -f "$ROOT/usr/src/linux-headers-$KVER/Makefile" -a -L "$ROOT/lib/modules/$KVER/build"
check "... and a compiler" chroot $ROOT /usr/bin/gcc --version
check "no iopmem module in it yet" no_module

cp "$deb" $ROOT/tmp/
build=$ROOT/lib/modules/$KVER/build
mv "$build" "$build.hidden"
check "control: headers hidden, dpkg -i iopmem-dkms installs the sources" \
	chroot $ROOT /usr/bin/dpkg -i "/tmp/${deb##*/}"
check "... and builds no module" no_module
mv "$build.hidden" "$build"
chroot $ROOT /usr/bin/dpkg -r iopmem-dkms >/dev/null 2>&1 || die "dpkg -r after the control"

t0=$(cut -d' ' -f1 /proc/uptime)
check "dpkg -i iopmem-dkms in the guest (postinst: DKMS build and install for $KVER)" \
	chroot $ROOT /usr/bin/dpkg -i "/tmp/${deb##*/}"
info "dpkg -i with the DKMS build took $(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { print b - a }') s under TCG"
check_eq "dkms status: installed for $KVER" \
	"iopmem/$version, $KVER, x86_64: installed" \
	"$(chroot $ROOT /usr/sbin/dkms status -m iopmem -k "$KVER" 2>/dev/null)"
ko=$(ls $MODDIR/iopmem.ko* 2>/dev/null | head -n 1)
check "DKMS built and installed ${MODDIR#"$ROOT"}/iopmem.ko*" test -n "$ko"
check "DKMS's build log names $KVER" \
	grep -q "for kernel $KVER (x86_64)" "$ROOT/var/lib/dkms/iopmem/$version/$KVER/x86_64/log/make.log"
check_eq "its vermagic names $KVER" "$KVER" "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)"
check_eq "its MODULE_VERSION is the package's" "$version" "$(modinfo -F version "$ko")"
# Fails when dkms.conf has no BUILT_MODULE_NAME[1]=iopfs.
fsko=$(ls $MODDIR/iopfs.ko* 2>/dev/null | head -n 1)
check "DKMS built and installed ${MODDIR#"$ROOT"}/iopfs.ko* beside it" test -n "$fsko"
check_eq "its vermagic and MODULE_VERSION" "$KVER $version" \
	"$(modinfo -F vermagic "$fsko" | cut -d' ' -f1) $(modinfo -F version "$fsko")"

# Load exactly that module: the rig's own build goes first.
rm -f /lib/modules/"$KVER"/extra/iopmem.ko* /lib/modules/"$KVER"/extra/iopfs.ko*
mkdir -p /lib/modules/"$KVER"/updates/dkms
cp "$ko" "$fsko" /lib/modules/"$KVER"/updates/dkms/
depmod "$KVER"
check_eq "modprobe finds the DKMS module" "/lib/modules/$KVER/updates/dkms/${ko##*/}" \
	"$(modinfo -n iopmem)"
check "modprobe iopmem" modprobe iopmem
on_exit "[ ! -e /sys/module/iopmem ] || rmmod iopmem"
check_eq "the loaded module is the DKMS build" "$(modinfo -F srcversion "$ko")" \
	"$(cat /sys/module/iopmem/srcversion)"
check "iopmemctl bind $IOPMEM_PCI" iopmemctl bind $IOPMEM_PCI
dev=$(iopmem_of $IOPMEM_PCI)
iopmem_mount_xfs "$dev" /mnt || die "mkfs.xfs and mount -o dax"
pattern dkms-guest >/mnt/f
check "XFS -o dax on /dev/$dev: the file is DAX" dax_enabled /mnt/f
check_eq "... and reads back" "$(pattern dkms-guest | sha256sum)" "$(sha256sum </mnt/f)"
umount /mnt
check "iopmemctl unbind, rmmod" sh -c "iopmemctl unbind $dev && rmmod iopmem"

check_eq "modprobe finds the DKMS iopfs" "/lib/modules/$KVER/updates/dkms/${fsko##*/}" \
	"$(modinfo -n iopfs 2>&1)"
check "modprobe iopfs" modprobe iopfs
on_exit "[ ! -e /sys/module/iopfs ] || rmmod iopfs"
# Fails when modprobe loaded no iopmem, or one iopfs does not use.
check_eq "/proc/modules: iopmem, loaded by dependency, is used by iopfs" "iopfs," \
	"$(awk '$1 == "iopmem" { print $4 }' /proc/modules)"
check_eq "the loaded iopfs is the DKMS build" "$(modinfo -F srcversion "$fsko")" \
	"$(cat /sys/module/iopfs/srcversion 2>&1)"
check "rmmod iopfs iopmem" rmmod iopfs iopmem

check "dpkg -r iopmem-dkms in the guest" chroot $ROOT /usr/bin/dpkg -r iopmem-dkms
# Fails when dkms remove leaves iopfs.ko (or iopmem.ko).
check "the modules are gone" no_module
check_fail "dkms knows iopmem no more" sh -c "chroot $ROOT /usr/sbin/dkms status -m iopmem | grep -q ."
