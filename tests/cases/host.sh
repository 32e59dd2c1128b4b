# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for host hooks (bash), sourced after lib.sh.
#
#   host_check_pattern TAG [FILE]   the guest printed "# hostcheck TAG OFFSET"
#                                   after writing `pattern TAG` at OFFSET of
#                                   the BAR (default BAR0_FILE): check it
#   host_fill_pattern TAG FILE OFFSET LEN   `pattern TAG` over a range
#   host_check_layout TAG FILE LEN:C...     the guest printed "# hostlayout
#                                   TAG OFFSET": FILE holds that layout there
#   host_check_text TEXT FILE OFFSET        fio's buffer_pattern at OFFSET

host_check_pattern() {
	local tag=$1 file=${2:-$BAR0_FILE} off
	off=$(sed -n "s/^# hostcheck $tag \([0-9]*\)\$/\1/p" "$GUEST_LOG" | tail -n 1)
	if [[ -z $off ]]; then
		not_ok "host: guest reported where pattern $tag went"
		return
	fi
	if cmp -s <(pattern "$tag") <(dd if="$file" bs=4096 skip=$((off / 4096)) count=1 status=none); then
		ok "host: pattern $tag is in $(basename "$file") at offset $off"
	else
		not_ok "host: pattern $tag is in $(basename "$file") at offset $off"
		info "found instead:"
		dd if="$file" bs=4096 skip=$((off / 4096)) count=1 status=none | head -c 256 | od -c | sed 's/^/#   /'
	fi
}

# host_fill_pattern TAG FILE OFFSET LEN : write `pattern TAG` repeatedly
# over LEN bytes of FILE at OFFSET (LEN a multiple of 4 KiB), a MiB at a time.
host_fill_pattern() {
	local tag=$1 file=$2 off=$3 len=$4 mib i
	mib=$(mktemp)
	pattern "$tag" >"$mib"
	# 2^8 copies of 4 KiB: 1 MiB.
	for ((i = 0; i < 8; i++)); do cat "$mib" "$mib" >"$mib.2" && mv "$mib.2" "$mib"; done
	{
		for ((i = 0; i < len / 1048576; i++)); do cat "$mib"; done
		head -c $((len % 1048576)) "$mib"
	} | dd of="$file" bs=1M oflag=seek_bytes seek="$off" iflag=fullblock conv=notrunc status=none
	rm -f "$mib"
}

# host_check_layout TAG FILE LEN:C... : the guest printed "# hostlayout TAG
# OFFSET"; FILE holds `layout LEN:C...` at OFFSET.
host_check_layout() {
	local tag=$1 file=$2 off len out
	shift 2
	off=$(sed -n "s/^# hostlayout $tag \([0-9]*\)\$/\1/p" "$GUEST_LOG" | tail -n 1)
	if [[ -z $off ]]; then
		not_ok "host: guest reported where $tag is"
		return
	fi
	len=$(layout "$@" | wc -c)
	if out=$(cmp <(layout "$@") <(dd if="$file" iflag=skip_bytes,count_bytes \
		skip="$off" count="$len" status=none) 2>&1); then
		ok "host: $tag at offset $off of $(basename "$file") is $*"
	else
		not_ok "host: $tag at offset $off of $(basename "$file") is $*"
		info "$out"
	fi
}

# host_check_text TEXT FILE OFFSET : FILE at OFFSET starts with TEXT
# repeated (fio's buffer_pattern), checked over 4 KiB.
host_check_text() {
	local text=$1 file=$2 off=$3 want
	want=$(awk -v t="$text" 'BEGIN { while (length(s) < 4096) s = s t; printf "%s", substr(s, 1, 4096) }' | sha256sum)
	if [[ $(dd if="$file" bs=4096 skip=$((off / 4096)) count=1 status=none | sha256sum) == "$want" ]]; then
		ok "host: '$text' repeated at offset $off of $(basename "$file")"
	else
		not_ok "host: '$text' repeated at offset $off of $(basename "$file")"
		dd if="$file" bs=4096 skip=$((off / 4096)) count=1 status=none | head -c 128 | od -c | sed 's/^/#   /'
	fi
}

# NVME_TRACE: the QEMU trace events (log backend: to QEMU's stderr, which
# the rig keeps as $SCENARIO_DIR/qemu.out) that nvme_dma_bytes reads.  A
# scenario asks for them with this header line:
#   # vm: qemu -trace pci_nvme_io_cmd -trace pci_nvme_admin_cmd -trace pci_nvme_read -trace pci_nvme_write -trace pci_nvme_map_addr
# QEMU traces pci_nvme_read/_write before it maps the command's data, and
# pci_nvme_map_addr for every piece of guest memory it maps for DMA (each
# PRP entry or SGL data descriptor), one command after another.

