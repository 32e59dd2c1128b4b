#!/bin/sh
# expect: FAIL BUG: KASAN: slab-use-after-free
# needs: CONFIG_KASAN
# results: 1
# The test module reads memory it has just freed (tests/kasan): KASAN's
# report must fail the scenario although every result passes.
# shellcheck source=tests/cases/lib.sh
. /tests/lib.sh
check "load the module that reads freed memory" modprobe iopmem_test_kasan
rmmod iopmem_test_kasan
