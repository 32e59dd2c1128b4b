#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the guest initramfs for one kernel and print its path.
#
# usage: tests/vm/initramfs.sh KERNEL        (6.1 | 6.12)
# env:   IOPMEM_NO_MODULE=1  leave out the repository's modules
#        IOPMEM_MODULES=...  pack the subset build.sh made (see build.sh)
#
# The image is two uncompressed cpio archives, concatenated (the kernel unpacks
# them in order, later files replace earlier ones):
#   base     busybox, kmod, xfsprogs, e2fsprogs, fio, ndctl, daxctl, jq,
#            lspci, ip, rdma, ib_write_bw, dpkg, the rxe verbs provider and their
#            libraries; the kernel modules the tests need.
#            ~40 MB, rebuilt only when the kernel, a host tool or this
#            script changes.
#   overlay  /init, /tests (tests/cases), /tests/fio, /rig/demo.sh,
#            /usr/bin/mmap-io (tests/vm/tools/mmap-io.c), /usr/bin/iopfs-fuzz
#            (tests/vm/tools/iopfs-fuzz.c with tools/iopfs/crc32c.c), /usr/bin/dax-rdma
#            (tests/rdma/dax-rdma.c), /usr/bin/dax-bw (bench/dax-bw.c), /usr/bin/meta-ops
#            (bench/meta-ops.c),
#            /usr/bin/iopmemctl (tools/iopmemctl), /usr/sbin/mkfs.iopfs and
#            /usr/sbin/fsck.iopfs (tools/iopfs; /sbin/mkfs.iopfs and
#            /sbin/fsck.iopfs through the sbin link), the built
#            modules in /lib/modules/$KVER/extra and the modules.dep that
#            covers them. Small; rebuilt whenever a test script changes.
# Both are cached under $CACHE/initramfs/, keyed by a hash of their inputs.
set -euo pipefail

# shellcheck source=tests/vm/kernel.sh
. "$(dirname "${BASH_SOURCE[0]}")/kernel.sh"

# Host programs copied into the guest (with every library ldd lists).
GUEST_PROGRAMS=(
	/usr/bin/kmod
	/usr/sbin/mkfs.xfs /usr/sbin/xfs_io /usr/sbin/xfs_repair /usr/sbin/xfs_db
	/usr/sbin/mkfs.ext4 /usr/sbin/e2fsck /usr/sbin/dumpe2fs /usr/sbin/wipefs
	/usr/bin/fio /usr/bin/daxctl /usr/bin/ndctl /usr/bin/jq
	/usr/bin/lspci /usr/bin/setpci /usr/bin/iostat
	/usr/sbin/ip /usr/bin/rdma /usr/bin/ib_write_bw
	/usr/bin/udevadm
	/usr/bin/rename.ul
	/usr/bin/perf
	/usr/bin/dpkg /usr/bin/dpkg-deb /usr/bin/dpkg-split /usr/bin/dpkg-query /usr/bin/tar
)
# Data files the programs read. libibverbs finds its providers through
# /etc/libibverbs.d/*.driver and dlopen()s them, so ldd cannot see them:
# the soft-RoCE (rxe) provider is listed in GUEST_DLOPEN.
# udev's default rules for block devices, which the udev group's scenarios
# run next to the project's own.
GUEST_DATA=(/etc/mke2fs.conf /usr/share/misc/pci.ids /etc/libibverbs.d/rxe.driver
	/usr/lib/udev/rules.d/50-udev-default.rules
	/usr/lib/udev/rules.d/60-persistent-storage.rules)
GUEST_DLOPEN=(/usr/lib/x86_64-linux-gnu/libibverbs/librxe-rdmav34.so)
# kmod applets: busybox has its own, but those lack soft dependencies and
# module compression support.
KMOD_APPLETS=(modprobe insmod rmmod lsmod depmod modinfo)
# Kernel modules (with their dependencies) for the tests. Names that a
# kernel does not have, or has built in, are skipped.
GUEST_MODULES=(
	xfs ext4 nvme crc32c_generic libcrc32c
	dax device_dax dax_pmem dax_hmem kmem
	nd_pmem nd_e820 nd_btt
	brd loop hwpoison_inject
	rdma_rxe ib_uverbs rdma_ucm veth crc32_generic
	nvmet nvmet_rdma nvme_rdma
)

