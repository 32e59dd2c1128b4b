#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare this host for the QEMU rig: install the host packages of
# tests/vm/packages.txt and fetch the pinned guest kernels of
# tests/vm/kernels.conf into ${IOPMEM_CACHE:-/var/cache/iopmem}.
#
# usage: tests/vm/setup.sh [KERNEL...]     (default: every kernel)
#
# Idempotent and fast when warm: dpkg-query decides whether apt runs at all,
# and a stamp per pinned kernel version decides whether anything is fetched.
set -euo pipefail

# shellcheck source=tests/vm/kernel.sh
. "$(dirname "${BASH_SOURCE[0]}")/kernel.sh"
# shellcheck source=tests/vm/kbuild.sh
. "$RIG_DIR/kbuild.sh"
# shellcheck source=tests/vm/mirror.sh
. "$RIG_DIR/mirror.sh"

DEBIAN_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# as_root CMD... : apt and dpkg need root; use sudo when we are not root.
as_root() {
	if [[ $(id -u) == 0 ]]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "'$*' needs root; run tests/vm/setup.sh as root or install sudo"
	fi
}

# missing_packages : names from packages.txt that dpkg does not list as installed.
missing_packages() {
	local -a wanted
	mapfile -t wanted < <(sed 's/#.*//' "$RIG_DIR/packages.txt" | awk 'NF { print $1 }')
	# dpkg-query prints nothing (and complains on stderr) for unknown names,
	# so compare against what it reports as "ii" rather than trusting its exit code.
	comm -23 <(printf '%s\n' "${wanted[@]}" | sort -u) \
		<(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${wanted[@]}" 2>/dev/null |
			awk '$1 == "ii" { print $2 }' | sort -u)
}

