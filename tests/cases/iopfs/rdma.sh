#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iopfs, first increment: a file system on /dev/iopmemN in mode iopfs
# whose file mappings ibv_reg_mr accepts (long-term pins), which XFS and
# ext4 -o dax refuse (rdma/fsdax.sh).  Shown here: mkfs.iopfs and mount;
# names, links, rename, rmdir; write/read and a store through a mapping,
# found by the host in the BAR file at the file's extent; a PMD mapping;
# ibv_reg_mr, RDMA WRITE (in the BAR at the extent, host hook) and READ,
# also of what write() stored; unlink and truncate while registered: the
# extents are deferred, not free, until ibv_dereg_mr, and the registration
# still writes to them (host hook) while a new file does not see it;
# everything persists across a remount; the device going away while an MR
# pins a file's pages (umount waits for them).  Controls: a damaged
# superblock fails the mount; mode fsdax refuses the mount.
# vm: ivshmem 512M addr=04.0
# results: 56
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/rdma/rxe.inc
. /tests/iopfs/iopfs.inc

M=1048576
iopfs_fresh
check_eq "the device is in mode iopfs" iopfs "$(iopmem_attr "$dev" mode)"
SYS=/sys/fs/iopfs/$dev
extents=$(cat $SYS/extents)
# Where data extent 0 starts in the BAR: the superblock's data_offset.
data_off=$(od -An -t u8 -j 40 -N 8 "/dev/$dev" | tr -d ' ')
info "data area at byte $data_off of the BAR, $extents extents"

# The RDMA file is the first to get data: extent 0.
check "fallocate 4 MiB of /mnt/f" fallocate -l $((4 * M)) /mnt/f
check_eq "statfs: 2 extents in use" $(((extents - 2) * 512)) \
	"$(stat -f -c %f /mnt)"
off=$((2 * M + 8192))
pattern load | mmap-io write /mnt/f $off 4096
info "hostcheck load $((data_off + off))"
check_eq "a 2 MiB-aligned mapping of /mnt/f gets a write-combining PMD" \
	"pmd write-combining" "$(user_memtype /mnt/f 0 4M)"

# Names.
mkdir /mnt/d && echo hello >/mnt/d/a
check_eq "write and read a small file" hello "$(cat /mnt/d/a)"
check "link" ln /mnt/d/a /mnt/d/b
check_eq "... two links" 2 "$(stat -c %h /mnt/d/a)"
check "rename across directories" mv /mnt/d/b /mnt/b
check_fail "rmdir of a non-empty directory fails" rmdir /mnt/d
check "chmod" chmod 640 /mnt/b
head -c $((3 * M)) /dev/urandom >/tmp/big
cp /tmp/big /mnt/d/big
check_eq "a 3 MiB write() reads back" "$(sha256sum </tmp/big)" \
	"$(sha256sum </mnt/d/big)"

check "soft-RoCE $RXE_DEV on a veth pair" rxe_setup || die "no soft-RoCE device"
roff=$((2 * M + 4096 * 3))
{ pattern rdma; head -c $((252 * 1024)) /dev/urandom; } >/tmp/data
dax-rdma -d "$RXE_DEV" -g "$(rxe_gid_index)" /mnt/f $((4 * M)) $roff \
	</tmp/data >/tmp/out 2>&1
rc=$?
sed 's/^# /#   /' /tmp/out
check_eq "dax-rdma: ibv_reg_mr, RDMA WRITE into and READ from /mnt/f" 0 $rc
check_eq "read() of /mnt/f returns the RDMA-written data" \
	"$(sha256sum </tmp/data)" \
	"$(tail -c +$((roff + 1)) /mnt/f | head -c $((256 * 1024)) | sha256sum)"
info "hostcheck rdma $((data_off + roff))"
pattern readback >/tmp/rb
dd if=/tmp/rb of=/mnt/f bs=4096 seek=$((3 * M / 4096)) conv=notrunc 2>/dev/null
check "RDMA READ of an untouched mapping returns what write() stored" \
	dax-rdma -d "$RXE_DEV" -g "$(rxe_gid_index)" --read /mnt/f $((4 * M)) $((3 * M)) </tmp/rb

# Allocation zeroes an extent and takes the lowest free one: the host
# checks need every extent they look at allocated before it is freed, and
# nothing allocated after but /mnt/p below (extent 0).  /mnt/t now, so that
# it gets extents past /mnt/f's.
fallocate -l $((4 * M)) /mnt/t
t_off=$(file_phys /mnt/t)

