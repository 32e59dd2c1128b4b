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
