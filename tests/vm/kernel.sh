# shellcheck shell=bash
# shellcheck disable=SC2034 # variables for the scripts that source this
# Map a KERNEL name (6.1, 6.12, see kernels.conf) to its paths. Sourced:
#   . tests/vm/kernel.sh; kernel_select 6.12
# sets KVER, KVERSION, KSUITE, KIMAGE_PKG, KHEADER_PKGS, KGROUPS, KSLOWDOWN, KMEM,
#      KSOURCE_PKG, KCONFIG_BASE, KFRAGMENT, KKEY (kernels built from source),
#      KCMDLINE (kernel arguments every guest of this kernel gets),
#      KCACHE  ($CACHE_DIR/kernels/$KVER: everything of this kernel),
#      KROOT   (the unpacked image: $KROOT/lib/modules/$KVER, with depmod run),
#      KIMAGE  (the bzImage QEMU boots),
#      KDIR    (the build tree for `make -C $KDIR M=... modules`).
# The header packages are unpacked into the cache, not installed: on 6.12
# linux-headers depends on the exact linux-image, and installing that into
# the host would run initramfs-tools and touch /boot.

# shellcheck source=tests/vm/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=tests/vm/kernels.conf
. "$RIG_DIR/kernels.conf"

# kernel_var NAME FIELD : value of kernel_<NAME>_<FIELD> from kernels.conf.
kernel_var() {
	local var="kernel_${1//./_}_$2"
	printf '%s' "${!var-}"
}

kernel_select() {
	local name=$1
	[[ " $KERNELS " == *" $name "* ]] ||
		die "unknown KERNEL '$name'; choose one of: $KERNELS (tests/vm/kernels.conf)"
	KNAME=$name
	KVER=$(kernel_var "$name" kver)
	KVERSION=$(kernel_var "$name" version)
	KSUITE=$(kernel_var "$name" suite)
	KIMAGE_PKG=$(kernel_var "$name" image)
	KHEADER_PKGS=$(kernel_var "$name" headers)
	KGROUPS=$(kernel_var "$name" groups)
	KSLOWDOWN=$(kernel_var "$name" slowdown)
	KSLOWDOWN=${KSLOWDOWN:-1}
	KMEM=$(kernel_var "$name" mem)
	KMEM=${KMEM:-1G}
	KSOURCE_PKG=$(kernel_var "$name" source)
	KCMDLINE=$(kernel_var "$name" cmdline)
	KCACHE=$CACHE_DIR/kernels/$KVER
	KKEY=
	if [[ -n $KSOURCE_PKG ]]; then
		# Built here (kbuild.sh): keyed by source version and config, so
		# editing the fragment builds a new kernel beside the old one.
		KCONFIG_BASE=$(kernel_var "$name" config)
		KFRAGMENT=$RIG_DIR/kconfig/$(kernel_var "$name" fragment)
		[[ -f $KFRAGMENT ]] || die "kernels.conf: $KFRAGMENT does not exist"
		KKEY=$({ echo "$KVERSION $KCONFIG_BASE"; cat "$KFRAGMENT"; } | hash_stdin)
		KCACHE=$CACHE_DIR/kernels/$KVER-$KKEY
	fi
	KROOT=$KCACHE/root
	KIMAGE=$KROOT/boot/vmlinuz-$KVER
	KDIR=$KCACHE/headers/usr/src/linux-headers-$KVER
	[[ -n $KSOURCE_PKG ]] && KDIR=$KCACHE/headers
	# A stamp per pinned version: a changed pin in kernels.conf re-fetches.
	KSTAMP=$KCACHE/.ready-$KVERSION
}

# module_build_dir : where tests/vm/build.sh builds the repository's modules
# for the selected kernel (IOPMEM_MODULES: a subset, in a tree of its own).
module_build_dir() {
	if [[ -n ${IOPMEM_MODULES:-} ]]; then
		printf '%s\n' "$BUILD_DIR/$KVER-only"
	else
		printf '%s\n' "$BUILD_DIR/$KVER"
	fi
}
