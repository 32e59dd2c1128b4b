#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# iopmemctl check with the BAR and an NVMe drive behind one PCIe switch
# (the topology of p2p/p2pdma, where the 7.2 kernel's P2PDMA lets the
# drive DMA into the BAR): the verdict is "works", naming the switch's
# upstream port (found here by its TI XIO3130 IDs), the ports whose ACS the
# kernel would look at are the ones on the way up to it, each read from
# config space, and the BAR is described as its resource says. Controls:
# a device on the root bus gets the host-bridge refusal, the root port's
# ACS control register reads as a walk of its config space in shell finds
# it, and P2P request redirect set there, with the root port as the peer
# (so the common bridge), makes the verdict a refusal naming the port.
# No P2PDMA kernel needed.
# vm: machine q35
# vm: device pcie-root-port id=rp0 chassis=1 slot=1 bus=pcie.0 addr=04.0
# vm: device x3130-upstream id=up0 bus=rp0
# vm: device xio3130-downstream id=dp0 bus=up0 chassis=2 slot=0
# vm: device xio3130-downstream id=dp1 bus=up0 chassis=3 slot=1
# vm: ivshmem 512M bus=dp0
# vm: nvme 96M bus=dp1
# results: 12
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
# QEMU's switch ports have no ACS capability (a redirect verdict is
# tested against a fake tree on the host); its root port has one: what
# iopmemctl reports for it must be what the config space holds.
rp=0000:00:04.0
pos=$(acs_pos $rp)
want=none
[ -n "$pos" ] && want=$(printf '0x%04x' "$(od -An -tu2 -j $((pos + 6)) -N2 "$D/$rp/config" | tr -d ' ')")
info "ACS of $rp at ${pos:-nowhere}"
check_eq "the root port's ACS control register as config space has it" "$want" \
	"$(iopmemctl check $rp --peer 00:1f.2 --json | jq -r '.[0].peers[0].provider_path[0].acs')"
# The root port as a peer makes it the common bridge, whose ACS the kernel
# checks: P2P request redirect set there in config space turns the verdict
# into a refusal naming it, and clearing it turns it back.
if [ -n "$pos" ]; then
	ctl=$((pos + 6))
	old=$(od -An -tu1 -j $ctl -N1 "$D/$rp/config" | tr -d ' ')
	put_byte() {
		printf '%b' "\\0$(printf %03o "$1")" |
			dd of="$D/$rp/config" bs=1 seek=$ctl conv=notrunc 2>/dev/null
	}
	on_exit "put_byte $old"
	put_byte $((old | 4))
	check_eq "ACS P2P request redirect on the common bridge $rp: refused, the fix names it" \
		"refused $rp boot with pci=disable_acs_redir=$rp" \
		"$(iopmemctl check "$dev" --peer $rp --json | jq -r '.[0].peers[0] | "\(.verdict) \(.common_upstream) \(.fix | sub(" \\(.*"; ""))"')"
	put_byte "$old"
	check_eq "... cleared again: works" "works $rp" \
		"$(iopmemctl check "$dev" --peer $rp --json | jq -r '.[0].peers[0] | "\(.verdict) \(.common_upstream)"')"
else
	skip "ACS P2P request redirect on the common bridge $rp" "no ACS capability"
	skip "... cleared again" "no ACS capability"
fi
