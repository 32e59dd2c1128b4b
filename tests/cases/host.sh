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

# host_check_p2p : after the p2p scenarios' jobs: the pattern from the NVMe
# image is in the BAR at the buffer's place, and fio's buffer pattern
# ("iopmem-p2p") is at the start of each block it wrote to the NVMe image
# (8 blocks of 2040 KiB).
host_check_p2p() {
	host_check_pattern p2p
	host_check_text iopmem-p2p "$NVME0_IMG" 0
	host_check_text iopmem-p2p "$NVME0_IMG" $((7 * 2040 * 1024))
}
