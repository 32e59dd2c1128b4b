#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The rig fails what is broken: tests/vm/selftest.sh runs check.sh on
# scenarios that must fail (a WARN before a power cut, all results SKIP,
# fewer results than declared, no DONE marker, a failing pre hook or
# host-only script, a hung host script, a QMP command QEMU refuses, a
# KASAN report, a kmemleak leak, ...) and on a module that does not
# compile; one result per fixture. The KASAN and kmemleak fixtures need the
# debug kernel and are SKIPs elsewhere, so the default plan runs this on
# 7.2 only; `make check KERNEL=6.1 TESTS=rig/selftest` runs it on 6.1.
# Inside make check it boots one guest at a time.
# host-only
# kernels: 7.2
# results: 29
# vm: timeout 1500
set -uo pipefail
IOPMEM_JOBS=1 tests/vm/selftest.sh
