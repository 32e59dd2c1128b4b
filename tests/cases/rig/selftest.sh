#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The rig fails what is broken: tests/vm/selftest.sh runs check.sh on
# scenarios that must fail (a WARN before a power cut, all results SKIP,
# fewer results than declared, no DONE marker, a failing pre hook or
# host-only script, a hung host script, a QMP command QEMU refuses, a
# KASAN report, a kmemleak leak, ...) and on a module that does not
# compile, and passes what is sound (a QMP line that reaches the host in
# two pieces, two scenarios sharing a guest, the fresh guest after one that
# left what the rig cannot undo); one result per fixture, one guest at a time. The KASAN and
# kmemleak fixtures need the debug kernel and are SKIPs elsewhere; the
# others check the runner, and on the (slow) debug kernel they are SKIPs
# (-q). So the default plan runs this on 6.1 and 7.2, not on 6.12.
# host-only
# kernels: 6.1 7.2
# results: 39
# vm: timeout 1500
set -uo pipefail
IOPMEM_JOBS=1 tests/vm/selftest.sh -q
