# shellcheck shell=bash
# Build a guest kernel from a Debian linux-source-X.Y package (the rig's
# debug kernel). Sourced by setup.sh, which provides download_debs and the
# variables of kernel_select.
#
# Inputs (kernels.conf): kernel_<name>_source (the linux-source package),
# _version (its exact Debian version), _suite, _config (the base targets:
# a defconfig and fragments from kernel/configs/) and _fragment (a file in
# tests/vm/kconfig/). KCACHE is keyed by all of them (kernel_select).
#
# Output, in the same shape as an unpacked Debian kernel:
#   $KROOT/boot/vmlinuz-$KVER, $KROOT/lib/modules/$KVER (depmod run)
#   $KDIR: the tree out-of-tree modules build against (install-extmod-build)
# The object tree and the unpacked source are deleted once installed: they
# are ~10x the size of the result and a changed config rebuilds anyway.

# kbuild_check_config OBJ : every line of the fragment is in the final
# .config. A dropped option (an unmet dependency) would silently build a
# kernel without the checker the rig counts on.
kbuild_check_config() {
	local obj=$1 line sym bad=0
	while IFS= read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Z0-9_]+)= ]]; then
			grep -qxF "$line" "$obj/.config" && continue
			sym=${BASH_REMATCH[1]}
		elif [[ $line =~ ^#\ (CONFIG_[A-Z0-9_]+)\ is\ not\ set$ ]]; then
			sym=${BASH_REMATCH[1]}
			grep -qE "^$sym=[ym]" "$obj/.config" || continue
		else
			continue
		fi
		log "kbuild: wanted '$line', got '$(grep -E "^(# )?${sym}[= ]" "$obj/.config" || echo "$sym absent")'"
		bad=1
	done <"$KFRAGMENT"
	((bad == 0)) || die "olddefconfig dropped options of $KFRAGMENT (unmet dependencies, see above); fix the fragment"
}

# kbuild_configure SRC OBJ : .config from the base targets + the fragment.
kbuild_configure() {
	local src=$1 obj=$2 base frag
	local -a words
	read -ra words <<<"$KCONFIG_BASE"
	base=${words[0]}
	make -s -C "$src" O="$obj" "$base" >/dev/null
	local -a frags=()
	for frag in "${words[@]:1}"; do
		frags+=("$src/kernel/configs/$frag")
	done
	"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" \
		"${frags[@]}" "$KFRAGMENT" >"$obj/merge.log" 2>&1 ||
		die "merging the kernel config failed (log: $obj/merge.log)"
	make -s -C "$src" O="$obj" olddefconfig >/dev/null
	kbuild_check_config "$obj"
}

# build_kernel : the whole build, resumable: an interrupted run keeps its
# object tree and make picks up where it stopped.
build_kernel() {
	local work=$CACHE_DIR/kbuild
	local src=$work/src-$KVERSION obj=$work/obj-$KKEY
	local deb=$KCACHE/debs/$KSOURCE_PKG.deb
	mkdir -p "$KCACHE/debs" "$work"
	download_debs "$KCACHE/debs" "$KSOURCE_PKG"
	if [[ ! -f $src/Makefile ]]; then
		log "kbuild: unpacking $KSOURCE_PKG $KVERSION"
		rm -rf "$src" "$src.tmp"
		mkdir -p "$src.tmp"
		dpkg-deb --fsys-tarfile "$deb" |
			tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
			xz -dc -T0 | tar -x -C "$src.tmp" --strip-components=1
		mv "$src.tmp" "$src"
	fi
	mkdir -p "$obj"
	kbuild_configure "$src" "$obj"
	local release
	# kernelrelease reads CONFIG_LOCALVERSION from include/config/auto.conf,
	# which a fresh object tree has only after syncconfig.
	make -s -C "$src" O="$obj" syncconfig >/dev/null
	release=$(make -s -C "$src" O="$obj" kernelrelease)
	[[ $release == "$KVER" ]] ||
		die "the configured kernel is '$release', kernels.conf says kver=$KVER; make them agree (CONFIG_LOCALVERSION in $KFRAGMENT)"

	local t0=$SECONDS jobs
	jobs=$(nproc)
	log "kbuild: building $KVER from $KSOURCE_PKG $KVERSION with $jobs jobs (log: $obj/build.log); a cold build took 17 min on 2 cores"
	if ! make -C "$src" O="$obj" -j"$jobs" bzImage modules >"$obj/build.log" 2>&1; then
		tail -n 40 "$obj/build.log" >&2
		die "building kernel $KVER failed (log: $obj/build.log)"
	fi
	log "kbuild: built $KVER in $((SECONDS - t0)) s"

	rm -rf "$KROOT" "$KDIR"
	mkdir -p "$KROOT/boot" "$KDIR"
	cp "$obj/arch/x86/boot/bzImage" "$KIMAGE"
	make -s -C "$src" O="$obj" INSTALL_MOD_PATH="$KROOT" INSTALL_MOD_STRIP=1 \
		DEPMOD=/bin/true modules_install
	rm -f "$KROOT/lib/modules/$KVER/build" "$KROOT/lib/modules/$KVER/source"
	depmod -b "$KROOT" "$KVER"
	# The tree Debian's linux-headers package ships, made the same way.
	(cd "$obj" && srctree=$src SRCARCH=x86 CC=gcc HOSTCC=gcc \
		sh "$src/scripts/package/install-extmod-build" "$KDIR") ||
		die "install-extmod-build failed for $KVER"
	cp "$obj/.config" "$KDIR/.config"
	[[ -f $KDIR/Module.symvers && -f $KIMAGE ]] || die "kernel $KVER: install left no Module.symvers or image"
	rm -rf "$obj" "$src"
}
