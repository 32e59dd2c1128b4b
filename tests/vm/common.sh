# shellcheck shell=bash
# shellcheck disable=SC2034 # variables for the scripts that source this
# Shared host-side helpers of the QEMU rig. Sourced, never run.

# Repository root and the places the rig writes to. The kernel cache lives
# outside the repository so that `git clean` does not throw away ~200 MB of
# downloads; build/ and out/ are gitignored.
RIG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$RIG_DIR/../.." && pwd)
# IOPMEM_CASES_DIR: another scenario tree (tests/vm/selftest.sh uses it).
CASES_DIR=${IOPMEM_CASES_DIR:-$REPO_DIR/tests/cases}
CACHE_DIR=${IOPMEM_CACHE:-/var/cache/iopmem}
# IOPMEM_OUT_DIR: logs elsewhere (the selftest runs check.sh inside check.sh).
OUT_DIR=${IOPMEM_OUT_DIR:-$REPO_DIR/out}
BUILD_DIR=$REPO_DIR/build

# log MSG... : progress message on stderr, so stdout stays usable for values.
log() { printf '%s\n' "$*" >&2; }

# die MSG... : abort with a message that should say the cause and the fix.
die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# need_cmd CMD PACKAGE : fail early with the fix instead of "command not found".
need_cmd() {
	command -v "$1" >/dev/null 2>&1 ||
		die "'$1' not found; run tests/vm/setup.sh (it installs package '$2')"
}

# hash_stdin : short content hash used as a cache key.
hash_stdin() { sha256sum | cut -c1-16; }
