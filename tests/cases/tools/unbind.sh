#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iopmemctl unbind refuses while someone holds the device, as the kernel
# tells through an exclusive open of /dev/iopmemN, and names the holder
# and the fix: a file system on a partition (which a check of /proc/mounts
# for /dev/iopmemN alone missed), a swap area; in devdax mode a process
# mapping an instance of the region (found in /proc/PID/maps). After each
# refusal the device is still bound, and once the holder is gone the same
# unbind works (the control: the refusal came from that holder). --force
# unbinds a device whose instance is mapped; the mapping gets SIGBUS.
# vm: ivshmem 512M addr=04.0
# results: 21
. /tests/lib.sh
. /tests/iopmem.sh

M=1048576
check "modprobe iopmem" iopmem_load

# A partition with ext4 on it, mounted.
iopmemctl bind $IOPMEM_PCI >/dev/null || die "bind"
printf 'o\nn\np\n1\n\n+64M\nw\n' | fdisk /dev/iopmem0 >/tmp/fdisk 2>&1
for _i in 1 2 3 4 5 6 7 8 9 10; do
	[ -b /dev/iopmem0p1 ] && break
	sleep 0.2
done
[ -b /dev/iopmem0p1 ] || info "fdisk: $(cat /tmp/fdisk)"
check "a partition /dev/iopmem0p1" test -b /dev/iopmem0p1
modprobe ext4
mkfs.ext4 -q -b 4096 /dev/iopmem0p1 && mount -t ext4 /dev/iopmem0p1 /mnt
check "ext4 on it, mounted on /mnt" grep -q '^/dev/iopmem0p1 /mnt ' /proc/mounts
check "control: /proc/mounts has no /dev/iopmem0 itself" sh -c "! grep -q '^/dev/iopmem0 ' /proc/mounts"
out=$(iopmemctl unbind iopmem0 2>&1)
check_eq "unbind with the partition mounted: refused, naming the mount" \
	"1 iopmemctl: unbind iopmem0: /dev/iopmem0p1 is mounted on /mnt; unmount it first (or --force: it then gets I/O errors)" "$? $out"
check_eq "... still bound" iopmem "$(pci_driver $IOPMEM_PCI)"
check "umount" umount /mnt
check "control: unmounted, the same unbind works" iopmemctl unbind iopmem0

# A swap area on the whole device.
iopmemctl bind $IOPMEM_PCI >/dev/null || die "bind"
check "swapon /dev/iopmem0" sh -c "mkswap /dev/iopmem0 >/dev/null && swapon /dev/iopmem0"
out=$(iopmemctl unbind $IOPMEM_PCI 2>&1)
check_eq "unbind with swap on it: refused, naming swapoff" \
	"1 iopmemctl: unbind $IOPMEM_PCI: /dev/iopmem0 is in use as swap; swapoff /dev/iopmem0 first (or --force: it then gets I/O errors)" "$? $out"
check_eq "... still bound" iopmem "$(pci_driver $IOPMEM_PCI)"
check "swapoff" swapoff /dev/iopmem0
check "control: swap off, the same unbind works" iopmemctl unbind $IOPMEM_PCI

# devdax: an instance mapped by a process.
iopmemctl bind --mode devdax $IOPMEM_PCI >/dev/null || die "bind --mode devdax"
region=$(iopmem_region iopmem0)
x=$(daxctl create-device -r "$region" -s 64M | jq -r '.[0].chardev')
check "an instance /dev/$x" test -c "/dev/$x"
map_hold "/dev/$x" 0 $((2 * M)) || die "cannot map /dev/$x"
out=$(iopmemctl unbind iopmem0 2>&1)
check_eq "unbind with /dev/$x mapped: refused, naming the process" \
	"1 iopmemctl: unbind iopmem0: /dev/$x is mapped by pid $MAP_PID (mmap-io); end that process first (or --force: the mapping then gets SIGBUS)" "$? $out"
check_eq "... still bound" iopmem "$(pci_driver $IOPMEM_PCI)"
check "end the mapping" map_release
check "control: unmapped, the same unbind works" iopmemctl unbind iopmem0

iopmemctl bind --mode devdax $IOPMEM_PCI >/dev/null || die "bind --mode devdax"
x=$(daxctl create-device -r "$(iopmem_region iopmem0)" -s 64M | jq -r '.[0].chardev')
map_hold "/dev/$x" 0 $((2 * M)) || die "cannot map /dev/$x"
check "unbind --force with /dev/$x mapped" iopmemctl unbind --force iopmem0
check_eq "... unbound" "" "$(pci_driver $IOPMEM_PCI)"
echo touch >&9
check_fail "... the mapping got SIGBUS" map_release
