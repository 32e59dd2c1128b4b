#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# SPIKE (issue #12), not part of make check: "# kernels: spike" names no
# kernel, so the default plan never runs it, and it needs a module that
# only IOPMEM_MODULES builds.  Run it by hand:
#   IOPMEM_JOBS=1 IOPMEM_MODULES="fs/iopfs-proto tests/ptewalk" \
#     KERNEL=6.1 make check TESTS=spike/iopfs-proto
#
# fs/iopfs-proto gives the BAR MEMORY_DEVICE_GENERIC struct pages and
# mounts a file system with one regular file, /mnt/data, whose extent
# starts 4 MiB into the BAR.  Shown here: (a) loads and stores through a
# MAP_SHARED mapping of the file reach the BAR at the extent's offset
# (host hook), with PMD write-combining entries; (b) ibv_reg_mr over rxe
# accepts the mapping (FOLL_LONGTERM); (c) an RDMA WRITE lands in the BAR
# at the right offset (host hook) and an RDMA READ returns it; (d) after
# munmap the file system sees exactly the MR's pages held, also after
# an unmount (the MR holds no file), and none once it is deregistered.
# Control: the same file marked S_DAX is refused.  Experiment: the same
# file on a superblock with a writeback-capable bdi.
# kernels: spike
# vm: ivshmem 512M addr=04.0
# results: 22
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/rdma/rxe.inc

M=1048576
EXTENT=$((4 * M))	# IOPFS_PROTO_DATA_OFF
STATE=/sys/kernel/debug/iopfs_proto/state
bar=$(bar_start "$IOPMEM_PCI" 2)

state() {
	awk -v k="$1" '$1 == k { print $2 }' $STATE
}

proto_mount() {
	mkdir -p /mnt && mount -t iopfs_proto none /mnt
}

check "modprobe iopfs_proto over the BAR" modprobe iopfs_proto phys="$bar" size=$((512 * M))
on_exit "! grep -q '^iopfs_proto ' /proc/modules || rmmod iopfs_proto"
check "mount -t iopfs_proto" proto_mount || die "no mount"
on_exit "unmount_if_mounted /mnt"
check_eq "/mnt/data spans the BAR after its extent start" $((508 * M)) "$(stat -c %s /mnt/data)"
check_fail "/mnt/data is not S_DAX (statx)" dax_enabled /mnt/data

# (a) A store through one mapping, a load through another; the host hook
# finds it in the BAR file at extent + offset.
off=$((6 * M + 8192))
pattern load | mmap-io write /mnt/data $off 4096
check_eq "a new mapping of /mnt/data reads what a mapping wrote" \
	"$(pattern load | sha256sum)" "$(mmap-io read /mnt/data $off 4096 | sha256sum)"
info "hostcheck load $((EXTENT + off))"
check_eq "a 2 MiB-aligned mapping of /mnt/data gets a write-combining PMD" \
	"pmd write-combining" "$(user_memtype /mnt/data 0 4M)"
faults() {
	info "faults so far: pte $(state pte_faults) pmd $(state pmd_faults) pmd fallbacks $(state pmd_fallbacks) huge_fault calls $(state huge_fault_calls)"
}
faults

# (b), (c): as rdma/verbs.sh does with /dev/daxN.M.
check "soft-RoCE $RXE_DEV on a veth pair" rxe_setup || die "no soft-RoCE device"

# Control: the same file with S_DAX (vma_is_fsdax()) is refused.  Before
# the RDMA WRITE: dax-rdma zeroes the mapping it fails to register.
umount /mnt
echo 1 >/sys/module/iopfs_proto/parameters/sdax_control
proto_mount || die "mount with sdax_control"
dax-rdma -d "$RXE_DEV" --expect-fail-reg /mnt/data $((4 * M)) >/tmp/out 2>&1
rc=$?
sed 's/^# /#   /' /tmp/out
check_eq "control: with S_DAX, ibv_reg_mr fails with EOPNOTSUPP" 0 $rc
echo 0 >/sys/module/iopfs_proto/parameters/sdax_control
umount /mnt

# Experiment (information only, the answer depends on the kernel): a
# writeback-capable bdi, which a mount on /dev/iopmemN would inherit.
echo 1 >/sys/module/iopfs_proto/parameters/wb_bdi_control
proto_mount || die "mount with wb_bdi_control"
dmesg_mark
if mr_hold /mnt/data $((4 * M)); then
	info "writeback-capable bdi: ibv_reg_mr succeeds"
	mr_release
else
	info "writeback-capable bdi: ibv_reg_mr refused; $(dmesg_since_mark | grep -o 'Unable to pin.*' | tail -n 1)"
	mr_release >/dev/null 2>&1
fi
echo 0 >/sys/module/iopfs_proto/parameters/wb_bdi_control
umount /mnt
proto_mount || die "mount again without S_DAX"
faults

off=$((2 * M + 4096))
{ pattern rdma; head -c $((252 * 1024)) /dev/urandom; } >/tmp/data
dax-rdma -d "$RXE_DEV" -g "$(rxe_gid_index)" /mnt/data $((4 * M)) $off </tmp/data >/tmp/out 2>&1
rc=$?
sed 's/^# /#   /' /tmp/out
check_eq "dax-rdma: ibv_reg_mr, RDMA WRITE into and READ from /mnt/data" 0 $rc
check_eq "a new mapping of /mnt/data holds the RDMA-written data" "$(sha256sum </tmp/data)" \
	"$(mmap-io read /mnt/data $((2 * M)) $((2 * M)) |
		tail -c +4097 | head -c $((256 * 1024)) | sha256sum)"
info "hostcheck rdma $((EXTENT + off))"

# (d) The MR's 4 MiB, unmapped, still held; the rest of the file not.
check_eq "no page of the file held while nothing maps or pins it" 0 "$(state held)"
mr_hold /mnt/data $((4 * M)) || die "ibv_reg_mr of 4 MiB of /mnt/data"
ok "ibv_reg_mr of 4 MiB of /mnt/data, then unmapped"
check_eq "after munmap the fs sees the MR's 1024 pages held" 1024 "$(state held)"
check_eq "... and DMA-pinned (folio_maybe_dma_pinned)" 1024 "$(state dma_pinned)"
# The MR holds pages, not the file: nothing stops an unmount, so iopfs
# must track pinned extents beyond the life of its superblock.
check "umount while the MR pins pages of the file" umount /mnt
check_eq "the pages stay held after umount" 1024 "$(state held)"
check "ibv_dereg_mr" mr_release
check_eq "no page held after ibv_dereg_mr" 0 "$(state held)"
faults

# What a mapping alone holds (kernel-dependent, information only).
proto_mount || die "mount again"
MAP_MODE=hold map_hold /mnt/data 0 $((2 * M)) || die "map 2 MiB of /mnt/data"
info "pages held by a 2 MiB mapping alone: $(state held)"
map_release
check "umount" umount /mnt
check "rmmod iopfs_proto (nothing held)" rmmod iopfs_proto
dmesg | grep iopfs_proto | sed 's/^/# /'
