#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iopmemctl check with the BAR and an NVMe drive on the root bus of q35's
# host bridge (the topology of p2p/p2pdma-hostbridge, where the 7.2 kernel
# refuses their P2PDMA): no common upstream bridge, the host bridge
# (read here from 00:00.0) is not on the kernel's allow list: refused,
# with that reason and the switch as the fix. The tool needs no driver:
# the device is checked by PCI address before iopmem is loaded, then by
# name.
# vm: machine q35
# vm: ivshmem 512M addr=04.0
# vm: nvme 96M addr=05.0
# results: 6
. /tests/lib.sh
. /tests/iopmem.sh

D=/sys/bus/pci/devices
nvme=0000:00:05.0
hb="$(cut -c3- "$D/0000:00:00.0/vendor"):$(cut -c3- "$D/0000:00:00.0/device")"
info "host bridge device $hb"

j=$(iopmemctl check "$IOPMEM_PCI" --peer $nvme --json)
info "$j"
check_eq "both on the root bus: no upstream bridge, host bridge pci0000:00" \
	"pci0000:00 0 pci0000:00" \
	"$(echo "$j" | jq -r '.[0] | "\(.host_bridge) \(.upstream | length) \(.peers[0].host_bridge)"')"
check_eq "refused through host bridge $hb, no common bridge" \
	"refused null host bridge $hb" \
	"$(echo "$j" | jq -r '.[0].peers[0] | "\(.verdict) \(.common_upstream) \(.reason | sub(".* (?<h>host bridge [0-9a-f:]+):.*"; "\(.h)"))"')"
check_eq "... the fix: one PCIe switch" \
	"put both devices behind one PCIe switch (or under a host bridge the kernel allows)" \
	"$(echo "$j" | jq -r '.[0].peers[0].fix')"
check "the table says refused" \
	sh -c "iopmemctl check $IOPMEM_PCI --peer $nvme | grep -q '^  peer $nvme: refused: no common upstream bridge'"

check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind "$IOPMEM_PCI") || die "bind"
check_eq "check $dev without --peer: the NVMe drive, refused" "$IOPMEM_PCI $nvme refused" \
	"$(iopmemctl check "$dev" --json | jq -r '.[0] | "\(.pci) \([.peers[] | select(.pci == "'"$nvme"'") | "\(.pci) \(.verdict)"] | join(" "))"')"