# nvme_dma_bytes OP LO HI SLBA_LO SLBA_HI : "INSIDE TOTAL": of the data
# that QEMU's NVMe controller mapped for DMA for the OP commands (r: reads,
# the device writes to memory; w: writes, it reads memory) starting at a
# byte offset in [SLBA_LO, SLBA_HI) of the namespace (512-byte LBAs),
# INSIDE bytes were in guest-physical [LO, HI), TOTAL in all.
nvme_dma_bytes() {
	awk -v op="$1" -v lo="$2" -v hi="$3" -v slo="$4" -v shi="$5" '
	function hex(s,  i, n) {
		s = tolower(s)
		sub(/^0x/, "", s)
		n = 0
		for (i = 1; i <= length(s); i++)
			n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return n
	}
	function num(s) { return s ~ /^0x/ ? hex(s) : s + 0 }
	function field(name,  rest) {
		rest = substr($0, index($0, " " name " ") + length(name) + 2)
		sub(/ .*/, "", rest)
		return rest
	}
	BEGIN { lo = num(lo); hi = num(hi); slo = num(slo); shi = num(shi) }
	/pci_nvme_(io|admin)_cmd / { cur = "" }
	/pci_nvme_read / || /pci_nvme_write / {
		b = hex(field("lba")) * 512
		cur = (b >= slo && b < shi) ? (/pci_nvme_read / ? "r" : "w") : ""
	}
	/pci_nvme_map_addr / && cur == op {
		a = hex(field("addr"))
		n = field("len") + 0
		total += n
		s = a > lo ? a : lo
		e = a + n < hi ? a + n : hi
		if (e > s) inside += e - s
	}
	END { printf "%d %d\n", inside, total }
	' "$SCENARIO_DIR/qemu.out"
}

# host_check_dma DESC OP LO HI SLBA_LO SLBA_HI MIN : at least MIN bytes of
# those commands' DMA (see nvme_dma_bytes) went to [LO, HI), and all of it.
host_check_dma() {
	local desc=$1 inside total
	read -r inside total < <(nvme_dma_bytes "${@:2:5}")
	info "$desc: $inside of $total bytes of NVMe DMA in [$3, $4)"
	if ((inside >= $7 && inside == total)); then
		ok "host: $desc"
	else
		not_ok "host: $desc"
	fi
}

# guest_p2p_buf NAME FIELD : from the guest's line "# p2p-buf NAME PHYS
# OFFSET LEN NVME_OFFSET" (tests/cases/p2p/p2p.inc): field 1 the buffer's
# guest-physical start, 2 its offset in BAR0, 3 its length, 4 where its job
# ran in the NVMe namespace.  NAME bar: the BAR itself.
guest_p2p_buf() {
	awk -v n="$1" -v f="$2" '$1 == "#" && $2 == "p2p-buf" && $3 == n { v = $(3 + f) } END { print v }' "$GUEST_LOG"
}

# host_check_p2p : after the jobs of p2p/p2p.inc, whose buffers and places
# in the NVMe namespace (24 MiB each) the guest names in "# p2p-buf" lines:
#   - the host's pattern (the pre hook's, at P2P_IN_NVME) is in the BAR at
#     in's place, and fio's buffer pattern ("iopmem-p2p") at out's place:
#     out was the source of what reached the NVMe image, at the start of
#     each block it wrote there (8 blocks of 2040 KiB);
#   - QEMU's trace: all the NVMe device's DMA for each job went to its
#     buffer in the BAR, 16 MiB at least: reads into in and verify, writes
#     from verify and out.  Neither a CPU copy nor a bounce buffer
#     (swiotlb) sat between the device and the BAR;
#   - control: a job whose buffer is RAM has its DMA traced, outside the
#     BAR: the trace check fails on a buffer that is not the BAR.
# shellcheck disable=SC2034 # used by the pre hooks
P2P_IN_NVME=$((8 * 1048576))
host_check_p2p() {
	local M=1048576 name op phys len at
	host_check_pattern p2p
	host_check_text iopmem-p2p "$BAR0_FILE" "$(guest_p2p_buf out 2)"
	at=$(guest_p2p_buf out 4)
	host_check_text iopmem-p2p "$NVME0_IMG" "$at"
	host_check_text iopmem-p2p "$NVME0_IMG" $((at + 7 * 2040 * 1024))
	for name in in:r verify:r verify:w out:w; do
		op=${name#*:} name=${name%:*}
		phys=$(guest_p2p_buf "$name" 1) len=$(guest_p2p_buf "$name" 3)
		at=$(guest_p2p_buf "$name" 4)
		if [[ -z $phys || -z $len || -z $at ]]; then
			not_ok "host: the guest named buffer $name"
			continue
		fi
		host_check_dma "$([[ $op == r ]] && echo reads into || echo writes from) $name: all NVMe DMA in the buffer" \
			"$op" "$phys" $((phys + len)) "$at" $((at + 24 * M)) $((16 * M))
	done
	host_check_dma_outside_bar "control: a job's DMA into RAM is traced, outside the BAR" ram
}

# host_check_dma_outside_bar DESC NAME : the reads of buffer NAME's job
# (16 MiB at least) were all traced at addresses outside the BAR.
host_check_dma_outside_bar() {
	local M=1048576 bar barlen at inside total
	bar=$(guest_p2p_buf bar 1) barlen=$(guest_p2p_buf bar 3)
	at=$(guest_p2p_buf "$2" 4)
	read -r inside total < <(nvme_dma_bytes r "${bar:-0}" $((bar + barlen)) "${at:-0}" $((at + 24 * M)))
	info "$1: $total bytes of NVMe DMA, $inside in the BAR"
	if [[ -n $bar && -n $at ]] && ((total >= 16 * M && inside == 0)); then
		ok "host: $1"
	else
		not_ok "host: $1"
	fi
}
