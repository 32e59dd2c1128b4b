#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iopmemctl check with the BAR and an NVMe drive behind one PCIe switch
# (the topology of p2p/p2pdma, where the 7.2 kernel's P2PDMA lets the
# drive DMA into the BAR): the verdict is "works", naming the switch's
# upstream port (found here by its TI XIO3130 IDs), the ports whose ACS the
# kernel would look at are the ones on the way up to it, each read from
# config space, and the BAR is described as its resource says. Controls:
# a device on the root bus gets the host-bridge refusal, and, where the
# downstream port has ACS, setting P2P request redirect there turns the
# verdict into a refusal naming that port. No P2PDMA kernel needed.
# vm: machine q35
# vm: device pcie-root-port id=rp0 chassis=1 slot=1 bus=pcie.0 addr=04.0
# vm: device x3130-upstream id=up0 bus=rp0
# vm: device xio3130-downstream id=dp0 bus=up0 chassis=2 slot=0
# vm: device xio3130-downstream id=dp1 bus=up0 chassis=3 slot=1
# vm: ivshmem 512M bus=dp0
# vm: nvme 96M bus=dp1
# results: 11
. /tests/lib.sh
. /tests/iopmem.sh

IOPMEM_PCI=0000:03:00.0
D=/sys/bus/pci/devices

# pci_find FILE VALUE [FILE VALUE] : the devices whose sysfs FILEs read so.
pci_find() {
	for _p in "$D"/*; do
		[ "$(cat "$_p/$1")" = "$2" ] || continue
		[ -z "${3:-}" ] || [ "$(cat "$_p/$3")" = "$4" ] || continue
		echo "${_p##*/}"
	done
}
# parent PCI : the bridge above PCI.
parent() {
	_r=$(readlink -f "$D/$1")
	_r=${_r%/*}
	echo "${_r##*/}"
}
# acs_pos PCI : the offset of PCI's ACS capability in config space, or "".
acs_pos() {
	_pos=256
	while [ "$_pos" -ge 256 ]; do
		_h=$(od -An -tu4 -j "$_pos" -N4 "$D/$1/config" | tr -d ' ')
		[ -n "$_h" ] && [ "$_h" -ne 0 ] || return
		[ $((_h & 0xffff)) -eq 13 ] && echo "$_pos" && return
		_pos=$(((_h >> 20) & 0xffc))
	done
}

nvme=$(pci_find class 0x010802)
up=$(pci_find vendor 0x104c device 0x8232)
info "nvme $nvme, switch upstream port $up"
if [ -z "$nvme" ] || [ -z "$up" ]; then
	die "no NVMe drive or switch"
fi
check "modprobe iopmem" iopmem_load
dev=$(iopmem_bind $IOPMEM_PCI) || die "bind"

j=$(iopmemctl check "$dev" --peer "$nvme" --json)
info "$j"
check_eq "peer behind the same switch: works, below its upstream port" \
	"works $up" "$(echo "$j" | jq -r '.[0].peers[0] | "\(.verdict) \(.common_upstream)"')"
check_eq "ACS is looked at where the kernel does: up to the common port, and below it on the peer's side" \
	"$IOPMEM_PCI $(parent $IOPMEM_PCI) $up / $nvme $(parent "$nvme")" \
	"$(echo "$j" | jq -r '.[0].peers[0] | "\([.provider_path[].pci] | join(" ")) / \([.peer_path[].pci] | join(" "))"')"
check_eq "... each port's ACS read from config space (none unknown)" "" \
	"$(echo "$j" | jq -r '.[0].peers[0] | [.provider_path[], .peer_path[] | select(.acs == "unknown") | .pci] | join(" ")')"
start=$(awk 'NR == 3 { print $1 }' "$D/$IOPMEM_PCI/resource")
above=false
[ $((start)) -ge $((1 << 32)) ] && above=true
check_eq "the BAR: 2, 512 MiB, prefetchable, 64-bit, above 4 GiB as its resource says" \
	"2 536870912 true true $above" \
	"$(echo "$j" | jq -r '.[0].bar | "\(.index) \(.size) \(.prefetchable) \(."64bit") \(.above_4g)"')"
check_eq "no IOMMU" "none none" "$(echo "$j" | jq -r '"\(.[0].iommu) \(.[0].peers[0].iommu)"')"
check "the table names the verdict and the switch" \
	sh -c "iopmemctl check $dev --peer $nvme | grep -q '^  peer $nvme: works: both are below $up'"
check "without --peer: the NVMe drive is a peer" \
	sh -c "iopmemctl check $dev --json | jq -e '[.[0].peers[].pci] | index(\"$nvme\")'"

# Controls.
hb="$(cut -c3- "$D/0000:00:00.0/vendor"):$(cut -c3- "$D/0000:00:00.0/device")"
check_eq "a device on the root bus: refused, the host bridge $hb not allowed" \
	"refused null host bridge $hb" \
	"$(iopmemctl check "$dev" --peer 00:1f.2 --json | jq -r '.[0].peers[0] | "\(.verdict) \(.common_upstream) \(.reason | sub(".* (?<h>host bridge [0-9a-f:]+):.*"; "\(.h)"))"')"
dp=$(parent "$nvme")
pos=$(acs_pos "$dp")
if [ -n "$pos" ]; then
	ctl=$((pos + 6))
	old=$(od -An -tu1 -j $ctl -N1 "$D/$dp/config" | tr -d ' ')
	printf '%b' "\\0$(printf %03o $((old | 4)))" |
		dd of="$D/$dp/config" bs=1 seek=$ctl conv=notrunc 2>/dev/null
	check_eq "ACS P2P request redirect on $dp: refused, the fix names it" \
		"refused boot with pci=disable_acs_redir=$dp" \
		"$(iopmemctl check "$dev" --peer "$nvme" --json | jq -r '.[0].peers[0] | "\(.verdict) \(.fix | sub(" \\(.*"; ""))"')"
	printf '%b' "\\0$(printf %03o "$old")" |
		dd of="$D/$dp/config" bs=1 seek=$ctl conv=notrunc 2>/dev/null
	check_eq "redirect cleared again: works" works \
		"$(iopmemctl check "$dev" --peer "$nvme" --json | jq -r '.[0].peers[0].verdict')"
else
	skip "ACS P2P request redirect on $dp" "QEMU's downstream port has no ACS capability"
	skip "redirect cleared again" "QEMU's downstream port has no ACS capability"
fi
check "rmmod" iopmem_unload
