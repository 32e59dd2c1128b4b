#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# NVMe-oF target offload: nvmet takes iopmem's P2PDMA memory as the p2pmem
# of a namespace on the emulated NVMe device, both behind one PCIe switch.
# What the rig can show, and what it cannot:
#   - configfs takes iopmem's PCI device as the namespace's p2pmem and the
#     namespace enables: nvmet asked the P2PDMA distance code, which allows
#     iopmem and this NVMe device (p2p/p2pdma-hostbridge shows the same
#     enable refused where the kernel forbids the path). A device without
#     P2PDMA memory (the NVMe itself) is refused at once.
#   - An RDMA client (nvme-rdma over soft-RoCE) connects and fio writes and
#     verifies 4 MiB through the fabric (little: soft-RoCE on the KASAN
#     kernel under TCG is slow).
#   - The port stops serving the subsystem while the client is connected
#     and the client reconnects once it serves again; then iopmem unbinds
#     while the namespace names it and the client is connected, and the
#     target goes on serving (nothing held pool memory).
#   - Only a client with a PCI device can use p2pmem: nvmet-rdma offers
#     none for rxe (ib_dma_pci_p2p_dma_supported() is false for a device
#     with virtual DMA), and 7.2's kernel logs nothing about it. So the
#     target moves the data through host memory: no "using p2pmem" line,
#     and QEMU's trace (nvmet.host.sh) puts all of the NVMe device's DMA
#     for those blocks in RAM, none in the BAR. On a machine with an RNIC
#     under the same switch, that trace is where the offload would show.
#     No driver can make those fallback checks (guest and host) fail here (only
#     a client with PCI DMA would): they record what the target does. That
#     the trace finds DMA in the BAR when it is there is p2p/p2pdma's.
# vm: machine q35
# vm: device pcie-root-port id=rp0 chassis=1 slot=1 bus=pcie.0 addr=04.0
# vm: device x3130-upstream id=up0 bus=rp0
# vm: device xio3130-downstream id=dp0 bus=up0 chassis=2 slot=0
# vm: device xio3130-downstream id=dp1 bus=up0 chassis=3 slot=1
# vm: ivshmem 512M bus=dp0
# vm: nvme 96M bus=dp1
# vm: timeout 480
# The kernel's own nvmet-rdma takes rdma_cm's handler_mutex under
# nvmet_config_sem when a port goes (configfs unlink: rdma_destroy_id),
# and nvmet_config_sem under handler_mutex when a queue's connect command
# is handled from the ESTABLISHED event (nvmet_find_get_subsys). Lockdep
# reports the inversion when both happen in one boot, which depends on
# timing (7.2.13: one full run in several). Not iopmem's locks; lockdep
# then checks nothing more in that boot, and the rig notes it in the
# scenario's output.
# vm: lockdep-known nvmet_config_sem &id_priv->handler_mutex
# vm: qemu -trace pci_nvme_io_cmd -trace pci_nvme_admin_cmd -trace pci_nvme_read -trace pci_nvme_write -trace pci_nvme_map_addr
# kernels: 7.2
# results: 25
. /tests/lib.sh
. /tests/iopmem.sh
. /tests/p2p/p2p.inc
. /tests/rdma/rxe.inc

M=1048576
IOPMEM_PCI=0000:03:00.0
NVME_PCI=0000:04:00.0
P2PMEM=/sys/bus/pci/devices/$IOPMEM_PCI/p2pmem
NQN=iopmem-nvmet
CFG=/sys/kernel/config/nvmet
SUB=$CFG/subsystems/$NQN
NS=$SUB/namespaces/1
PORT=$CFG/ports/1
# Where the fabric's I/O lands in the namespace (nvmet.host.sh reads it).
AT=$P2P_VERIFY

# ctrl_state_soon CTRL = STATE | CTRL ! STATE : the controller's state is
# (or is not) STATE within 30 s.
ctrl_state_soon() {
	for _i in $(seq 60); do
		_s=$(cat "$1/state" 2>/dev/null)
		if [ "$2" = = ]; then
			[ "$_s" = "$3" ] && return 0
		else
			[ -n "$_s" ] && [ "$_s" != "$3" ] && return 0
		fi
		sleep 0.5
	done
	info "${1##*/}: state '$_s'"
	return 1
}

nvmet_teardown() {
	[ -d "$SUB" ] || return 0
	for _c in /sys/class/nvme/nvme*; do
		grep -qx "$NQN" "$_c/subsysnqn" 2>/dev/null &&
			echo 1 >"$_c/delete_controller"
	done
	rm -f "$PORT/subsystems/$NQN"
	rmdir "$PORT" 2>/dev/null
	echo 0 >"$NS/enable" 2>/dev/null
	rmdir "$NS" "$SUB" 2>/dev/null
	rmmod nvme_rdma nvmet_rdma nvmet 2>/dev/null
}

