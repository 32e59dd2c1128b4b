#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the repository's modules (iopmem.ko, iopmem_test_provider.ko) against
# one cached guest kernel, with W=1. Any compiler or modpost warning fails.
#
# usage: tests/vm/build.sh KERNEL          (6.1 | 6.12, see kernels.conf)
# output: build/$KVER/drivers/block/iopmem/iopmem.ko
#         build/$KVER/tests/provider/iopmem_test_provider.ko
#         the list of built .ko files on stdout, one a line
# env:    IOPMEM_NO_MODULE=1  skip the build (rig development before the
#                             driver exists); prints nothing
#
# The kernel sources of the repository are copied to build/$KVER/ so that
# each kernel gets its own objects and the source tree stays clean. Files are
# copied only when their content changed, so make stays incremental.
set -euo pipefail

# shellcheck source=tests/vm/kernel.sh
. "$(dirname "${BASH_SOURCE[0]}")/kernel.sh"

# Repository paths that belong to the kernel build.
MODULE_PATHS=(Kbuild drivers include tests/provider tests/ptewalk tests/kunit)

# source_files : tracked and untracked-but-not-ignored files of the module
# build, so uncommitted work is built too.
source_files() {
	git -C "$REPO_DIR" ls-files -co --exclude-standard -- "${MODULE_PATHS[@]}" |
		while read -r f; do if [[ -f $REPO_DIR/$f ]]; then printf '%s\n' "$f"; fi; done
}

# sync_sources DIR : mirror the module sources into DIR; remove files that
# disappeared from the repository since the last sync (listed in a manifest).
sync_sources() {
	local dir=$1 f
	local manifest=$dir/.rig-sources
	local -a files
	mapfile -t files < <(source_files)
	mkdir -p "$dir"
	if [[ -f $manifest ]]; then
		comm -23 <(sort "$manifest") <(printf '%s\n' "${files[@]}" | sort) |
			while read -r f; do rm -f "$dir/$f"; done
	fi
	for f in "${files[@]}"; do
		if ! cmp -s "$REPO_DIR/$f" "$dir/$f"; then
			mkdir -p "$dir/$(dirname "$f")"
			cp "$REPO_DIR/$f" "$dir/$f"
		fi
	done
	printf '%s\n' "${files[@]}" >"$manifest"
}

# expected_modules : .ko files the build must produce, relative to the build dir.
expected_modules() {
	echo drivers/block/iopmem/iopmem.ko
	# The test provider is built once its directory has sources.
	if git -C "$REPO_DIR" ls-files -co --exclude-standard -- tests/provider | grep -q .; then
		echo tests/provider/iopmem_test_provider.ko
	fi
	# KUnit tests exist only for kernels built with KUnit (the Kbuild
	# skips them elsewhere).
	if grep -qsE '^CONFIG_KUNIT=[ym]$' "$KDIR/.config"; then
		echo tests/kunit/iopmem_kunit.ko
	fi
}

main() {
	(($# == 1)) || die "usage: tests/vm/build.sh KERNEL (one of: $KERNELS)"
	[[ ${IOPMEM_NO_MODULE:-0} == 1 ]] && {
		log "build: IOPMEM_NO_MODULE=1: not building modules"
		return 0
	}
	kernel_select "$1"
	[[ -f $KDIR/Makefile ]] || die "no build tree at $KDIR; run tests/vm/setup.sh $KNAME"
	[[ -f $REPO_DIR/Kbuild ]] ||
		die "no Kbuild in $REPO_DIR; nothing to build (set IOPMEM_NO_MODULE=1 to run the rig without modules)"

	local dir=$BUILD_DIR/$KVER
	local logf=$OUT_DIR/build-$KVER.log
	mkdir -p "$OUT_DIR" "$dir"
	# One build per tree at a time: concurrent runs share build/$KVER.
	exec 9>"$dir/.lock"
	flock 9
	sync_sources "$dir"
	log "build: modules for $KVER (W=1)"
	if ! make -C "$KDIR" M="$dir" W=1 -j"$(nproc)" modules >"$logf" 2>&1; then
		cat "$logf" >&2
		# Force a full rebuild next time so the errors show again.
		make -C "$KDIR" M="$dir" clean >/dev/null 2>&1 || true
		die "module build against $KVER failed (log: $logf); fix the errors above"
	fi
	# W=1 warnings and modpost warnings ("WARNING: modpost: ...") fail too.
	# make is incremental, so objects that warned are removed: otherwise the
	# warning would vanish from the next run.
	if grep -Ei 'warning' "$logf" >&2; then
		make -C "$KDIR" M="$dir" clean >/dev/null 2>&1 || true
		die "module build against $KVER has warnings (log: $logf); W=1 builds must be warning-free"
	fi
	local ko
	while read -r ko; do
		[[ -f $dir/$ko ]] || die "build against $KVER did not produce $ko; check the Kbuild/Makefile that should build it (log: $logf)"
	done < <(expected_modules)
	find "$dir" -name '*.ko' | sort
}

main "$@"
