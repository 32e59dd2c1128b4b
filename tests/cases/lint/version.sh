#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# One version number everywhere.  VERSION is the source: Kbuild makes it
# MODULE_VERSION (of iopmem and iopfs), tools/iopmemctl's Makefile makes
# it `iopmemctl --version`.  dkms.conf and debian/changelog must spell it out (dkms and
# dpkg read them as they are), so they are compared with it here; the
# module and the tool are built from a copy and asked.
# host-only
# kernels: 6.1
# results: 6
# vm: timeout 300
set -uo pipefail
. tests/cases/lint/common.inc

version=$(cat VERSION 2>/dev/null)
check "VERSION is one line, a Debian native version" \
	grep -Eqx '[0-9][0-9A-Za-z.+~]*' <<<"$version"
check_eq "dkms.conf PACKAGE_VERSION is VERSION" "$version" \
	"$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)"
check_eq "debian/changelog's top entry is VERSION" "$version" \
	"$(dpkg-parsechangelog -l debian/changelog -S Version)"

tmp=$(mktemp -d)
on_exit "rm -rf $tmp"
git ls-files -co --exclude-standard -- VERSION Kbuild drivers fs/iopfs include tools/iopmemctl |
	while read -r f; do [[ -f $f ]] && install -D -m 0644 "$f" "$tmp/$f"; done

# The run's kernel (the rig sets KERNEL); by hand, 6.1.
: "${KERNEL:=6.1}"
tests/vm/setup.sh "$KERNEL" >/dev/null || die "cannot set up kernel $KERNEL"
kernel_select "$KERNEL"
if make -C "$KDIR" M="$tmp" IOPMEM_TESTS=n modules >"$tmp/module.log" 2>&1; then
	check_eq "MODULE_VERSION of the built iopmem.ko is VERSION" "$version" \
		"$(modinfo -F version "$tmp/drivers/block/iopmem/iopmem.ko")"
	# Fails when fs/iopfs loses its MODULE_VERSION, or Kbuild builds it
	# only for the rig again (no iopfs.ko with IOPMEM_TESTS=n).
	check_eq "MODULE_VERSION of the built iopfs.ko is VERSION" "$version" \
		"$(modinfo -F version "$tmp/fs/iopfs/iopfs.ko" 2>&1)"
else
	not_ok "MODULE_VERSION of the built iopmem.ko is VERSION (build failed)"
	not_ok "MODULE_VERSION of the built iopfs.ko is VERSION (build failed)"
	sed 's/^/#   /' "$tmp/module.log"
fi
if make -s -C "$tmp/tools/iopmemctl" O="$tmp/ctl" "$tmp/ctl/iopmemctl" >"$tmp/ctl.log" 2>&1; then
	check_eq "iopmemctl --version prints VERSION" "iopmemctl $version" \
		"$("$tmp/ctl/iopmemctl" --version)"
else
	not_ok "iopmemctl --version prints VERSION (build failed)"
	sed 's/^/#   /' "$tmp/ctl.log"
fi
