#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The rig itself: the emulated BAR is where the tests expect it, guest
# writes to it land in the host backing file (checked by boot.host.sh), and
# the modules the tests rely on load.
# vm: ivshmem 512M addr=04.0
# results: 17
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh

DEV=0000:00:04.0
SYS=/sys/bus/pci/devices/$DEV
# Must match boot.host.sh.
OFFSET=$((3 * 1024 * 1024))

check "ivshmem device present at $DEV" test -d "$SYS"
[ -d "$SYS" ] || die "no $DEV; the rest would only repeat this failure"
check_eq "vendor is Red Hat/Qumranet" 0x1af4 "$(cat "$SYS/vendor")"
check_eq "device is ivshmem" 0x1110 "$(cat "$SYS/device")"

# resource: one line per BAR: start end flags. BAR2 is the third line.
# shellcheck disable=SC2046 # split into start, end, flags
set -- $(sed -n 3p "$SYS/resource")
start=$(($1)) end=$(($2)) flags=$(($3))
info "BAR2: $1-$2 flags $3"
check_eq "BAR2 is 512 MiB" $((512 * 1024 * 1024)) $((end - start + 1))
# IORESOURCE_MEM 0x200, IORESOURCE_PREFETCH 0x2000, IORESOURCE_MEM_64 0x100000
check_eq "BAR2 is 64-bit prefetchable memory" 0x102200 \
	"$(printf '0x%x' $((flags & 0x102200)))"

# Memory decoding must be on for writes to reach the device; enabling via
# sysfs also proves the attribute works for a device without a driver.
echo 1 >"$SYS/enable"
pattern boot >/tmp/pattern
check "write 4 KiB at 3 MiB into BAR2 through resource2 (mmap)" \
	sh -c "mmap-io write $SYS/resource2 $OFFSET 4096 </tmp/pattern"
check "read the 4 KiB back through resource2" \
	sh -c "mmap-io read $SYS/resource2 $OFFSET 4096 | cmp - /tmp/pattern"

for m in xfs ext4 nvme; do
	check "modprobe $m" modprobe "$m"
done
# Up to 6.x xfs and ext4 reach crc32c through libcrc32c, which needs a
# crypto provider; 7.x has no libcrc32c: they call the crc32c library.
if grep -qs '/libcrc32c\.ko' "/lib/modules/$(uname -r)/modules.dep" "/lib/modules/$(uname -r)/modules.builtin"; then
	check "crc32c provider loaded by /init" sh -c "grep -q crc32c /proc/crypto"
else
	skip "crc32c provider loaded by /init" "no libcrc32c on $(uname -r): xfs and ext4 call the crc32c library"
fi

# The repository's modules, once built, must be resolvable by modprobe.
# kmod's modinfo by its path: busybox sh would run its own applet for a
# bare "modinfo". The control shows the lookup can fail.
if [ -f "/lib/modules/$(uname -r)/extra/iopmem.ko" ]; then
	check "modprobe knows iopmem" /usr/sbin/modinfo -n iopmem
	check_fail "... and not a module that is not there" /usr/sbin/modinfo -n iopmem_no_such_module
else
	skip "modprobe knows iopmem" "iopmem.ko not in the initramfs (IOPMEM_NO_MODULE=1?)"
	skip "... and not a module that is not there" "iopmem.ko not in the initramfs"
fi
# The rig passes kernels.conf's slowdown (rig_rounds divides by it): more
# than 1 exactly on the debug kernel, the one with kmemleak.
if [ -e /sys/kernel/debug/kmemleak ]; then
	check "SLOWDOWN=$SLOWDOWN from the rig: the debug kernel's" test "${SLOWDOWN:-0}" -gt 1
else
	check_eq "SLOWDOWN from the rig: a stock kernel's" 1 "${SLOWDOWN:-}"
fi
info "uptime $(cut -d' ' -f1 /proc/uptime) s"
