# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for host hooks (bash), sourced after lib.sh.
#
#   host_check_pattern TAG [FILE]   the guest printed "# hostcheck TAG OFFSET"
#                                   after writing `pattern TAG` at OFFSET of
#                                   the BAR (default BAR0_FILE): check it

host_check_pattern() {
	local tag=$1 file=${2:-$BAR0_FILE} off
	off=$(sed -n "s/^# hostcheck $tag \([0-9]*\)\$/\1/p" "$GUEST_LOG" | tail -n 1)
	if [[ -z $off ]]; then
		not_ok "host: guest reported where pattern $tag went"
		return
	fi
	if cmp -s <(pattern "$tag") <(dd if="$file" bs=4096 skip=$((off / 4096)) count=1 status=none); then
		ok "host: pattern $tag is in the BAR backing file at offset $off"
	else
		not_ok "host: pattern $tag is in the BAR backing file at offset $off"
		info "found instead:"
		dd if="$file" bs=4096 skip=$((off / 4096)) count=1 status=none | head -c 256 | od -c | sed 's/^/#   /'
	fi
}

# host_fill_pattern TAG FILE OFFSET LEN : write `pattern TAG` repeatedly
# over LEN bytes of FILE at OFFSET (LEN a multiple of 4 KiB).
host_fill_pattern() {
	local tag=$1 file=$2 off=$3 len=$4 block
	block=$(mktemp)
	pattern "$tag" >"$block"
	for ((i = 0; i < len / 4096; i++)); do cat "$block"; done |
		dd of="$file" bs=1M seek=$((off / 1048576)) iflag=fullblock conv=notrunc status=none
	rm -f "$block"
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

# host_check_p2p : after the p2p scenarios' jobs: the pattern from the NVMe
# image is in the BAR at the buffer's place, and fio's buffer pattern
# ("iopmem-p2p") is at the start of each block it wrote to the NVMe image
# (8 blocks of 2040 KiB).
host_check_p2p() {
	host_check_pattern p2p
	host_check_text iopmem-p2p "$NVME0_IMG" 0
	host_check_text iopmem-p2p "$NVME0_IMG" $((7 * 2040 * 1024))
}