IMG_DIR=$CACHE_DIR/initramfs

# pack DIR OUT : newc cpio of DIR, owned by root, into OUT. Uncompressed,
# so the guest does not inflate ~150 MB at every boot; that saved ~1 s of
# a 12 s 6.1 boot. Unpacking still takes ~17 s of a 7.2 boot: most of it
# is writing the files, not gzip.
pack() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) >"$2.tmp$$"
	mv "$2.tmp$$" "$2"
}

# host_files : every host file of the base image (programs, libraries, data).
host_files() {
	local p
	need_cmd busybox busybox-static
	printf '%s\n' "$(command -v busybox)" "${GUEST_PROGRAMS[@]}" "${GUEST_DATA[@]}" "${GUEST_DLOPEN[@]}"
	for p in "${GUEST_PROGRAMS[@]}" "${GUEST_DLOPEN[@]}"; do
		[[ -x $p || ( -f $p && $p == *.so ) ]] ||
			die "$p is missing; run tests/vm/setup.sh (tests/vm/packages.txt lists its package)"
		# "libx.so => /path (addr)" and "/lib64/ld-linux-x86-64.so.2 (addr)"
		ldd "$p" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
	done
}

# module_files : the .ko files of GUEST_MODULES and their dependencies,
# relative to $KROOT. `-C /dev/null` ignores the host's modprobe.d, whose
# ndctl "install libnvdimm ..." rule would hide libnvdimm from the list.
module_files() {
	local m
	for m in "${GUEST_MODULES[@]}"; do
		modprobe -C /dev/null -d "$KROOT" -S "$KVER" --show-depends "$m" 2>/dev/null |
			awk '$1 == "insmod" { print $2 }' || true
	done | sed "s|^$KROOT/||" | LC_ALL=C sort -u
}

# copy_host FILE STAGE : FILE at the same path in STAGE, symlinks resolved.
copy_host() {
	mkdir -p "$2$(dirname "$1")"
	cp -L "$1" "$2$1"
}