# Unlink while registered: deferred, not free, until deregistration.
mr_hold /mnt/f $((4 * M)) || die "ibv_reg_mr of 4 MiB of /mnt/f"
ok "ibv_reg_mr of 4 MiB of /mnt/f, then unmapped"
free_before=$(cat $SYS/free_extents)
check "unlink /mnt/f while registered" rm /mnt/f
check_eq "its 2 extents are deferred" 2 "$(cat $SYS/deferred_extents)"
check_eq "... and not free" "$free_before" "$(cat $SYS/free_extents)"
fallocate -l $((8 * M)) /mnt/g
check_eq "a new file does not get them (extents 4 to 7)" \
	"$((free_before - 4))" "$(cat $SYS/free_extents)"
# The registration still reaches the unlinked file's memory, and only it.
check "the registration still works: an RDMA WRITE through it" \
	mr_write unlinked $((2 * M + 512 * 1024))
info "hostcheck unlinked $((data_off + 2 * M + 512 * 1024))"
check_eq "... which the new file does not see" \
	"$(head -c $((8 * M)) /dev/zero | sha256sum)" "$(sha256sum </mnt/g)"
check "ibv_dereg_mr" mr_release
check_eq "after ibv_dereg_mr nothing is deferred" 0 \
	"$(cat $SYS/deferred_extents)"
check_eq "... and the extents are free" "$((free_before + 2 - 4))" \
	"$(cat $SYS/free_extents)"
rm /mnt/g

# Truncate while registered: the same deferral.
mr_hold /mnt/t $((4 * M)) || die "ibv_reg_mr of 4 MiB of /mnt/t"
check "truncate -s 0 of a registered file" truncate -s 0 /mnt/t
check_eq "its 2 extents are deferred" 2 "$(cat $SYS/deferred_extents)"
check "the registration still works after the truncate" mr_write truncated 4096
info "hostcheck truncated $((t_off + 4096))"
check "ibv_dereg_mr" mr_release
check_eq "after ibv_dereg_mr nothing is deferred" 0 \
	"$(cat $SYS/deferred_extents)"
rm /mnt/t

check "umount" umount /mnt
check "mount again" mount -t iopfs "/dev/$dev" /mnt
check_eq "the small file persists" hello "$(cat /mnt/d/a)"
check_eq "the 3 MiB file persists" "$(sha256sum </tmp/big)" \
	"$(sha256sum </mnt/d/big)"
check_eq "the renamed link persists, with its mode" "640 2" \
	"$(stat -c '%a %h' /mnt/b)"
check_fail "the unlinked file stays gone" test -e /mnt/f
# A file takes whole 2 MiB extents, small ones too (for now).
check_eq "statfs after remount: 3 extents in use (3 MiB file, small file)" \
	$(((extents - 3) * 512)) "$(stat -f -c %f /mnt)"
check "umount" umount /mnt

# The device goes away while an MR pins pages of a file: the unbind
# completes, the unmount waits for the pinned pages (iopmem keeps their
# struct pages) and ends once the MR is deregistered.
mount -t iopfs "/dev/$dev" /mnt || die "mount"
fallocate -l $((2 * M)) /mnt/p
mr_hold /mnt/p $((2 * M)) || die "ibv_reg_mr of /mnt/p"
dmesg_mark
check "unbind while an MR pins pages of a file" \
	sh -c "echo $IOPMEM_PCI >/sys/bus/pci/drivers/iopmem/unbind"
check "iopfs says the device went away" dmesg_has 'the device went away'
umount /mnt &
upid=$!
dmesg_wait 'removal waits for the page' 20
check "umount waits for the pinned page" kill -0 $upid
check "... and iopmem says which page it waits for" dmesg_has 'removal waits for the page'
check "ibv_dereg_mr" mr_release
wait $upid
check_eq "umount ends after ibv_dereg_mr" 0 $?
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind $IOPMEM_PCI again"

# Controls: a damaged superblock fails the mount, with a message.
dd if="/dev/$dev" of=/tmp/sb bs=4096 count=1 status=none
printf '\377' | dd of="/dev/$dev" bs=1 seek=20 conv=notrunc status=none
dmesg_mark
check_fail "control: a damaged superblock fails the mount" \
	mount -t iopfs "/dev/$dev" /mnt
check "... and says so" dmesg_has 'superblock checksum wrong'
dd if=/tmp/sb of="/dev/$dev" bs=4096 count=1 conv=notrunc status=none
check "restored, it mounts" mount -t iopfs "/dev/$dev" /mnt
umount /mnt
echo fsdax >"/sys/class/iopmem/$dev/mode" || die "mode fsdax"
check_fail "control: mode fsdax refuses mount -t iopfs" \
	mount -t iopfs "/dev/$dev" /mnt
check "rmmod iopfs" rmmod iopfs