install_host_packages() {
	local -a missing
	mapfile -t missing < <(missing_packages)
	((${#missing[@]} == 0)) && return 0
	log "setup: installing host packages: ${missing[*]}"
	# A stale package index gives 404s: refresh it once and retry.
	if ! as_root env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "${missing[@]}"; then
		log "setup: apt-get install failed; refreshing the package index and retrying"
		as_root apt-get update -q
		as_root env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends "${missing[@]}" ||
			die "could not install ${missing[*]}; check the apt sources in /etc/apt"
	fi
}

# APT_OPTS: options for apt-get for the current kernel's suite. "host" uses the
# system configuration; any other suite gets a private configuration under
# the cache, so /etc/apt and the system's package lists stay untouched.
APT_OPTS=()
apt_config_for() {
	local suite=$1
	# Downloading as root into a directory _apt cannot write only warns;
	# running the download as root avoids the noise.
	APT_OPTS=(-q -o APT::Sandbox::User=root)
	[[ $suite == host ]] && return 0
	local dir=$CACHE_DIR/apt/$suite
	[[ -n ${DEBIAN_MIRROR:-} ]] || DEBIAN_MIRROR=$(debian_mirror) || exit 1
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	printf 'deb [signed-by=%s] %s %s main\n' "$DEBIAN_KEYRING" "$DEBIAN_MIRROR" "$suite" \
		>"$dir/sources.list"
	APT_OPTS+=(
		-o "Dir::Etc::SourceList=$dir/sources.list"
		-o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$dir/lists"
		# Keep apt's binary caches private too, or they would be rebuilt
		# from the private lists over the system's copies.
		-o "Dir::Cache=$dir/cache"
	)
}

apt_update() {
	log "setup: apt-get update ($KSUITE)"
	# Without --error-on=any an unreachable archive only warns.
	as_root apt-get "${APT_OPTS[@]}" update --error-on=any ||
		die "apt-get update for suite '$KSUITE' failed; is $DEBIAN_MIRROR reachable?"
}

# deb_ok FILE PKG VERSION : the file is the exact pinned package.
deb_ok() {
	[[ -s $1 ]] && [[ $(dpkg-deb -f "$1" Package Version 2>/dev/null | tr '\n' ' ') == "Package: $2 Version: $3 " ]]
}

# download_debs DIR PKG... : apt-get download the pinned versions into DIR.
download_debs() {
	local dir=$1 pkg
	shift
	local -a todo=()
	for pkg in "$@"; do
		deb_ok "$dir/$pkg.deb" "$pkg" "$KVERSION" || todo+=("$pkg")
	done
	((${#todo[@]} == 0)) && return 0
	apt_config_for "$KSUITE"
	if [[ $KSUITE != host && ! -e $CACHE_DIR/apt/$KSUITE/lists/lock ]]; then
		apt_update
	fi
	local tmp
	tmp=$(mktemp -d "$dir/dl.XXXXXX")
	local -a pinned=("${todo[@]/%/=$KVERSION}")
	log "setup: downloading ${todo[*]} ($KVERSION)"
	if ! (cd "$tmp" && apt-get "${APT_OPTS[@]}" download "${pinned[@]}"); then
		# The pinned version may be missing from a stale index: refresh, retry.
		apt_update
		(cd "$tmp" && apt-get "${APT_OPTS[@]}" download "${pinned[@]}") ||
			die "cannot download ${pinned[*]} from '$KSUITE'; the pin in tests/vm/kernels.conf may be gone from the archive: pick an available version (apt-cache policy ${todo[0]})"
	fi
	for pkg in "${todo[@]}"; do
		mv "$tmp/${pkg}_"*.deb "$dir/$pkg.deb"
		deb_ok "$dir/$pkg.deb" "$pkg" "$KVERSION" ||
			die "downloaded $pkg is not version $KVERSION; fix tests/vm/kernels.conf"
	done
	rmdir "$tmp"
}

# unpack_kernel : image into $KROOT (with depmod), headers into $KCACHE/headers.
unpack_kernel() {
	local debs=$KCACHE/debs pkg
	rm -rf "$KROOT" "$KCACHE/headers"
	dpkg -x "$debs/$KIMAGE_PKG.deb" "$KROOT"
	# Newer Debian kernels ship modules under /usr/lib/modules: normalise.
	if [[ ! -d $KROOT/lib/modules/$KVER && -d $KROOT/usr/lib/modules/$KVER ]]; then
		mkdir -p "$KROOT/lib/modules"
		mv "$KROOT/usr/lib/modules/$KVER" "$KROOT/lib/modules/"
	fi
	[[ -f $KIMAGE ]] || die "$KIMAGE_PKG has no /boot/vmlinuz-$KVER; is kver in kernels.conf right?"
	# The .deb ships no modules.dep; modprobe in the guest needs one.
	depmod -b "$KROOT" "$KVER"
	for pkg in $KHEADER_PKGS; do
		dpkg -x "$debs/$pkg.deb" "$KCACHE/headers"
	done
	# The headers' Makefile includes the -common tree by absolute path
	# (/usr/src/...); point it at the unpacked copy.
	sed -i "s|^include /usr/src/|include $KCACHE/headers/usr/src/|" "$KDIR/Makefile"
	[[ -f $KDIR/.config && -f $KDIR/Module.symvers ]] ||
		die "$KDIR is not a kernel build tree; check kernel_${KNAME//./_}_headers in kernels.conf"
}

# kernel_ready NAME : the kernel is complete in the cache (the stamp is
# written last).
kernel_ready() {
	kernel_select "$1"
	[[ -f $KSTAMP && -f $KIMAGE && -f $KDIR/Makefile ]]
}

fetch_kernel() {
	kernel_ready "$1" && return 0
	rm -f "$KCACHE"/.ready-*
	mkdir -p "$KCACHE/debs"
	if [[ -n $KSOURCE_PKG ]]; then
		build_kernel
	else
		log "setup: fetching kernel $KNAME ($KVER, $KVERSION) into $KCACHE"
		# shellcheck disable=SC2086 # KHEADER_PKGS is a word list
		download_debs "$KCACHE/debs" "$KIMAGE_PKG" $KHEADER_PKGS
		unpack_kernel
	fi
	touch "$KSTAMP"
	log "setup: kernel $KNAME ready: KDIR=$KDIR"
}

main() {
	local -a kernels
	if (($# > 0)); then kernels=("$@"); else read -ra kernels <<<"$KERNELS"; fi
	install_host_packages
	mkdir -p "$CACHE_DIR" 2>/dev/null || as_root mkdir -p "$CACHE_DIR"
	[[ -w $CACHE_DIR ]] || die "cache $CACHE_DIR is not writable; set IOPMEM_CACHE to a writable directory"
	local k unready=0
	for k in "${kernels[@]}"; do
		kernel_ready "$k" || unready=1
	done
	# Without the lock when all are there: a 40-minute kernel build holds
	# it, and runs on the kernels already cached must not wait for it.
	((unready)) || return 0
	# Concurrent runs must not unpack the same kernel twice at once.
	exec 9>"$CACHE_DIR/.setup.lock"
	flock 9
	for k in "${kernels[@]}"; do
		fetch_kernel "$k"
	done
}

main "$@"