build_base() {
	local stage=$1 f
	mkdir -p "$stage"/{usr/bin,usr/sbin,usr/lib,usr/lib64,etc,proc,sys,dev,tmp,mnt,run,root,var/tmp}
	# Merged /usr, like the host, so ldd's /lib/... paths land in usr/lib.
	ln -s usr/bin "$stage/bin"
	ln -s usr/sbin "$stage/sbin"
	ln -s usr/lib "$stage/lib"
	ln -s usr/lib64 "$stage/lib64"
	while read -r f; do copy_host "$f" "$stage"; done < <(host_files | LC_ALL=C sort -u)
	for f in "${KMOD_APPLETS[@]}"; do ln -s /usr/bin/kmod "$stage/usr/sbin/$f"; done
	# Busybox applets fill in whatever the real tools above do not provide.
	local bb
	bb=$(command -v busybox)
	while read -r f; do
		f=/usr/${f#usr/}
		[[ -e $stage$f || -L $stage$f ]] || ln -s "$bb" "$stage$f"
	done < <(busybox --list-full)
	ln -s /proc/self/mounts "$stage/etc/mtab"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$stage/etc/passwd"
	echo 'root:x:0:' >"$stage/etc/group"

	local moddir=lib/modules/$KVER
	mkdir -p "$stage/$moddir"
	while read -r f; do
		mkdir -p "$stage/$(dirname "$f")"
		cp "$KROOT/$f" "$stage/$f"
	done < <(module_files)
	# modprobe must know what is built in, or `modprobe crc32c_generic` fails
	# on a kernel where it is not a module.
	for f in modules.builtin modules.builtin.modinfo modules.order; do
		[[ -f $KROOT/$moddir/$f ]] && cp "$KROOT/$moddir/$f" "$stage/$moddir/"
	done
	depmod -b "$stage" "$KVER"
}

# overlay inputs: repository files (content-hashed) and built modules.
overlay_files() {
	printf '%s\n' "$RIG_DIR/init.sh" "$RIG_DIR/demo-guest.sh" "$RIG_DIR/tools/mmap-io.c"
	if [[ -d $REPO_DIR/tools/iopfs ]]; then echo "$RIG_DIR/tools/iopfs-fuzz.c"; fi
	find "$REPO_DIR/udev" -name '*.rules' 2>/dev/null | LC_ALL=C sort
	if [[ -f $REPO_DIR/tests/rdma/dax-rdma.c ]]; then echo "$REPO_DIR/tests/rdma/dax-rdma.c"; fi
	if [[ -f $REPO_DIR/bench/dax-bw.c ]]; then echo "$REPO_DIR/bench/dax-bw.c"; fi
	if [[ -f $REPO_DIR/bench/meta-ops.c ]]; then echo "$REPO_DIR/bench/meta-ops.c"; fi
	if [[ -d $REPO_DIR/tools/iopmemctl ]]; then
		find "$REPO_DIR/tools/iopmemctl" -maxdepth 1 -type f \( -name '*.[ch]' -o -name Makefile \) | LC_ALL=C sort
		# iopmemctl --version prints it
		echo "$REPO_DIR/VERSION"
	fi
	if [[ -d $REPO_DIR/tools/iopfs ]]; then
		# mkfs.iopfs's and fsck.iopfs's sources: every *.[ch] at the top
		find "$REPO_DIR/tools/iopfs" -maxdepth 1 -type f \( -name '*.[ch]' -o -name Makefile \) | LC_ALL=C sort
		# the on-device format they write and read; --version prints VERSION
		echo "$REPO_DIR/include/uapi/linux/iopfs.h"
		echo "$REPO_DIR/VERSION"
	fi
	# tests/fio may not exist (git keeps no empty directories); a failing
	# find would end this list early under errexit.
	local d
	for d in "$CASES_DIR" "$REPO_DIR/tests/fio"; do
		if [[ -d $d ]]; then find "$d" -type f; fi
	done | LC_ALL=C sort
	if [[ ${IOPMEM_NO_MODULE:-0} != 1 ]]; then
		# What the last build made, written only when it succeeded: a
		# failed or stale build is never packed.
		local list
		list=$(module_build_dir)/.rig-modules
		[[ -f $list ]] || die "no successful module build in ${list%/*}; run tests/vm/build.sh $KNAME (or set IOPMEM_NO_MODULE=1)"
		LC_ALL=C sort "$list"
	fi
}

# install_iopmemctl STAGE BASE_STAGE : build tools/iopmemctl out of tree
# and put it and the libraries the base lacks into STAGE.
install_iopmemctl() {
	local stage=$1 base_stage=$2 obj lib dst
	obj=$(mktemp -d)
	make -s -C "$REPO_DIR/tools/iopmemctl" O="$obj" "$obj/iopmemctl" ||
		die "cannot build tools/iopmemctl (needs libjson-c-dev, libkmod-dev, libdaxctl-dev, libsmartcols-dev, pkg-config: run tests/vm/setup.sh)"
	install -m 0755 "$obj/iopmemctl" "$stage/usr/bin/iopmemctl"
	while read -r lib; do
		dst=/usr${lib#/usr}
		[[ -e $base_stage$dst ]] && continue
		mkdir -p "$stage$(dirname "$dst")"
		cp -L "$lib" "$stage$dst"
	done < <(ldd "$obj/iopmemctl" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }')
	rm -rf "$obj"
}

# install_iopfs_tools STAGE BASE_STAGE : build tools/iopfs (mkfs.iopfs,
# fsck.iopfs) out of tree into STAGE's usr/sbin (libc only, which the base
# has).  The base's sbin is a link to usr/sbin, which makes them
# /sbin/mkfs.iopfs and /sbin/fsck.iopfs too; a "sbin" directory in this
# archive would replace that link and hide the base's sbin tools.
install_iopfs_tools() {
	local stage=$1 base_stage=$2 obj prog
	obj=$(mktemp -d)
	make -s -C "$REPO_DIR/tools/iopfs" O="$obj" "$obj/mkfs.iopfs" "$obj/fsck.iopfs" ||
		die "cannot build tools/iopfs (needs gcc and linux-libc-dev: run tests/vm/setup.sh)"
	mkdir -p "$stage/usr/sbin"
	for prog in mkfs.iopfs fsck.iopfs; do
		install -m 0755 "$obj/$prog" "$stage/usr/sbin/$prog"
	done
	[[ -L $base_stage/sbin ]] || die "the base image's /sbin is not a link to usr/sbin; /sbin/mkfs.iopfs and /sbin/fsck.iopfs would be missing"
	rm -rf "$obj"
}

build_overlay() {
	local stage=$1 base_stage=$2 f
	mkdir -p "$stage/tests" "$stage/rig"
	install -m 0755 "$RIG_DIR/init.sh" "$stage/init"
	install -m 0755 "$RIG_DIR/demo-guest.sh" "$stage/rig/demo.sh"
	cp -R "$CASES_DIR/." "$stage/tests/"
	if [[ -d $REPO_DIR/tests/fio ]]; then cp -R "$REPO_DIR/tests/fio" "$stage/tests/fio"; fi
	# The project's udev rules, for `udevadm test` in the udev group.
	mkdir -p "$stage/etc/udev/rules.d"
	find "$REPO_DIR/udev" -name '*.rules' -exec cp {} "$stage/etc/udev/rules.d/" \; 2>/dev/null || true
	# Guest helper for I/O through a mapping (BARs via sysfs, DAX files).
	mkdir -p "$stage/usr/bin"
	gcc -O2 -static -Wall -Wextra -Werror -o "$stage/usr/bin/mmap-io" "$RIG_DIR/tools/mmap-io.c" ||
		die "cannot build tests/vm/tools/mmap-io.c (needs gcc and libc6-dev: run tests/vm/setup.sh)"
	# Mounts iopfs on damaged images (iopfs/fuzz): the on-device format
	# and the kernel's crc32c from tools/iopfs, both in overlay_files.
	if [[ -d $REPO_DIR/tools/iopfs ]]; then
		gcc -O2 -static -Wall -Wextra -Werror -I"$REPO_DIR/include/uapi" -I"$REPO_DIR/tools/iopfs" \
			-o "$stage/usr/bin/iopfs-fuzz" "$RIG_DIR/tools/iopfs-fuzz.c" "$REPO_DIR/tools/iopfs/crc32c.c" ||
			die "cannot build tests/vm/tools/iopfs-fuzz.c (needs gcc, libc6-dev and linux-libc-dev: run tests/vm/setup.sh)"
	fi
	# Streaming bandwidth through a DAX mapping (make bench, bench-smoke).
	if [[ -f $REPO_DIR/bench/dax-bw.c ]]; then
		gcc -O2 -static -Wall -Wextra -Werror -o "$stage/usr/bin/dax-bw" "$REPO_DIR/bench/dax-bw.c" ||
			die "cannot build bench/dax-bw.c (needs gcc and libc6-dev: run tests/vm/setup.sh)"
	fi
	# Create/unlink rates without a fork per file (make bench's iopfs part).
	if [[ -f $REPO_DIR/bench/meta-ops.c ]]; then
		gcc -O2 -static -Wall -Wextra -Werror -o "$stage/usr/bin/meta-ops" "$REPO_DIR/bench/meta-ops.c" ||
			die "cannot build bench/meta-ops.c (needs gcc and libc6-dev: run tests/vm/setup.sh)"
	fi
	# RDMA into a DAX mapping. Dynamic: libibverbs dlopen()s its provider,
	# and the base image has the libraries (ib_write_bw needs the same).
	if [[ -f $REPO_DIR/tests/rdma/dax-rdma.c ]]; then
		gcc -O2 -Wall -Wextra -Werror -o "$stage/usr/bin/dax-rdma" "$REPO_DIR/tests/rdma/dax-rdma.c" -libverbs ||
			die "cannot build tests/rdma/dax-rdma.c (needs libibverbs-dev: run tests/vm/setup.sh)"
	fi
	# iopmemctl (tools/iopmemctl): dynamic, it links json-c, libkmod and
	# libdaxctl; daxctl brings those into the base, any other library ldd
	# lists goes into usr/lib here.
	if [[ -d $REPO_DIR/tools/iopmemctl ]]; then
		install_iopmemctl "$stage" "$base_stage"
	fi
	# mkfs.iopfs and fsck.iopfs (tools/iopfs): the tests call them by
	# name, busybox has no mkfs or fsck that would look for them.
	if [[ -d $REPO_DIR/tools/iopfs ]]; then
		install_iopfs_tools "$stage" "$base_stage"
	fi
	# usr/lib, not lib: a "lib" directory in this archive would replace the
	# base archive's lib -> usr/lib symlink and hide every base module.
	local moddir=usr/lib/modules/$KVER
	mkdir -p "$stage/$moddir/extra"
	while read -r f; do
		[[ $f == *.ko ]] && cp "$f" "$stage/$moddir/extra/"
	done < <(overlay_files)
	# depmod over base + extra, in a hard-linked scratch tree; only the
	# resulting modules.* index files go into the overlay.
	local scratch
	scratch=$(mktemp -d)
	mkdir -p "$scratch/lib/modules"
	cp -al "$base_stage/usr/lib/modules/$KVER" "$scratch/lib/modules/"
	cp -R "$stage/$moddir/extra" "$scratch/lib/modules/$KVER/"
	depmod -b "$scratch" "$KVER"
	cp "$scratch/lib/modules/$KVER"/modules.* "$stage/$moddir/"
	rm -rf "$scratch"
}

# prune : drop images and bases unused for two hours (each test edit makes
# a new 44 MB image). Not at once: a concurrent run may be about to link one.
prune() {
	find "$IMG_DIR" -mindepth 1 -maxdepth 1 -mmin +120 -exec rm -rf {} + 2>/dev/null || true
}

main() {
	(($# == 1)) || die "usage: tests/vm/initramfs.sh KERNEL (one of: $KERNELS)"
	kernel_select "$1"
	[[ -f $KSTAMP ]] || die "kernel $KNAME is not in the cache; run tests/vm/setup.sh $KNAME"
	need_cmd cpio cpio
	need_cmd depmod kmod
	need_cmd flock util-linux
	mkdir -p "$IMG_DIR"
	# One builder per kernel at a time (parallel `make check` runs).
	exec 9>"$IMG_DIR/.lock-$KVER"
	flock 9

	# Base key: this script, the kernel pin, and every host file's identity.
	# A kernel built here has the same KVER and KVERSION whatever its
	# config: KKEY (kernels.conf fragment) names its modules.  Without it
	# a changed debug.config got the previous build's ext4.ko, which wanted
	# the quota symbols the new kernel no longer had.
	local base_key
	base_key=$({
		cat "${BASH_SOURCE[0]}"
		echo "$KVER $KVERSION${KKEY:+ $KKEY}"
		host_files | LC_ALL=C sort -u | xargs stat -L -c '%n %s %Y'
	} | hash_stdin)
	local base=$IMG_DIR/$KVER-base-$base_key
	if [[ ! -f $base.cpio || ! -d $base ]]; then
		log "initramfs: building base image for $KVER"
		rm -rf "$base"
		build_base "$base"
		pack "$base" "$base.cpio"
	fi

	local ov_key
	ov_key=$({
		echo "$base_key"
		overlay_files | while read -r f; do
			printf '%s ' "${f#"$REPO_DIR"/}"
			sha256sum <"$f"
		done
	} | hash_stdin)
	local img=$IMG_DIR/$KVER-$base_key-$ov_key.img
	if [[ ! -f $img ]]; then
		local ov
		ov=$(mktemp -d)
		build_overlay "$ov" "$base"
		pack "$ov" "$ov.cpio"
		cat "$base.cpio" "$ov.cpio" >"$img.tmp$$"
		mv "$img.tmp$$" "$img"
		rm -rf "$ov" "$ov.cpio"
	fi
	touch "$img" "$base" "$base.cpio"
	prune
	printf '%s\n' "$img"
}

main "$@"