check "modprobe iopmem mode=p2pdma" iopmem_load mode=p2pdma
iopmem_bind $IOPMEM_PCI >/dev/null || die "bind"
nvme_wait || die "no /dev/nvme0n1"
rxe_setup || die "soft-RoCE setup"
for m in nvmet nvmet_rdma nvme_rdma; do
	modprobe $m || die "modprobe $m"
done
grep -q ' /sys/kernel/config ' /proc/mounts ||
	mount -t configfs configfs /sys/kernel/config || die "mount configfs"
on_exit nvmet_teardown

mkdir "$SUB" "$NS" || die "nvmet subsystem"
echo 1 >"$SUB/attr_allow_any_host"
echo /dev/nvme0n1 >"$NS/device_path"
dmesg_mark
check_fail "p2pmem naming a device without P2PDMA memory (the NVMe) is refused" \
	sh -c "echo $NVME_PCI >$NS/p2pmem"
check "... and the kernel log says so" \
	dmesg_has "$NVME_PCI: PCI device has no peer-to-peer memory"
check "p2pmem = iopmem's PCI device is accepted" sh -c "echo $IOPMEM_PCI >$NS/p2pmem"
check_eq "... and reads back" "$IOPMEM_PCI" "$(cat "$NS/p2pmem")"
dmesg_mark
check "the namespace enables: P2PDMA allows iopmem and the NVMe behind one switch" \
	sh -c "echo 1 >$NS/enable"
check_eq "... enable reads 1, the kernel logged no refusal" "1 " \
	"$(cat "$NS/enable") $(dmesg_since_mark | grep -E 'peer-to-peer|p2pmem' | tr '\n' ' ')"

mkdir "$PORT" || die "nvmet port"
echo rdma >"$PORT/addr_trtype"
echo ipv4 >"$PORT/addr_adrfam"
echo "$RXE_IP" >"$PORT/addr_traddr"
echo 4420 >"$PORT/addr_trsvcid"
check "the RDMA port serves the subsystem" ln -s "$SUB" "$PORT/subsystems/$NQN"
check "nvmet-rdma listens on $RXE_IP:4420" \
	dmesg_has "enabling port 1 \\($RXE_IP:4420\\)"

dmesg_mark
check "nvme-rdma connects over soft-RoCE" \
	sh -c "echo nqn=$NQN,transport=rdma,traddr=$RXE_IP,trsvcid=4420,reconnect_delay=1 >/dev/nvme-fabrics"
dev='' ctrl=''
for _c in /sys/class/nvme/nvme*; do
	grep -qx "$NQN" "$_c/subsysnqn" 2>/dev/null && dev=/dev/${_c##*/}n1 ctrl=$_c
done
i=0
while [ -n "$dev" ] && [ ! -b "$dev" ] && [ $i -lt 100 ]; do
	sleep 0.2
	i=$((i + 1))
done
check "the fabric namespace appears ($dev)" test -b "$dev"
bar=$(($(bar_start $IOPMEM_PCI 2)))
p2p_buf bar "$bar" 0 $((512 * M)) 0
p2p_buf fabric 0 0 $((4 * M)) $AT
check "fio writes and verifies 4 MiB through the fabric" \
	fio --name=fabric --filename="$dev" --direct=1 --ioengine=psync \
	--rw=write --bs=128k --offset=$AT --size=4M --verify=crc32c \
	--do_verify=1 --output=/tmp/fio.out
check_eq "p2pmem: the pool is whole (nothing holds a P2PDMA buffer)" \
	$((512 * M)) "$(cat $P2PMEM/available)"
check_fail "the target did not use p2pmem for this client (rxe has no PCI device)" \
	dmesg_has "using p2pmem on"

# The port stops serving the subsystem while the client is connected and
# the namespace names iopmem: the target drops the controller (on the
# KASAN kernel, with kmemleak after the scenario), the client reconnects
# once the port serves it again.
check "unlink the subsystem from the port while the client is connected" \
	rm "$PORT/subsystems/$NQN"
check "... the client's controller leaves the live state" \
	ctrl_state_soon "$ctrl" '!' live
check "link it again" ln -s "$SUB" "$PORT/subsystems/$NQN"
check "... and the client reconnects" ctrl_state_soon "$ctrl" = live

# iopmem goes while the namespace names it and a client is connected:
# nothing holds pool memory (see above), so unbind does not wait, and the
# target keeps serving from host memory.
check "unbind iopmem while the namespace names it and a client is connected" \
	pci_unbind $IOPMEM_PCI
check_fail "p2pmem/ is gone" test -e $P2PMEM
check "fio through the fabric still writes and verifies (host memory)" \
	fio --name=after --filename="$dev" --direct=1 --ioengine=psync \
	--rw=write --bs=128k --offset=$P2P_CONTROL --size=1M --verify=crc32c \
	--do_verify=1 --output=/tmp/fio.out

nvmet_teardown
check_fail "the fabric controller is gone" test -b "$dev"
check "rmmod" rmmod iopmem
