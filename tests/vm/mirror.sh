# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The Debian archive the rig fetches from (setup.sh's kernels, the DKMS
# build root of packaging/dkms-guest): never a host name written here.

# host_debian_mirror : the archive this host's own apt sources take its
# release from (the entry for its codename, not -security or -updates), so a
# local mirror or proxy set up for the host serves the other suites too.
host_debian_mirror() {
	local codename uri release
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[[ -n $codename ]] || return 1
	# shellcheck disable=SC2016 # apt's format fields, not shell
	while read -r uri release; do
		[[ $release == "$codename" ]] && { echo "${uri%/}"; return 0; }
	done < <(apt-get indextargets --no-release-info \
		--format '$(REPO_URI) $(RELEASE)' 'Identifier: Packages' 2>/dev/null)
	return 1
}

# The suites that are not the host's own (kernels.conf) come from the same
# archive; IOPMEM_DEBIAN_MIRROR overrides it.
debian_mirror() {
	if [[ -n ${IOPMEM_DEBIAN_MIRROR:-} ]]; then
		echo "$IOPMEM_DEBIAN_MIRROR"
	elif ! host_debian_mirror; then
		die "no Debian archive for this host's release in its apt sources (apt-get indextargets); set IOPMEM_DEBIAN_MIRROR=URL of a Debian mirror"
	fi
}
